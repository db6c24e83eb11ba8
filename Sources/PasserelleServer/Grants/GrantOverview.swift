import Fluent
import Foundation
import PasserelleCore
import Plot
import SQLKit
import Vapor

/// `/aide/tableau`: every program side by side for one government fiscal year — applications
/// submitted that year by stage, requested against the year's envelopes, approved, committed and
/// remaining — then the requests by region across programs; charts with their tables, and CSV.
struct GrantOverviewPages: Sendable {

    struct Row: Sendable {
        var program: GrantProgramModel
        var submitted = 0
        var underway = 0
        var approved = 0
        var refused = 0
        var requested: Int64 = 0
        var total: Int64 = 0
        var committed: Int64 = 0
        var approvedCents: Int64 = 0
        var remaining: Int64 { total - committed - approvedCents }
    }

    struct Overview: Sendable {
        var year: GovernmentFiscalYear
        var rows: [Row]
        var all: GrantPages.Dashboard
    }

    static let underway: Set<String> = ["submitted", "changes_requested", "in_evaluation", "evaluated", "pending_approval", "waitlisted"]

    static func overview(year: GovernmentFiscalYear, territory: TerritoryDirectory, on db: any Database) async throws -> Overview {
        let sql = db.sql
        let programs = try await GrantProgramModel.query(on: db).sort(\.$nameFr).all()
        var rows = Dictionary(uniqueKeysWithValues: programs.map { ($0.id!, Row(program: $0)) })
        let window = GrantPages.bounds(year)
        for row in try await sql.select().column("program_id").column("phase")
            .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .column(SQLAlias(SQLRaw("CAST(SUM(requested_cents) AS BIGINT)"), as: SQLIdentifier("cents")))
            .from(GrantApplicationModel.schema)
            .where("submitted_at", .greaterThanOrEqual, SQLBind(window.from)).where("submitted_at", .lessThan, SQLBind(window.to))
            .groupBy("program_id").groupBy("phase").all() {
            let id = try row.decode(column: "program_id", as: UUID.self)
            let phase = try row.decode(column: "phase", as: String.self)
            let n = try row.decode(column: "n", as: Int.self)
            guard rows[id] != nil, phase != "draft" else { continue }
            rows[id]!.submitted += n
            if phase != "withdrawn" { rows[id]!.requested += try row.decode(column: "cents", as: Int64?.self) ?? 0 }
            if Self.underway.contains(phase) { rows[id]!.underway += n }
            if phase == "approved" { rows[id]!.approved += n }
            if phase == "refused" || phase == "ineligible" { rows[id]!.refused += n }
        }
        for envelope in try await GrantEnvelopeModel.query(on: db).filter(\.$fiscalYear == year.description).all() {
            let id = envelope.$program.id
            guard rows[id] != nil else { continue }
            rows[id]!.total += envelope.totalCents
            rows[id]!.committed += envelope.committedCents
            rows[id]!.approvedCents += envelope.approvedCents
        }
        let all = try await GrantPages.dashboardData(nil, year: year, territory: territory, on: db)
        return Overview(year: year, rows: programs.compactMap { rows[$0.id!] }, all: all)
    }

    static func year(_ req: Request) -> GovernmentFiscalYear {
        req.query[String.self, at: "exercice"].flatMap(GovernmentFiscalYear.init) ?? GovernmentFiscalYear(containing: req.application.today)
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        let overview = try await Self.overview(year: Self.year(req), territory: req.application.territory.current, on: req.db)
        return GrantOverviewViews.page(Layout(req), overview: overview, current: GovernmentFiscalYear(containing: req.application.today),
                                       territory: req.application.territory.current).page(status: .ok)
    }

