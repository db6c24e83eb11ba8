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

    /// What a run of today would take: its count and total.
    static func due(on day: CalendarDate, on db: any Database) async throws -> (count: Int, cents: Int64) {
        let row = try await db.sql.raw("""
            SELECT COUNT(*) AS n, CAST(COALESCE(SUM(p.cents), 0) AS BIGINT) AS total
            FROM \(unsafeRaw: AgreementPaymentModel.schema) p JOIN \(unsafeRaw: AgreementModel.schema) a ON a.id = p.agreement_id
            WHERE a.state = 'in_force' AND (p.state IN ('due', 'failed') OR (p.state = 'planned' AND p.due_on <= \(bind: day.iso)))
            """).first()
        // With the dated payments of the plans the run will write.
        let planned = try await Agreements.duePlanned(on: day, on: db).flatMap(\.lines).filter { $0.release == "date" }
        return (try (row?.decode(column: "n", as: Int.self) ?? 0) + planned.count,
                try (row?.decode(column: "total", as: Int64.self) ?? 0) + planned.reduce(0) { $0 + $1.cents })
    }

    func listPage(_ req: Request, errors: FormInput.Errors, form: [String: String], refused: [(agreement: String, cents: Int64, owed: Int64)],
                  status: HTTPResponseStatus) async throws -> Response {
        let runs = try await PaymentRunModel.query(on: req.db).sort(\.$createdAt, .descending).limit(100).all()
        let due = try await Self.due(on: req.application.today, on: req.db)
        return PaymentRunViews.list(Layout(req), runs: runs, due: due, today: req.application.today, errors: errors, form: form,
                                    csrf: CSRF.sessionToken(req)).page(status: status)
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

    func showPage(_ req: Request, _ run: PaymentRunModel, errors: FormInput.Errors, status: HTTPResponseStatus) async throws -> Response {
        let page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 10_000))
        let lines = try await Self.lines(run, range: ((page - 1) * Self.pageSize)..<(page * Self.pageSize), on: req.db)
        // The payments its preparation left out, as the journal has them.
        let refused = try await AuditEventModel.query(on: req.db).filter(\.$recordType == "payment_run").filter(\.$recordID == run.number)
            .filter(\.$action == "agreements.payment.refuse").all()
            .compactMap { try? JSONDecoder().decode([String: AuditChange].self, from: Data($0.changes.utf8)) }
            .map(Self.refusal)
        return PaymentRunViews.run(Layout(req), run: run, lines: lines, page: page, refused: refused, errors: errors,
                                   csrf: CSRF.sessionToken(req)).page(status: status)
    }

    /// A payment left out of a run, as its journal event says it.
    static func refusal(_ changes: [String: AuditChange]) -> (agreement: String, asked: Int64, owed: Int64) {
        let agreement: String = changes["agreement"]?.after ?? ""
        let asked: Int64 = changes["asked_cents"]?.after.flatMap { Int64($0) } ?? 0
        let owed: Int64 = changes["owed_cents"]?.after.flatMap { Int64($0) } ?? 0
        return (agreement, asked, owed)
    }

    struct Line: Sendable {
        var id: UUID
        var agreement: String
        var organisationCode: String
        var organisation: String
        var program: String
        var sequence: Int
        var kind: String
        var dueOn: String
        var governmentYear: String
        var municipalYear: Int
        var cents: Int64
        var state: String
    }

    static func lines(_ run: PaymentRunModel, range: Range<Int>? = nil, on db: any Database) async throws -> [Line] {
        let query = db.sql.select()
            .column(SQLColumn("id", table: "p")).column(SQLColumn("sequence", table: "p")).column(SQLColumn("kind", table: "p"))
            .column(SQLColumn("due_on", table: "p")).column(SQLColumn("government_year", table: "p"))
            .column(SQLColumn("municipal_year", table: "p")).column(SQLColumn("cents", table: "p")).column(SQLColumn("state", table: "p"))
            .column(SQLAlias(SQLColumn("number", table: "a"), as: SQLIdentifier("agreement")))
            .column(SQLAlias(SQLColumn("code", table: "o"), as: SQLIdentifier("organisation_code")))
            .column(SQLAlias(SQLColumn("name", table: "o"), as: SQLIdentifier("organisation")))
            .column(SQLAlias(SQLColumn("code", table: "g"), as: SQLIdentifier("program")))
            .from(SQLAlias(SQLIdentifier(AgreementPaymentModel.schema), as: SQLIdentifier("p")))
            .join(SQLAlias(SQLIdentifier(AgreementModel.schema), as: SQLIdentifier("a")),
                  on: SQLColumn("agreement_id", table: "p"), .equal, SQLColumn("id", table: "a"))
            .join(SQLAlias(SQLIdentifier(OrganisationModel.schema), as: SQLIdentifier("o")),
                  on: SQLColumn("organisation_id", table: "p"), .equal, SQLColumn("id", table: "o"))
            .join(SQLAlias(SQLIdentifier(GrantProgramModel.schema), as: SQLIdentifier("g")), method: SQLJoinMethod.left,
                  on: SQLColumn("program_id", table: "a"), .equal, SQLColumn("id", table: "g"))
            .where(SQLColumn("run_id", table: "p"), .equal, SQLBind(try run.requireID()))
            .orderBy(SQLColumn("number", table: "a")).orderBy(SQLColumn("sequence", table: "p"))
        if let range { query.limit(range.count).offset(range.lowerBound) }
        return try await query.all().map { row in
            Line(id: try row.decode(column: "id", as: UUID.self), agreement: try row.decode(column: "agreement", as: String.self),
                 organisationCode: try row.decode(column: "organisation_code", as: String.self),
                 organisation: try row.decode(column: "organisation", as: String.self),
                 program: try row.decode(column: "program", as: String?.self) ?? "",
                 sequence: try row.decode(column: "sequence", as: Int.self), kind: try row.decode(column: "kind", as: String.self),
                 dueOn: try row.decode(column: "due_on", as: String.self),
                 governmentYear: try row.decode(column: "government_year", as: String.self),
                 municipalYear: try row.decode(column: "municipal_year", as: Int.self), cents: try row.decode(column: "cents", as: Int64.self),
                 state: try row.decode(column: "state", as: String.self))
        }
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
        for (index, line) in try await Self.lines(run, on: req.db).enumerated() {
            rows.append([run.number, String(index + 1), line.agreement, String(line.sequence), line.kind, line.organisationCode,
                         line.organisation, line.program, Self.accountingCode(program: line.program, year: line.governmentYear),
                         line.governmentYear, String(line.municipalYear), line.dueOn, MoneyInput.plain(line.cents)])
        }
        return CSV.response(rows, filename: "\(run.number).csv")
    }

    /// `MTMD-PAFFSR-2627`: the program's account and the government year.
    static func accountingCode(program: String, year: String) -> String {
        let years = year.split(separator: "-").map { String($0.suffix(2)) }.joined()
        return "MTMD-" + (program.isEmpty ? "PROTOCOLE" : program.uppercased()) + "-" + years
    }
}
