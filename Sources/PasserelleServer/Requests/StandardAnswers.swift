import Fluent
import Foundation
import PasserelleCore
import Plot
import Vapor

enum StandardAnswers {
    /// The fields a template may use, each replaced by the request's value.
    static let fields = ["numero", "titre", "municipalite", "date_attendue", "agent"]

    /// The template in the request's language, its fields filled in.
    static func render(_ answer: StandardAnswerModel, for model: RequestModel, organisation: String, agent: String) -> String {
        let language = PasserelleCore.Language(rawValue: model.language) ?? .frCA
        let l = Localizer(language)
        let values = [
            "numero": model.number, "titre": model.title, "municipalite": organisation,
            "date_attendue": CalendarDate(iso: model.expectedOn).map(l.format.date) ?? model.expectedOn, "agent": agent,
        ]
        var text = language == .enCA ? answer.bodyEN : answer.bodyFR
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// Fields written in braces that are not known: refused with their names.
    static func unknownFields(_ text: String) -> [String] {
        let names = RegexCaptures.all(#"\{([a-z_]+)\}"#, in: text)
        return Array(Set(names.filter { !fields.contains($0) })).sorted()
    }
}

/// The `{name}` captures of a pattern (the first group), in order.
enum RegexCaptures {
    static func all(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}

/// `/administration/reponses-types`: the list, a new one, and each one's form.
struct StandardAnswerPages: Sendable {

    struct Form: Content {
        var code: String?
        var title_fr: String?
        var title_en: String?
        var body_fr: String?
        var body_en: String?
        var active: String?
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let answers = try await StandardAnswerModel.query(on: req.db).sort(\.$code).all()
        return StandardAnswerViews.list(Layout(req), answers: answers, form: Form(active: "1"), errors: [],
                                        csrf: req.currentUser?.csrfToken ?? "").page(status: .ok)
    }

    @Sendable func edit(_ req: Request) async throws -> Response {
        guard let answer = try await StandardAnswerModel.query(on: req.db).filter(\.$code == (req.parameters.get("code") ?? ""))
            .first() else { throw Problem.notFound() }
        let form = Form(code: answer.code, title_fr: answer.titleFR, title_en: answer.titleEN, body_fr: answer.bodyFR,
                        body_en: answer.bodyEN, active: answer.active ? "1" : nil)
        return StandardAnswerViews.edit(Layout(req), answer: answer, form: form, errors: [],
                                        csrf: req.currentUser?.csrfToken ?? "").page(status: .ok)
    }

    /// Creates (no code in the path) or changes one; field by field errors, what was typed kept.
    @Sendable func save(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let l = req.localizer
        let form = (try? req.content.decode(Form.self)) ?? Form()
        var existing: StandardAnswerModel?
        if let code = req.parameters.get("code") {
            existing = try await StandardAnswerModel.query(on: req.db).filter(\.$code == code).first()
            if existing == nil { throw Problem.notFound() }
        }
        let answer = existing ?? StandardAnswerModel()
        let code = existing?.code ?? (form.code ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let text = { (value: String?) in (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var errors: FormInput.Errors = []
        if existing == nil {
            if code.range(of: #"^[a-z0-9][a-z0-9-]{1,39}$"#, options: .regularExpression) == nil {
                errors.append(("code", l("answer.error.code")))
            } else if try await StandardAnswerModel.query(on: req.db).filter(\.$code == code).count() > 0 {
                errors.append(("code", l("answer.error.code_taken")))
            }
        }
        for field in ["title_fr", "title_en", "body_fr", "body_en"] {
            let value = text([ "title_fr": form.title_fr, "title_en": form.title_en, "body_fr": form.body_fr,
                               "body_en": form.body_en][field]!)
            if value.isEmpty {
                errors.append((field, l("answer.error.required")))
            } else if field.hasPrefix("body"), !StandardAnswers.unknownFields(value).isEmpty {
                errors.append((field, l("answer.error.fields", [
                    "unknown": StandardAnswers.unknownFields(value).joined(separator: ", "),
                    "known": StandardAnswers.fields.map { "{\($0)}" }.joined(separator: " "),
                ])))
            }
        }
        guard errors.isEmpty else {
            let answers = try await StandardAnswerModel.query(on: req.db).sort(\.$code).all()
            let layout = Layout(req)
            let html = existing.map { StandardAnswerViews.edit(layout, answer: $0, form: form, errors: errors, csrf: req.currentUser?.csrfToken ?? "") }
                ?? StandardAnswerViews.list(layout, answers: answers, form: form, errors: errors, csrf: req.currentUser?.csrfToken ?? "")
            return html.page(status: .unprocessableEntity)
        }
        let before: [String: String?] = existing == nil ? [:] : [
            "title_fr": answer.titleFR, "title_en": answer.titleEN, "body_fr": answer.bodyFR, "body_en": answer.bodyEN,
            "active": String(answer.active)]
        answer.code = code
        answer.titleFR = text(form.title_fr)
        answer.titleEN = text(form.title_en)
        answer.bodyFR = text(form.body_fr)
        answer.bodyEN = text(form.body_en)
        answer.active = form.active == "1"
        let after: [String: String?] = ["title_fr": answer.titleFR, "title_en": answer.titleEN, "body_fr": answer.bodyFR,
                                        "body_en": answer.bodyEN, "active": String(answer.active)]
        let action = existing == nil ? "answers.create" : "answers.update"
        try await req.write { db in
            try await answer.save(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: action,
                                   recordType: "standard_answer", recordID: code, changes: Audit.changes(before: before, after: after))
        }
        return req.redirect(to: "/administration/reponses-types", redirectType: .normal)
    }
}

enum StandardAnswerViews {
    static func fields(_ l: Localizer, form: StandardAnswerPages.Form, errors: FormInput.Errors, newCode: Bool) -> BodyNode {
        let error = { (field: String) in FormInput.error(errors, field) }
        return .group(
            newCode ? UI.textField(name: "code", label: l("answer.code"), value: form.code ?? "", hint: l("answer.code_hint"),
                                   error: error("code")) : .empty,
            UI.textField(name: "title_fr", label: l("answer.title_fr"), value: form.title_fr ?? "", error: error("title_fr")),
            UI.textField(name: "title_en", label: l("answer.title_en"), value: form.title_en ?? "", error: error("title_en")),
            UI.textArea(name: "body_fr", label: l("answer.body_fr"), value: form.body_fr ?? "",
                        hint: l("answer.fields_hint", ["fields": StandardAnswers.fields.map { "{\($0)}" }.joined(separator: " ")]),
                        error: error("body_fr"), rows: 8),
            UI.textArea(name: "body_en", label: l("answer.body_en"), value: form.body_en ?? "", error: error("body_en"), rows: 8),
            UI.checkboxes(name: "active", legend: l("answer.active_legend"), options: [("1", l("answer.active"))],
                          selected: form.active == "1" ? ["1"] : []))
    }

    static func list(_ layout: Layout, answers: [StandardAnswerModel], form: StandardAnswerPages.Form, errors: FormInput.Errors,
                     csrf: String) -> String {
        let l = layout.l
        let title = l("answer.title")
        return layout.render(title: title, breadcrumbs: UI.adminCrumbs(l, title),
            .h1(.text(title)),
            .p(.text(l("answer.lead"))),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            answers.isEmpty ? .empty : UI.table(caption: title, columns: [
                .init(title: l("answer.code")), .init(title: l("answer.title_fr")), .init(title: l("answer.title_en")),
                .init(title: l("org.status")),
            ], rows: answers.map { a in
                [H.a(a.code, href: "/administration/reponses-types/\(a.code)"), .text(a.titleFR), .text(a.titleEN),
                 a.active ? UI.tag(l("answer.active"), .success) : UI.tag(l("answer.inactive"), .neutral)]
            }, captionHidden: true),
            .h2(.text(l("answer.new"))),
            H.el("form", H.attr("action", "/administration/reponses-types"), H.attr("method", "post"), H.attr("novalidate", ""),
                 UI.csrfField(csrf), fields(l, form: form, errors: errors, newCode: true), UI.button(l("answer.create"))))
    }

    static func edit(_ layout: Layout, answer: StandardAnswerModel, form: StandardAnswerPages.Form, errors: FormInput.Errors,
                     csrf: String) -> String {
        let l = layout.l
        let title = l("answer.edit", ["code": answer.code])
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("admin.title"), "/administration"),
                                                        (l("answer.title"), "/administration/reponses-types"), (answer.code, nil)],
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            H.el("form", H.attr("action", "/administration/reponses-types/\(answer.code)"), H.attr("method", "post"),
                 H.attr("novalidate", ""), UI.csrfField(csrf), fields(l, form: form, errors: errors, newCode: false),
                 UI.button(l("answer.save"))))
    }
}
