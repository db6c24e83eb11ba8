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
}
