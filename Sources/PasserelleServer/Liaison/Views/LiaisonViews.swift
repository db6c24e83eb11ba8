import Foundation
import PasserelleCore
import Plot

enum LiaisonViews {
    static func crumbs(_ l: Localizer, _ trail: (String, String?)...) -> [(label: String, href: String?)] {
        [(l("nav.home"), "/"), (l("liaison.title"), "/reseau-liaison")] + trail.map { ($0.0, $0.1) }
    }

    static func overview(_ layout: Layout, lines: [CoverageModel], agents: [PersonModel], territory: TerritoryDirectory,
                         form: LiaisonPages.LineForm, errors: FormInput.Errors, mayEdit: Bool, csrf: String) -> String {
        let l = layout.l
        let title = l("liaison.title")
        let error = { (field: String) in FormInput.error(errors, field) }
        let sorted = lines.sorted { a, b in
            (a.coverageScope.rawValue, a.code) < (b.coverageScope.rawValue, b.code)
        }
        let people = [("", l("liaison.choose"))] + agents.map { ($0.id?.uuidString ?? "", $0.displayName) }
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (title, nil)],
            .h1(.text(title)),
            .p(.class("lead"), .text(l("liaison.lead"))),
            H.ul(.class("link-list"),
                 H.li(H.a(l("liaison.cards.title"), href: "/reseau-liaison/cartes")),
                 H.li(H.a(l("meeting.title"), href: "/reseau-liaison/rencontres")),
                 H.li(H.a(l("partner.title"), href: "/reseau-liaison/partenaires"))),
            .h2(.text(l("liaison.lines"))),
            sorted.isEmpty ? .p(.text(l("liaison.empty"))) : UI.table(caption: l("liaison.lines"), columns: [
                .init(title: l("liaison.territory")), .init(title: l("liaison.scope")), .init(title: l("card.agent")),
                .init(title: l("card.backup")), .init(title: mayEdit ? l("liaison.actions") : ""),
            ], rows: sorted.map { line in [
                .text(LiaisonPages.territoryName(line.coverageScope, line.code, territory) ?? line.code),
                .text(l("liaison.scope.\(line.scope)")),
                H.a(line.agent.displayName, href: "/reseau-liaison/agents/\(line.$agent.id.uuidString)"),
                line.backup.map { H.a($0.displayName, href: "/reseau-liaison/agents/\(line.$backup.id?.uuidString ?? "")") }
                    ?? .text("—"),
                mayEdit ? UI.actionForm(action: "/reseau-liaison/couverture/\(line.id?.uuidString ?? "")/retirer", csrf: csrf,
                                        label: l("liaison.remove")) : .empty,
            ] }, captionHidden: true),
            mayEdit ? .group(
                .h2(.id("modifier"), .text(l("liaison.set"))),
                .p(.text(l("liaison.set_lead"))),
                UI.errorSummary(title: l("form.error_summary"), errors: errors),
                H.el("form", H.attr("action", "/reseau-liaison/couverture"), H.attr("method", "post"), H.attr("novalidate", ""),
                     UI.csrfField(csrf),
                     UI.select(name: "scope", label: l("liaison.scope"),
                               options: CoverageScope.allCases.map { ($0.rawValue, l("liaison.scope.\($0.rawValue)")) },
                               selected: form.scope, error: error("scope")),
                     UI.textField(name: "code", label: l("liaison.code"), value: form.code ?? "", hint: l("liaison.code_hint"),
                                  error: error("code"), width: "short"),
                     UI.select(name: "agent", label: l("card.agent"), options: people, selected: form.agent, error: error("agent")),
                     UI.select(name: "backup", label: l("card.backup"), options: people, selected: form.backup, error: error("backup")),
                     UI.button(l("liaison.save")))) : .empty)
    }

    static func agent(_ layout: Layout, person: PersonModel, lines: [CoverageModel], meetings: [MeetingModel],
                      territory: TerritoryDirectory, form: LiaisonPages.ProfileForm, errors: FormInput.Errors,
                      mayEdit: Bool, csrf: String) -> String {
        let l = layout.l
        let error = { (field: String) in FormInput.error(errors, field) }
        let id = person.id?.uuidString ?? ""
        return layout.render(title: person.displayName, breadcrumbs: crumbs(l, (person.displayName, nil)),
            .h1(.text(person.displayName)),
            UI.summaryList([
                (l("account.email"), H.a(person.email, href: "mailto:" + person.email)),
                (l("liaison.phone"), .text(form.phone.flatMap { $0.isEmpty ? nil : $0 } ?? "—")),
                (l("liaison.agent_title"), .text(form.title.flatMap { $0.isEmpty ? nil : $0 } ?? "—")),
            ]),
            .h2(.text(l("liaison.covers"))),
            lines.isEmpty ? .p(.text(l("liaison.covers_none"))) : H.ul(.forEach(lines) { line in
                H.li(.text((LiaisonPages.territoryName(line.coverageScope, line.code, territory) ?? line.code) + " — "
                           + l("liaison.scope.\(line.scope)") + " — "
                           + l(line.$agent.id == person.id ? "card.agent" : "card.backup")))
            }),
            .h2(.text(l("meeting.title"))),
            .p(H.a(l("meeting.calendar_of", ["name": person.displayName]), href: "/reseau-liaison/rencontres?agent=\(id)")),
            meetings.isEmpty ? .p(.text(l("meeting.none"))) : MeetingViews.table(l, meetings),
            mayEdit ? .group(
                .h2(.text(l("liaison.profile"))),
                UI.errorSummary(title: l("form.error_summary"), errors: errors),
                H.el("form", H.attr("action", "/reseau-liaison/agents/\(id)/coordonnees"), H.attr("method", "post"), H.attr("novalidate", ""),
                     UI.csrfField(csrf),
                     UI.textField(name: "phone", label: l("liaison.phone"), value: form.phone ?? "", hint: l("liaison.phone_hint"),
                                  error: error("phone"), width: "medium"),
                     UI.textField(name: "title", label: l("liaison.agent_title"), value: form.title ?? "", error: error("title")),
                     UI.button(l("liaison.save")))) : .empty)
    }

    static func card(_ layout: Layout, _ points: EntryPoints) -> String {
        let l = layout.l
        let title = l("card.title_for", ["organisation": points.organisation.name])
        let code = points.organisation.code
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (points.organisation.name, nil), (l("card.title"), nil)],
            .h1(.text(l("card.title"))),
            .p(.class("lead no-print"), .text(l("card.lead"))),
            .p(.class("no-print"), H.a(l("card.download"), href: "/organisations/\(code)/carte.vcf"), .text(" · "),
               .text(l("card.print_hint"))),
            .div(.class("card--sheet"), UI.contactCard(l, points.card(l))))
    }

    static func regionCards(_ layout: Layout, territory: TerritoryDirectory, region: TerritoryDirectory.Region?,
                            cards: [EntryPoints]) -> String {
        let l = layout.l
        let title = region.map { l("liaison.cards.of", ["region": $0.record.name]) } ?? l("liaison.cards.title")
        return layout.render(title: title, breadcrumbs: crumbs(l, (l("liaison.cards.title"), region == nil ? nil : "/reseau-liaison/cartes"))
                             + (region == nil ? [] : [(region!.record.name, nil)]),
            .h1(.text(title)),
            .p(.class("lead no-print"), .text(l("liaison.cards.lead"))),
            region == nil ? H.ul(.class("link-list"), .forEach(territory.regions) { r in
                H.li(H.a("\(r.record.name) (\(r.record.code))", href: "/reseau-liaison/cartes?region=\(r.record.code)"))
            }) : .group(
                .p(.text(l("liaison.cards.count", ["count": l.format.integer(cards.count)])),
                   .text(" "), .text(l("liaison.cards.uncovered", ["count": l.format.integer(cards.filter { $0.agent == nil }.count)]))),
                H.ul(.class("cards"), .forEach(cards) { H.li(UI.contactCard(l, $0.card(l), heading: 2)) })))
    }
}
