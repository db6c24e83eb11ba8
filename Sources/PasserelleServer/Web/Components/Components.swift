import PasserelleCore
import Plot

/// The component library: small functions with a few parameters, used the same way on every page
/// (after GOV.UK Frontend and the Québec design system). Text comes in already localized.
enum UI {
    /// The hidden field that carries a form's CSRF token (`CSRF.verify` reads it).
    static func csrfField(_ token: String) -> BodyNode {
        H.void("input", [.named("type", "hidden"), .named("name", CSRF.field), .named("value", token)])
    }

    /// The breadcrumbs of an administration page: home, administration, the page.
    static func adminCrumbs(_ l: Localizer, _ title: String) -> [(label: String, href: String?)] {
        [(l("nav.home"), "/"), (l("admin.title"), "/administration"), (title, nil)]
    }

    /// A month as a heading reads it: « novembre 2026 », "November 2026".
    static func monthName(_ l: Localizer, _ year: Int, _ month: Int) -> String {
        let day = l.format.date(CalendarDate(year: year, month: month, day: 2)!)
        // « 2 novembre 2026 » → « novembre 2026 »; "November 2, 2026" → "November 2026".
        return l.language == .frCA ? String(day.drop { $0 != "\u{00A0}" }.dropFirst())
            : day.replacingOccurrences(of: "\u{00A0}2,", with: "")
    }

    enum ButtonKind: String { case primary, secondary }

    static func button(_ label: String, kind: ButtonKind = .primary, name: String? = nil, value: String? = nil) -> BodyNode {
        H.el("button", H.attr("type", "submit"), .class("button button--\(kind.rawValue)"),
             H.attr("name", name), H.attr("value", value), .text(label))
    }

    /// A labelled input with its hint and its error, described to assistive technology.
    static func textField(name: String, label: String, value: String = "", hint: String? = nil, error: String? = nil,
                          type: String = "text", width: String? = nil, autocomplete: String? = nil,
                          labelHidden: Bool = false) -> BodyNode {
        let id = "champ-\(name)"
        let described = [hint.map { _ in "\(id)-aide" }, error.map { _ in "\(id)-erreur" }].compactMap { $0 }
        return .div(.class("field" + (error == nil ? "" : " field--error")),
            H.el("label", H.attr("for", id), .class(labelHidden ? "visually-hidden" : "field__label"), .text(label)),
            .unwrap(hint) { .div(.id("\(id)-aide"), .class("field__hint"), .text($0)) },
            .unwrap(error) { .p(.id("\(id)-erreur"), .class("field__error"),
                                .span(.class("visually-hidden"), .text("! ")), .text($0)) },
            H.void("input", [.named("type", type), .named("id", id), .named("name", name), .named("value", value),
                             .named("class", "field__input" + (width.map { " field__input--\($0)" } ?? "")),
                             .named("aria-describedby", described.isEmpty ? nil : described.joined(separator: " ")),
                             .named("aria-invalid", error == nil ? nil : "true"),
                             .named("autocomplete", autocomplete)]))
    }

    /// A text of several lines, labelled, with its hint and error.
    static func textArea(name: String, label: String, value: String = "", hint: String? = nil, error: String? = nil,
                         rows: Int = 6) -> BodyNode {
        let id = "champ-\(name)"
        let described = [hint.map { _ in "\(id)-aide" }, error.map { _ in "\(id)-erreur" }].compactMap { $0 }
        return .div(.class("field" + (error == nil ? "" : " field--error")),
            H.el("label", H.attr("for", id), .class("field__label"), .text(label)),
            .unwrap(hint) { .div(.id("\(id)-aide"), .class("field__hint"), .text($0)) },
            .unwrap(error) { .p(.id("\(id)-erreur"), .class("field__error"), .text($0)) },
            H.el("textarea", H.attr("id", id), H.attr("name", name), H.attr("rows", String(rows)), .class("field__input field__textarea"),
                 H.attr("aria-describedby", described.isEmpty ? nil : described.joined(separator: " ")),
                 H.attr("aria-invalid", error == nil ? nil : "true"), .text(value)))
    }

