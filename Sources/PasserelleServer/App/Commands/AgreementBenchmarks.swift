import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The agreements' scenarios: the schedules of 50,000 agreements computed and written;
/// a payment run over 100,000 due payments; and the one-municipality view with 1,000,000
/// payments stored. Each makes its data the first time (agreements numbered `BENCH-…`) and
/// leaves the database as it found it between iterations.
extension Benchmarks {
    static let agreementScenarios: [Scenario] = [
        Scenario(name: "agreements_schedules") { app, n in
            let organisations = try await benchOrganisations(app)
            var samples: [Duration] = []
            for _ in 0..<min(n, 3) {
                // 50,000 agreements of three years, three instalments each released by a report and
                // 10 % held back, coming into force: their schedules planned and started, timed.
                let terms = ScheduleTerms(totalCents: 100_000_00, start: app.today, months: 36, instalments: 3, holdbackBasisPoints: 1000,
                                          mode: .milestones)
                let ids = try await benchAgreements(app, count: 50_000, prefix: "BENCH-S-", organisations: organisations, terms: terms)
                // Read as they are stored (Fluent's models decode their fields when they are read, which
                // would move the reading into the timed part).
                let agreements = try await app.db.sql.raw("""
                    SELECT id, organisation_id, state, terms, schedule_plan FROM \(unsafeRaw: AgreementModel.schema)
                    WHERE number >= 'BENCH-S-' AND number < 'BENCH-S.'
                    """).all().map {
                    Stored(id: try $0.decode(column: "id", as: UUID.self), organisation: try $0.decode(column: "organisation_id", as: UUID.self),
                           state: try $0.decode(column: "state", as: String.self), terms: try $0.decode(column: "terms", as: String.self),
                           plan: try $0.decode(column: "schedule_plan", as: String?.self))
                }
                let start = ContinuousClock.now
                try await app.db.transaction { tx in
                    try await scheduleAll(agreements, on: tx.sql)
                }
                samples.append(ContinuousClock.now - start)
                try await dropBench(app, ids: ids)
            }
            return result("agreements_schedules", samples)
        },
        Scenario(name: "agreements_payment_run") { app, n in
            try await paymentsFixture(app)
            let caller = Caller(application: app, currentUser: nil, auditActor: .system("bench"))
            var samples: [Duration] = []
            var taken = 0
            for _ in 0..<min(n, 10) {
                let start = ContinuousClock.now
                let prepared = try await app.write { db in
                    try await Agreements.prepareRun(on: CalendarDate(year: 2026, month: 1, day: 31)!, as: caller, on: db)
                }
                samples.append(ContinuousClock.now - start)
                taken = prepared.run.count
                // Put everything back for the next iteration.
                let sql = app.db.sql
                try await sql.update(AgreementPaymentModel.schema).set("state", to: SQLBind("planned")).set("run_id", to: SQLBind(UUID?.none))
                    .where("run_id", .equal, SQLBind(try prepared.run.requireID())).run()
                try await sql.update(AgreementModel.schema).set("in_run_cents", to: SQLBind(Int64(0))).where("in_run_cents", .greaterThan, SQLBind(0))
                    .run()
                try await sql.delete(from: PaymentRunModel.schema).where("id", .equal, SQLBind(try prepared.run.requireID())).run()
            }
            FileHandle.standardError.write(Data("agreements_payment_run: \(taken) payments in the run\n".utf8))
            return result("agreements_payment_run", samples)
        },
        Scenario(name: "agreements_municipality_view") { app, n in
            try await paymentsFixture(app)
            let cookie = try await session(app, email: "programmes@passerelle.demo")
            let codes = try await benchOrganisations(app).map(\.code)
            return try await requests(app, n, name: "agreements_municipality_view",
                                      paths: codes.prefix(500).map { "/organisations/\($0)/aide-financiere" },
                                      headers: ["Cookie": "\(Sessions.cookieName)=\(cookie)"])
        },
    ]

    static func benchOrganisations(_ app: Application) async throws -> [OrganisationModel] {
        try await OrganisationModel.query(on: app.db).filter(\.$kind == .municipality).filter(\.$active == true).sort(\.$code).all()
    }

