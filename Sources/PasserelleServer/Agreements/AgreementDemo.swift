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
            let sql = tx as! any SQLDatabase
            let approved = try await GrantApplicationModel.query(on: tx).filter(\.$phase == "approved").sort(\.$number).all()
            let existing = Set(try await AgreementModel.query(on: tx).all().compactMap { $0.$application.id })
            let decisions = Dictionary(try await GrantDecisionModel.query(on: tx).filter(\.$kind == "approve").filter(\.$state == "final").all()
                .map { ($0.$application.id, $0.amountCents) }, uniquingKeysWith: { a, _ in a })
            let start = try await sql.select().column("last").from(AgreementCounterModel.schema)
                .where("id", .equal, SQLBind(today.year * 10 + 1)).first()?.decode(column: "last", as: Int.self) ?? 0
            var counter = start
            var agreements: [[any SQLExpression]] = [], payments: [[any SQLExpression]] = [], reports: [[any SQLExpression]] = []
            let signedAt = MeetingPages.instant(signed, hour: 10, minute: 0)
            for application in approved {
                guard let id = application.id, !existing.contains(id), let amount = decisions[id], amount > 0 else { continue }
                counter += 1
                let agreementID = UUID()
                let terms = ScheduleTerms(totalCents: amount, start: signed, months: 36, instalments: 3, holdbackBasisPoints: 1000, mode: .milestones)
                let lines = PaymentSchedule.make(terms)
                let number = "CA-\(today.year)-" + String(format: "%06d", counter)
                let submitted = counter % 3 == 0
                agreements.append([SQLBind(agreementID), SQLBind(signedAt), SQLBind(signedAt), SQLBind(1), SQLBind(number), SQLBind("convention"),
                                   SQLBind(id), SQLBind(application.$program.id), SQLBind(application.$organisation.id), SQLBind(application.title),
                                   SQLBind(""), SQLBind(amount), SQLBind(Agreements.json(terms)), SQLBind("in_force"), SQLBind(0),
                                   SQLBind("Direction des programmes"), SQLBind(signedAt), SQLBind("Greffe de la municipalité"), SQLBind(signedAt),
                                   SQLBind(lines.first?.cents ?? 0), SQLBind(Int64(0)), SQLBind(application.language)])
                for line in lines {
                    let release: String
                    switch line.release {
                    case .date: release = "date"
                    case .report(let n): release = "report:\(n)"
                    case .finalReport: release = "final"
                    }
                    let state = line.sequence == 1 ? "paid" : "awaiting_report"
                    payments.append([SQLBind(UUID()), SQLBind(signedAt), SQLBind(agreementID), SQLBind(application.$organisation.id),
                                     SQLBind(line.sequence), SQLBind(line.kind.rawValue), SQLBind(line.dueOn.iso), SQLBind(line.dueOn.iso),
                                     SQLBind(line.cents), SQLBind(line.governmentYear.description), SQLBind(line.municipalYear), SQLBind(release),
                                     SQLBind(state), SQLBind(UUID?.none), SQLBind(line.sequence == 1 ? signed.iso : nil)])
                }
                for report in Agreements.reportDates(lines, terms: terms) {
                    let done = submitted && report.sequence == 1
                    reports.append([SQLBind(UUID()), SQLBind(signedAt), SQLBind(1), SQLBind(agreementID), SQLBind(application.$organisation.id),
                                    SQLBind(report.sequence), SQLBind(report.final), SQLBind(report.due.iso), SQLBind(done ? "submitted" : "expected"),
                                    SQLBind(done ? #"{"realisations":["Travaux de la première phase terminés"]}"# : "{}"),
                                    SQLBind(done ? amount * 2 / 3 : 0), SQLBind(""), SQLBind(done ? app.now : nil),
                                    SQLBind(done ? "Greffe de la municipalité" : nil), SQLBind("")])
                }
            }
            func insert(_ table: String, _ columns: [String], _ rows: [[any SQLExpression]]) async throws {
                for part in stride(from: 0, to: rows.count, by: 400) {
                    var query = sql.insert(into: table).columns(columns)
                    for row in rows[part..<min(part + 400, rows.count)] { query = query.values(row) }
                    try await query.run()
                }
            }
            try await insert(AgreementModel.schema, ["id", "created_at", "updated_at", "version", "number", "kind", "application_id", "program_id",
                                                     "organisation_id", "title", "conditions", "amount_cents", "terms", "state", "revision",
                                                     "ministry_signed_by", "ministry_signed_at", "municipality_signed_by", "municipality_signed_at",
                                                     "paid_cents", "in_run_cents", "language"], agreements)
            try await insert(AgreementPaymentModel.schema, ["id", "created_at", "agreement_id", "organisation_id", "sequence", "kind", "due_on",
                                                            "planned_on", "cents", "government_year", "municipal_year", "release", "state", "run_id",
                                                            "paid_on"], payments)
            try await insert(AgreementReportModel.schema, ["id", "created_at", "version", "agreement_id", "organisation_id", "sequence", "final",
                                                           "due_on", "state", "answers", "costs_cents", "note", "submitted_at", "submitted_by",
                                                           "review_note"], reports)
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
