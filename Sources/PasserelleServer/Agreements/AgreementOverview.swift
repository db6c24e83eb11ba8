import Fluent
import Foundation
import PasserelleCore
import Plot
import SQLKit
import Vapor

/// One municipality, one view (PAMAM 5.3): everything an organisation has with the ministry in
/// financial aid — its agreements, what is committed, paid and still to come by government year,
/// and the reports it owes — for the organisation and for the ministry; and the same rolled up by
/// region, then by MRC.
struct AgreementOverviewPages: Sendable {

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

    @Sendable func organisation(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let standing = try await Self.standing(of: try organisation.requireID(), on: req.db)
        return AgreementOverviewViews.organisation(Layout(req), organisation: organisation, standing: standing,
                                                   today: req.application.today).page(status: .ok)
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

    @Sendable func rollUp(_ req: Request) async throws -> Response {
        let territory = req.application.territory.current
        let region = req.query[String.self, at: "region"].flatMap { territory.region($0) == nil ? nil : $0 }
        let lines = try await Self.rollUp(region: region, territory: territory, on: req.db)
        return AgreementOverviewViews.rollUp(Layout(req), region: region.flatMap { territory.region($0)?.record.name }, regionCode: region,
                                             lines: lines).page(status: .ok)
    }
}

enum AgreementOverviewViews {
    static func organisation(_ layout: Layout, organisation: OrganisationModel, standing s: AgreementOverviewPages.Standing,
                             today: CalendarDate) -> String {
        let l = layout.l
        let money = { (cents: Int64) in AgreementViews.money(l, cents) }
        let title = l("overview.title", ["organisation": organisation.name])
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (organisation.name, nil)],
            .h1(.text(title)),
            .p(.text(l("overview.lead"))),
            UI.summaryList([(l("overview.committed"), .text(money(s.committed))), (l("agreements.paid"), .text(money(s.paid))),
                            (l("overview.to_come"), .text(money(s.toCome))),
                            (l("overview.reports_due"), .text(l.format.integer(s.reports.filter { $0.state != "submitted" }.count)))]),
            .h2(.text(l("overview.by_year"))),
            s.byYear.isEmpty ? .p(.text(l("overview.no_payment"))) : .group(
                Charts.bars(id: "exercices", title: l("overview.by_year"), categories: s.byYear.map(\.year), series: [
                    .init(label: l("agreements.paid"), cssClass: "chart__bar", values: s.byYear.map { Int($0.paid / 100) }),
                    .init(label: l("overview.to_come"), cssClass: "chart__bar chart__bar--second", values: s.byYear.map { Int($0.toCome / 100) }),
                ]),
                UI.table(caption: l("overview.by_year"), columns: [.init(title: l("agreements.government_year")),
                                                                   .init(title: l("agreements.paid"), numeric: true),
                                                                   .init(title: l("overview.to_come"), numeric: true)],
                         rows: s.byYear.map { [.text($0.year), .text(money($0.paid)), .text(money($0.toCome))] })),
            .h2(.text(l("overview.reports"))),
            s.reports.isEmpty ? .p(.text(l("overview.no_report"))) : UI.table(caption: l("overview.reports"), columns: [
                .init(title: l("agreements.number")), .init(title: l("agreements.report.kind")), .init(title: l("agreements.report.due")),
                .init(title: l("agreements.state")),
            ], rows: s.reports.map { r in [
                H.a(r.agreement, href: "/conventions/\(r.agreement)#rapports"),
                .text(l(r.isFinal ? "agreements.report.final" : "agreements.report.milestone")),
                .text(AgreementViews.day(l, r.dueOn) + (r.dueOn < today.iso && r.state != "submitted" ? " " + l("overview.late") : "")),
                AgreementViews.stateTag(l, r.state),
            ] }, captionHidden: true),
            .h2(.text(l("agreements.title"))),
            s.agreements.isEmpty ? .p(.text(l("agreements.none"))) : UI.table(caption: l("agreements.title"), columns: [
                .init(title: l("agreements.number")), .init(title: l("grants.title")), .init(title: l("agreements.amount"), numeric: true),
                .init(title: l("agreements.paid"), numeric: true), .init(title: l("agreements.state")),
            ], rows: s.agreements.map { a in [H.a(a.number, href: "/conventions/\(a.number)"), .text(a.title), .text(money(a.amountCents)),
                                              .text(money(a.paidCents)), AgreementViews.stateTag(l, a.state)] }, captionHidden: true))
    }

    static func rollUp(_ layout: Layout, region: String?, regionCode: String?, lines: [AgreementOverviewPages.Line]) -> String {
        let l = layout.l
        let money = { (cents: Int64) in AgreementViews.money(l, cents) }
        let title = region.map { l("overview.region_title", ["region": $0]) } ?? l("overview.rollup_title")
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("overview.rollup_title"), region == nil ? nil : "/aide/vue")]
                                 + (region.map { [($0, nil)] } ?? []),
            .h1(.text(title)),
            .p(.text(l("overview.rollup_lead"))),
            lines.isEmpty ? .p(.text(l("agreements.none"))) : .group(
                Charts.rows(id: "engage", title: l("overview.committed"), rows: lines.map { ($0.name, Double($0.committed) / 100, money($0.committed)) }),
                UI.table(caption: title, columns: [
                    .init(title: l(region == nil ? "grants.region" : "overview.mrc")), .init(title: l("agreements.title"), numeric: true),
                    .init(title: l("overview.committed"), numeric: true), .init(title: l("agreements.paid"), numeric: true),
                    .init(title: l("overview.to_come"), numeric: true),
                ], rows: lines.map { line in [
                    region == nil && line.code != "—" ? H.a("\(line.name) (\(line.code))", href: "/aide/vue?region=\(line.code)")
                        : .text("\(line.name) (\(line.code))"),
                    .text(l.format.integer(line.agreements)), .text(money(line.committed)), .text(money(line.paid)), .text(money(line.toCome)),
                ] })))
    }
}
