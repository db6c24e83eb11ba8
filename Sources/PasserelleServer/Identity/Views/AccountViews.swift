import Foundation
import PasserelleCore
import Plot

enum AccountViews {

    static func forgot(_ layout: Layout, email: String, errors: FormInput.Errors, sent: Bool, csrf: String) -> String {
        let l = layout.l
        return layout.render(title: l("forgot.title"),
                             breadcrumbs: [(l("nav.home"), "/"), (l("signin.title"), "/connexion"), (l("forgot.title"), nil)],
            .h1(.text(l("forgot.title"))),
            sent ? UI.notice(l("forgot.sent"), kind: .success) : .empty,
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            .p(.text(l("forgot.lead"))),
            H.el("form", H.attr("action", "/mot-de-passe-oublie"), H.attr("method", "post"), H.attr("novalidate", ""),
                 UI.csrfField(csrf),
                 UI.textField(name: "email", label: l("signin.email"), value: email, error: FormInput.error(errors, "email"),
                              type: "email", autocomplete: "username"),
                 UI.button(l("forgot.submit"))))
    }

    static func setPassword(_ layout: Layout, link: OneTimeLinkModel, token: String, errors: FormInput.Errors, csrf: String) -> String {
        let l = layout.l
        let title = l(link.purpose == .invitation ? "link.invitation.title" : "link.reset.title")
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (title, nil)],
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            .p(.class("lead"), .text(l(link.purpose == .invitation ? "link.invitation.lead" : "link.reset.lead",
                                       ["name": link.person.displayName, "email": link.person.email]))),
            H.el("form", H.attr("action", "/lien/" + token), H.attr("method", "post"), H.attr("novalidate", ""),
                 UI.csrfField(csrf),
                 UI.textField(name: "password", label: l("link.password"), hint: l("password.rules"),
                              error: FormInput.error(errors, "password"), type: "password", autocomplete: "new-password"),
                 UI.textField(name: "confirmation", label: l("link.confirmation"), error: FormInput.error(errors, "confirmation"),
                              type: "password", autocomplete: "new-password"),
                 UI.button(l("link.submit"))))
    }

    static func linkGone(_ layout: Layout, key: String) -> String {
        let l = layout.l
        return layout.render(title: l("link.gone.title"), breadcrumbs: [(l("nav.home"), "/"), (l("link.gone.title"), nil)],
            .h1(.text(l("link.gone.title"))),
            .p(.class("lead"), .text(l(key))),
            .p(H.a(l("link.gone.reset"), href: "/mot-de-passe-oublie")))
    }

    static func tokenStatus(_ l: Localizer, _ token: APITokenModel, now: Date = Date()) -> BodyNode {
        if token.revokedAt != nil { return UI.tag(l("tokens.status.revoked"), .neutral) }
        if token.expiresAt <= now { return UI.tag(l("tokens.status.expired"), .warning) }
        return UI.tag(l("tokens.status.active"), .success)
    }

    static func tokens(_ layout: Layout, tokens: [APITokenModel], organisations: [OrganisationModel],
                       form: AccountPages.TokenForm, errors: FormInput.Errors, created: String?, csrf: String) -> String {
        let l = layout.l
        return layout.render(title: l("tokens.title"),
                             breadcrumbs: [(l("nav.home"), "/"), (l("account.title"), "/mon-compte"), (l("tokens.title"), nil)],
            .h1(.text(l("tokens.title"))),
            .unwrap(created) { secret in
                .div(.class("notice notice--success"), H.attr("role", "status"),
                     .p(.class("notice__title"), .strong(.text(l("tokens.created.title")))),
                     .p(.text(l("tokens.created.once"))),
                     .p(.class("token-once"), .text(secret)))
            },
            .p(.class("lead"), .text(l("tokens.lead"))),
            tokens.isEmpty ? .p(.text(l("tokens.none"))) :
                UI.table(caption: l("tokens.list"), columns: [
                    .init(title: l("tokens.name")), .init(title: l("tokens.organisation")), .init(title: l("tokens.scopes")),
                    .init(title: l("tokens.expires")), .init(title: l("tokens.last_used")), .init(title: l("tokens.status")),
                    .init(title: l("tokens.actions")),
                ], rows: tokens.map { token in
                    [.text(token.name + " (" + token.prefix + "…)"), .text(token.organisation.name), .code(.text(token.scopes)),
                     .text(l.format.dateTime(token.expiresAt)),
                     .text(token.lastUsedAt.map(l.format.dateTime) ?? l("tokens.never")),
                     tokenStatus(l, token),
                     token.revokedAt == nil
                        ? UI.actionForm(action: "/mon-compte/jetons/\(token.id?.uuidString ?? "")/revoquer", csrf: csrf,
                                        label: l("tokens.revoke"))
                        : .empty]
                }),
            .h2(.text(l("tokens.new"))),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            organisations.isEmpty ? .p(.text(l("tokens.no_organisation"))) :
                H.el("form", H.attr("action", "/mon-compte/jetons"), H.attr("method", "post"), H.attr("novalidate", ""),
                     UI.csrfField(csrf),
                     UI.textField(name: "name", label: l("tokens.name"), value: form.name ?? "", hint: l("tokens.name_hint"),
                                  error: FormInput.error(errors, "name")),
                     UI.select(name: "organisation", label: l("tokens.organisation"),
                               options: organisations.map { ($0.code, $0.name) }, selected: form.organisation,
                               error: FormInput.error(errors, "organisation")),
                     UI.checkboxes(name: "scopes", legend: l("tokens.scopes"),
                                   options: Scope.all.map { ($0.description, scopeLabel(l, $0)) },
                                   selected: Set(form.scopes ?? []), error: FormInput.error(errors, "scopes")),
                     UI.textField(name: "days", label: l("tokens.days"), value: form.days ?? "", hint: l("tokens.days_hint"),
                                  error: FormInput.error(errors, "days"), type: "number", width: "short"),
                     UI.button(l("tokens.create"))))
    }

    static func scopeLabel(_ l: Localizer, _ scope: Scope) -> String {
        l("service.\(scope.service.rawValue)") + " — " + l("scope.\(scope.level.rawValue)")
    }
}
