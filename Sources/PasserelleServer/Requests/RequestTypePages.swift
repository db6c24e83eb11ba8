import Fluent
import Foundation
import PasserelleCore
import Plot
import SQLKit
import Vapor

/// `/administration/types-demandes`: the catalog of request kinds, edited by administrators —
/// names and descriptions in both languages, first unit, service standard, council resolution, who
/// may file, whether it is offered, and the questions it asks. Codes are stable; every save is
/// journaled with what it changed, and a save made on an older version is refused (409).
struct RequestTypePages: Sendable {

    /// The form: the type's properties; its questions come in the same body as `Questions.Rows`.
    struct Form: Content {
        var version: Int?
        var name_fr: String?
        var name_en: String?
        var description_fr: String?
        var description_en: String?
        var routing: String?
        var target_days: String?
        var triage_days: String?
        var resolution_required: String?
        var active: String?
        var filers: [String]?

        init() {}

        init(_ type: RequestTypeModel) {
            version = type.version
            name_fr = type.nameFr
            name_en = type.nameEn
            description_fr = type.descriptionFr
            description_en = type.descriptionEn
            routing = type.routing
            target_days = String(type.targetDays)
            triage_days = String(type.triageDays)
            resolution_required = type.resolutionRequired ? "1" : nil
            active = type.active ? "1" : nil
            filers = type.filerKinds.map(\.rawValue).sorted()
        }
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let types = try await RequestTypeModel.query(on: req.db).sort(\.$position).all()
        return RequestTypeViews.list(Layout(req), types: types).page(status: .ok)
    }

    func load(_ req: Request) async throws -> RequestTypeModel {
        guard let type = try await RequestTypeModel.query(on: req.db).filter(\.$code == (req.parameters.get("code") ?? "")).first()
        else { throw Problem.notFound() }
        return type
    }

    @Sendable func edit(_ req: Request) async throws -> Response {
        let type = try await load(req)
        return RequestTypeViews.edit(Layout(req), type: type, form: Form(type), questions: Questions.Rows(questions: type.fields), errors: [], csrf: req.currentUser?.csrfToken ?? "")
            .page(status: .ok)
    }

