import Foundation
import PasserelleCore
import Plot

enum IdentityViews {

    static func signIn(_ layout: Layout, email: String, errors: [(field: String, message: String)], csrf: String,
                       back: String, oidcName: String?) -> String {
        let l = layout.l
        func error(_ field: String) -> String? { errors.first { $0.field == field }?.message }
        return layout.render(title: l("signin.title"), breadcrumbs: [(l("nav.home"), "/"), (l("signin.title"), nil)],
            .h1(.text(l("signin.title"))),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            H.el("form", H.attr("action", "/connexion"), H.attr("method", "post"), H.attr("novalidate", ""),
                 UI.csrfField(csrf),
                 H.void("input", [.named("type", "hidden"), .named("name", "retour"), .named("value", back)]),
                 UI.textField(name: "email", label: l("signin.email"), value: email, error: error("email"), type: "email",
                              autocomplete: "username"),
                 UI.textField(name: "password", label: l("signin.password"), error: error("password"), type: "password",
                              autocomplete: "current-password"),
                 UI.button(l("signin.submit"))),
            .p(H.a(l("signin.forgot"), href: "/mot-de-passe-oublie")),
            .unwrap(oidcName) { name in
                .group(.h2(.text(l("signin.oidc_title"))),
                       .p(H.a(l("signin.oidc", ["provider": name]), href: "/connexion/oidc", .class("button button--secondary"))))
            },
            .p(.text(l("signin.help"))))
    }

    struct AccountLinks {
        var ministry = false
        var organisation = false
        var administration = false
        var journal = false
    }

    static func account(_ layout: Layout, user: CurrentUser, organisationNames: [UUID: String], openSessions: Int,
                        links: AccountLinks) -> String {
        let l = layout.l
        let csrf = user.csrfToken ?? ""
        return layout.render(title: l("account.title"), breadcrumbs: [(l("nav.home"), "/"), (l("account.title"), nil)],
            .h1(.text(l("account.title"))),
            UI.summaryList([
                (l("account.name"), .text(user.displayName)),
                (l("account.email"), .text(user.email)),
                (l("account.open_sessions"), .text(l.format.integer(openSessions))),
            ]),
            .h2(.text(l("account.roles"))),
            user.memberships.isEmpty ? .p(.text(l("account.no_roles"))) :
                UI.table(caption: l("account.roles"), columns: [.init(title: l("account.organisation")), .init(title: l("account.role"))],
                         rows: user.memberships.map { m in
                             [.text(organisationNames[m.organisationID] ?? "—"), .text(roleLabel(l, m.role))]
                         }, captionHidden: true),
            .h2(.text(l("account.tools"))),
            H.ul(.class("link-list"),
                 links.ministry ? H.li(H.a(l("account.my_queue"), href: "/demandes?moi=1&statut=ouvertes"))
                                : H.li(H.a(l("account.my_requests"), href: "/demandes")),
                 H.li(H.a(l("tokens.title"), href: "/mon-compte/jetons")),
                 links.organisation ? H.li(H.a(l("org.mine.title"), href: "/mon-organisation")) : .empty,
                 links.administration ? H.li(H.a(l("admin.title"), href: "/administration")) : .empty,
                 links.journal && !links.administration ? H.li(H.a(l("admin.journal"), href: "/administration/journal")) : .empty),
            .h2(.text(l("account.sign_out_title"))),
            H.el("form", H.attr("action", "/deconnexion"), H.attr("method", "post"), UI.csrfField(csrf),
                 UI.button(l("account.sign_out"), kind: .secondary)),
            H.el("form", H.attr("action", "/mon-compte/deconnexion-partout"), H.attr("method", "post"), UI.csrfField(csrf),
                 .p(.text(l("account.sign_out_everywhere_hint"))),
                 UI.button(l("account.sign_out_everywhere"), kind: .secondary)))
    }

    static func roleLabel(_ l: Localizer, _ role: Role) -> String {
        let (name, service, limit) = MembershipModel.columns(of: role)
        var text = l("role.\(name)")
        if let service { text += " — " + l("service.\(service)") }
        if let limit { text += " (" + l("account.spending_limit", ["amount": l.format.money(Money(cents: limit))]) + ")" }
        return text
    }
}
