import Foundation
import PasserelleCore
import Plot

enum RequestViews {

    static func statusTag(_ l: Localizer, _ status: RequestStatus) -> BodyNode {
        UI.tag(l("request.status.\(status.rawValue)"), statusKind(status))
    }

    static func statusKind(_ status: RequestStatus) -> UI.TagStatus {
        switch status {
        case .received, .inTriage, .reopened: .info
        case .assigned, .inAnalysis: .neutral
        case .awaitingMunicipality: .warning
        case .answered, .closed: .success
        case .transferred, .merged: .neutral
        }
    }

    /// Due soon or overdue, from the expected date alone (lists).
    static func standingTag(_ l: Localizer, status: RequestStatus, expected: CalendarDate?, days: WorkingDays) -> BodyNode {
        guard let standing = standing(status: status, expected: expected, days: days) else { return .empty }
        return UI.tag(l(standing.key), standing.kind)
    }

    /// The key and colour of a request's standing, or nil when it is neither due soon nor overdue.
    static func standing(status: RequestStatus, expected: CalendarDate?, days: WorkingDays) -> (key: String, kind: UI.TagStatus)? {
        guard !status.clockStopped, let expected else { return nil }
        let today = CalendarDate.today
        if today > expected { return ("request.standing.overdue", .error) }
        if days.count(from: today, to: expected) <= 2 { return ("request.standing.due_soon", .warning) }
        return nil
    }

    /// What the list shows: a municipality's requests, or a ministry person's queue.
    struct Queue {
        var filter: RequestQueries.Filter
        var rows: [RequestModel]
        var total: Int
        var readable: Bool
        var units: [OrganisationModel]
        var types: [RequestTypeModel]
        var staff: [PersonModel]
        var ministry: Bool
        /// Rows can be chosen and assigned together.
        var bulk: Bool
        var errors: FormInput.Errors
        var chosen: Set<String>
        var notice: String?
        var csrf: String
    }

