import Foundation
@testable import PasserelleCore
import Testing

func date(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

@Suite struct WorkingDaysTests {
    let calendar = HolidayCalendar.quebecPublicService

    @Test func dayNumbersWeekdaysAndEaster() {
        #expect(date("1970-01-01").dayNumber == 0)
        #expect(CalendarDate(dayNumber: 0) == date("1970-01-01"))
        #expect(date("2026-11-21").weekday == 6) // a Saturday
        #expect(date("2000-02-29").adding(days: 1) == date("2000-03-01"))
        #expect(date("2026-12-31").adding(days: 1) == date("2027-01-01"))
        for day in stride(from: -1000, through: 30_000, by: 37) {
            #expect(CalendarDate(dayNumber: day).dayNumber == day)
        }
        let easters = ["2019-04-21", "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2028-04-16", "2038-04-25"]
        for easter in easters { #expect(CalendarDate.easter(date(easter).year) == date(easter)) }
    }

    @Test func theThirteenHolidaysOf2026() {
        let days = calendar.holidays(in: 2026).keys.sorted().map(\.iso)
        #expect(days == ["2026-01-01", "2026-01-02", "2026-04-03", "2026-04-06", "2026-05-18", "2026-06-24", "2026-07-01",
                         "2026-09-07", "2026-10-12", "2026-12-24", "2026-12-25", "2026-12-28", "2026-12-31"])
        // December 26, 2026 is a Saturday and Friday the 25th is Christmas: observed Monday the 28th.
    }

    @Test func weekendHolidaysAreObservedOnAWorkingDay() {
        // June 24, 2028 is a Saturday: Friday the 23rd. June 24, 2029 is a Sunday: Monday the 25th
        // (Loi sur la fête nationale, art. 2).
        #expect(calendar.holidays(in: 2028)[date("2028-06-23")] == "fete_nationale")
        #expect(calendar.holidays(in: 2029)[date("2029-06-25")] == "fete_nationale")
        // The 2011 holidays season, as the public service observed it: December 23, 26, 27 and 30,
        // January 2 and 3.
        let season = calendar.days(from: 2011, through: 2012).holidays.keys
            .filter { $0 >= date("2011-12-20") && $0 <= date("2012-01-05") }.sorted().map(\.iso)
        #expect(season == ["2011-12-23", "2011-12-26", "2011-12-27", "2011-12-30", "2012-01-02", "2012-01-03"])
        // Without observation, the rules' own dates.
        var plain = calendar
        plain.observeOnWorkingDay = false
        #expect(plain.holidays(in: 2028)[date("2028-06-24")] == "fete_nationale")
    }

    @Test func governmentDaysAndRulesAreData() throws {
        var custom = calendar
        custom.extraDays = [date("2027-05-03")]
        #expect(custom.holidays(in: 2027)[date("2027-05-03")] == "government")
        let json = try JSONEncoder().encode(custom)
        #expect(try JSONDecoder().decode(HolidayCalendar.self, from: json) == custom)
        #expect(HolidayRule(key: "x", kind: .nthWeekday, month: 2, weekday: 1, nth: 5).date(in: 2026) == nil)
    }

    @Test func addingAndCountingWorkingDaysAcrossEaster() {
        let days = calendar.days(from: 2027, through: 2027)
        // Thursday March 25, 2027 + 1 working day: Good Friday and Easter Monday are off → Tuesday 30.
        #expect(days.adding(1, to: date("2027-03-25")) == date("2027-03-30"))
        #expect(days.count(from: date("2027-03-25"), to: date("2027-03-30")) == 1)
        #expect(days.adding(0, to: date("2027-03-27")) == date("2027-03-30"))
        #expect(days.count(from: date("2027-03-30"), to: date("2027-03-25")) == 0)
    }

    @Test func theClockPausesWhileWaitingForTheMunicipality() {
        let days = calendar.days(from: 2028, through: 2028)
        // Filed Monday June 19, 2028, 10 working days. June 23 (Friday) is the observed Fête
        // nationale; July 1 is a Saturday, observed Friday June 30: without pause, due Wednesday July 5.
        let filed = date("2028-06-19")
        let plain = ServiceClock(filedOn: filed, targetDays: 10, steps: [ServiceClock.Step(.assigned, on: filed)])
        #expect(plain.expectedOn(on: filed, in: days) == date("2028-07-05"))
        // Waiting for the municipality from Wednesday 21 to Tuesday 27: 3 working days paused
        // (22, 26, 27), the expected date moves by 3.
        let paused = ServiceClock(filedOn: filed, targetDays: 10, steps: [
            .init(.assigned, on: filed), .init(.awaitingMunicipality, on: date("2028-06-21")),
            .init(.inAnalysis, on: date("2028-06-27")),
        ])
        let elapsed = paused.elapsed(on: date("2028-06-28"), in: days)
        #expect(elapsed.running == 3)
        #expect(elapsed.paused == 3)
        #expect(paused.expectedOn(on: date("2028-06-28"), in: days) == date("2028-07-10"))
        #expect(paused.standing(on: date("2028-06-28"), in: days) == .onTime)
        #expect(paused.standing(on: date("2028-07-07"), in: days) == .dueSoon)
        #expect(paused.standing(on: date("2028-07-11"), in: days) == .overdue)
        let answered = ServiceClock(filedOn: filed, targetDays: 10, steps: [.init(.answered, on: date("2028-06-22"))])
        #expect(answered.standing(on: date("2028-08-01"), in: days) == .stopped)
    }

    @Test func eachStageCountsAgainstItsOwnTarget() {
        let days = calendar.days(from: 2028, through: 2028)
        // 10 working days, 2 of them for triage. Filed Monday June 19, 2028; triaged and assigned
        // Thursday 22 (3 working days: over its 2); waiting Tuesday 27 to Wednesday 28 (not counted);
        // in analysis since, reopened after the answer.
        let filed = date("2028-06-19")
        let clock = ServiceClock(filedOn: filed, targetDays: 10, triageDays: 2, steps: [
            .init(.received, on: filed), .init(.inTriage, on: date("2028-06-20")), .init(.assigned, on: date("2028-06-22")),
            .init(.awaitingMunicipality, on: date("2028-06-27")), .init(.inAnalysis, on: date("2028-06-28")),
        ])
        // June 23 (observed Fête nationale) is not a working day: analysis counts the 26th and 27th,
        // then the 29th; the 28th was spent waiting.
        let stages = clock.stages(on: date("2028-06-29"), in: days)
        #expect(stages.map(\.stage) == [.triage, .analysis])
        #expect(stages[0] == .init(stage: .triage, used: 3, target: 2, current: false))
        #expect(stages[0].overdue)
        #expect(stages[1] == .init(stage: .analysis, used: 3, target: 8, current: true))
        #expect(!stages[1].overdue)
        // While waiting, no stage is current and the days waited count in none.
        let waiting = ServiceClock(filedOn: filed, targetDays: 10, triageDays: 2, steps: [
            .init(.assigned, on: filed), .init(.awaitingMunicipality, on: date("2028-06-20")),
        ])
        #expect(waiting.stages(on: date("2028-06-30"), in: days)
                == [.init(stage: .triage, used: 0, target: 2, current: false), .init(stage: .analysis, used: 1, target: 8, current: false)])
        // A reopened request is back in triage; a triage target larger than the whole is capped.
        let reopened = ServiceClock(filedOn: filed, targetDays: 3, triageDays: 9, steps: [
            .init(.answered, on: date("2028-06-20")), .init(.reopened, on: date("2028-06-21")),
        ])
        #expect(reopened.stages(on: date("2028-06-22"), in: days)
                == [.init(stage: .triage, used: 2, target: 3, current: true), .init(stage: .analysis, used: 0, target: 0, current: false)])
    }
}

