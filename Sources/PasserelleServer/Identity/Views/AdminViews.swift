import Foundation
import PasserelleCore
import Plot

enum AdminViews {

    static func pageCount(_ total: Int) -> Int { max(1, (total + AdminPages.pageSize - 1) / AdminPages.pageSize) }

    static func index(_ layout: Layout) -> String {
        let l = layout.l
        let links: [(String, String, String)] = [
            ("admin.organisations", "/administration/organisations", "admin.organisations_lead"),
            ("admin.people", "/administration/personnes", "admin.people_lead"),
            ("admin.tokens", "/administration/jetons", "admin.tokens_lead"),
            ("admin.outbox", "/administration/courriels", "admin.outbox_lead"),
            ("answer.title", "/administration/reponses-types", "answer.lead"),
            ("type.title", "/administration/types-demandes", "type.lead"),
            ("grants.programs", "/programmes", "grants.admin_lead"),
            ("admin.journal", "/administration/journal", "admin.journal_lead"),
        ]
        return layout.render(title: l("admin.title"), breadcrumbs: [(l("nav.home"), "/"), (l("admin.title"), nil)],
            .h1(.text(l("admin.title"))),
            H.ul(.class("link-list"), .forEach(links) { key, href, lead in
                H.li(H.a(l(key), href: href), .p(.text(l(lead))))
            }))
    }

    static func filterForm(_ action: String, _ l: Localizer, _ fields: BodyNode...) -> BodyNode {
        H.el("form", H.attr("action", action), H.attr("method", "get"), .class("filters"),
             .group(fields), UI.button(l("admin.filter")))
    }

    static func organisations(_ layout: Layout, rows: [OrganisationModel], total: Int, page: Int, q: String,
                              kind: OrganisationKind?, csrf: String, back: String) -> String {
        let l = layout.l
        let title = l("admin.organisations")
        let query = "q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&type=\(kind?.rawValue ?? "")"
        return layout.render(title: title, breadcrumbs: UI.adminCrumbs(l, title),
            .h1(.text(title)),
            filterForm("/administration/organisations", l,
                       UI.textField(name: "q", label: l("admin.search"), value: q),
                       UI.select(name: "type", label: l("admin.kind"),
                                 options: [("", l("admin.kind_all"))] + OrganisationKind.allCases.map { ($0.rawValue, l("kind.\($0.rawValue)")) },
                                 selected: kind?.rawValue ?? "")),
            .p(.text(l("admin.count", ["count": l.format.integer(total)]))),
            UI.table(caption: title, columns: [.init(title: l("admin.name")), .init(title: l("admin.code")),
                                               .init(title: l("admin.kind")), .init(title: l("org.language")),
                                               .init(title: l("org.status")), .init(title: l("admin.bilingual_status"))],
                     rows: rows.map { o in
                         [H.a(o.name, href: "/organisations/\(o.code)/acces"), .code(.text(o.code)), .text(l("kind.\(o.kind.rawValue)")),
                          .text(l("language.\(o.language)")),
                          o.active ? UI.tag(l("org.active"), .success) : UI.tag(l("org.inactive"), .neutral),
                          bilingualStatusForm(o, l, csrf: csrf, back: back)]
                     }, captionHidden: true),
            .p(.class("hint"), .text(l("admin.bilingual_status_hint"))),
            UI.pagination(l, page: page, pageCount: pageCount(total)) { "/administration/organisations?\(query)&page=\($0)" })
    }

    /// The organisation's bilingual status and the button that changes it.
    private static func bilingualStatusForm(_ o: OrganisationModel, _ l: Localizer, csrf: String, back: String) -> BodyNode {
        .group([o.bilingualStatus ? UI.tag(l("admin.bilingual"), .info) : .text(l("admin.not_bilingual")), .text(" "),
                UI.actionForm(action: "/administration/organisations/\(o.code)/statut-bilingue", csrf: csrf,
                              label: l(o.bilingualStatus ? "admin.bilingual_remove" : "admin.bilingual_give", ["name": o.name]),
                              hidden: [("statut", o.bilingualStatus ? "0" : "1"), ("retour", back)])])
    }