    static func list(_ layout: Layout, _ queue: Queue, days: WorkingDays) -> String {
        let l = layout.l
        let filter = queue.filter
        let ministry = queue.ministry
        let title = l(ministry ? "request.queue.title" : "request.list.title")
        let language = l.language
        let statusOptions = [("", l("request.filter.all")), ("ouvertes", l("request.filter.open"))]
            + RequestStatus.allCases.map { ($0.rawValue, l("request.status.\($0.rawValue)")) }
        let dueOptions = [("", l("request.filter.all")), ("retard", l("request.standing.overdue")),
                          ("bientot", l("request.standing.due_soon"))]
        let priorityOptions = [("", l("request.filter.all"))] + Requests.priorities.map { ($0, l("request.priority.\($0)")) }
        let typeOptions = [("", l("request.filter.all"))] + queue.types.map { ($0.code, $0.name(language)) }
        let staffOptions = queue.staff.map { ($0.email, $0.displayName) }
        var columns: [UI.Column] = [
            .init(title: l("request.number")), .init(title: l("request.title")), .init(title: l("request.organisation")),
            .init(title: l("request.type")), .init(title: l("request.status")), .init(title: l("request.expected_on")),
        ]
        if ministry { columns.append(.init(title: l("request.assignee"))) }
        if queue.bulk { columns.insert(.init(title: l("request.bulk.choose")), at: 0) }
        let staffNames = Dictionary(queue.staff.compactMap { p in p.id.map { ($0, p.displayName) } }, uniquingKeysWith: { a, _ in a })
        // The rows are written straight into the page (`HTMLWriter`): 50 rows of eight cells as Plot
        // nodes cost more than the queries that read them.
        var w = HTMLWriter(capacity: 4096 + queue.rows.count * 700)
        w.open("tbody")
        for m in queue.rows {
            let expected = CalendarDate(iso: m.expectedOn)
            w.open("tr")
            var cell = 0
            func open() { cell == 0 ? w.open("th", ["scope": "row"]) : w.open("td") }
            func close() { w.close(cell == 0 ? "th" : "td"); cell += 1 }
            if queue.bulk {
                let id = "choix-\(m.number)"
                open()
                w.void("input", ["type": "checkbox", "id": id, "name": "numeros[]", "value": m.number, "form": "attribution",
                                 "checked": queue.chosen.contains(m.number) ? "checked" : nil])
                w.element("label", ["for": id, "class": "visually-hidden"], text: l("request.bulk.choose_one", ["number": m.number]))
                close()
            }
            open(); w.element("a", ["href": "/demandes/\(m.number)"], text: m.number); close()
            open(); w.text(m.title); close()
            open(); w.text(m.organisation.name); close()
            open(); w.text(m.type.name(language)); close()
            open(); w.tag(l("request.status.\(m.status.rawValue)"), statusKind(m.status)); close()
            open()
            w.text(expected.map(l.format.date) ?? m.expectedOn)
            w.text(" ")
            if let standing = standing(status: m.status, expected: expected, days: days) { w.tag(l(standing.key), standing.kind) }
            close()
            if ministry {
                open(); w.text(m.$assignee.id.flatMap { staffNames[$0] } ?? l("request.unassigned")); close()
            }
            w.close("tr")
        }
        w.close("tbody")
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (title, nil)],
            .h1(.text(title)),
            .unwrap(queue.notice) { UI.notice($0, kind: .success) },
            UI.errorSummary(title: l("form.error_summary"), errors: queue.errors),
            ministry ? .empty : .p(H.a(l("request.new"), href: "/demandes/nouvelle", .class("button button--primary"))),
            H.el("form", H.attr("action", "/demandes"), H.attr("method", "get"), .class("filters"),
                 UI.textField(name: "q", label: l("request.filter.search"), value: filter.q),
                 UI.select(name: "statut", label: l("request.status"), options: statusOptions, selected: filter.status),
                 UI.select(name: "echeance", label: l("request.filter.due"), options: dueOptions, selected: filter.due),
                 UI.select(name: "type", label: l("request.type"), options: typeOptions, selected: filter.type),
                 ministry ? .group(
                     UI.select(name: "priorite", label: l("request.priority"), options: priorityOptions, selected: filter.priority),
                     UI.select(name: "unite", label: l("request.unit"),
                               options: [("", l("request.filter.all_units"))] + queue.units.map { ($0.code, $0.name) },
                               selected: filter.unit),
                     UI.select(name: "agent", label: l("request.assignee"),
                               options: [("", l("request.filter.everyone"))] + staffOptions, selected: filter.agent),
                     UI.checkboxes(name: "moi", legend: l("request.filter.mine_legend"),
                                   options: [("1", l("request.filter.mine"))], selected: filter.mine ? ["1"] : [])) : .empty,
                 UI.button(l("admin.filter"))),
            !queue.readable ? .p(.text(l("request.list.none_readable"))) :
            queue.rows.isEmpty ? .p(.text(l("request.list.empty"))) : .group(
                .p(.text(queue.total > RequestQueues.countCap
                    ? l("request.list.count_more", ["count": l.format.integer(RequestQueues.countCap)])
                    : l("admin.count", ["count": l.format.integer(queue.total)]))),
                queue.bulk ? H.el("form", H.attr("id", "attribution"), H.attr("action", "/demandes/attribution"),
                                  H.attr("method", "post"), .class("filters"),
                                  UI.csrfField(queue.csrf),
                                  H.void("input", [.named("type", "hidden"), .named("name", "retour"), .named("value", filter.query)]),
                                  .div(.id("champ-numeros"), .class("field__hint"), .text(l("request.bulk.hint"))),
                                  UI.select(name: "assignee", label: l("request.bulk.assignee"),
                                            options: [("", l("request.bulk.choose_person"))] + staffOptions, selected: nil),
                                  UI.button(l("request.bulk.assign"))) : .empty,
                UI.table(caption: title, columns: columns, captionHidden: true, body: w.node)),
            UI.pagination(l, page: filter.page, pageCount: max(1, (queue.total + RequestPages.pageSize - 1) / RequestPages.pageSize)) {
                "/demandes?\(filter.query)&page=\($0)"
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

    /// The first question: which kind of request (one per page, GOV.UK style), with what each kind
    /// is for and its service standard.
    static func chooseType(_ layout: Layout, organisation: OrganisationModel, types: [RequestTypeModel], error: String?) -> String {
        let l = layout.l
        let title = l("request.form.title", ["organisation": organisation.name])
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("request.list.title"), "/demandes"), (title, nil)],
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: error.map { [("type", $0)] } ?? []),
            H.el("form", H.attr("action", "/organisations/\(organisation.code)/demandes/nouvelle"), H.attr("method", "get"),
                 H.el("fieldset", .class("field fieldset" + (error == nil ? "" : " field--error")), H.attr("id", "champ-type"),
                      H.el("legend", .class("field__label"), .text(l("request.form.which_type"))),
                      .unwrap(error) { .p(.class("field__error"), .text($0)) },
                      .group(types.enumerated().map { index, t in
                          .div(.class("radio"),
                               H.void("input", [.named("type", "radio"), .named("id", "type-\(index)"), .named("name", "type"),
                                                .named("value", t.code), .named("aria-describedby", "type-\(index)-aide")]),
                               H.el("label", H.attr("for", "type-\(index)"), .text(t.name(l.language))),
                               .div(.id("type-\(index)-aide"), .class("field__hint"),
                                    .text(t.description(l.language) + " " + l("request.form.standard", ["days": String(t.targetDays)])
                                          + (t.resolutionRequired ? " " + l("request.form.resolution_required") : ""))))
                      })),
                 UI.button(l("request.form.continue"))))
    }

    /// The filing form for one kind (its type chosen first), or a draft being changed.
    static func form(_ layout: Layout, organisation: OrganisationModel, types: [RequestTypeModel],
                     form: RequestQueries.FilingForm, answers: [String: [String]] = [:], draft: RequestDraftModel? = nil,
                     errors: FormInput.Errors, maxUploadMB: Int, csrf: String) -> String {
        let l = layout.l
        let error = { (field: String) in FormInput.error(errors, field) }
        let title = l("request.form.title", ["organisation": organisation.name])
        let type = types.first { $0.code == form.type }
        let kept = draft?.content.files ?? []
        let action = draft.map { "/demandes/brouillons/\($0.id?.uuidString ?? "")" } ?? "/organisations/\(organisation.code)/demandes"
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("request.list.title"), "/demandes"), (title, nil)],
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            H.el("form", H.attr("action", action), H.attr("method", "post"),
                 H.attr("enctype", "multipart/form-data"), H.attr("novalidate", ""), UI.csrfField(csrf),
                 .unwrap(draft) { H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String($0.version))]) },
                 type.map { t in .group(
                     H.void("input", [.named("type", "hidden"), .named("name", "type"), .named("value", t.code)]),
                     UI.summaryList([(l("request.type"), .group(.text(t.name(l.language) + " "),
                         H.a(l("request.form.change_type"), href: "/organisations/\(organisation.code)/demandes/nouvelle")))]),
                     .p(.class("field__hint"), .text(t.description(l.language) + " " + l("request.form.standard", ["days": String(t.targetDays)]))))
                 } ?? UI.select(name: "type", label: l("request.type"),
                                options: [("", l("request.form.choose_type"))] + types.map { ($0.code, $0.name(l.language)) },
                                selected: form.type, error: error("type")),
                 UI.textField(name: "title", label: l("request.title"), value: form.title ?? "", hint: l("request.form.title_hint"),
                              error: error("title")),
                 UI.textArea(name: "description", label: l("request.description"), value: form.description ?? "",
                             hint: l("request.form.description_hint"), error: error("description")),
                 Questions.inputs(l, type?.fields ?? [], answers: answers, errors: errors, keptFiles: kept),
                 type?.resolutionRequired == false ? .empty : H.el("fieldset", .class("fieldset"),
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
                 kept.filter { $0.field == nil }.isEmpty ? .empty : UI.checkboxes(
                     name: "retirer", legend: l("request.draft.files_kept"),
                     options: kept.filter { $0.field == nil }.map { ($0.sha256, l("request.draft.remove_file", ["name": $0.filename])) },
                     selected: []),
                 UI.fileField(name: "pieces", label: l("attachment.label"), hint: l("attachment.hint", ["max": String(maxUploadMB)]), error: error("pieces"),
                              accept: FileStore.accept),
                 .div(.class("button-group"),
                      UI.button(l("request.form.continue"), name: "etape", value: "verifier"),
                      UI.button(l("request.draft.save"), kind: .secondary, name: "etape", value: "brouillon"))))
    }

    /// Check your answers: everything the draft says, each part with its link to change it, and what
    /// would stop it from being filed.
    static func check(_ layout: Layout, draft: RequestDraftModel, type: RequestTypeModel?, problems: FormInput.Errors,
                      csrf: String) -> String {
        let l = layout.l
        let title = l("request.draft.check_title")
        let content = draft.content
        let id = draft.id?.uuidString ?? ""
        let change = H.a(l("request.draft.change"), href: "/demandes/brouillons/\(id)/modifier")
        let none = l("request.draft.not_given")
        var rows: [(term: String, value: BodyNode)] = [
            (l("request.organisation"), .text(draft.organisation.name)),
            (l("request.type"), .text(type?.name(l.language) ?? none)),
            (l("request.title"), .text(draft.title.nilIfEmpty ?? none)),
            (l("request.description"), .text(content.description.nilIfEmpty ?? none)),
        ]
        for field in type?.fields ?? [] {
            let shown = field.kind == .file ? content.files.filter { $0.field == field.code }.map(\.filename).joined(separator: ", ")
                : Questions.answerText(l, field, content.answers[field.code] ?? [])
            rows.append((field.label(l.language), .text(shown.nilIfEmpty ?? none)))
        }
        if type?.resolutionRequired != false || !content.resolutionNumber.isEmpty {
            rows.append((l("request.resolution"), .text(content.resolutionNumber.isEmpty ? none : content.resolutionNumber
                + (CalendarDate(iso: content.resolutionDate).map { " — " + l.format.date($0) } ?? ""))))
        }
        rows.append((l("request.form.location"), .text(content.latitude.isEmpty ? l("request.draft.municipality_only")
                                                       : "\(content.latitude), \(content.longitude)")))
        rows.append((l("attachment.label"), .text(content.files.filter { $0.field == nil }.map(\.filename).joined(separator: ", ").nilIfEmpty ?? none)))
        return layout.render(title: title, breadcrumbs: [(l("nav.home"), "/"), (l("portal.title"), "/accueil"), (title, nil)],
            .h1(.text(title)),
            // Each problem links to its question on the form.
            problems.isEmpty ? .empty : .div(.class("error-summary"), H.attr("role", "alert"),
                .h2(.class("error-summary__title"), .text(l("request.draft.cannot_file"))),
                H.ul(.forEach(problems) { p in
                    H.li(H.link(H.attr("href", "/demandes/brouillons/\(id)/modifier#champ-\(p.field)"), .text(p.message)))
                })),
            UI.summaryList(rows),
            .p(change),
            problems.isEmpty ? .group(
                .h2(.text(l("request.draft.now_file"))),
                .p(.text(l("request.draft.declaration"))),
                H.el("form", H.attr("action", "/demandes/brouillons/\(id)/depot"), H.attr("method", "post"),
                     UI.csrfField(csrf),
                     H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(draft.version))]),
                     UI.button(l("request.draft.file")))) : .empty,
            UI.actionForm(action: "/demandes/brouillons/\(id)/supprimer", csrf: csrf, label: l("request.draft.delete")))
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
                     clock: ServiceClock, mayRate: Bool, following: Bool, answers: [StandardAnswerModel], grouped: [RequestModel] = [],
                     days: WorkingDays, conversation: [RequestMessageModel], history: [AuditEventModel],
                     events: [RequestEvent], ministry: Bool, canWrite: Bool, errors: FormInput.Errors, note: String,
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
            .p(.text(l(following ? "request.follow.on" : "request.follow.off")), .text(" "),
               UI.actionForm(action: "/demandes/\(model.number)/suivi", csrf: csrf,
                             label: l(following ? "request.follow.stop" : "request.follow.start"),
                             hidden: [("follow", following ? "0" : "1")])),
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
                (l("request.stages"), H.ul(.forEach(clock.stages(on: today, in: days)) { stage in
                    H.li(.text(l("request.stage.text", ["stage": l("request.stage.\(stage.stage.rawValue)"),
                                                        "used": String(stage.used), "target": String(stage.target)])),
                         stage.current ? .text(" " + l("request.stage.current")) : .empty,
                         stage.overdue ? .group(.text(" "), UI.tag(l("request.stage.overdue"), .error)) : .empty)
                })),
                (l("request.transfer_reason"), .text(model.transferReason ?? "—")),
                // The file it joined belongs to another municipality: its number, linked for the ministry only.
                (l("request.merged_into"), model.mergedInto.map { ministry ? H.a($0, href: "/demandes/\($0)") : .text($0) } ?? .text("—")),
                (l("request.resolution"), .text(model.resolutionNumber.map { n in
                    n + (model.resolutionDate.flatMap { CalendarDate(iso: $0) }.map { " — " + l.format.date($0) } ?? "")
                } ?? "—")),
            ]),
            model.mergedInto == nil || ministry ? .empty : UI.notice(l("request.group.joined", ["number": model.mergedInto ?? ""])),
            grouped.isEmpty ? .empty : .group(
                .h2(.text(l("request.group.title"))),
                .p(.text(l("request.group.lead"))),
                H.ul(.forEach(grouped) { g in
                    H.li(H.a(g.number, href: "/demandes/\(g.number)"), .text(" — " + g.organisation.name + " : " + g.title))
                })),
            .h2(.text(l("request.description"))),
            .p(.text(model.details)),
            type.fields.filter({ $0.kind != .file && model.answers[$0.code] != nil }).isEmpty ? .empty : .group(
                .h2(.text(l("request.answers"))),
                UI.summaryList(type.fields.filter { $0.kind != .file }.compactMap { f in
                    model.answers[f.code].map { (f.label(l.language), .text(Questions.answerText(l, f, $0))) }
                })),
            mayRate ? .group(
                .h2(.id("evaluation"), .text(l("request.rating.title"))),
                H.el("form", H.attr("action", "/demandes/\(model.number)/evaluation"), H.attr("method", "post"),
                     UI.csrfField(csrf),
                     UI.select(name: "rating", label: l("request.rating.question"),
                               options: [("", l("request.form.choose_type"))] + (1...5).reversed().map { (String($0), l("request.rating.\($0)")) },
                               selected: nil, error: FormInput.error(errors, "rating")),
                     UI.button(l("request.rating.submit")))) : .empty,
            model.rating.map { .p(.text(l("request.rating.given", ["rating": l("request.rating.\($0)")]))) } ?? .empty,
            events.isEmpty ? .empty : .group(
                .h2(.text(l("request.actions"))),
                H.el("form", H.attr("action", "/demandes/\(model.number)/evenements"), H.attr("method", "post"),
                     UI.csrfField(csrf),
                     H.void("input", [.named("type", "hidden"), .named("name", "version"), .named("value", String(model.version))]),
                     UI.textArea(name: "note", label: l("request.actions.note"), value: note, hint: l("request.actions.note_hint"),
                                 error: FormInput.error(errors, "note"), rows: 3),
                     events.contains(.assign) ? UI.textField(name: "assignee", label: l("request.actions.assignee"),
                                                             hint: l("request.actions.assignee_hint"),
                                                             error: FormInput.error(errors, "assignee"), type: "email") : .empty,
                     events.contains(.merge) ? UI.textField(name: "merge_into", label: l("request.actions.merge_into"),
                                                            hint: l("request.actions.merge_into_hint"),
                                                            error: FormInput.error(errors, "merge_into")) : .empty,
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
            answers.isEmpty ? .empty : H.el("form", H.attr("action", "/demandes/\(model.number)"), H.attr("method", "get"),
                .class("filters"),
                UI.select(name: "modele", label: l("answer.insert_label"),
                          options: answers.map { ($0.code, $0.title(l.language)) }, selected: nil,
                          error: FormInput.error(errors, "modele")),
                UI.button(l("answer.insert"), kind: .secondary)),
            canWrite ? H.el("form", H.attr("action", "/demandes/\(model.number)/messages"), H.attr("method", "post"),
                            H.attr("enctype", "multipart/form-data"), UI.csrfField(csrf),
                            UI.textArea(name: "body", label: l("request.message.label"), value: message,
                                        error: FormInput.error(errors, "body"), rows: 4),
                            UI.fileField(name: "pieces", label: l("attachment.label"), hint: l("attachment.hint", ["max": String(maxUploadMB)]),
                                         error: FormInput.error(errors, "pieces"), accept: FileStore.accept),
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
