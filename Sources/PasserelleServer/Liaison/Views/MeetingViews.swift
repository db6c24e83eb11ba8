import Foundation
import PasserelleCore
import Plot

enum MeetingViews {
    static func when(_ l: Localizer, _ meeting: MeetingModel) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CalendarDate.quebecTimeZone
        let c = calendar.dateComponents([.hour, .minute], from: meeting.startsAt)
        return l.format.date(CalendarDate(meeting.startsAt, timeZone: CalendarDate.quebecTimeZone)) + ", "
            + l.format.time(hour: c.hour ?? 0, minute: c.minute ?? 0)
    }

    static func table(_ l: Localizer, _ meetings: [MeetingModel]) -> BodyNode {
        UI.table(caption: l("meeting.title"), columns: [
            .init(title: l("meeting.when")), .init(title: l("meeting.organisation")), .init(title: l("meeting.subject")),
            .init(title: l("card.agent")),
        ], rows: meetings.map { m in [
            H.a(when(l, m), href: "/reseau-liaison/rencontres/\(m.id?.uuidString ?? "")"),
            .text(m.organisation.name), .text(m.subject), .text(m.$agent.value?.displayName ?? "—"),
        ] }, captionHidden: true)
    }

    static func calendar(_ layout: Layout, filter: MeetingPages.Filter, meetings: [MeetingModel], agents: [PersonModel],
                         territory: TerritoryDirectory, form: MeetingPages.Form, errors: FormInput.Errors, mayCreate: Bool,
                         subscription: String?, csrf: String) -> String {
        let l = layout.l
        let error = { (field: String) in FormInput.error(errors, field) }
        let (y, m) = filter.month
        let previous = m == 1 ? (y - 1, 12) : (y, m - 1)
        let next = m == 12 ? (y + 1, 1) : (y, m + 1)
        var query: [String] = []
        if let agent = filter.agent?.id { query.append("agent=\(agent.uuidString)") }
        if let region = filter.region { query.append("region=\(region.record.code)") }
        func link(_ ym: (Int, Int)) -> String {
            "/reseau-liaison/rencontres?" + (query + ["mois=\(ym.0)-\(ym.1 < 10 ? "0" : "")\(ym.1)"]).joined(separator: "&")
        }
        let whose = filter.agent.map { l("meeting.calendar_of", ["name": $0.displayName]) }
            ?? filter.region.map { l("meeting.calendar_of", ["name": $0.record.name]) } ?? l("meeting.title")
        let subscribable = filter.agent.map { "agent:" + ($0.id?.uuidString ?? "") } ?? filter.region.map { "region:" + $0.record.code }
        let byDay = Dictionary(grouping: meetings) { CalendarDate($0.startsAt, timeZone: CalendarDate.quebecTimeZone) }
        return layout.render(title: whose, breadcrumbs: LiaisonViews.crumbs(l, (l("meeting.title"), nil)),
            .h1(.text(whose)),
            H.el("form", H.attr("action", "/reseau-liaison/rencontres"), H.attr("method", "get"), .class("no-print"),
                 UI.select(name: "agent", label: l("card.agent"), options: [("", l("meeting.all_agents"))]
                           + agents.map { ($0.id?.uuidString ?? "", $0.displayName) }, selected: filter.agent?.id?.uuidString, error: nil),
                 UI.select(name: "region", label: l("meeting.region"), options: [("", l("meeting.all_regions"))]
                           + territory.regions.map { ($0.record.code, "\($0.record.name) (\($0.record.code))") },
                           selected: filter.region?.record.code, error: nil),
                 H.void("input", [.named("type", "hidden"), .named("name", "mois"),
                                  .named("value", "\(y)-\(m < 10 ? "0" : "")\(m)")]),
                 UI.button(l("meeting.show"), kind: .secondary)),
            .h2(.text(UI.monthName(l, y, m))),
            .p(.class("no-print"), H.a(l("meeting.previous"), href: link(previous)), .text(" · "), H.a(l("meeting.next"), href: link(next))),
            meetings.isEmpty ? .p(.text(l("meeting.none_month"))) : .group(.forEach(byDay.keys.sorted()) { day in
                .group(.h3(.text(l.format.date(day))), table(l, byDay[day] ?? []))
            }),
            .unwrap(subscription) { UI.notice(l("meeting.subscription", ["url": $0]), kind: .success, title: l("meeting.subscribe")) },
            .unwrap(subscribable) { calendar in
                .div(.class("no-print"), .h2(.text(l("meeting.subscribe"))), .p(.text(l("meeting.subscribe_lead"))),
                     UI.actionForm(action: "/reseau-liaison/abonnements", csrf: csrf, label: l("meeting.subscribe_button"),
                                   hidden: [("calendar", calendar)]))
            },
            mayCreate ? .group(
                .h2(.id("nouvelle"), .text(l("meeting.new"))),
                UI.errorSummary(title: l("form.error_summary"), errors: errors),
                H.el("form", H.attr("action", "/reseau-liaison/rencontres"), H.attr("method", "post"), H.attr("novalidate", ""),
                     UI.csrfField(csrf),
                     UI.textField(name: "organisation", label: l("meeting.organisation"), value: form.organisation ?? "",
                                  hint: l("meeting.organisation_hint"), error: error("organisation")),
                     UI.select(name: "agent_id", label: l("card.agent"), options: [("", l("liaison.choose"))]
                               + agents.map { ($0.id?.uuidString ?? "", $0.displayName) }, selected: form.agent_id, error: error("agent_id")),
                     UI.textField(name: "date", label: l("meeting.date"), value: form.date ?? "", hint: l("meeting.date_hint"),
                                  error: error("date"), type: "date", width: "short"),
                     UI.textField(name: "time", label: l("meeting.time"), value: form.time ?? "", hint: l("meeting.time_hint"),
                                  error: error("time"), type: "time", width: "short"),
                     UI.textField(name: "minutes", label: l("meeting.minutes"), value: form.minutes ?? "60", error: error("minutes"),
                                  width: "short"),
                     UI.textField(name: "place", label: l("meeting.place"), value: form.place ?? "", error: error("place")),
                     UI.textField(name: "subject", label: l("meeting.subject"), value: form.subject ?? "", error: error("subject")),
                     UI.textArea(name: "participants", label: l("meeting.participants"), value: form.participants ?? "",
                                 hint: l("meeting.participants_hint"), error: nil, rows: 3),
                     UI.textArea(name: "notes", label: l("meeting.notes"), value: form.notes ?? "", error: error("notes"), rows: 6),
                     UI.button(l("meeting.save")))) : .empty)
    }

    static func show(_ layout: Layout, meeting: MeetingModel, followUps: [FollowUpModel], types: [RequestTypeModel],
                     errors: FormInput.Errors, mayUpdate: Bool, csrf: String) -> String {
        let l = layout.l
        let id = meeting.id?.uuidString ?? ""
        let title = "\(meeting.organisation.name) — \(meeting.subject)"
        return layout.render(title: title, breadcrumbs: LiaisonViews.crumbs(l, (l("meeting.title"), "/reseau-liaison/rencontres"), (meeting.subject, nil)),
            .h1(.text(title)),
            UI.errorSummary(title: l("form.error_summary"), errors: errors),
            UI.summaryList([
                (l("meeting.when"), .text(when(l, meeting) + " — " + l("meeting.duration", ["minutes": String(meeting.minutes)]))),
                (l("meeting.organisation"), .text(meeting.organisation.name)),
                (l("card.agent"), H.a(meeting.agent.displayName, href: "/reseau-liaison/agents/\(meeting.$agent.id.uuidString)")),
                (l("meeting.place"), .text(meeting.place.isEmpty ? "—" : meeting.place)),
                (l("meeting.participants"), .text(meeting.participants.isEmpty ? "—" : meeting.participants)),
            ]),
            .h2(.text(l("meeting.notes"))),
            .p(.class("pre-wrap"), .text(meeting.notes.isEmpty ? "—" : meeting.notes)),
            .h2(.id("suivis"), .text(l("meeting.followups"))),
            followUps.isEmpty ? .p(.text(l("meeting.followups_none"))) : H.ul(.forEach(followUps) { f in
                H.li(.text(f.text), .text(" "),
                     f.requestNumber.map { n in .group(UI.tag(l("meeting.followup.filed"), .info), .text(" "), H.a(n, href: "/demandes/\(n)")) }
                        ?? (f.done ? UI.tag(l("meeting.followup.done"), .success) : UI.tag(l("meeting.followup.open"), .warning)),
                     mayUpdate && f.requestNumber == nil ? .group(
                        f.done ? .empty : UI.actionForm(action: "/reseau-liaison/rencontres/\(id)/suivis/\(f.id?.uuidString ?? "")/fait",
                                                        csrf: csrf, label: l("meeting.followup.complete")),
                        H.el("form", H.attr("action", "/reseau-liaison/rencontres/\(id)/suivis/\(f.id?.uuidString ?? "")/demande"),
                             H.attr("method", "post"), .class("inline-form"), UI.csrfField(csrf),
                             UI.select(name: "type", label: l("meeting.followup.type"),
                                       options: types.map { ($0.code, $0.name(l.language)) }, selected: nil, error: nil),
                             UI.button(l("meeting.followup.file"), kind: .secondary))) : .empty)
            }),
            mayUpdate ? H.el("form", H.attr("action", "/reseau-liaison/rencontres/\(id)/suivis"), H.attr("method", "post"),
                             UI.csrfField(csrf),
                             UI.textArea(name: "text", label: l("meeting.followup.new"), value: "", error: FormInput.error(errors, "text"),
                                         rows: 2),
                             UI.button(l("meeting.followup.add"))) : .empty)
    }
}