    static func people(_ layout: Layout, rows: [PersonModel], total: Int, page: Int, q: String) -> String {
        let l = layout.l
        let title = l("admin.people")
        return layout.render(title: title, breadcrumbs: UI.adminCrumbs(l, title),
            .h1(.text(title)),
            filterForm("/administration/personnes", l, UI.textField(name: "q", label: l("admin.search"), value: q)),
            .p(.text(l("admin.count", ["count": l.format.integer(total)]))),
            UI.table(caption: title, columns: [.init(title: l("account.name")), .init(title: l("account.email")),
                                               .init(title: l("org.status"))],
                     rows: rows.map { p in
                         [H.a(p.displayName, href: "/administration/personnes/\(p.id?.uuidString ?? "")"), .text(p.email),
                          p.passwordHash == nil ? UI.tag(l("org.invited"), .info)
                            : (p.active ? UI.tag(l("org.active"), .success) : UI.tag(l("org.inactive"), .neutral))]
                     }, captionHidden: true),
            UI.pagination(l, page: page, pageCount: pageCount(total)) {
                "/administration/personnes?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&page=\($0)"
            })
    }

    static func person(_ layout: Layout, person: PersonModel, memberships: [MembershipModel], mandates: [MandateModel],
                       openSessions: Int, history: [AuditEventModel], csrf: String) -> String {
        let l = layout.l
        let id = person.id?.uuidString ?? ""
        return layout.render(title: person.displayName,
                             breadcrumbs: [(l("nav.home"), "/"), (l("admin.title"), "/administration"),
                                           (l("admin.people"), "/administration/personnes"), (person.displayName, nil)],
            .h1(.text(person.displayName)),
            OrganisationViews.personSummary(l, person, [(l("account.open_sessions"), .text(l.format.integer(openSessions)))]),
            UI.actionForm(action: "/administration/personnes/\(id)/\(person.active ? "desactiver" : "activer")", csrf: csrf,
                          label: l(person.active ? "admin.deactivate" : "admin.activate")),
            .h2(.text(l("account.roles"))),
            memberships.isEmpty ? .p(.text(l("account.no_roles"))) :
                UI.table(caption: l("account.roles"), columns: [.init(title: l("account.organisation")), .init(title: l("account.role"))],
                         rows: memberships.map { m in
                             [H.a(m.organisation.name, href: "/organisations/\(m.organisation.code)/acces"),
                              .text(m.decodedRole.map { IdentityViews.roleLabel(l, $0) } ?? m.role)]
                         }, captionHidden: true),
            .h2(.text(l("org.mandates"))),
            mandates.isEmpty ? .p(.text(l("org.no_mandates"))) :
                UI.table(caption: l("org.mandates"), columns: [.init(title: l("account.organisation")),
                                                                       .init(title: l("mandates.firm")),
                                                                       .init(title: l("mandates.ends_on"))],
                         rows: mandates.map { m in
                             [.text(m.organisation.name), .text(m.firm),
                              .text((CalendarDate(iso: m.endsOn).map(l.format.date) ?? m.endsOn)
                                    + (m.revokedAt != nil ? " — " + l("mandates.revoked") : ""))]
                         }, captionHidden: true),
            .h2(.text(l("history.title"))),
            JournalViews.events(l, history, caption: l("history.title")))
    }

    static func tokens(_ layout: Layout, rows: [APITokenModel], total: Int, page: Int, csrf: String) -> String {
        let l = layout.l
        let title = l("admin.tokens")
        return layout.render(title: title, breadcrumbs: UI.adminCrumbs(l, title),
            .h1(.text(title)),
            .p(.text(l("admin.count", ["count": l.format.integer(total)]))),
            rows.isEmpty ? .p(.text(l("tokens.none"))) :
                UI.table(caption: title, columns: [
                    .init(title: l("tokens.name")), .init(title: l("account.name")), .init(title: l("tokens.organisation")),
                    .init(title: l("tokens.scopes")), .init(title: l("tokens.expires")), .init(title: l("tokens.status")),
                    .init(title: l("tokens.actions")),
                ], rows: rows.map { t in
                    [.text(t.name + " (" + t.prefix + "…)"), .text(t.person.email), .text(t.organisation.name),
                     .code(.text(t.scopes)), .text(l.format.dateTime(t.expiresAt)), AccountViews.tokenStatus(l, t),
                     t.revokedAt == nil
                        ? UI.actionForm(action: "/administration/jetons/\(t.id?.uuidString ?? "")/revoquer", csrf: csrf,
                                        label: l("tokens.revoke"))
                        : .empty]
                }, captionHidden: true),
            UI.pagination(l, page: page, pageCount: pageCount(total)) { "/administration/jetons?page=\($0)" })
    }

