import Foundation
@testable import PasserelleCore
import Testing

@Suite struct ScheduleTests {
    let december = CalendarDate(year: 2026, month: 12, day: 1)!

    @Test func monthsAddUpToTheLastDayOfShorterMonths() {
        #expect(CalendarDate(year: 2027, month: 1, day: 31)!.adding(months: 1).iso == "2027-02-28")
        #expect(CalendarDate(year: 2027, month: 11, day: 15)!.adding(months: 14).iso == "2029-01-15")
        #expect(CalendarDate(year: 2028, month: 1, day: 31)!.adding(months: 1).iso == "2028-02-29")
    }

    @Test func aThreeYearScheduleSpansFourGovernmentYearsWithItsHoldback() {
        let terms = ScheduleTerms(totalCents: 100_000_00, start: december, months: 36, instalments: 3, holdbackBasisPoints: 1000,
                                  mode: .milestones)
        let lines = PaymentSchedule.make(terms)
        #expect(lines.map(\.dueOn.iso) == ["2026-12-01", "2027-12-01", "2028-12-01", "2029-12-01"])
        // 90 000 $ in three, the first taking the cent that does not divide; 10 000 $ held back.
        #expect(lines.map(\.cents) == [30_000_00, 30_000_00, 30_000_00, 10_000_00])
        #expect(lines.reduce(0) { $0 + $1.cents } == terms.totalCents)
        #expect(lines.map(\.release) == [.date, .report(1), .report(2), .finalReport])
        #expect(lines.map(\.governmentYear.description) == ["2026-2027", "2027-2028", "2028-2029", "2029-2030"])
        #expect(lines.map(\.municipalYear) == [2026, 2027, 2028, 2029])
        #expect(PaymentSchedule.commitments(lines).map(\.cents) == [30_000_00, 30_000_00, 30_000_00, 10_000_00])
    }

    @Test func centsThatDoNotDivideGoToTheFirstInstalments() {
        let lines = PaymentSchedule.make(ScheduleTerms(totalCents: 100_00, start: december, months: 12, instalments: 3))
        #expect(lines.map(\.cents) == [33_34, 33_33, 33_33])
        #expect(lines.allSatisfy { $0.release == .date && $0.kind == .instalment })
    }

    @Test func alignedInstalmentsFallEarlyInEachMunicipalYear() {
        let terms = ScheduleTerms(totalCents: 90_000_00, start: december, months: 36, instalments: 3, alignWithMunicipalYear: true)
        let lines = PaymentSchedule.make(terms)
        #expect(lines.map(\.dueOn.iso) == ["2026-12-01", "2027-02-15", "2028-02-15"])
        // Each municipal year gets one instalment; February is still in the government's year that ends on March 31.
        #expect(lines.map(\.municipalYear) == [2026, 2027, 2028])
        #expect(lines.map(\.governmentYear.description) == ["2026-2027", "2026-2027", "2027-2028"])
        #expect(PaymentSchedule.commitments(lines).map(\.cents) == [60_000_00, 30_000_00])
    }

    @Test func termsThatCannotBeScheduledSaySo() {
        var terms = ScheduleTerms(totalCents: 0, start: december, months: 0, instalments: 0, holdbackBasisPoints: 6000)
        terms.alignWithMunicipalYear = true
        terms.alignedMonth = 2
        terms.alignedDay = 30
        #expect(Set(terms.problems) == ["agreements.error.amount", "agreements.error.months", "agreements.error.instalments",
                                        "agreements.error.holdback", "agreements.error.aligned_day"])
        #expect(PaymentSchedule.make(terms).isEmpty)
    }

    @Test func termsReadBackFromTheirJSONWhateverWroteIt() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let all = [
            ScheduleTerms(totalCents: 40_000_00, start: december, months: 36, instalments: 3, holdbackBasisPoints: 1000, mode: .milestones),
            ScheduleTerms(totalCents: 5_000_000_00, start: december, months: 60, instalments: 5, alignWithMunicipalYear: true,
                          alignedMonth: 1, alignedDay: 31),
            ScheduleTerms(totalCents: -1, start: CalendarDate(year: 2028, month: 2, day: 29)!, months: 0, instalments: 41),
        ]
        for terms in all {
            let json = String(decoding: try encoder.encode(terms), as: UTF8.self)
            #expect(ScheduleTerms.scan(json) == terms, "the app's own JSON is read in one pass: \(json)")
            #expect(ScheduleTerms(json: json) == terms)
            // Written by another hand (spaces, keys in another order, a fraction): JSONDecoder reads it.
            let pretty = try JSONEncoder.pretty.encode(terms)
            #expect(ScheduleTerms.scan(String(decoding: pretty, as: UTF8.self)) == nil)
            #expect(ScheduleTerms(json: String(decoding: pretty, as: UTF8.self)) == terms)
        }
        #expect(ScheduleTerms(json: #"{"totalCents":1,"months":12}"#) == nil)
        #expect(ScheduleTerms(json: "nonsense") == nil)
        #expect(ScheduleTerms.scan(#"{"alignWithMunicipalYear":false,"alignedDay":15,"alignedMonth":2,"holdbackBasisPoints":0,"#
            + #""instalments":1,"mode":"fixed_dates","months":12,"start":"2026-12-01","totalCents":100.5}"#) == nil)
        #expect(ScheduleTerms(json: #"{"alignWithMunicipalYear":false,"alignedDay":15,"alignedMonth":2,"holdbackBasisPoints":0,"#
            + #""instalments":1,"mode":"weekly","months":12,"start":"2026-12-01","totalCents":100}"#) == nil)
    }
}

private extension JSONEncoder {
    static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        return encoder
    }
}