    /// Files to send (a form with `enctype="multipart/form-data"`).
    static func fileField(name: String, label: String, hint: String? = nil, error: String? = nil, accept: String? = nil)
        -> BodyNode {
        let id = "champ-\(name)"
        let described = [hint.map { _ in "\(id)-aide" }, error.map { _ in "\(id)-erreur" }].compactMap { $0 }
        return .div(.class("field" + (error == nil ? "" : " field--error")),
            H.el("label", H.attr("for", id), .class("field__label"), .text(label)),
            .unwrap(hint) { .div(.id("\(id)-aide"), .class("field__hint"), .text($0)) },
            .unwrap(error) { .p(.id("\(id)-erreur"), .class("field__error"), .text($0)) },
            H.void("input", [.named("type", "file"), .named("id", id), .named("name", name + "[]"), .named("multiple", "multiple"),
                             .named("accept", accept), .named("class", "field__file"),
                             .named("aria-describedby", described.isEmpty ? nil : described.joined(separator: " ")),
                             .named("aria-invalid", error == nil ? nil : "true")]))
    }

    /// A choice among options; `selected` is the value kept from the request.
    static func select(name: String, label: String, options: [(value: String, label: String)], selected: String?,
                       error: String? = nil) -> BodyNode {
        let id = "champ-\(name)"
        return .div(.class("field" + (error == nil ? "" : " field--error")),
            H.el("label", H.attr("for", id), .class("field__label"), .text(label)),
            .unwrap(error) { .p(.id("\(id)-erreur"), .class("field__error"), .text($0)) },
            H.el("select", H.attr("id", id), H.attr("name", name), .class("field__select"),
                 H.attr("aria-describedby", error == nil ? nil : "\(id)-erreur"), Self.options(options, selected: selected)))
    }

    /// A select's options, written in one string (a unit's people can be a hundred of them). An empty
    /// value is written as such: an option without one would send its label.
    static func options(_ options: [(value: String, label: String)], selected: String?) -> BodyNode {
        var w = HTMLWriter(capacity: options.count * 48)
        for option in options {
            w.raw("<option")
            w.attribute("value", option.value, empty: true)
            w.flag("selected", option.value == selected)
            w.raw(">")
            w.text(option.label)
            w.close("option")
        }
        return w.node
    }

    /// Several choices in a fieldset; `selected` holds the values kept from the request.
    static func checkboxes(name: String, legend: String, options: [(value: String, label: String)], selected: Set<String>,
                           error: String? = nil) -> BodyNode {
        let id = "champ-\(name)"
        return H.el("fieldset", .class("field fieldset" + (error == nil ? "" : " field--error")), H.attr("id", id),
            H.el("legend", .class("field__label"), .text(legend)),
            .unwrap(error) { .p(.class("field__error"), .text($0)) },
            .group(options.enumerated().map { index, option in
                .div(.class("checkbox"),
                     H.void("input", [.named("type", "checkbox"), .named("id", "\(id)-\(index)"), .named("name", name + "[]"),
                                      .named("value", option.value),
                                      .named("checked", selected.contains(option.value) ? "checked" : nil)]),
                     H.el("label", H.attr("for", "\(id)-\(index)"), .text(option.label)))
            }))
    }

    /// A form of one button that changes something (revoke, remove): POST with its CSRF token.
    static func actionForm(action: String, csrf: String, label: String, kind: ButtonKind = .secondary,
                           hidden: [(String, String)] = []) -> BodyNode {
        H.el("form", H.attr("action", action), H.attr("method", "post"), .class("inline-form"),
             csrfField(csrf),
             .group(hidden.map { H.void("input", [.named("type", "hidden"), .named("name", $0.0), .named("value", $0.1)]) }),
             button(label, kind: kind))
    }

    /// The list of problems at the top of a form, each linked to its field.
    static func errorSummary(title: String, errors: [(field: String, message: String)]) -> BodyNode {
        guard !errors.isEmpty else { return .empty }
        return .div(.class("error-summary"), H.attr("role", "alert"), H.attr("tabindex", "-1"),
                    H.attr("aria-labelledby", "resume-erreurs"),
            .h2(.id("resume-erreurs"), .class("error-summary__title"), .text(title)),
            H.ul(.forEach(errors) { error in H.li(H.link(H.attr("href", "#champ-\(error.field)"), .text(error.message))) }))
    }

    struct Column {
        let title: String
        var numeric = false
    }

    /// A data table with a caption; the first cell of each row is its header.
    static func table(caption: String, columns: [Column], rows: [[BodyNode]], captionHidden: Bool = false) -> BodyNode {
        table(caption: caption, columns: columns, captionHidden: captionHidden, body:
             H.el("tbody", rows.map { cells in
                 H.el("tr", cells.enumerated().map { index, cell in
                     let numeric = index < columns.count && columns[index].numeric
                     return index == 0
                         ? H.el("th", H.attr("scope", "row"), .class(numeric ? "numeric" : ""), cell)
                         : H.el("td", .class(numeric ? "numeric" : ""), cell)
                 })
             }))
    }

