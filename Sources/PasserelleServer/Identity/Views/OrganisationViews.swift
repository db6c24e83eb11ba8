import Foundation
import PasserelleCore
import Plot

enum OrganisationViews {
    /// The roles that exist in an organisation of this kind, in the order a form lists them.
    static func roleChoices(for kind: OrganisationKind) -> [Role] {
        if kind == .ministryUnit {
            return [.administrator, .bcamCoordinator, .liaisonAgent, .analyst, .programManager, .evaluator,
                    .financeOfficer(spendingLimitCents: 0), .manager]
        }
        return [.rse] + Service.allCases.flatMap { [Role.accessManager($0), .contributor($0), .reader($0)] }
    }

    static func mine(_ layout: Layout, organisations: [OrganisationModel]) -> String {
        let l = layout.l
        return layout.render(title: l("org.mine.title"),
                             breadcrumbs: [(l("nav.home"), "/"), (l("account.title"), "/mon-compte"),
                                           (l("org.mine.title"), nil)],
            .h1(.text(l("org.mine.title"))),
            organisations.isEmpty ? .p(.text(l("org.mine.none"))) :
                H.ul(.forEach(organisations) { H.li(H.a($0.name, href: "/organisations/\($0.code)/acces")) }))
    }

    static func access(_ layout: Layout, organisation: OrganisationModel, memberships: [MembershipModel],
                       mandates: [MandateModel], history: [AuditEventModel], grantable: [Role],
                       forms: OrganisationPages.Forms, csrf: String) -> String {
        let l = layout.l
        let code = organisation.code
        let error = { (field: String) in FormInput.error(forms.errors, field) }
        let grantableNames = Set(grantable.map { MembershipModel.columns(of: $0).0 })
        let services = Set(grantable.compactMap { MembershipModel.columns(of: $0).1 })
        let roleOptions = grantableNames.isEmpty ? [] :
            (MembershipModel.ministryRoleNames + MembershipModel.municipalRoleNames)
                .filter(grantableNames.contains).map { ($0, l("role.\($0)")) }
        let today = CalendarDate.today
        return layout.render(title: l("org.access.title", ["name": organisation.name]),
                             breadcrumbs: [(l("nav.home"), "/"), (l("org.mine.title"), "/mon-organisation"),
                                           (organisation.name, nil)],
            .h1(.text(l("org.access.title", ["name": organisation.name]))),
            .unwrap(forms.notice) { UI.notice($0, kind: .success) },
            UI.errorSummary(title: l("form.error_summary"), errors: forms.errors),

            .h2(.text(l("org.people"))),
            memberships.isEmpty ? .p(.text(l("org.no_people"))) :
                UI.table(caption: l("org.people"), columns: [
                    .init(title: l("account.name")), .init(title: l("account.email")), .init(title: l("account.role")),
                    .init(title: l("org.status")), .init(title: l("tokens.actions")),
                ], rows: memberships.map { m in
                    let role = m.decodedRole
                    return [H.a(m.person.displayName, href: "/organisations/\(code)/personnes/\(m.person.id?.uuidString ?? "")"),
                            .text(m.person.email),
                            .text(role.map { IdentityViews.roleLabel(l, $0) } ?? m.role),
                            m.person.passwordHash == nil ? UI.tag(l("org.invited"), .info)
                                : (m.person.active ? UI.tag(l("org.active"), .success)
                                                   : UI.tag(l("org.inactive"), .neutral)),
                            role.map { grantableNames.contains(MembershipModel.columns(of: $0).0) &&
                                (MembershipModel.columns(of: $0).1.map(services.contains) ?? true) } == true
                                ? UI.actionForm(action: "/organisations/\(code)/roles/\(m.id?.uuidString ?? "")/retirer",
                                                csrf: csrf, label: l("org.remove_role"))
                                : .empty]
                }),

            roleOptions.isEmpty ? .empty : .group(
                .h2(.text(l("org.invite"))),
                .p(.text(l("org.invite_lead"))),
                H.el("form", H.attr("action", "/organisations/\(code)/invitations"), H.attr("method", "post"),
                     H.attr("novalidate", ""), UI.csrfField(csrf),
                     UI.textField(name: "email", label: l("account.email"), value: forms.invite.email ?? "",
                                  error: error("email"), type: "email"),
                     UI.textField(name: "name", label: l("account.name"), value: forms.invite.name ?? "", error: error("name")),
                     UI.select(name: "role", label: l("account.role"), options: roleOptions, selected: forms.invite.role,
                               error: error("role")),
                     organisation.kind == .ministryUnit
                        ? UI.textField(name: "spending_limit", label: l("org.spending_limit"),
                                       value: forms.invite.spending_limit ?? "", hint: l("org.spending_limit_hint"),
                                       error: error("spending_limit"))
                        : UI.select(name: "service", label: l("org.service"),
                                    options: [("", l("org.service_all"))] +
                                        Service.allCases.filter { services.contains($0.rawValue) }
                                            .map { ($0.rawValue, l("service.\($0.rawValue)")) },
                                    selected: forms.invite.service),
                     UI.select(name: "language", label: l("org.language"),
                               options: [("fr-CA", l("language.fr-CA")), ("en-CA", l("language.en-CA"))],
                               selected: forms.invite.language),
                     UI.button(l("org.invite_submit")))),

            organisation.kind == .municipality || organisation.kind == .mrc ? .group(
                .h2(.text(l("org.mandates"))),
                .p(.text(l("org.mandates_lead"))),
                mandates.isEmpty ? .p(.text(l("org.no_mandates"))) :
                    UI.table(caption: l("org.mandates"), columns: [
                        .init(title: l("account.name")), .init(title: l("mandates.firm")), .init(title: l("mandates.services")),
                        .init(title: l("mandates.ends_on")), .init(title: l("org.status")),
                        .init(title: l("tokens.actions")),
                    ], rows: mandates.map { m in
                        let decoded = m.mandate
                        let inForce = decoded?.isInForce(on: today) == true
                        return [H.a(m.person.displayName + " (" + m.person.email + ")",
                                    href: "/organisations/\(code)/personnes/\(m.person.id?.uuidString ?? "")"),
                                .text(m.firm),
                                .text(m.services.split(separator: " ").map { l("service.\($0)") }.joined(separator: ", ")),
                                .text(CalendarDate(iso: m.endsOn).map(l.format.date) ?? m.endsOn),
                                m.revokedAt != nil ? UI.tag(l("mandates.revoked"), .neutral)
                                    : (inForce ? UI.tag(l("mandates.in_force"), .success) : UI.tag(l("mandates.ended"), .warning)),
                                m.revokedAt == nil && inForce
                                    ? UI.actionForm(action: "/organisations/\(code)/mandats/\(m.id?.uuidString ?? "")/revoquer",
                                                    csrf: csrf, label: l("mandates.revoke"))
                                    : .empty]
                    }),
                services.isEmpty ? .empty : .group(
                    .h3(.text(l("mandates.new"))),
                    H.el("form", H.attr("action", "/organisations/\(code)/mandats"), H.attr("method", "post"),
                         H.attr("novalidate", ""), UI.csrfField(csrf),
                         UI.textField(name: "mandate_email", label: l("account.email"), value: forms.mandate.mandate_email ?? "",
                                      error: error("mandate_email"), type: "email"),
                         UI.textField(name: "mandate_name", label: l("account.name"), value: forms.mandate.mandate_name ?? "",
                                      error: error("mandate_name")),
                         UI.textField(name: "firm", label: l("mandates.firm"), value: forms.mandate.firm ?? "",
                                      error: error("firm")),
                         UI.checkboxes(name: "services", legend: l("mandates.services"),
                                       options: Service.allCases.filter { services.contains($0.rawValue) }
                                           .map { ($0.rawValue, l("service.\($0.rawValue)")) },
                                       selected: Set(forms.mandate.services ?? []), error: error("services")),
                         UI.textField(name: "ends_on", label: l("mandates.ends_on"), value: forms.mandate.ends_on ?? "",
                                      hint: l("mandates.ends_on_hint"), error: error("ends_on"), type: "date"),
                         UI.button(l("mandates.submit"))))) : .empty,

            .h2(.text(l("history.title"))),
            JournalViews.events(l, history, caption: l("history.title")))
    }