    /// Agreements in force, spread over the municipalities: of `terms` without any row of their
    /// schedule yet; or, without terms, of ten monthly instalments from January 15, 2026 written
    /// as rows (only the first of each is due by January 31).
    static func benchAgreements(_ app: Application, count: Int, prefix: String, organisations: [OrganisationModel], terms given: ScheduleTerms? = nil)
        async throws -> [UUID] {
        let start = CalendarDate(year: 2026, month: 1, day: 15)!
        let withPayments = given == nil
        return try await app.db.transaction { tx -> [UUID] in
            var ids: [UUID] = []
            let sql = tx.sql
            let now = Date()
            var agreements: [[any Encodable & Sendable]] = [], payments: [[LiteralRows.Cell]] = []
            func flush(force: Bool) async throws {
                // The agreements first, whenever payments are written (they refer to them).
                if agreements.count >= 2_000 || ((force || payments.count >= 2_000) && !agreements.isEmpty) {
                    try await bulkInsert(into: AgreementModel.schema, columns: ["id", "created_at", "updated_at", "version", "number", "kind",
                        "organisation_id", "title", "conditions", "amount_cents", "terms", "state", "revision", "paid_cents", "in_run_cents",
                        "language", "schedule_plan"], rows: agreements, on: tx)
                    agreements.removeAll(keepingCapacity: true)
                }
                while payments.count >= 2_000 || (force && !payments.isEmpty) {
                    let part = Array(payments.prefix(2_000))
                    payments.removeFirst(part.count)
                    try await LiteralRows.insert(into: AgreementPaymentModel.schema, columns: Agreements.paymentColumns, rows: part, on: sql)
                }
            }
            for i in 0..<count {
                let id = UUID.timeOrdered(at: now)
                ids.append(id)
                let organisation = organisations[i % organisations.count]
                let terms = given ?? ScheduleTerms(totalCents: 100_000_00, start: start, months: 10, instalments: 10)
                agreements.append([id, now, now, 1, prefix + String(format: "%07d", i), "protocole", try organisation.requireID(),
                                   "Banc d'essai", "", terms.totalCents, Agreements.json(terms), "in_force", 0, Int64(0), Int64(0), "fr-CA",
                                   withPayments ? "" : String?.none])
                if withPayments {
                    for line in SchedulePlan(terms: terms, firstSequence: 1, reportBase: 0).payments {
                        payments.append(Agreements.paymentRow(line, agreement: id, organisation: try organisation.requireID(), state: "planned", at: now))
                    }
                }
                try await flush(force: false)
            }
            try await flush(force: true)
            return ids
        }
    }

    /// 100,000 agreements of ten payments (1,000,000 payments), made once.
    static func paymentsFixture(_ app: Application) async throws {
        if try await AgreementModel.query(on: app.db).filter(\.$number == "BENCH-P-0099999").first() != nil { return }
        let organisations = try await benchOrganisations(app)
        _ = try await benchAgreements(app, count: 100_000, prefix: "BENCH-P-", organisations: organisations)
    }

    /// What signing does for each agreement, in bulk: its plan from its terms, its first report
    /// written, the day of its first dated payment recorded.
    struct Stored: Sendable {
        var id: UUID, organisation: UUID, state: String, terms: String, plan: String?
    }

    static func scheduleAll(_ agreements: [Stored], on sql: any SQLDatabase) async throws {
        var reports: [[LiteralRows.Cell]] = [], next: [String?: [UUID]] = [:]
        let now = Date()
        let clock = ContinuousClock(), began = clock.now
        for agreement in agreements {
            guard let plan = Agreements.plan(state: agreement.state, terms: agreement.terms, plan: agreement.plan) else { continue }
            let started = Agreements.start(plan, agreement: agreement.id, organisation: agreement.organisation, at: now)
            reports += started.reports
            next[started.nextPlannedOn, default: []].append(agreement.id)
        }
        let planned = clock.now
        try await LiteralRows.insert(into: AgreementReportModel.schema, columns: Agreements.reportColumns, rows: reports, on: sql)
        let written = clock.now
        defer {
            // Where the time goes, for docs/PERFORMANCE.md.
            FileHandle.standardError.write(Data(("agreements_schedules: plans \(planned - began), reports written \(written - planned), "
                + "days recorded \(clock.now - written)\n").utf8))
        }
        for (day, ids) in next where day != nil {
            for part in stride(from: 0, to: ids.count, by: 500) {
                try await sql.update(AgreementModel.schema).set("next_planned_on", to: SQLBind(day))
                    .where("id", .in, SQLBind.group(Array(ids[part..<min(part + 500, ids.count)]))).run()
            }
        }
    }

    static func dropBench(_ app: Application, ids: [UUID]) async throws {
        let sql = app.db.sql
        for part in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[part..<min(part + 500, ids.count)])
            try await sql.delete(from: AgreementPaymentModel.schema).where("agreement_id", .in, SQLBind.group(chunk)).run()
            try await sql.delete(from: AgreementReportModel.schema).where("agreement_id", .in, SQLBind.group(chunk)).run()
            try await sql.delete(from: AgreementModel.schema).where("id", .in, SQLBind.group(chunk)).run()
        }
    }
}
