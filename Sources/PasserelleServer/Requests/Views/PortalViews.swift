import Foundation
import PasserelleCore
import Plot

/// The signed-in person's home (`/accueil`).
enum PortalViews {
    /// A table of requests: number, title, (organisation), type, status, expected date with its standing.
    static func table(_ l: Localizer, caption: String, _ rows: [RequestModel], organisation: Bool, days: WorkingDays) -> BodyNode {
        var columns: [UI.Column] = [.init(title: l("request.number")), .init(title: l("request.title"))]
        if organisation { columns.append(.init(title: l("request.organisation"))) }
        columns += [.init(title: l("request.type")), .init(title: l("request.status")), .init(title: l("request.expected_on"))]
        return UI.table(caption: caption, columns: columns, rows: rows.map { m in
            let expected = CalendarDate(iso: m.expectedOn)
            var cells: [BodyNode] = [H.a(m.number, href: "/demandes/\(m.number)"), .text(m.title)]
            if organisation { cells.append(.text(m.$organisation.value?.name ?? "")) }
            cells += [.text(m.$type.value?.name(l.language) ?? ""), RequestViews.statusTag(l, m.status),
                      .group(.text(expected.map(l.format.date) ?? m.expectedOn), .text(" "),
                             RequestViews.standingTag(l, status: m.status, expected: expected, days: days))]
            return cells
        })
    }