    static func person(_ layout: Layout, organisation: OrganisationModel, person: PersonModel,
                       memberships: [MembershipModel], mandates: [MandateModel], history: [AuditEventModel]) -> String {
        let l = layout.l
        return layout.render(title: person.displayName,
                             breadcrumbs: [(l("nav.home"), "/"), (l("org.mine.title"), "/mon-organisation"),
                                           (organisation.name, "/organisations/\(organisation.code)/acces"),
                                           (person.displayName, nil)],
            .h1(.text(person.displayName)),
            personSummary(l, person, [
                (l("account.roles"), .text(memberships.compactMap(\.decodedRole).map { IdentityViews.roleLabel(l, $0) }
                    .joined(separator: " ; ").nilIfEmpty ?? "—")),
                (l("org.mandates"), .text(mandates.map { $0.firm + " — " + (CalendarDate(iso: $0.endsOn).map(l.format.date) ?? "") }
                    .joined(separator: " ; ").nilIfEmpty ?? "—")),
            ]),
            .h2(.text(l("history.title"))),
            JournalViews.events(l, history, caption: l("history.title")))
    }
}

extension OrganisationViews {
    /// A person's record, as both the RSÉ and the administrator see it; reading it is journaled.
    static func personSummary(_ l: Localizer, _ person: PersonModel, _ more: [(term: String, value: BodyNode)]) -> BodyNode {
        .group(UI.notice(l("people.read_journaled")),
               UI.summaryList([
                   (l("account.email"), .text(person.email)),
                   (l("org.language"), .text(l("language.\(person.language)"))),
                   (l("org.status"), .text(l(person.active ? "org.active" : "org.inactive"))),
               ] + more))
    }
}
