import Foundation
import PasserelleCore
import Plot

enum RequestViews {
    static let attachmentAccept = FileKind.allCases.flatMap(\.extensions).sorted().map { "." + $0 }.joined(separator: ",")

    static func statusTag(_ l: Localizer, _ status: RequestStatus) -> BodyNode {
        let kind: UI.TagStatus = switch status {
        case .received, .inTriage, .reopened: .info
        case .assigned, .inAnalysis: .neutral
        case .awaitingMunicipality: .warning
        case .answered, .closed: .success
        case .transferred, .merged: .neutral
        }
        return UI.tag(l("request.status.\(status.rawValue)"), kind)
    }

    /// Due soon or overdue, from the expected date alone (lists).
    static func standingTag(_ l: Localizer, status: RequestStatus, expected: CalendarDate?, days: WorkingDays) -> BodyNode {
        guard !status.clockStopped, let expected else { return .empty }
        let today = CalendarDate.today
        if today > expected { return UI.tag(l("request.standing.overdue"), .error) }
        if days.count(from: today, to: expected) <= 2 { return UI.tag(l("request.standing.due_soon"), .warning) }
        return .empty
    }

    static func list(_ layout: Layout, filter: RequestPages.Filter, rows: [RequestModel], total: Int, readable: Bool,
                     units: [OrganisationModel], ministry: Bool, days: WorkingDays) -> String {
        let l = layout.l
        let title = l(ministry ? "request.queue.title" : "request.list.title")
        let language = l.language
        let statusOptions = [("", l("request.filter.all")), ("ouvertes", l("request.filter.open"))]
            + RequestStatus.allCases.map { ($0.rawValue, l("request.status.\($0.rawValue)")) }
        let query = "statut=\(filter.status)&unite=\(filter.unit)&moi=\(filter.mine ? "1" : "")&q="
            + (filter.q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (title, nil)],
            .h1(.text(title)),
            ministry ? .empty : .p(H.a(l("request.new"), href: "/demandes/nouvelle", .class("button button--primary"))),
            H.el("form", H.attr("action", "/demandes"), H.attr("method", "get"), .class("filters"),
                 UI.textField(name: "q", label: l("request.filter.search"), value: filter.q),
                 UI.select(name: "statut", label: l("request.status"), options: statusOptions, selected: filter.status),
                 ministry ? UI.select(name: "unite", label: l("request.unit"),
                                      options: [("", l("request.filter.all_units"))] + units.map { ($0.code, $0.name) },
                                      selected: filter.unit) : .empty,
                 ministry ? UI.checkboxes(name: "moi", legend: l("request.filter.mine_legend"),
                                          options: [("1", l("request.filter.mine"))], selected: filter.mine ? ["1"] : [])
                          : .empty,
                 UI.button(l("admin.filter"))),
            !readable ? .p(.text(l("request.list.none_readable"))) :
            rows.isEmpty ? .p(.text(l("request.list.empty"))) : .group(
                .p(.text(l("admin.count", ["count": l.format.integer(total)]))),
                UI.table(caption: title, columns: [
                    .init(title: l("request.number")), .init(title: l("request.title")), .init(title: l("request.organisation")),
                    .init(title: l("request.type")), .init(title: l("request.status")), .init(title: l("request.expected_on")),
                ], rows: rows.map { m in
                    let expected = CalendarDate(iso: m.expectedOn)
                    return [H.a(m.number, href: "/demandes/\(m.number)"), .text(m.title), .text(m.organisation.name),
                            .text(m.type.name(language)), statusTag(l, m.status),
                            .group(.text(expected.map(l.format.date) ?? m.expectedOn), .text(" "),
                                   standingTag(l, status: m.status, expected: expected, days: days))]
                }, captionHidden: true)),
            UI.pagination(l, page: filter.page, pageCount: max(1, (total + RequestPages.pageSize - 1) / RequestPages.pageSize)) {
                "/demandes?\(query)&page=\($0)"
            })
    }

    static func choose(_ layout: Layout, organisations: [OrganisationModel]) -> String {
        let l = layout.l
        return layout.render(title: l("request.new"), breadcrumbs: [(l("nav.home"), "/"), (l("request.list.title"), "/demandes"),
                                                                    (l("request.new"), nil)],
            .h1(.text(l("request.new"))),
            organisations.isEmpty ? .p(.text(l("request.choose.none"))) : .group(
                .p(.text(l("request.choose.lead"))),
                H.ul(.forEach(organisations) { H.li(H.a($0.name, href: "/organisations/\($0.code)/demandes/nouvelle")) })))
    }

    static func form(_ layout: Layout, organisation: OrganisationModel, types: [RequestTypeModel],
                     form: RequestPages.FilingForm, errors: AccountViews.Errors, maxUploadMB: Int, csrf: String) -> String {
        let l = layout.l
        let error = { (field: String) in AccountViews.error(errors, field) }
        let title = l("request.form.title", ["organisation": organisation.name])
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("request.list.title"), "/demandes"), (title, nil)],
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            H.el("form", H.attr("action", "/organisations/\(organisation.code)/demandes"), H.attr("method", "post"),
                 H.attr("enctype", "multipart/form-data"), H.attr("novalidate", ""), IdentityViews.csrfField(csrf),
                 UI.select(name: "type", label: l("request.type"),
                           options: [("", l("request.form.choose_type"))] + types.map { ($0.code, $0.name(l.language)) },
                           selected: form.type, error: error("type")),
                 H.el("details", H.el("summary", .text(l("request.form.types_help"))),
                      H.el("dl", .group(types.map { t in
                          .group(H.el("dt", .text(t.name(l.language))),
                                 H.el("dd", .text(t.description(l.language) + " "
                                      + l("request.form.standard", ["days": String(t.targetDays)])
                                      + (t.resolutionRequired ? " " + l("request.form.resolution_required") : ""))))
                      }))),
                 UI.textField(name: "title", label: l("request.title"), value: form.title ?? "", hint: l("request.form.title_hint"),
                              error: error("title")),
                 UI.textArea(name: "description", label: l("request.description"), value: form.description ?? "",
                             hint: l("request.form.description_hint"), error: error("description")),
                 H.el("fieldset", .class("fieldset"),
                      H.el("legend", .class("field__label"), .text(l("request.form.resolution"))),
                      .p(.class("field__hint"), .text(l("request.form.resolution_hint"))),
                      UI.textField(name: "resolution_number", label: l("request.resolution_number"),
                                   value: form.resolution_number ?? "", error: error("resolution_number"), width: "short"),
                      UI.textField(name: "resolution_date", label: l("request.resolution_date"), value: form.resolution_date ?? "",
                                   hint: l("mandates.ends_on_hint"), error: error("resolution_date"), type: "date")),
                 H.el("fieldset", .class("fieldset"),
                      H.el("legend", .class("field__label"), .text(l("request.form.location"))),
                      .p(.class("field__hint"), .text(l("request.form.location_hint"))),
                      UI.textField(name: "latitude", label: l("request.latitude"), value: form.latitude ?? "",
                                   error: error("latitude"), width: "short"),
                      UI.textField(name: "longitude", label: l("request.longitude"), value: form.longitude ?? "",
                                   error: error("longitude"), width: "short")),
                 UI.fileField(name: "pieces", label: l("attachment.label"), hint: l("attachment.hint", ["max": String(maxUploadMB)]), error: error("pieces"),
                              accept: attachmentAccept),
                 UI.button(l("request.form.submit"))))
    }

    static func filed(_ layout: Layout, model: RequestModel, type: RequestTypeModel) -> String {
        let l = layout.l
        let title = l("request.filed.title")
        let expected = CalendarDate(iso: model.expectedOn).map(l.format.dateInSentence) ?? model.expectedOn
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("request.list.title"), "/demandes"), (title, nil)],
            .div(.class("notice notice--success"), H.attr("role", "status"),
                 .h1(.text(title)),
                 .p(.text(l("request.filed.number"))), .p(.class("token-once"), .text(model.number))),
            .p(.text(l("request.filed.expected", ["date": expected, "days": String(type.targetDays)]))),
            .p(.text(l("request.filed.next"))),
            .p(H.a(l("request.filed.see"), href: "/demandes/\(model.number)")))
    }

    static func show(_ layout: Layout, model: RequestModel, type: RequestTypeModel, steps: [RequestStepModel],
                     clock: ServiceClock, mayRate: Bool, days: WorkingDays, conversation: [RequestMessageModel], history: [AuditEventModel],
                     events: [RequestEvent], ministry: Bool, canWrite: Bool, errors: AccountViews.Errors, note: String,
                     message: String, attachments: [AttachmentModel], maxUploadMB: Int, csrf: String) -> String {
        let l = layout.l
        let today = CalendarDate.today
        let elapsed = clock.elapsed(on: today, in: days)
        let standing = clock.standing(on: today, in: days)
        let standingNode: BodyNode = switch standing {
        case .overdue: UI.tag(l("request.standing.overdue"), .error)
        case .dueSoon: UI.tag(l("request.standing.due_soon"), .warning)
        case .onTime: UI.tag(l("request.standing.on_time"), .success)
        case .stopped: .empty
        }
        return layout.render(title: "\(model.number) — \(model.title)",
                             breadcrumbs: [(l("nav.home"), "/"), (l("request.list.title"), "/demandes"), (model.number, nil)],
            .h1(.text("\(model.number) — \(model.title)")),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            UI.summaryList([
                (l("request.status"), statusTag(l, model.status)),
                (l("request.type"), .text(type.name(l.language))),
                (l("request.organisation"), .text(model.organisation.name)),
                (l("request.requester"), .text(model.requester.displayName)),
                (l("request.unit"), .text(model.unit.name)),
                (l("request.assignee"), .text(model.assignee?.displayName ?? l("request.unassigned"))),
                (l("request.filed_on"), .text(CalendarDate(iso: model.filedOn).map(l.format.date) ?? model.filedOn)),
                (l("request.expected_on"), .group(.text(CalendarDate(iso: model.expectedOn).map(l.format.date) ?? model.expectedOn),
                                                  .text(" "), standingNode)),
                (l("request.clock"), .text(l("request.clock.text", ["running": String(elapsed.running),
                                                                     "paused": String(elapsed.paused),
                                                                     "target": String(type.targetDays)]))),
                (l("request.transfer_reason"), .text(model.transferReason ?? "—")),
                (l("request.merged_into"), model.mergedInto.map { H.a($0, href: "/demandes/\($0)") } ?? .text("—")),
                (l("request.resolution"), .text(model.resolutionNumber.map { n in
                    n + (model.resolutionDate.flatMap { CalendarDate(iso: $0) }.map { " — " + l.format.date($0) } ?? "")
                } ?? "—")),
            ]),
            .h2(.text(l("request.description"))),
            .p(.text(model.details)),
            mayRate ? .group(
                .h2(.text(l("request.rating.title"))),
                H.el("form", H.attr("action", "/demandes/\(model.number)/evaluation"), H.attr("method", "post"),
                     IdentityViews.csrfField(csrf),
                     UI.select(name: "rating", label: l("request.rating.question"),
                               options: [("", l("request.form.choose_type"))] + (1...5).reversed().map { (String($0), l("request.rating.\($0)")) },
                               selected: nil, error: AccountViews.error(errors, "rating")),
                     UI.button(l("request.rating.submit")))) : .empty,
            model.rating.map { .p(.text(l("request.rating.given", ["rating": l("request.rating.\($0)")]))) } ?? .empty,
            events.isEmpty ? .empty : .group(
                .h2(.text(l("request.actions"))),
                H.el("form", H.attr("action", "/demandes/\(model.number)/evenements"), H.attr("method", "post"),
                     IdentityViews.csrfField(csrf),
                     H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(model.version))]),
                     UI.textArea(name: "note", label: l("request.actions.note"), value: note, hint: l("request.actions.note_hint"),
                                 error: AccountViews.error(errors, "note"), rows: 3),
                     events.contains(.assign) ? UI.textField(name: "assignee", label: l("request.actions.assignee"),
                                                             hint: l("request.actions.assignee_hint"),
                                                             error: AccountViews.error(errors, "assignee"), type: "email") : .empty,
                     events.contains(.merge) ? UI.textField(name: "merge_into", label: l("request.actions.merge_into"),
                                                            hint: l("request.actions.merge_into_hint"),
                                                            error: AccountViews.error(errors, "merge_into")) : .empty,
                     .group(events.map { UI.button(l("request.event.\($0.rawValue)"), kind: .secondary, name: "event",
                                                   value: $0.rawValue) }))),
            .h2(.id("conversation"), .text(l("request.conversation"))),
            conversation.isEmpty ? .p(.text(l("request.conversation.empty"))) :
                .group(conversation.map { m in
                    .div(.class("message" + (m.kind == "note" ? " message--note" : "")),
                         .p(.class("message__meta"), .text(m.authorLabel + " — "
                            + (m.createdAt.map(l.format.dateTime) ?? "")
                            + (m.kind == "note" ? " — " + l("request.note") : ""))),
                         .p(.text(m.body)))
                }),
            attachments.isEmpty ? .empty : .group(
                .h2(.text(l("attachment.list"))),
                H.ul(.group(attachments.map { a in
                    H.li(H.a(a.filename, href: "/demandes/\(model.number)/pieces/\(a.id?.uuidString ?? "")"),
                         .text(" — " + l("attachment.size", ["size": l.format.integer(max(1, a.size / 1024))])
                               + (a.shared ? "" : " — " + l("request.note"))))
                }))),
            canWrite ? H.el("form", H.attr("action", "/demandes/\(model.number)/messages"), H.attr("method", "post"),
                            H.attr("enctype", "multipart/form-data"), IdentityViews.csrfField(csrf),
                            UI.textArea(name: "body", label: l("request.message.label"), value: message,
                                        error: AccountViews.error(errors, "body"), rows: 4),
                            UI.fileField(name: "pieces", label: l("attachment.label"), hint: l("attachment.hint", ["max": String(maxUploadMB)]),
                                         error: AccountViews.error(errors, "pieces"), accept: attachmentAccept),
                            ministry ? UI.select(name: "kind", label: l("request.message.kind"),
                                                 options: [("message", l("request.message.to_municipality")),
                                                           ("note", l("request.note"))], selected: "message") : .empty,
                            UI.button(l("request.message.send"))) : .empty,
            ministry ? .group(.h2(.text(l("history.title"))), JournalViews.events(l, history, caption: l("history.title")))
                     : .group(.h2(.text(l("request.steps"))),
                              H.ol(.group(steps.map { s in
                                  H.li(.text((CalendarDate(iso: s.onDate).map(l.format.date) ?? s.onDate) + " — "
                                             + l("request.status.\(s.status.rawValue)")))
                              }))))
    }
}