    /// The same table, its `<tbody>` already written (`HTMLWriter`): for the long lists people page
    /// through all day, where building a node per cell costs more than the query.
    static func table(caption: String, columns: [Column], captionHidden: Bool = false, body: BodyNode) -> BodyNode {
        H.el("table", .class("table"),
             H.el("caption", .class(captionHidden ? "visually-hidden" : "table__caption"), .text(caption)),
             H.el("thead", H.el("tr", columns.map { column in
                 H.el("th", H.attr("scope", "col"), .class(column.numeric ? "numeric" : ""), .text(column.title))
             })),
             body)
    }

    enum TagStatus: String { case info, success, warning, error, neutral }

    /// A status: the same colour for the same meaning on every page.
    static func tag(_ text: String, _ status: TagStatus) -> BodyNode {
        .strong(.class("tag tag--\(status.rawValue)"), .text(text))
    }

    /// Terms and their values (a record's fields).
    static func summaryList(_ rows: [(term: String, value: BodyNode)]) -> BodyNode {
        H.el("dl", [.class("summary-list")] + rows.map { row in
            .div(.class("summary-list__row"),
                 H.el("dt", .class("summary-list__key"), .text(row.term)),
                 H.el("dd", .class("summary-list__value"), row.value))
        })
    }

    enum NoticeKind: String { case info, success, warning, error }

    static func notice(_ text: String, kind: NoticeKind = .info, title: String? = nil) -> BodyNode {
        .div(.class("notice notice--\(kind.rawValue)"), H.attr("role", kind == .error ? "alert" : "status"),
             .unwrap(title) { .p(.class("notice__title"), .strong(.text($0))) },
             .p(.text(text)))
    }

    /// Previous / next and numbered pages; `url` builds the link of a page.
    static func pagination(_ l: Localizer, page: Int, pageCount: Int, url: (Int) -> String) -> BodyNode {
        guard pageCount > 1 else { return .empty }
        let window = Set([1, pageCount] + Array(max(1, page - 2)...min(pageCount, page + 2)))
        var items: [BodyNode] = []
        if page > 1 { items.append(H.li(H.link(H.attr("href", url(page - 1)), H.attr("rel", "prev"), .text(l("pagination.previous"))))) }
        var last = 0
        for number in window.sorted() {
            if number > last + 1 { items.append(H.li(.class("pagination__ellipsis"), .text("…"))) }
            items.append(number == page
                ? H.li(H.link(H.attr("href", url(number)), H.attr("aria-current", "page"), .class("pagination__current"),
                         H.attr("aria-label", l("pagination.page", ["number": String(number)])), .text(String(number))))
                : H.li(H.link(H.attr("href", url(number)), H.attr("aria-label", l("pagination.page", ["number": String(number)])),
                         .text(String(number)))))
            last = number
        }
        if page < pageCount { items.append(H.li(H.link(H.attr("href", url(page + 1)), H.attr("rel", "next"), .text(l("pagination.next"))))) }
        return .nav(.class("pagination"), H.attr("aria-label", l("pagination.label")), H.ul(.group(items)))
    }

    static func breadcrumbs(_ l: Localizer, _ trail: [(label: String, href: String?)]) -> BodyNode {
        guard !trail.isEmpty else { return .empty }
        return .nav(.class("breadcrumbs"), H.attr("aria-label", l("breadcrumbs.label")),
            H.ol(.forEach(trail) { crumb in
                H.li(.unwrap(crumb.href, { H.link(H.attr("href", $0), .text(crumb.label)) },
                            else: .span(H.attr("aria-current", "page"), .text(crumb.label))))
            }))
    }

    /// The search box of every page (a GET form: nothing to protect from forgery).
    static func searchForm(_ l: Localizer, query: String, id: String = "recherche") -> BodyNode {
        H.el("form", H.attr("action", "/recherche"), H.attr("method", "get"), H.attr("role", "search"),
             .class("search"), H.attr("aria-label", l("search.label")),
             H.el("label", H.attr("for", "champ-\(id)"), .class("visually-hidden"), .text(l("search.label"))),
             H.void("input", [.named("type", "search"), .named("id", "champ-\(id)"), .named("name", "q"),
                              .named("value", query), .named("class", "search__input"),
                              .named("placeholder", l("search.placeholder"))]),
             H.el("button", H.attr("type", "submit"), .class("button button--primary search__button"),
                  .text(l("search.submit"))))
    }
}
