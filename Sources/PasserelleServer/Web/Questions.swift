import Foundation
import PasserelleCore
import Plot
import Vapor

/// The questions a form asks — a request type's, a program's, a report's indicators: the rows of the
/// editors that write them, and the inputs and answers of the forms that ask them. Every module that
/// asks questions uses these, so that a question reads and behaves the same everywhere.
enum Questions {
    /// The editor's rows as typed: one row per question (`f_*[]`, in order) and a blank row to add one.
    struct Rows: Content {
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
    }

    /// The fields the rows describe, or what is wrong with them (the errors name the row's input).
    /// `prefix` names the rows' fields in the errors (`f_code-0`; the programs' indicators use `i`).
    static func read(_ form: Rows, _ l: Localizer, prefix: String = "f") -> ([RequestField], FormInput.Errors) {
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

    /// One input with its own id (rows repeat names, never ids).
    private static func input(_ name: String, row: Int, label: String, value: String, error: String?) -> BodyNode {
        let id = "champ-\(name)-\(row)"
        return .div(.class("field" + (error == nil ? "" : " field--error")),
            H.el("label", H.attr("for", id), .class("field__label"), .text(label)),
            .unwrap(error) { .p(.id("\(id)-erreur"), .class("field__error"), .text($0)) },
            H.void("input", [.named("type", "text"), .named("id", id), .named("name", name + "[]"), .named("value", value),
                             .named("class", "field__input"), .named("aria-invalid", error == nil ? nil : "true")]))
    }

    /// The rows of a form's questions (`f_*[]`), one fieldset each, and a blank one to add a question:
    /// the request types' editor and the programs' share them.
    /// `prefix` names the rows' fields (`f_code[]`; the programs' indicators use `i`).
    static func editorRows(_ l: Localizer, form: Rows, errors: FormInput.Errors, prefix: String = "f") -> BodyNode {
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

    /// One input per field of the type, what was typed kept.
    static func inputs(_ l: Localizer, _ fields: [RequestField], answers: [String: [String]], errors: FormInput.Errors,
                       keptFiles: [FileStore.Blob]) -> BodyNode {
        .group(fields.map { field in
            let name = FormInput.inputName(field)
            let label = field.label(l.language) + (field.required ? "" : " " + l("form.optional"))
            let help = field.help(l.language).nilIfEmpty
            let error = FormInput.error(errors, name)
            let values = answers[field.code] ?? []
            switch field.kind {
            case .text:
                return UI.textArea(name: name, label: label, value: values.first ?? "", hint: help, error: error, rows: 3)
            case .number:
                return UI.textField(name: name, label: label, value: values.first ?? "", hint: help, error: error, width: "short")
            case .date:
                return UI.textField(name: name, label: label, value: values.first ?? "", hint: help ?? l("mandates.ends_on_hint"),
                                    error: error, type: "date")
            case .choice:
                return UI.select(name: name, label: label,
                                 options: [("", l("request.form.choose"))] + field.options.map { ($0.code, $0.label(l.language)) },
                                 selected: values.first, error: error)
            case .multiple:
                return UI.checkboxes(name: name, legend: label, options: field.options.map { ($0.code, $0.label(l.language)) },
                                     selected: Set(values), error: error)
            case .location:
                return H.el("fieldset", .class("fieldset" + (error == nil ? "" : " field--error")), H.attr("id", "champ-\(name)"),
                            H.el("legend", .class("field__label"), .text(label)),
                            .unwrap(help) { .p(.class("field__hint"), .text($0)) },
                            .unwrap(error) { .p(.class("field__error"), .text($0)) },
                            UI.textField(name: name + "_lat", label: l("request.latitude"), value: values.first ?? "", width: "short"),
                            UI.textField(name: name + "_lon", label: l("request.longitude"), value: values.dropFirst().first ?? "",
                                         width: "short"))
            case .file:
                let kept = keptFiles.filter { $0.field == field.code }.map(\.filename)
                return .group(
                    UI.fileField(name: name, label: label, hint: [help, kept.isEmpty ? nil : l("request.draft.kept_file", ["name": kept.joined(separator: ", ")])]
                        .compactMap { $0 }.joined(separator: " ").nilIfEmpty, error: error, accept: FileStore.accept))
            }
        })
    }

    /// An answer as the reader reads it: options by their label, numbers and dates in the reader's format.
    static func answerText(_ l: Localizer, _ field: RequestField, _ values: [String]) -> String {
        switch field.kind {
        case .choice, .multiple:
            return values.map { v in field.options.first { $0.code == v }?.label(l.language) ?? v }.joined(separator: ", ")
        case .location:
            return values.filter { !$0.isEmpty }.joined(separator: ", ")
        case .number:
            return values.first.map { v in RequestFieldCheck.number(v).map { $0 == $0.rounded() ? l.format.integer(Int($0)) : l.format.decimal($0, places: 2) } ?? v } ?? ""
        case .date:
            return values.first.map { v in CalendarDate(iso: v).map(l.format.date) ?? v } ?? ""
        case .text, .file:
            return values.first ?? ""
        }
    }
}