@Suite struct RequestWorkflowTests {
    @Test func theOrdinaryPath() throws {
        var status = RequestStatus.received
        for (event, party) in [(RequestEvent.startTriage, RequestParty.triage), (.assign, .triage), (.startAnalysis, .handler),
                               (.askMunicipality, .handler), (.municipalityReplies, .requester), (.answer, .handler),
                               (.close, .requester)] {
            status = try RequestWorkflow.next(from: status, on: event, by: party).get()
        }
        #expect(status == .closed)
        #expect(try RequestWorkflow.next(from: .closed, on: .reopen, by: .requester).get() == .reopened)
    }

    @Test func illegalTransitionsSayWhy() {
        #expect(RequestWorkflow.next(from: .received, on: .answer, by: .handler) == .failure(.notFrom(.received, .answer)))
        #expect(RequestWorkflow.next(from: .received, on: .assign, by: .requester) == .failure(.notAllowed(.requester, .assign)))
        #expect(RequestWorkflow.next(from: .closed, on: .transfer, by: .triage) == .failure(.notFrom(.closed, .transfer)))
        #expect(RequestWorkflow.next(from: .awaitingMunicipality, on: .municipalityReplies, by: .handler)
            == .failure(.notAllowed(.handler, .municipalityReplies)))
        #expect(RequestWorkflow.events(from: .awaitingMunicipality, by: .requester) == [.municipalityReplies])
        #expect(RequestWorkflow.events(from: .merged, by: .triage).isEmpty)
    }

    @Test func everyStatusButTheFinalOnesHasAWayOut() {
        for status in RequestStatus.allCases where !status.isFinal {
            let events = RequestParty.allCases.flatMap { RequestWorkflow.events(from: status, by: $0) }
            #expect(!events.isEmpty, "\(status)")
        }
    }
}
