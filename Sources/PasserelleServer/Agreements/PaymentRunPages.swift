import Fluent
import Foundation
import PasserelleCore
import Plot
import SQLKit
import Vapor

/// `/paiements`: payment runs prepared for a day, approved within spending authority, exported
/// for the government's accounting system, and confirmed.
struct PaymentRunPages: Sendable {

    static func run(_ req: Request) async throws -> PaymentRunModel {
        guard let number = req.parameters.get("lot"),
              let run = try await PaymentRunModel.query(on: req.db).filter(\.$number == number).first() else { throw Problem.notFound() }
        return run
    }

    func listPage(_ req: Request, errors: FormInput.Errors, form: [String: String], refused: [(agreement: String, cents: Int64, owed: Int64)],
                  status: HTTPResponseStatus) async throws -> Response {
        // Every run, a hundred a page, newest first.
        let page = try FormInput.page(req)
        let total = try await PaymentRunModel.query(on: req.db).count()
        let runs = try await PaymentRunModel.query(on: req.db).sort(\.$createdAt, .descending).sort(\.$number, .descending)
            .range(((page - 1) * Self.runsPerPage)..<(page * Self.runsPerPage)).all()
        let due = try await AgreementQueries.dueForRun(on: req.application.today, on: req.db)
        return PaymentRunViews.list(Layout(req), runs: runs, due: due, today: req.application.today, errors: errors, form: form,
                                    csrf: CSRF.sessionToken(req), page: page,
                                    pageCount: max(1, (total + Self.runsPerPage - 1) / Self.runsPerPage)).page(status: status)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        try await listPage(req, errors: [], form: [:], refused: [], status: .ok)
    }

    @Sendable func prepare(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let form = FormInput.fields(req, ["date"])
        guard let day = CalendarDate(iso: form["date"] ?? "") else {
            return try await listPage(req, errors: [("date", req.localizer("agreements.error.date"))], form: form, refused: [],
                                      status: .unprocessableEntity)
        }
        let prepared = try await req.write { db in try await Agreements.prepareRun(on: day, as: req.caller, on: db) }
        return req.redirect(to: "/paiements/lots/\(prepared.run.number)" + (prepared.refused.isEmpty ? "" : "?refuses=\(prepared.refused.count)"),
                            redirectType: .normal)
    }

    static let pageSize = 200
    static let runsPerPage = 100

    func showPage(_ req: Request, _ run: PaymentRunModel, errors: FormInput.Errors, status: HTTPResponseStatus) async throws -> Response {
        let page = try FormInput.page(req)
        let lines = try await AgreementQueries.runLines(run, range: ((page - 1) * Self.pageSize)..<(page * Self.pageSize), on: req.db)
        // The payments its preparation left out, as the journal has them.
        let refused = try await AuditEventModel.query(on: req.db).filter(\.$recordType == "payment_run").filter(\.$recordID == run.number)
            .filter(\.$action == "agreements.payment.refuse").all()
            .compactMap { try? JSONDecoder().decode([String: AuditChange].self, from: Data($0.changes.utf8)) }
            .map(AgreementQueries.refusal)
        return PaymentRunViews.run(Layout(req), run: run, lines: lines, page: page, refused: refused, errors: errors,
                                   csrf: CSRF.sessionToken(req)).page(status: status)
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        try await showPage(req, try await Self.run(req), errors: [], status: .ok)
    }

    func change(_ req: Request, _ run: PaymentRunModel, field: String, _ work: @escaping @Sendable (any Database) async throws -> Void)
        async throws -> Response {
        do {
            try await req.write(work)
        } catch let refusal as Agreements.Refusal {
            let fresh = try await Self.run(req)
            return try await showPage(req, fresh, errors: [(field, AgreementPages.message(req.localizer, refusal))],
                                      status: AgreementPages.status(refusal))
        }
        return req.redirect(to: "/paiements/lots/\(run.number)", redirectType: .normal)
    }

    @Sendable func approve(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let run = try await Self.run(req)
        let version = AgreementPages.version(req)
        return try await change(req, run, field: "approbation") { db in
            try await Agreements.approveRun(run, version: version, as: req.caller, on: db)
        }
    }

    @Sendable func confirm(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let run = try await Self.run(req)
        let version = AgreementPages.version(req)
        let failed = Set(((try? req.content.get([String].self, at: "echoues")) ?? []).compactMap(UUID.init(uuidString:)))
        let cancelled = Set(((try? req.content.get([String].self, at: "annules")) ?? []).compactMap(UUID.init(uuidString:)))
        return try await change(req, run, field: "confirmation") { db in
            try await Agreements.confirmRun(run, failed: failed, cancelled: cancelled.subtracting(failed), version: version, as: req.caller, on: db)
        }
    }

    /// The file for the government's accounting system (documented in `docs/PAYMENTS.md`): one
    /// line per payment, with its accounting codes and both fiscal years. Only an approved run.
    @Sendable func export(_ req: Request) async throws -> Response {
        let run = try await Self.run(req)
        guard run.state == "approved" || run.state == "closed" else { throw Problem.notFound() }
        var rows: [[String]] = [["lot", "ligne", "convention", "versement", "type", "fournisseur", "beneficiaire", "programme",
                                 "code_comptable", "exercice_gouvernement", "exercice_municipal", "date_echeance", "montant"]]
        for (index, line) in try await AgreementQueries.runLines(run, on: req.db).enumerated() {
            rows.append([run.number, String(index + 1), line.agreement, String(line.sequence), line.kind, line.organisationCode,
                         line.organisation, line.program, AgreementQueries.accountingCode(program: line.program, year: line.governmentYear),
                         line.governmentYear, String(line.municipalYear), line.dueOn, MoneyInput.plain(line.cents)])
        }
        return CSV.response(rows, filename: "\(run.number).csv")
    }
}
