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

    /// The form: the type's properties, then one row per field (`f_*[]`, in order) and a blank row to add one.
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
        var f_code: [String]?
        var f_kind: [String]?
        var f_label_fr: [String]?
        var f_label_en: [String]?
        var f_help_fr: [String]?
        var f_help_en: [String]?
        var f_options: [String]?
        /// The indexes of the rows whose field is required, and of those to remove.
        var f_required: [String]?
        var f_remove: [String]?

        init() {}

        /// The rows of these questions, and nothing else.
        init(questions fields: [RequestField]) {
            f_code = fields.map(\.code)
            f_kind = fields.map(\.kind.rawValue)
            f_label_fr = fields.map(\.labelFr)
            f_label_en = fields.map(\.labelEn)
            f_help_fr = fields.map(\.helpFr)
            f_help_en = fields.map(\.helpEn)
            f_options = fields.map { $0.options.map { "\($0.code) | \($0.fr) | \($0.en)" }.joined(separator: "\n") }
            f_required = fields.indices.filter { fields[$0].required }.map(String.init)
        }

        init(_ type: RequestTypeModel) {
            self.init(questions: type.fields)
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
        return RequestTypeViews.edit(Layout(req), type: type, form: Form(type), errors: [], csrf: req.currentUser?.csrfToken ?? "")
            .page(status: .ok)
    }

    /// The fields the rows describe, or what is wrong with them (the errors name the row's input).
    /// `prefix` names the rows' fields in the errors (`f_code-0`; the programs' indicators use `i`).
    static func fields(_ form: Form, _ l: Localizer, prefix: String = "f") -> ([RequestField], FormInput.Errors) {
        var fields: [RequestField] = []
        var errors: FormInput.Errors = []
        let codes = form.f_code ?? []
        let required = Set(form.f_required ?? [])
        let removed = Set(form.f_remove ?? [])
        func at(_ list: [String]?, _ i: Int) -> String { (list ?? []).indices.contains(i) ? list![i].trimmingCharacters(in: .whitespacesAndNewlines) : "" }
        for i in codes.indices where !removed.contains(String(i)) {
            let code = at(form.f_code, i).lowercased()
            let labelFr = at(form.f_label_fr, i), labelEn = at(form.f_label_en, i)
            // The blank row left blank adds nothing.
            if code.isEmpty && labelFr.isEmpty && labelEn.isEmpty { continue }
            let row = String(i)
            if !RequestField.validCode(code) { errors.append(("\(prefix)_code-\(row)", l("type.error.field_code", ["row": String(i + 1)]))) }
            else if fields.contains(where: { $0.code == code }) { errors.append(("\(prefix)_code-\(row)", l("type.error.field_code_taken", ["code": code]))) }
            guard let kind = RequestField.Kind(rawValue: at(form.f_kind, i)) else {
                errors.append(("\(prefix)_kind-\(row)", l("type.error.field_kind", ["row": String(i + 1)])))
                continue
            }
            if labelFr.isEmpty || labelFr.count > 200 { errors.append(("\(prefix)_label_fr-\(row)", l("type.error.field_label", ["row": String(i + 1)]))) }
            if labelEn.isEmpty || labelEn.count > 200 { errors.append(("\(prefix)_label_en-\(row)", l("type.error.field_label", ["row": String(i + 1)]))) }
            var options: [RequestField.Option] = []
            for line in at(form.f_options, i).split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 3, RequestField.validCode(parts[0]), !parts[1].isEmpty, !parts[2].isEmpty else {
                    errors.append(("\(prefix)_options-\(row)", l("type.error.option", ["line": String(line)])))
                    continue
                }
                options.append(.init(code: parts[0], fr: parts[1], en: parts[2]))
            }
            if (kind == .choice || kind == .multiple) && options.count < 2 {
                errors.append(("\(prefix)_options-\(row)", l("type.error.options", ["row": String(i + 1)])))
            }
            fields.append(RequestField(code: code, kind: kind, labelFr: labelFr, labelEn: labelEn, helpFr: at(form.f_help_fr, i),
                                       helpEn: at(form.f_help_en, i), required: required.contains(row),
                                       options: kind == .choice || kind == .multiple ? options : []))
        }
        return (fields, errors)
    }

    @Sendable func save(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let type = try await load(req)
        let l = req.localizer
        let form = (try? req.content.decode(Form.self)) ?? Form()
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
        let (fields, fieldErrors) = Self.fields(form, l)
        errors += fieldErrors
        let csrf = req.currentUser?.csrfToken ?? ""
        guard errors.isEmpty, let days, let triage else {
            return RequestTypeViews.edit(Layout(req), type: type, form: form, errors: errors, csrf: csrf).page(status: .unprocessableEntity)
        }
        guard form.version == type.version else {
            return RequestTypeViews.edit(Layout(req), type: type, form: form, errors: [("version", l("type.error.stale"))], csrf: csrf)
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
            return RequestTypeViews.edit(Layout(req), type: type, form: form, errors: [("version", l("type.error.stale"))], csrf: csrf)
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

    /// One input with its own id (rows repeat names, never ids).
    static func input(_ name: String, row: Int, label: String, value: String, error: String?) -> BodyNode {
        let id = "champ-\(name)-\(row)"
        return .div(.class("field" + (error == nil ? "" : " field--error")),
            H.el("label", H.attr("for", id), .class("field__label"), .text(label)),
            .unwrap(error) { .p(.id("\(id)-erreur"), .class("field__error"), .text($0)) },
            H.void("input", [.named("type", "text"), .named("id", id), .named("name", name + "[]"), .named("value", value),
                             .named("class", "field__input"), .named("aria-invalid", error == nil ? nil : "true")]))
    }

    static func edit(_ layout: Layout, type: RequestTypeModel, form: RequestTypePages.Form, errors: FormInput.Errors,
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
                 fieldRows(l, form: form, errors: errors),
                 UI.button(l("type.save"))))
    }

    /// The rows of a form's questions (`f_*[]`), one fieldset each, and a blank one to add a question:
    /// the request types' editor and the programs' share them.
    /// `prefix` names the rows' fields (`f_code[]`; the programs' indicators use `i`).
    static func fieldRows(_ l: Localizer, form: RequestTypePages.Form, errors: FormInput.Errors, prefix: String = "f") -> BodyNode {
        let error = { (field: String) in FormInput.error(errors, field) }
        let rows = (form.f_code ?? []).count + 1
        func at(_ list: [String]?, _ i: Int) -> String { (list ?? []).indices.contains(i) ? list![i] : "" }
        let kinds = RequestField.Kind.allCases.map { (value: $0.rawValue, label: l("type.kind.\($0.rawValue)")) }
        return .group((0..<rows).map { i in
                     let row = String(i)
                     let fieldError = { (name: String) in error("\(name)-\(row)") }
                     return H.el("fieldset", .class("fieldset"),
                         H.el("legend", .class("field__label"), .text(i == rows - 1 ? l("type.field_new") : l("type.field_row", ["row": String(i + 1)]))),
                         input("\(prefix)_code", row: i, label: l("type.field_code"), value: at(form.f_code, i), error: fieldError("\(prefix)_code")),
                         .div(.class("field"),
                              H.el("label", H.attr("for", "champ-\(prefix)_kind-\(i)"), .class("field__label"), .text(l("type.field_kind"))),
                              H.el("select", H.attr("id", "champ-\(prefix)_kind-\(i)"), H.attr("name", "\(prefix)_kind[]"), .class("field__select"),
                                   UI.options(kinds, selected: at(form.f_kind, i)))),
                         input("\(prefix)_label_fr", row: i, label: l("type.field_label_fr"), value: at(form.f_label_fr, i), error: fieldError("\(prefix)_label_fr")),
                         input("\(prefix)_label_en", row: i, label: l("type.field_label_en"), value: at(form.f_label_en, i), error: fieldError("\(prefix)_label_en")),
                         input("\(prefix)_help_fr", row: i, label: l("type.field_help_fr"), value: at(form.f_help_fr, i), error: nil),
                         input("\(prefix)_help_en", row: i, label: l("type.field_help_en"), value: at(form.f_help_en, i), error: nil),
                         .div(.class("field"),
                              H.el("label", H.attr("for", "champ-\(prefix)_options-\(i)"), .class("field__label"), .text(l("type.field_options"))),
                              .div(.id("champ-\(prefix)_options-\(i)-aide"), .class("field__hint"), .text(l("type.field_options_hint"))),
                              .unwrap(fieldError("\(prefix)_options")) { .p(.class("field__error"), .text($0)) },
                              H.el("textarea", H.attr("id", "champ-\(prefix)_options-\(i)"), H.attr("name", "\(prefix)_options[]"), H.attr("rows", "3"),
                                   H.attr("aria-describedby", "champ-\(prefix)_options-\(i)-aide"), .class("field__input field__textarea"),
                                   .text(at(form.f_options, i)))),
                         .div(.class("checkbox"),
                              H.void("input", [.named("type", "checkbox"), .named("id", "champ-\(prefix)_required-\(i)"), .named("name", "\(prefix)_required[]"),
                                               .named("value", row), .named("checked", (form.f_required ?? []).contains(row) ? "checked" : nil)]),
                              H.el("label", H.attr("for", "champ-\(prefix)_required-\(i)"), .text(l("type.field_required")))),
                         i == rows - 1 ? .empty : .div(.class("checkbox"),
                              H.void("input", [.named("type", "checkbox"), .named("id", "champ-\(prefix)_remove-\(i)"), .named("name", "\(prefix)_remove[]"),
                                               .named("value", row)]),
                              H.el("label", H.attr("for", "champ-\(prefix)_remove-\(i)"), .text(l("type.field_remove")))))
                 })
    }
}
