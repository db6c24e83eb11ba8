import Fluent
import Foundation
import PasserelleCore
@testable import PasserelleServer
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The capacity dashboards and the yearly report: figures kept as requests change,
/// checked against the same figures computed here from the requests themselves.
@Suite struct CapacityTests {
    @Test func theReportOfASeededYearMatchesFiguresComputedFromTheRequests() async throws {
        try await withPasserelle { app in
            _ = try await RequestDemoGenerator().generate(scale: 1, app: app)
            let today = app.today
            let first = RequestStats.month(of: today)
            let to = first.adding(days: -1)
            let from = CalendarDate(year: first.year - 1, month: first.month, day: 1)!
            let days = app.workingDays

            // Independently: each demo request has its filing step and at most one later step.
            let sql = app.db.sql
            let rows = try await sql.raw("""
                SELECT r.filed_on, r.expected_on, r.rating, s.status, s.on_date FROM requests r
                LEFT JOIN request_steps s ON s.request_id = r.id AND s.event = 'demo'
                """).all()
            var filed = 0, closed = 0, answered = 0, onTime = 0
            var answerDays: [Int] = [], closeDays: [Int] = [], ratings: [Int: Int] = [:]
            for row in rows {
                let filedOn = try #require(CalendarDate(iso: try row.decode(column: "filed_on", as: String.self)))
                if filedOn >= from && filedOn <= to { filed += 1 }
                guard let text = try row.decode(column: "on_date", as: String?.self), let on = CalendarDate(iso: text) else { continue }
                let status = RequestStatus(rawValue: try row.decode(column: "status", as: String.self))!
                let inPeriod = on >= from && on <= to
                let inMonths = on >= RequestStats.month(of: from) && on <= to
                if status == .answered || status == .closed {
                    if inPeriod {
                        answered += 1
                        if on <= CalendarDate(iso: try row.decode(column: "expected_on", as: String.self))! { onTime += 1 }
                    }
                    if inMonths { answerDays.append(days.count(from: filedOn, to: on)) }
                }
                if status.isFinal {
                    if inPeriod { closed += 1 }
                    if inMonths { closeDays.append(days.count(from: filedOn, to: on)) }
                }
                if inMonths, let rating = try row.decode(column: "rating", as: Int?.self) { ratings[rating, default: 0] += 1 }
            }
            func median(_ values: [Int]) -> Int? {
                let sorted = values.sorted()
                return sorted.isEmpty ? nil : sorted[(sorted.count - 1) / 2]
            }
            #expect(filed > 4_000)

            let figures = try await CapacityQueries.figures(from: from, to: to, unit: nil, backlog: false, today: today, language: .frCA, on: app.db)
            #expect(figures.filed == filed)
            #expect(figures.closed == closed)
            #expect(figures.onTime == .init(onTime: onTime, total: answered))
            #expect(figures.medianAnswerDays == median(answerDays))
            #expect(figures.medianCloseDays == median(closeDays))
            #expect(figures.ratings == ratings)
            #expect(figures.weeks.map(\.filed).reduce(0, +) == filed)
            #expect(figures.byType.map(\.rate.total).reduce(0, +) == answered)
            #expect(figures.byUnit.map(\.rate.total).reduce(0, +) == answered)
            // Nobody under the minimum is listed.
            #expect(figures.byAgent.allSatisfy { $0.rate.total >= CapacityQueries.minimumVolume })

            // A database that had requests before the counters gets the same figures from its steps.
            try await sql.raw("DELETE FROM request_stats").run()
            try await RequestStats.backfill(on: app.db, days: days)
            let replayed = try await CapacityQueries.figures(from: from, to: to, unit: nil, backlog: false, today: today, language: .frCA, on: app.db)
            #expect(replayed.filed == filed && replayed.closed == closed && replayed.onTime == figures.onTime)
            #expect(replayed.medianAnswerDays == figures.medianAnswerDays && replayed.medianCloseDays == figures.medianCloseDays)
            #expect(replayed.ratings == ratings && replayed.byAgent.map(\.name) == figures.byAgent.map(\.name))

            // The backlog: open requests without an answer, by age, as the requests say.
            let open = try await sql.raw("""
                SELECT filed_on FROM requests WHERE status NOT IN ('closed', 'transferred', 'merged', 'answered')
                """).all().map { try CalendarDate(iso: $0.decode(column: "filed_on", as: String.self))! }
            var bands = [0, 0, 0, 0]
            for day in open {
                let age = today.dayNumber - day.dayNumber
                bands[age < 10 ? 0 : age < 30 ? 1 : age < 90 ? 2 : 3] += 1
            }
            #expect(try await CapacityQueries.backlog(unit: nil, today: today, on: app.db) == bands)

            // The report page shows them, with the year before, for the ministry only.
            try await IdentityFixtures.person("gestion@mtmd.test", on: app, roles: [("unite-bcam", .manager)])
            try await IdentityFixtures.person("greffe@rdl.test", on: app, roles: [("mun-12072", .rse)])
            let manager = Browser(app)
            try await manager.signIn("gestion@mtmd.test")
            let report = try await manager.send(.GET, "/capacite/bilan")
            #expect(report.status == .ok)
            #expect(AccessibilityCheck.problems(in: report.body.string).isEmpty)
            let l = Localizer(.frCA)
            #expect(report.body.string.contains(">\(l.format.integer(filed))<"))
            #expect(report.body.string.contains(l.format.date(from)) && report.body.string.contains(l.format.date(to)))
            let dashboard = try await manager.send(.GET, "/capacite?unite=unite-bcam")
            #expect(dashboard.status == .ok && dashboard.body.string.contains("<svg"))
            #expect(AccessibilityCheck.problems(in: dashboard.body.string).isEmpty)
            let bad = try await manager.send(.GET, "/capacite?du=hier&unite=nulle-part")
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("#champ-du") && bad.body.string.contains("#champ-unite"))
            let csv = try await manager.send(.GET, "/capacite.csv?du=\(from.iso)&au=\(to.iso)")
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            let lines = csv.body.string.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("\u{FEFF}indicateur,dimension,valeur,sur") == true)
            let filedInCSV = lines.filter { $0.hasPrefix("Déposées,") }.compactMap { Int($0.split(separator: ",")[2]) }.reduce(0, +)
            #expect(filedInCSV == filed)
            // The same figures as JSON, in the shapes the OpenAPI document gives.
            let api = try await manager.send(.GET, "/api/v1/capacite/bilan")
            #expect(api.status == .ok)
            #expect(OpenAPICheck.problems(Data(api.body.readableBytesView), against: "CapacityReport") == [])
            let json = try JSONDecoder().decode(CapacityAPI.ReportDTO.self, from: Data(api.body.readableBytesView))
            #expect(json.periode.deposees == filed && json.periode.fermees == closed && json.periode.du == from.iso && json.periode.au == to.iso)
            #expect(json.periode.dans_les_delais.total == answered && json.periode.dans_les_delais.dans_les_delais == onTime)
            #expect(json.periode.appreciations.values.reduce(0, +) == ratings.values.reduce(0, +) && json.periode.arrieres == nil)
            #expect(json.periode_precedente.au == from.adding(days: -1).iso)
            let unitJSON = try await manager.send(.GET, "/api/v1/capacite?unite=unite-bcam")
            #expect(unitJSON.status == .ok)
            #expect(OpenAPICheck.problems(Data(unitJSON.body.readableBytesView), against: "CapacityFigures") == [])
            #expect(try JSONDecoder().decode(CapacityAPI.FiguresDTO.self, from: Data(unitJSON.body.readableBytesView)).arrieres?.count == 4)
            let badJSON = try await manager.send(.GET, "/api/v1/capacite?du=hier&unite=nulle-part")
            #expect(badJSON.status == .badRequest)
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(badJSON.body.readableBytesView)) as? [String: Any])
            #expect(Set(((problem["errors"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }) == ["du", "unite"])
            let clerk = Browser(app)
            try await clerk.signIn("greffe@rdl.test")
            #expect(try await clerk.send(.GET, "/capacite").status == .forbidden)
            #expect(try await clerk.send(.GET, "/capacite/bilan").status == .forbidden)
            #expect(try await clerk.send(.GET, "/api/v1/capacite").status == .forbidden)
        }
    }

    @Test func countersFollowEachMoveAndAFailedChangeCountsNothing() async throws {
        try await withPasserelle { app in
            let type = try #require(try await RequestTypeModel.query(on: app.db).filter(\.$code == "autre").first())
            let unit = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == "unite-bcam").first())
            let day = CalendarDate(iso: "2026-11-18")!
            struct Failure: Error {}
            _ = try? await app.write { db in
                try await RequestStats.count(RequestStats.key(.filed, on: day, unit: unit.id!, type: type.id!), on: db)
                throw Failure()
            }
            for _ in 0..<3 {
                try await app.write { db in
                    try await RequestStats.count(RequestStats.key(.filed, on: day, unit: unit.id!, type: type.id!), on: db)
                    try await RequestStats.count(RequestStats.key(.answerDays, value: 400, on: day, unit: unit.id!, type: type.id!), on: db)
                }
            }
            let figures = try await CapacityQueries.figures(from: day, to: day, unit: unit.id, backlog: false, today: day, language: .frCA, on: app.db)
            #expect(figures.filed == 3)
            // Days are capped: one long wait does not make a histogram of its own.
            #expect(figures.medianAnswerDays == RequestStats.maxDays)
            #expect(CapacityQueries.median([1: 1, 2: 1, 9: 2]) == 2 && CapacityQueries.median([:]) == nil)
            #expect(CSV.field("=SOMME(A1)") == "'=SOMME(A1)" && CSV.field("a, \"b\"") == "\"a, \"\"b\"\"\"")
            #expect(CSV.field("-12") == "-12")
        }
    }
}
