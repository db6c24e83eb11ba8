import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The agreements' reads for a municipality's one view and the ministry's roll-up, taking a
/// database, not a `Request`.
enum AgreementQueries {
    struct Standing: Sendable {
        struct Agreement: Sendable {
            var number: String, title: String, amountCents: Int64, paidCents: Int64, state: String
        }
        struct Report: Sendable {
            var agreement: String, isFinal: Bool, dueOn: String, state: String
        }
        var agreements: [Agreement] = []
        var byYear: [(year: String, paid: Int64, toCome: Int64)] = []
        var reports: [Report] = []
        var committed: Int64 { agreements.filter { $0.state != "cancelled" }.reduce(0) { $0 + $1.amountCents } }
        var paid: Int64 { agreements.reduce(0) { $0 + $1.paidCents } }
        var toCome: Int64 { byYear.reduce(0) { $0 + $1.toCome } }
    }

    /// Four reads, each served by an index of the organisation (the payments' covers the sums by
    /// year), with only the columns the page shows: no model is decoded. The plans of the
    /// agreements in force add what they have not written yet.
    static func standing(of organisationID: UUID, on db: any Database) async throws -> Standing {
        let sql = db.sql
        var standing = Standing()
        standing.agreements = try await sql.raw("""
            SELECT number, title, amount_cents, paid_cents, state FROM \(unsafeRaw: AgreementModel.schema)
            WHERE organisation_id = \(bind: organisationID) ORDER BY created_at DESC, number DESC
            """).all().map {
            Standing.Agreement(number: try $0.decode(column: "number", as: String.self), title: try $0.decode(column: "title", as: String.self),
                               amountCents: try $0.decode(column: "amount_cents", as: Int64.self),
                               paidCents: try $0.decode(column: "paid_cents", as: Int64.self),
                               state: try $0.decode(column: "state", as: String.self))
        }
        let stored = try await sql.raw("""
            SELECT government_year,
              CAST(COALESCE(SUM(CASE WHEN state = 'paid' THEN cents ELSE 0 END), 0) AS BIGINT) AS paid,
              CAST(COALESCE(SUM(CASE WHEN state NOT IN ('paid', 'cancelled') THEN cents ELSE 0 END), 0) AS BIGINT) AS to_come
            FROM \(unsafeRaw: AgreementPaymentModel.schema) WHERE organisation_id = \(bind: organisationID)
            GROUP BY government_year ORDER BY government_year
            """).all().map {
            (try $0.decode(column: "government_year", as: String.self), try $0.decode(column: "paid", as: Int64.self),
             try $0.decode(column: "to_come", as: Int64.self))
        }
        // With the payments of the plans not written yet, all to come.
        var byYear = Dictionary(uniqueKeysWithValues: stored.map { ($0.0, ($0.1, $0.2)) })
        for (year, cents) in try await Agreements.plannedByYear(of: organisationID, on: db) {
            byYear[year, default: (0, 0)].1 += cents
        }
        standing.byYear = byYear.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1) }
        standing.reports = try await sql.raw("""
            SELECT a.number, r."final", r.due_on, r.state FROM \(unsafeRaw: AgreementReportModel.schema) r
            JOIN \(unsafeRaw: AgreementModel.schema) a ON a.id = r.agreement_id
            WHERE r.organisation_id = \(bind: organisationID) AND r.state IN ('expected', 'changes_requested', 'submitted')
            ORDER BY r.due_on, a.number LIMIT 50
            """).all().map {
            Standing.Report(agreement: try $0.decode(column: "number", as: String.self), isFinal: try $0.decode(column: "final", as: Bool.self),
                            dueOn: try $0.decode(column: "due_on", as: String.self), state: try $0.decode(column: "state", as: String.self))
        }
        return standing
    }

    struct Line: Sendable {
        var code: String
        var name: String
        var agreements = 0
        var committed: Int64 = 0
        var paid: Int64 = 0
        var toCome: Int64 { committed - paid }
    }

    /// Agreements in force or closed, added up by region (or, within a region, by MRC).
    static func rollUp(region: String?, territory: TerritoryDirectory, on db: any Database) async throws -> [Line] {
        let rows = try await db.sql.raw("""
            SELECT o.territory_code AS territory, COUNT(*) AS n, CAST(SUM(a.amount_cents) AS BIGINT) AS committed,
              CAST(SUM(a.paid_cents) AS BIGINT) AS paid
            FROM \(unsafeRaw: AgreementModel.schema) a JOIN \(unsafeRaw: OrganisationModel.schema) o ON o.id = a.organisation_id
            WHERE a.state IN ('in_force', 'closed')
            GROUP BY o.territory_code
            """).all()
        var lines: [String: Line] = [:]
        for row in rows {
            let code = try row.decode(column: "territory", as: String?.self) ?? ""
            let municipality = territory.municipality(code)
            let unit = territory.unit(municipality?.record.territoryUnitCode ?? code)
            let regionCode = municipality?.record.regionCode ?? unit?.record.regionCode ?? ""
            let key: String, name: String
            if let region {
                guard regionCode == region else { continue }
                key = unit?.record.code ?? "—"
                name = unit?.record.name ?? "—"
            } else {
                key = regionCode.isEmpty ? "—" : regionCode
                name = territory.region(regionCode)?.record.name ?? "—"
            }
            var line = lines[key] ?? Line(code: key, name: name)
            line.agreements += try row.decode(column: "n", as: Int.self)
            line.committed += try row.decode(column: "committed", as: Int64.self)
            line.paid += try row.decode(column: "paid", as: Int64.self)
            lines[key] = line
        }
        return lines.values.sorted { $0.code < $1.code }
    }

    // payment runs

    /// What a run of today would take: its count and total.
    static func dueForRun(on day: CalendarDate, on db: any Database) async throws -> (count: Int, cents: Int64) {
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

    /// A payment left out of a run, as its journal event says it.
    static func refusal(_ changes: [String: AuditChange]) -> (agreement: String, asked: Int64, owed: Int64) {
        let agreement: String = changes["agreement"]?.after ?? ""
        let asked: Int64 = changes["asked_cents"]?.after.flatMap { Int64($0) } ?? 0
        let owed: Int64 = changes["owed_cents"]?.after.flatMap { Int64($0) } ?? 0
        return (agreement, asked, owed)
    }

    /// One payment of a run, with its agreement, organisation and program.
    struct RunLine: Sendable {
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

    static func runLines(_ run: PaymentRunModel, range: Range<Int>? = nil, on db: any Database) async throws -> [RunLine] {
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
            RunLine(id: try row.decode(column: "id", as: UUID.self), agreement: try row.decode(column: "agreement", as: String.self),
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

    /// `MTMD-PAFFSR-2627`: the program's account and the government year.
    static func accountingCode(program: String, year: String) -> String {
        let years = year.split(separator: "-").map { String($0.suffix(2)) }.joined()
        return "MTMD-" + (program.isEmpty ? "PROTOCOLE" : program.uppercased()) + "-" + years
    }
}
