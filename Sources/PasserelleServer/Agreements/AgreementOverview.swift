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

    @Sendable func organisation(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let standing = try await AgreementQueries.standing(of: try organisation.requireID(), on: req.db)
        return AgreementOverviewViews.organisation(Layout(req), organisation: organisation, standing: standing,
                                                   today: req.application.today).page(status: .ok)
    }

    @Sendable func rollUp(_ req: Request) async throws -> Response {
        let territory = req.application.territory.current
        let region = req.query[String.self, at: "region"].flatMap { territory.region($0) == nil ? nil : $0 }
        let lines = try await AgreementQueries.rollUp(region: region, territory: territory, on: req.db)
        return AgreementOverviewViews.rollUp(Layout(req), region: region.flatMap { territory.region($0)?.record.name }, regionCode: region,
                                             lines: lines).page(status: .ok)
    }
}

enum AgreementOverviewViews {
    static func organisation(_ layout: Layout, organisation: OrganisationModel, standing s: AgreementQueries.Standing,
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

    static func rollUp(_ layout: Layout, region: String?, regionCode: String?, lines: [AgreementQueries.Line]) -> String {
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