    @Sendable func save(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let type = try await load(req)
        let l = req.localizer
        let form = (try? req.content.decode(Form.self)) ?? Form()
        let questions = (try? req.content.decode(Questions.Rows.self)) ?? Questions.Rows()
        let text = { (value: String?) in (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: FormInput.Errors = []
        for (name, value, max) in [("name_fr", form.name_fr, 200), ("name_en", form.name_en, 200),
                                   ("description_fr", form.description_fr, 2_000), ("description_en", form.description_en, 2_000)] {
            let value = text(value)
            if value.isEmpty || value.count > max { errors.append((name, l("type.error.text", ["max": String(max)]))) }
        }
        let routing = text(form.routing)
        if !["bcam", "directorate"].contains(routing) { errors.append(("routing", l("type.error.routing"))) }
        let days = Int(text(form.target_days))
        if days.map({ (1...250).contains($0) }) != true { errors.append(("target_days", l("type.error.days"))) }
        let triage = Int(text(form.triage_days))
        if triage.map({ $0 >= 1 && $0 < (days ?? 251) }) != true { errors.append(("triage_days", l("type.error.triage_days"))) }
        let filers = Set((form.filers ?? []).compactMap(OrganisationKind.init(rawValue:))).intersection([.municipality, .mrc])
        if filers.isEmpty { errors.append(("filers", l("type.error.filers"))) }
        let (fields, fieldErrors) = Questions.read(questions, l)
        errors += fieldErrors
        let csrf = req.currentUser?.csrfToken ?? ""
        guard errors.isEmpty, let days, let triage else {
            return RequestTypeViews.edit(Layout(req), type: type, form: form, questions: questions, errors: errors, csrf: csrf).page(status: .unprocessableEntity)
        }
        guard form.version == type.version else {
            return RequestTypeViews.edit(Layout(req), type: type, form: form, questions: questions, errors: [("version", l("type.error.stale"))], csrf: csrf)
                .page(status: .conflict)
        }
        let before = Form(type)
        let version = type.version
        type.nameFr = text(form.name_fr)
        type.nameEn = text(form.name_en)
        type.descriptionFr = text(form.description_fr)
        type.descriptionEn = text(form.description_en)
        type.routing = routing
        type.targetDays = days
        type.triageDays = triage
        type.resolutionRequired = form.resolution_required == "1"
        type.active = form.active == "1"
        type.filers = [OrganisationKind.municipality, .mrc].filter(filers.contains).map(\.rawValue).joined(separator: " ")
        let oldFields = type.fieldsJSON
        type.fields = fields
        type.version = version + 1
        var changes: [String: AuditChange] = [:]
        for (key, old, new) in [("name_fr", before.name_fr, type.nameFr), ("name_en", before.name_en, type.nameEn),
                                ("description_fr", before.description_fr, type.descriptionFr),
                                ("description_en", before.description_en, type.descriptionEn), ("routing", before.routing, type.routing),
                                ("target_days", before.target_days, String(type.targetDays)),
                                ("triage_days", before.triage_days, String(type.triageDays)),
                                ("resolution_required", before.resolution_required ?? "0", type.resolutionRequired ? "1" : "0"),
                                ("active", before.active ?? "0", type.active ? "1" : "0"),
                                ("filers", before.filers?.joined(separator: " "), type.filers), ("fields", oldFields, type.fieldsJSON)]
        where old != new {
            changes[key] = .init(before: old, after: new)
        }
        let journaled = changes
        let stale = try await req.write { db -> Bool in
            // Taken with its version: a save made meanwhile makes this one change nothing.
            let updated = try await db.sql.update(RequestTypeModel.schema)
                .set("name_fr", to: SQLBind(type.nameFr)).set("name_en", to: SQLBind(type.nameEn))
                .set("description_fr", to: SQLBind(type.descriptionFr)).set("description_en", to: SQLBind(type.descriptionEn))
                .set("routing", to: SQLBind(type.routing)).set("target_days", to: SQLBind(type.targetDays))
                .set("triage_days", to: SQLBind(type.triageDays))
                .set("resolution_required", to: SQLBind(type.resolutionRequired)).set("active", to: SQLBind(type.active))
                .set("filers", to: SQLBind(type.filers)).set("fields", to: SQLBind(type.fieldsJSON))
                .set("version", to: SQLBind(version + 1))
                .where("id", .equal, SQLBind(try type.requireID())).where("version", .equal, SQLBind(version))
                .returning("id").all()
            guard !updated.isEmpty else { return true }
            try await Audit.record(on: db, actor: req.auditActor, action: "request_types.update", recordType: "request_type",
                                   recordID: type.code, changes: journaled)
            return false
        }
        req.application.requestTypes.forget()
        if stale {
            return RequestTypeViews.edit(Layout(req), type: type, form: form, questions: questions, errors: [("version", l("type.error.stale"))], csrf: csrf)
                .page(status: .conflict)
        }
        return req.redirect(to: "/administration/types-demandes/\(type.code)?enregistre=1", redirectType: .normal)
    }
}

enum RequestTypeViews {
    static func list(_ layout: Layout, types: [RequestTypeModel]) -> String {
        let l = layout.l
        let title = l("type.title")
        return layout.render(title: title, breadcrumbs: UI.adminCrumbs(l, title),
            .h1(.text(title)),
            .p(.text(l("type.lead"))),
            UI.table(caption: title, columns: [
                .init(title: l("type.name")), .init(title: l("type.routing")), .init(title: l("type.target_days")),
                .init(title: l("type.triage_days")),
                .init(title: l("type.fields")), .init(title: l("org.status")),
            ], rows: types.map { t in [
                H.a(t.name(l.language), href: "/administration/types-demandes/\(t.code)"),
                .text(l("type.routing.\(t.routing)")), .text(l.format.integer(t.targetDays)), .text(l.format.integer(t.triageDays)),
                .text(l.format.integer(t.fields.count)),
                t.active ? UI.tag(l("type.active"), .success) : UI.tag(l("type.inactive"), .neutral),
            ] }, captionHidden: true))
    }

    static func edit(_ layout: Layout, type: RequestTypeModel, form: RequestTypePages.Form, questions: Questions.Rows,
                     errors: FormInput.Errors,
                     csrf: String) -> String {
        let l = layout.l
        let title = l("type.edit", ["name": type.name(l.language)])
        let error = { (field: String) in FormInput.error(errors, field) }
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("admin.title"), "/administration"),
                                                        (l("type.title"), "/administration/types-demandes"), (type.code, nil)],
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            H.el("form", H.attr("action", "/administration/types-demandes/\(type.code)"), H.attr("method", "post"), H.attr("novalidate", ""),
                 UI.csrfField(csrf),
                 H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(form.version ?? type.version))]),
                 UI.summaryList([(l("type.code"), .text(type.code))]),
                 UI.textField(name: "name_fr", label: l("type.name_fr"), value: form.name_fr ?? "", error: error("name_fr")),
                 UI.textField(name: "name_en", label: l("type.name_en"), value: form.name_en ?? "", error: error("name_en")),
                 UI.textArea(name: "description_fr", label: l("type.description_fr"), value: form.description_fr ?? "",
                             error: error("description_fr"), rows: 3),
                 UI.textArea(name: "description_en", label: l("type.description_en"), value: form.description_en ?? "",
                             error: error("description_en"), rows: 3),
                 UI.select(name: "routing", label: l("type.routing"), options: [("bcam", l("type.routing.bcam")),
                                                                               ("directorate", l("type.routing.directorate"))],
                           selected: form.routing, error: error("routing")),
                 UI.textField(name: "target_days", label: l("type.target_days"), value: form.target_days ?? "",
                              hint: l("type.target_days_hint"), error: error("target_days"), width: "short"),
                 UI.textField(name: "triage_days", label: l("type.triage_days"), value: form.triage_days ?? "",
                              hint: l("type.triage_days_hint"), error: error("triage_days"), width: "short"),
                 UI.checkboxes(name: "filers", legend: l("type.filers"),
                               options: [("municipality", l("type.filers.municipality")), ("mrc", l("type.filers.mrc"))],
                               selected: Set(form.filers ?? []), error: error("filers")),
                 H.el("fieldset", .class("fieldset"), H.el("legend", .class("field__label"), .text(l("type.options"))),
                      .div(.class("checkbox"),
                           H.void("input", [.named("type", "checkbox"), .named("id", "champ-resolution_required"),
                                            .named("name", "resolution_required"), .named("value", "1"),
                                            .named("checked", form.resolution_required == "1" ? "checked" : nil)]),
                           H.el("label", H.attr("for", "champ-resolution_required"), .text(l("type.resolution_required")))),
                      .div(.class("checkbox"),
                           H.void("input", [.named("type", "checkbox"), .named("id", "champ-active"), .named("name", "active"),
                                            .named("value", "1"), .named("checked", form.active == "1" ? "checked" : nil)]),
                           H.el("label", H.attr("for", "champ-active"), .text(l("type.active_label"))))),
                 .h2(.text(l("type.fields"))),
                 .p(.text(l("type.fields_lead"))),
                 Questions.editorRows(l, form: questions, errors: errors),
                 UI.button(l("type.save"))))
    }
}
