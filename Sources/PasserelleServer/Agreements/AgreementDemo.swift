import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Agreements for the demo applications approved last year: signed by both sides a month after
/// the decision, three years in three instalments each released by a report, 10 % held back; the
/// first instalment paid, the first report submitted for one in three. Written in bulk in one
/// transaction with one journal event.
struct AgreementDemoGenerator: DemoGenerator {
    var name: String { "conventions" }

    func generate(scale: Int, app: Application) async throws -> String {
        let today = app.today
        let signed = today.adding(days: -300)
        let made = try await app.db.transaction { tx -> Int in
            let sql = tx.sql
            let approved = try await GrantApplicationModel.query(on: tx).filter(\.$phase == "approved").sort(\.$number).all()
            let existing = Set(try await AgreementModel.query(on: tx).all().compactMap { $0.$application.id })
            let decisions = Dictionary(try await GrantDecisionModel.query(on: tx).filter(\.$kind == "approve").filter(\.$state == "final").all()
                .map { ($0.$application.id, $0.amountCents) }, uniquingKeysWith: { a, _ in a })
            let start = try await sql.select().column("last").from(AgreementCounterModel.schema)
                .where("id", .equal, SQLBind(today.year * 10 + 1)).first()?.decode(column: "last", as: Int.self) ?? 0
            var counter = start
            var agreements: [[any Encodable & Sendable]] = [], payments: [[LiteralRows.Cell]] = [], reports: [[LiteralRows.Cell]] = []
            var firstReported: [UUID] = []
            let signedAt = signed.instant(hour: 10, minute: 0)
            for application in approved {
                guard let id = application.id, !existing.contains(id), let amount = decisions[id], amount > 0 else { continue }
                counter += 1
                let agreementID = UUID.timeOrdered()
                let terms = ScheduleTerms(totalCents: amount, start: signed, months: 36, instalments: 3, holdbackBasisPoints: 1000, mode: .milestones)
                let firstCents = PaymentSchedule.make(terms).first?.cents ?? 0
                let number = "CA-\(today.year)-" + String(format: "%06d", counter)
                let submitted = counter % 3 == 0
                agreements.append([agreementID, signedAt, signedAt, 1, number, "convention", id, application.$program.id,
                                   application.$organisation.id, application.title, "", amount, Agreements.json(terms), "in_force", 0,
                                   "Direction des programmes", signedAt, "Greffe de la municipalité", signedAt, firstCents, Int64(0),
                                   application.language])
                // The first instalment is a row, paid; the first report too; the rest is the plan's.
                let plan = SchedulePlan(terms: terms, firstSequence: 1, reportBase: 0)
                if let first = plan.payments.first {
                    var row = Agreements.paymentRow(first, agreement: agreementID, organisation: application.$organisation.id, state: "paid",
                                                    at: signedAt)
                    row[row.count - 1] = .text(signed.iso)
                    payments.append(row)
                }
                reports += Agreements.start(plan, agreement: agreementID, organisation: application.$organisation.id, at: signedAt).reports
                if submitted { firstReported.append(agreementID) }
            }
            try await bulkInsert(into: AgreementModel.schema, columns: ["id", "created_at", "updated_at", "version", "number", "kind",
                "application_id", "program_id", "organisation_id", "title", "conditions", "amount_cents", "terms", "state", "revision",
                "ministry_signed_by", "ministry_signed_at", "municipality_signed_by", "municipality_signed_at", "paid_cents", "in_run_cents",
                "language"], rows: agreements, on: tx)
            try await LiteralRows.insert(into: AgreementPaymentModel.schema, columns: Agreements.paymentColumns, rows: payments, on: sql)
            try await LiteralRows.insert(into: AgreementReportModel.schema, columns: Agreements.reportColumns, rows: reports, on: sql)
            // A third of the first reports submitted.
            for part in stride(from: 0, to: firstReported.count, by: 500) {
                try await sql.update(AgreementReportModel.schema).set("state", to: SQLBind("submitted"))
                    .set("answers", to: SQLBind(#"{"realisations":["Travaux de la première phase terminés"]}"#))
                    .set("submitted_at", to: SQLBind(app.now)).set("submitted_by", to: SQLBind("Greffe de la municipalité"))
                    .where("sequence", .equal, SQLBind(1))
                    .where("agreement_id", .in, SQLBind.group(Array(firstReported[part..<min(part + 500, firstReported.count)]))).run()
            }
            try await sql.raw("""
                INSERT INTO \(unsafeRaw: AgreementCounterModel.schema) (id, last) VALUES (\(bind: today.year * 10 + 1), \(bind: counter))
                ON CONFLICT (id) DO UPDATE SET last = \(bind: counter)
                """).run()
            try await Audit.record(on: tx, actor: .system("seed-demo"), action: "agreements.seed", recordType: "agreement", recordID: "demo",
                                   changes: ["agreements": .init(before: nil, after: String(agreements.count)),
                                             "payments": .init(before: nil, after: String(payments.count))])
            return agreements.count
        }
        return "\(made) conventions signées, leurs versements et leurs rapports"
    }
}