    @Sendable func csv(_ req: Request) async throws -> Response {
        let territory = req.application.territory.current
        let o = try await Self.overview(year: Self.year(req), territory: territory, on: req.db)
        let l = req.localizer
        var rows: [[String]] = [[l("grants.fiscal_year"), l("grants.program"), l("grants.overview.submitted"), l("grants.overview.underway"),
                                 l("grants.overview.approved"), l("grants.overview.refused"), l("grants.dashboard.requested"),
                                 l("grants.envelope.total"), l("grants.envelope.committed"), l("grants.envelope.approved"),
                                 l("grants.envelope.remaining")]]
        for r in o.rows {
            rows.append([o.year.description, r.program.name(l.language), String(r.submitted), String(r.underway), String(r.approved),
                         String(r.refused), MoneyInput.plain(r.requested), MoneyInput.plain(r.total), MoneyInput.plain(r.committed),
                         MoneyInput.plain(r.approvedCents), MoneyInput.plain(r.remaining)])
        }
        rows.append([])
        rows.append([l("grants.fiscal_year"), l("grants.region"), l("grants.count"), l("grants.dashboard.requested")])
        for r in o.all.byRegion {
            rows.append([o.year.description, territory.region(r.region)?.record.name ?? r.region, String(r.count), MoneyInput.plain(r.requested)])
        }
        return CSV.response(rows, filename: "aide-\(o.year.description).csv")
    }
}

enum GrantOverviewViews {
    static func page(_ layout: Layout, overview o: GrantOverviewPages.Overview, current: GovernmentFiscalYear,
                     territory: TerritoryDirectory) -> String {
        let l = layout.l
        let title = l("grants.overview.title", ["year": o.year.description])
        let money = { (cents: Int64) in GrantViews.money(l, cents) }
        let years = (0..<4).map { GovernmentFiscalYear(startYear: current.startYear + 1 - $0) }
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("grants.applications"), "/aide"), (l("grants.overview"), nil)],
            .h1(.text(title)),
            .p(.text(l("grants.overview.lead"))),
            .p(.text(l("grants.fiscal_year") + " : "), .group(years.map { y in
                y == o.year ? .strong(.text(y.description + " ")) : .group(H.a(y.description, href: "/aide/tableau?exercice=\(y)"), .text(" "))
            })),
            .p(H.a(l("grants.csv"), href: "/aide/tableau.csv?exercice=\(o.year)")),
            .h2(.text(l("grants.overview.money"))),
            Charts.bars(id: "programmes", title: l("grants.overview.money"), categories: o.rows.map { $0.program.code.uppercased() }, series: [
                .init(label: l("grants.dashboard.requested"), cssClass: "chart__bar", values: o.rows.map { Int($0.requested / 100) }),
                .init(label: l("grants.envelope.total"), cssClass: "chart__bar chart__bar--second", values: o.rows.map { Int($0.total / 100) }),
                .init(label: l("grants.envelope.approved"), cssClass: "chart__bar chart__bar--third", values: o.rows.map { Int($0.approvedCents / 100) }),
            ]),
            UI.table(caption: l("grants.overview.by_program"), columns: [
                .init(title: l("grants.program")), .init(title: l("grants.overview.submitted"), numeric: true),
                .init(title: l("grants.overview.underway"), numeric: true), .init(title: l("grants.overview.approved"), numeric: true),
                .init(title: l("grants.overview.refused"), numeric: true), .init(title: l("grants.dashboard.requested"), numeric: true),
                .init(title: l("grants.envelope.total"), numeric: true), .init(title: l("grants.envelope.committed"), numeric: true),
                .init(title: l("grants.envelope.approved"), numeric: true), .init(title: l("grants.envelope.remaining"), numeric: true),
            ], rows: o.rows.map { r in [
                H.a(r.program.name(l.language), href: "/programmes/\(r.program.code)/tableau"), .text(l.format.integer(r.submitted)),
                .text(l.format.integer(r.underway)), .text(l.format.integer(r.approved)), .text(l.format.integer(r.refused)),
                .text(money(r.requested)), .text(money(r.total)), .text(money(r.committed)), .text(money(r.approvedCents)),
                .text(money(r.remaining)),
            ] }),
            .h2(.text(l("grants.dashboard.by_region"))),
            Charts.rows(id: "regions", title: l("grants.dashboard.by_region"), rows: o.all.byRegion.map {
                (territory.region($0.region)?.record.name ?? $0.region, Double($0.requested) / 100, money($0.requested))
            }),
            UI.table(caption: l("grants.dashboard.by_region"), columns: [.init(title: l("grants.region")), .init(title: l("grants.count"), numeric: true),
                                                                        .init(title: l("grants.requested"), numeric: true)],
                     rows: o.all.byRegion.map { [.text(territory.region($0.region).map { "\($0.record.name) (\($0.record.code))" } ?? $0.region),
                                                 .text(l.format.integer($0.count)), .text(money($0.requested))] }))
    }
}