    static func municipal(_ layout: Layout, user: CurrentUser, _ view: PortalHome.Municipal, days: WorkingDays) -> String {
        let l = layout.l
        let title = l("portal.title")
        let several = view.organisations.count > 1
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (title, nil)],
            .h1(.text(l("portal.hello", ["name": user.displayName]))),
            view.organisations.isEmpty ? .p(.text(l("portal.no_organisation"))) :
                .p(.text(l("portal.for", ["organisations": view.organisations.map(\.name).joined(separator: ", ")]))),
            view.canFile ? .p(H.a(l("request.new"), href: "/demandes/nouvelle", .class("button button--primary"))) : .empty,
            workPairs(l, view.newWorkPairs),
            view.drafts.isEmpty ? .empty : .group(
                .h2(.text(l("portal.drafts"))),
                H.ul(.group(view.drafts.map { d in
                    H.li(H.a(l("portal.draft_line", [
                        "title": d.title.isEmpty ? l("portal.untitled") : d.title, "organisation": d.organisation.name,
                        "date": l.format.date(CalendarDate(d.updatedAt ?? Date(), timeZone: CalendarDate.quebecTimeZone)),
                    ]), href: "/demandes/brouillons/\(d.id?.uuidString ?? "")"))
                }))),
            .h2(.text(l("portal.awaiting"))),
            view.awaiting.isEmpty ? .p(.text(l("portal.awaiting_none"))) : .group(
                UI.notice(l("portal.awaiting_hint"), kind: .warning),
                table(l, caption: l("portal.awaiting"), view.awaiting, organisation: several, days: days)),
            .h2(.text(l("portal.open"))),
            view.open.isEmpty ? .p(.text(l("portal.open_none"))) : .group(
                table(l, caption: l("portal.open"), view.open, organisation: several, days: days),
                .p(H.a(l("portal.open_all", ["count": l.format.integer(view.openTotal)]), href: "/demandes?statut=ouvertes"))),
            view.toRate.isEmpty ? .empty : .group(
                .h2(.text(l("portal.to_rate"))),
                .p(.text(l("portal.to_rate_hint"))),
                H.ul(.group(view.toRate.map { m in
                    H.li(H.a("\(m.number) — \(m.title)", href: "/demandes/\(m.number)#evaluation"))
                }))),
            .p(H.a(l("portal.all_requests"), href: "/demandes")),
            view.grants.isEmpty ? .empty : .group(
                .h2(.id("aide"), .text(l("portal.grants"))),
                UI.table(caption: l("portal.grants"), columns: [.init(title: l("grants.number")), .init(title: l("grants.title")),
                                                               .init(title: l("grants.program")), .init(title: l("grants.phase")),
                                                               .init(title: l("grants.letter"))],
                         rows: view.grants.map { g in
                             [H.a(g.number, href: "/aide/\(g.number)"), .text(g.title), .text(g.program.name(l.language)),
                              UI.tag(g.program.phaseName(g.phase, l.language), GrantProgramModel.phaseStatus(g.phase)),
                              ["approved", "refused", "waitlisted"].contains(g.phase) ? H.a(l("grants.letter"), href: "/aide/\(g.number)/lettre")
                                  : .text("—")]
                         }, captionHidden: true),
                .p(H.a(l("grants.my_applications"), href: "/aide"), .text(" · "), H.a(l("agreements.title"), href: "/conventions"))),
            view.cards.isEmpty ? .empty : .group(
                .h2(.id("portes-entree"), .text(l("portal.entry_points"))),
                H.ul(.class("cards"), .forEach(view.cards) { points in
                    H.li(UI.contactCard(l, points.card(l), heading: 3),
                         .p(H.a(l("portal.card_print"), href: "/organisations/\(points.organisation.code)/carte"), .text(" · "),
                            H.a(l("card.download"), href: "/organisations/\(points.organisation.code)/carte.vcf")))
                })))
    }

    /// The shared map's new conflicts and opportunities, when there are some.
    static func workPairs(_ l: Localizer, _ count: Int) -> BodyNode {
        count == 0 ? .empty : .group(
            UI.notice(l("portal.work_pairs", ["count": l.format.integer(count)]), kind: .warning, title: l("works.pairs.title")),
            .p(H.a(l("works.pairs.title"), href: "/interventions/paires?statut=new")))
    }

    static func ministry(_ layout: Layout, user: CurrentUser, _ view: PortalHome.Ministry, days: WorkingDays) -> String {
        let l = layout.l
        let title = l("portal.title")
        let mine = "/demandes?moi=1&statut=ouvertes"
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (title, nil)],
            .h1(.text(l("portal.hello", ["name": user.displayName]))),
            UI.summaryList([
                (l("portal.mine_total"), H.a(l.format.integer(view.mineTotal), href: mine)),
                (l("request.standing.overdue"), H.a(l.format.integer(view.overdue), href: mine + "&echeance=retard")),
                (l("request.standing.due_soon"), H.a(l.format.integer(view.dueSoon), href: mine + "&echeance=bientot")),
            ]),
            workPairs(l, view.newWorkPairs),
            view.triage.isEmpty ? .empty : .group(
                .h2(.text(l("portal.triage"))),
                UI.table(caption: l("portal.triage"), columns: [
                    .init(title: l("request.unit")), .init(title: l("request.status.received")),
                    .init(title: l("request.status.inTriage")),
                ], rows: view.triage.map { t in [
                    H.a(t.unit.name, href: "/demandes?unite=\(t.unit.code)&statut=ouvertes"),
                    H.a(l.format.integer(t.received), href: "/demandes?unite=\(t.unit.code)&statut=received"),
                    H.a(l.format.integer(t.inTriage), href: "/demandes?unite=\(t.unit.code)&statut=inTriage"),
                ] }, captionHidden: true)),
            .h2(.text(l("portal.mine"))),
            view.mine.isEmpty ? .p(.text(l("portal.mine_none"))) : .group(
                table(l, caption: l("portal.mine"), view.mine, organisation: true, days: days),
                view.mineTotal > view.mine.count ? .p(H.a(l("portal.mine_all", ["count": l.format.integer(view.mineTotal)]), href: mine))
                    : .empty),
            .p(H.a(l("portal.all_requests"), href: "/demandes")),
            H.ul(.class("link-list"),
                 H.li(H.a(l("capacity.title"), href: "/capacite")),
                 H.li(H.a(l("liaison.title"), href: "/reseau-liaison")),
                 H.li(H.a(l("meeting.title"), href: "/reseau-liaison/rencontres?agent=\(user.personID.uuidString)")),
                 H.li(H.a(l("liaison.cards.title"), href: "/reseau-liaison/cartes")),
                 H.li(H.a(l("partner.title"), href: "/reseau-liaison/partenaires"))))
    }
}