    static func outbox(_ layout: Layout, rows: [OutboxMessageModel], total: Int, page: Int, recipient: String, status: String,
                       smtp: SMTPConfiguration?, csrf: String) -> String {
        let l = layout.l
        let title = l("admin.outbox")
        let statuses = [("", l("request.filter.all"))] + OutboxSender.Status.allCases.map { ($0.rawValue, l("mail.status.\($0.rawValue)")) }
        let query = "destinataire=\(recipient.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&statut=\(status)"
        return layout.render(title: title, breadcrumbs: UI.adminCrumbs(l, title),
            .h1(.text(title)),
            .p(.text(l("admin.outbox_lead"))),
            smtp.map { UI.notice(l("mail.smtp_on", ["host": "\($0.host):\($0.port)", "security": $0.security.rawValue])) }
                ?? UI.notice(l("mail.smtp_off"), kind: .warning),
            filterForm("/administration/courriels", l,
                       UI.textField(name: "destinataire", label: l("admin.recipient"), value: recipient, type: "email"),
                       UI.select(name: "statut", label: l("org.status"), options: statuses, selected: status)),
            .p(.text(l("admin.count", ["count": l.format.integer(total)]))),
            rows.isEmpty ? .p(.text(l("admin.outbox_empty"))) :
                UI.table(caption: title, columns: [
                    .init(title: l("admin.created")), .init(title: l("admin.recipient")), .init(title: l("admin.subject")),
                    .init(title: l("admin.message")), .init(title: l("org.status")),
                ], rows: rows.map { m in
                    let state = OutboxSender.Status(rawValue: m.status) ?? .pending
                    let tag: UI.TagStatus = switch state {
                    case .pending, .sending: .info
                    case .sent: .success
                    case .dead: .error
                    }
                    return [.text(m.createdAt.map(l.format.dateTime) ?? ""), .text(m.recipient), .text(m.subject),
                            .element(named: "pre", nodes: [.class("message-body"), .text(m.body)]),
                            .group(UI.tag(l("mail.status.\(state.rawValue)"), tag),
                                   m.attempts > 0 ? .p(.text(l("mail.attempts", ["count": l.format.integer(m.attempts)]))) : .empty,
                                   .unwrap(m.lastError) { .p(.class("field__hint"), .text($0)) },
                                   state == .dead ? UI.actionForm(action: "/administration/courriels/\(m.id?.uuidString ?? "")/renvoyer",
                                                                  csrf: csrf, label: l("mail.resend")) : .empty)]
                }, captionHidden: true),
            UI.pagination(l, page: page, pageCount: pageCount(total)) { "/administration/courriels?\(query)&page=\($0)" })
    }

    static func journal(_ layout: Layout, filter: AdminPages.JournalFilter, events: [AuditEventModel], total: Int,
                        verification: AuditVerification.Outcome? = nil) -> String {
        let l = layout.l
        let title = l("admin.journal")
        let error = { (field: String) in FormInput.error(filter.errors, field) }
        return layout.render(title: title, breadcrumbs: UI.adminCrumbs(l, title),
            .h1(.text(title)),
            verificationNotice(l, verification),
            UI.errorSummary(title: l("form.error_summary"), errors: filter.errors),
            filterForm("/administration/journal", l,
                       UI.textField(name: "type", label: l("journal.filter.type"), value: filter.recordType,
                                    hint: l("journal.filter.type_hint")),
                       UI.textField(name: "enregistrement", label: l("journal.filter.record"), value: filter.recordID),
                       UI.textField(name: "personne", label: l("journal.filter.person"), value: filter.person,
                                    error: error("personne")),
                       UI.textField(name: "organisation", label: l("journal.filter.organisation"), value: filter.organisation,
                                    hint: l("journal.filter.organisation_hint"), error: error("organisation")),
                       UI.textField(name: "du", label: l("journal.filter.from"), value: filter.from, error: error("du"), type: "date"),
                       UI.textField(name: "au", label: l("journal.filter.to"), value: filter.to, error: error("au"), type: "date")),
            .p(.text(l("admin.count", ["count": l.format.integer(total)]))),
            JournalViews.events(l, events, caption: title),
            UI.pagination(l, page: filter.page, pageCount: pageCount(total)) { "/administration/journal?\(filter.query)&page=\($0)" })
    }

    /// The last verification of the journal on this instance: when, and what it found.
    static func verificationNotice(_ l: Localizer, _ outcome: AuditVerification.Outcome?) -> BodyNode {
        guard let outcome else { return UI.notice(l("journal.verification.none"), kind: .info) }
        let when = l.format.dateTime(outcome.at)
        if let broken = outcome.broken {
            return UI.notice(l("journal.verification.broken", ["when": when, "message": broken.message(l)]), kind: .error)
        }
        return UI.notice(l("journal.verification.intact", ["when": when, "count": l.format.integer(outcome.events ?? 0)]), kind: .success)
    }
}
