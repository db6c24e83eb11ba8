import Fluent
import Foundation
import PasserelleCore
import Plot
import Vapor

/// The interministerial network (PAMAM 2.1): whom to call at a partner body about a subject.
/// Ministry staff read it and filter it by subject; administrators keep it.
struct PartnerPages: Sendable {

    struct Form: Content {
        var organisation: String?
        var name: String?
        var title: String?
        var email: String?
        var phone: String?
        var subjects: String?
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        try await page(req, form: Form(), errors: [], status: .ok)
    }

    func page(_ req: Request, form: Form, errors: FormInput.Errors, status: HTTPResponseStatus) async throws -> Response {
        let subject = (req.query[String.self, at: "sujet"] ?? "").trimmingCharacters(in: .whitespaces)
        let all = try await PartnerContactModel.query(on: req.db).filter(\.$active == true).with(\.$organisation).all()
        let fold = { (s: String) in s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_CA")) }
        let contacts = all.filter { subject.isEmpty || $0.subjectList.contains { fold($0).contains(fold(subject)) } }
            .sorted { ($0.organisation.name, $0.name) < ($1.organisation.name, $1.name) }
        let subjects = Set(all.flatMap(\.subjectList)).sorted { fold($0) < fold($1) }
        let partners = try await OrganisationModel.query(on: req.db).filter(\.$kind == .partner).filter(\.$active == true)
            .sort(\.$name).all()
        return PartnerViews.list(Layout(req), contacts: contacts, subjects: subjects, subject: subject, partners: partners,
                                 form: form, errors: errors, mayEdit: req.allows(.administer, Resource()),
                                 csrf: req.currentUser?.csrfToken ?? "").page(status: status)
    }

    @Sendable func add(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let l = req.localizer
        let form = (try? req.content.decode(Form.self)) ?? Form()
        let text = { (v: String?) in (v ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: FormInput.Errors = []
        let organisation = try await OrganisationModel.query(on: req.db).filter(\.$code == text(form.organisation))
            .filter(\.$kind == .partner).first()
        if organisation == nil { errors.append(("organisation", l("partner.error.organisation"))) }
        if text(form.name).isEmpty || text(form.name).count > 200 { errors.append(("name", l("partner.error.name"))) }
        if text(form.title).count > 200 { errors.append(("title", l("liaison.error.title"))) }
        let email = text(form.email).lowercased()
        if !email.isEmpty && !(email.contains("@") && email.count <= 254 && !email.contains(" ")) {
            errors.append(("email", l("partner.error.email")))
        }
        if !LiaisonPages.isPhone(text(form.phone)) { errors.append(("phone", l("liaison.error.phone"))) }
        if email.isEmpty && text(form.phone).isEmpty { errors.append(("email", l("partner.error.reach"))) }
        if text(form.subjects).isEmpty || text(form.subjects).count > 500 { errors.append(("subjects", l("partner.error.subjects"))) }
        guard errors.isEmpty, let organisation else { return try await page(req, form: form, errors: errors, status: .unprocessableEntity) }
        let contact = PartnerContactModel()
        contact.id = UUID()
        contact.version = 1
        contact.$organisation.id = try organisation.requireID()
        contact.name = text(form.name)
        contact.title = text(form.title)
        contact.email = email
        contact.phone = text(form.phone)
        contact.subjects = text(form.subjects)
        contact.active = true
        try await req.write { db in
            try await contact.create(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "network.partner.create", recordType: "partner_contact",
                                   recordID: contact.id!.uuidString, changes: [
                                       "organisation": .init(before: nil, after: organisation.code), "name": .init(before: nil, after: contact.name),
                                       "subjects": .init(before: nil, after: contact.subjects)])
        }
        return req.redirect(to: "/reseau-liaison/partenaires", redirectType: .normal)
    }

    @Sendable func remove(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let contact = try await PartnerContactModel.find(id, on: req.db) else { throw Problem.notFound() }
        if contact.active {
            try await req.write { db in
                contact.active = false
                contact.version += 1
                try await contact.save(on: db)
                try await Audit.record(on: db, actor: req.auditActor, action: "network.partner.remove", recordType: "partner_contact",
                                       recordID: id.uuidString, changes: ["active": .init(before: "true", after: "false")])
            }
        }
        return req.redirect(to: "/reseau-liaison/partenaires", redirectType: .normal)
    }
}

enum PartnerViews {
    static func list(_ layout: Layout, contacts: [PartnerContactModel], subjects: [String], subject: String,
                     partners: [OrganisationModel], form: PartnerPages.Form, errors: FormInput.Errors, mayEdit: Bool,
                     csrf: String) -> String {
        let l = layout.l
        let title = l("partner.title")
        let error = { (field: String) in FormInput.error(errors, field) }
        return layout.render(title: title, breadcrumbs: LiaisonViews.crumbs(l, (title, nil)),
            .h1(.text(title)),
            .p(.class("lead"), .text(l("partner.lead"))),
            H.el("form", H.attr("action", "/reseau-liaison/partenaires"), H.attr("method", "get"),
                 UI.select(name: "sujet", label: l("partner.subject"), options: [("", l("partner.all_subjects"))] + subjects.map { ($0, $0) },
                           selected: subject, error: nil),
                 UI.button(l("meeting.show"), kind: .secondary)),
            contacts.isEmpty ? .p(.text(l("partner.none"))) : UI.table(caption: title, columns: [
                .init(title: l("partner.name")), .init(title: l("partner.organisation")), .init(title: l("partner.subjects")),
                .init(title: l("partner.reach")), .init(title: mayEdit ? l("liaison.actions") : ""),
            ], rows: contacts.map { c in [
                .group(.strong(.text(c.name)), c.title.isEmpty ? .empty : .group(.br(), .text(c.title))),
                .text(c.organisation.name),
                .text(c.subjectList.joined(separator: ", ")),
                .group(c.email.isEmpty ? .empty : H.a(c.email, href: "mailto:" + c.email),
                       c.phone.isEmpty ? .empty : .group(.br(), .text(c.phone))),
                mayEdit ? UI.actionForm(action: "/reseau-liaison/partenaires/\(c.id?.uuidString ?? "")/retirer", csrf: csrf,
                                        label: l("liaison.remove")) : .empty,
            ] }, captionHidden: true),
            mayEdit ? .group(
                .h2(.text(l("partner.add"))),
                UI.errorSummary(title: l("form.error_summary"), errors: errors),
                H.el("form", H.attr("action", "/reseau-liaison/partenaires"), H.attr("method", "post"), H.attr("novalidate", ""),
                     UI.csrfField(csrf),
                     UI.select(name: "organisation", label: l("partner.organisation"), options: [("", l("liaison.choose"))]
                               + partners.map { ($0.code, $0.name) }, selected: form.organisation, error: error("organisation")),
                     UI.textField(name: "name", label: l("partner.name"), value: form.name ?? "", error: error("name")),
                     UI.textField(name: "title", label: l("liaison.agent_title"), value: form.title ?? "", error: error("title")),
                     UI.textField(name: "email", label: l("account.email"), value: form.email ?? "", error: error("email"), type: "email"),
                     UI.textField(name: "phone", label: l("liaison.phone"), value: form.phone ?? "", error: error("phone"), width: "medium"),
                     UI.textField(name: "subjects", label: l("partner.subjects"), value: form.subjects ?? "", hint: l("partner.subjects_hint"),
                                  error: error("subjects")),
                     UI.button(l("partner.save")))) : .empty)
    }
}
