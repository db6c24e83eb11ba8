import Crypto
import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The liaison agents' meetings with municipalities: a calendar per agent and per region (a month
/// at a time), each meeting's notes and follow-ups (a follow-up may become a request of the
/// municipality), and iCalendar subscriptions that calendar applications read without signing in.
struct MeetingPages: Sendable {

    struct Filter {
        var agent: PersonModel?
        var region: TerritoryDirectory.Region?
        var month: (year: Int, month: Int)
    }

    struct Form: Content {
        var organisation: String?
        var agent_id: String?
        var date: String?
        var time: String?
        var minutes: String?
        var place: String?
        var subject: String?
        var participants: String?
        var notes: String?
    }

    static let zone = CalendarDate.quebecTimeZone

    static func month(_ text: String?, today: CalendarDate) -> (year: Int, month: Int) {
        if let text, text.count == 7, let y = Int(text.prefix(4)), let m = Int(text.suffix(2)), (1...12).contains(m), (2000...2100).contains(y) {
            return (y, m)
        }
        return (today.year, today.month)
    }

    func filter(_ req: Request) async throws -> Filter {
        let territory = req.application.territory.current
        let agent = try await req.query[String.self, at: "agent"].flatMap(UUID.init(uuidString:))
            .asyncFlatMap { try await PersonModel.find($0, on: req.db) }
        let region = req.query[String.self, at: "region"].flatMap { territory.region($0) }
        return Filter(agent: agent, region: region, month: Self.month(req.query[String.self, at: "mois"], today: req.application.today))
    }

    @Sendable func calendar(_ req: Request) async throws -> Response {
        try await calendarPage(req, form: nil, errors: [], status: .ok)
    }

    func calendarPage(_ req: Request, form: Form?, errors: FormInput.Errors, status: HTTPResponseStatus,
                      subscription: String? = nil) async throws -> Response {
        let filter = try await filter(req)
        let territory = req.application.territory.current
        let first = CalendarDate(year: filter.month.year, month: filter.month.month, day: 1)!
        let next = filter.month.month == 12 ? CalendarDate(year: filter.month.year + 1, month: 1, day: 1)!
            : CalendarDate(year: filter.month.year, month: filter.month.month + 1, day: 1)!
        let meetings = try await LiaisonQueries.meetings(filter, from: first.instant(hour: 0, minute: 0), to: next.instant(hour: 0, minute: 0),
                                               territory: territory, on: req.db)
        let agents = try await LiaisonQueries.agents(on: req.db)
        let me = req.currentUser?.personID
        var form = form ?? Form()
        if form.agent_id == nil, let me, agents.contains(where: { $0.id == me }) { form.agent_id = me.uuidString }
        return MeetingViews.calendar(Layout(req), filter: filter, meetings: meetings, agents: agents, territory: territory,
                                     form: form, errors: errors, mayCreate: req.allows(.create, Resource(service: .requests)),
                                     subscription: subscription, csrf: req.currentUser?.csrfToken ?? "")
            .page(status: status)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let l = req.localizer
        let form = (try? req.content.decode(Form.self)) ?? Form()
        var errors: FormInput.Errors = []
        let organisation = try await OrganisationQueries.municipalityOrMRC(form.organisation ?? "", on: req.db)
        if organisation == nil { errors.append(("organisation", l("meeting.error.organisation"))) }
        let agents = try await LiaisonQueries.agents(on: req.db)
        let agent = agents.first { $0.id?.uuidString == form.agent_id }
        if agent == nil { errors.append(("agent_id", l("liaison.error.agent"))) }
        let day = CalendarDate(iso: (form.date ?? "").trimmingCharacters(in: .whitespaces))
        if day == nil { errors.append(("date", l("meeting.error.date"))) }
        let clock = (form.time ?? "").split(separator: ":").compactMap { Int($0) }
        let time = clock.count == 2 && (0...23).contains(clock[0]) && (0...59).contains(clock[1]) ? (clock[0], clock[1]) : nil
        if time == nil { errors.append(("time", l("meeting.error.time"))) }
        let minutes = Int((form.minutes ?? "").trimmingCharacters(in: .whitespaces))
        if minutes.map({ (5...600).contains($0) }) != true { errors.append(("minutes", l("meeting.error.minutes"))) }
        let subject = (form.subject ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if subject.isEmpty || subject.count > 200 { errors.append(("subject", l("meeting.error.subject"))) }
        let place = (form.place ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if place.count > 200 { errors.append(("place", l("meeting.error.place"))) }
        let participants = (form.participants ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let notes = (form.notes ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if participants.count > 2_000 || notes.count > 20_000 { errors.append(("notes", l("meeting.error.notes"))) }
        guard errors.isEmpty, let organisation, let agent, let day, let time, let minutes else {
            return try await calendarPage(req, form: form, errors: errors, status: .unprocessableEntity)
        }
        let meeting = MeetingModel()
        meeting.id = UUID()
        meeting.version = 1
        meeting.$agent.id = try agent.requireID()
        meeting.$organisation.id = try organisation.requireID()
        meeting.startsAt = day.instant(hour: time.0, minute: time.1)
        meeting.minutes = minutes
        meeting.place = place
        meeting.subject = subject
        meeting.participants = participants
        meeting.notes = notes
        try await req.write { db in
            try await meeting.create(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "network.meeting.create", recordType: "liaison_meeting",
                                   recordID: meeting.id!.uuidString, changes: [
                                       "organisation": .init(before: nil, after: organisation.code),
                                       "agent_id": .init(before: nil, after: agent.id?.uuidString),
                                       "starts_at": .init(before: nil, after: AuditEventModel.timestamp(meeting.startsAt)),
                                       "subject": .init(before: nil, after: subject),
                                   ])
        }
        return req.redirect(to: "/reseau-liaison/rencontres/\(meeting.id!.uuidString)", redirectType: .normal)
    }

    func load(_ req: Request) async throws -> MeetingModel {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let meeting = try await MeetingModel.query(on: req.db).filter(\.$id == id).with(\.$organisation).with(\.$agent).first()
        else { throw Problem.notFound() }
        return meeting
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        try await showPage(req, meeting: try await load(req), errors: [], status: .ok)
    }

    func showPage(_ req: Request, meeting: MeetingModel, errors: FormInput.Errors, status: HTTPResponseStatus) async throws -> Response {
        let followUps = try await FollowUpModel.query(on: req.db).filter(\.$meeting.$id == (try meeting.requireID()))
            .sort(\.$createdAt).all()
        let types = try await req.application.requestTypes.all(on: req.db).filter(\.active)
        return MeetingViews.show(Layout(req), meeting: meeting, followUps: followUps, types: types, errors: errors,
                                 mayUpdate: req.allows(.update, Resource(service: .requests)), csrf: req.currentUser?.csrfToken ?? "")
            .page(status: status)
    }

    @Sendable func addFollowUp(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let meeting = try await load(req)
        let text = ((try? req.content.get(String.self, at: "text")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2_000 else {
            return try await showPage(req, meeting: meeting, errors: [("text", req.localizer("meeting.error.followup"))],
                                      status: .unprocessableEntity)
        }
        let followUp = FollowUpModel()
        followUp.id = UUID()
        followUp.$meeting.id = try meeting.requireID()
        followUp.text = text
        followUp.done = false
        try await req.write { db in
            try await followUp.create(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "network.followup.create", recordType: "liaison_meeting",
                                   recordID: meeting.id!.uuidString, changes: ["followup": .init(before: nil, after: text)])
        }
        return req.redirect(to: "/reseau-liaison/rencontres/\(meeting.id!.uuidString)#suivis", redirectType: .normal)
    }

    func loadFollowUp(_ req: Request, _ meeting: MeetingModel) async throws -> FollowUpModel {
        guard let id = req.parameters.get("suivi").flatMap(UUID.init(uuidString:)),
              let followUp = try await FollowUpModel.query(on: req.db).filter(\.$id == id)
                  .filter(\.$meeting.$id == (try meeting.requireID())).first() else { throw Problem.notFound() }
        return followUp
    }

    @Sendable func completeFollowUp(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let meeting = try await load(req)
        let followUp = try await loadFollowUp(req, meeting)
        if !followUp.done {
            try await req.write { db in
                followUp.done = true
                try await followUp.save(on: db)
                try await Audit.record(on: db, actor: req.auditActor, action: "network.followup.done", recordType: "liaison_meeting",
                                       recordID: meeting.id!.uuidString, changes: ["done": .init(before: "false", after: "true")])
            }
        }
        return req.redirect(to: "/reseau-liaison/rencontres/\(meeting.id!.uuidString)#suivis", redirectType: .normal)
    }

    /// The follow-up becomes a request of the municipality, of the type chosen, filed by the agent;
    /// it is routed like any other and the municipality sees it in its list.
    @Sendable func fileFollowUp(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let meeting = try await load(req)
        let followUp = try await loadFollowUp(req, meeting)
        let l = req.localizer
        guard followUp.requestNumber == nil else {
            return try await showPage(req, meeting: meeting, errors: [("type", l("meeting.error.already_filed"))], status: .conflict)
        }
        let code = (try? req.content.get(String.self, at: "type")) ?? ""
        guard let type = try await req.application.requestTypes.all(on: req.db).first(where: { $0.code == code && $0.active }) else {
            return try await showPage(req, meeting: meeting, errors: [("type", l("meeting.error.type"))], status: .unprocessableEntity)
        }
        let day = CalendarDate(meeting.startsAt, timeZone: Self.zone)
        let title = String(followUp.text.split(separator: "\n").first ?? "").prefix(200)
        let filing = Requests.Filing(type: type, title: String(title),
                                     details: l("meeting.followup.details", ["date": l.format.date(day), "subject": meeting.subject,
                                                                             "text": followUp.text]))
        let organisation = meeting.organisation
        let number = try await req.write { db -> String in
            // Taken with the follow-up still unfiled: two clicks file one request.
            let claimed = try await db.sql.update(FollowUpModel.schema)
                .set("request_number", to: SQLBind("…")).where("id", .equal, SQLBind(try followUp.requireID()))
                .where("request_number", .is, SQLLiteral.null).returning("id").all()
            guard !claimed.isEmpty else { return "" }
            let model = try await Requests.file(filing, for: organisation, as: req.caller, on: db)
            try await db.sql.update(FollowUpModel.schema).set("request_number", to: SQLBind(model.number))
                .set("done", to: SQLBind(true)).where("id", .equal, SQLBind(try followUp.requireID())).run()
            try await Audit.record(on: db, actor: req.auditActor, action: "network.followup.request", recordType: "liaison_meeting",
                                   recordID: meeting.id!.uuidString, changes: ["request": .init(before: nil, after: model.number)])
            return model.number
        }
        guard !number.isEmpty else {
            return try await showPage(req, meeting: meeting, errors: [("type", l("meeting.error.already_filed"))], status: .conflict)
        }
        return req.redirect(to: "/demandes/\(number)", redirectType: .normal)
    }

    /// Makes a subscription address for a calendar (an agent's or a region's) and shows it once.
    @Sendable func subscribe(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.currentUser else { throw SignInRequired() }
        let calendar = (try? req.content.get(String.self, at: "calendar")) ?? ""
        let territory = req.application.territory.current
        let parts = calendar.split(separator: ":", maxSplits: 1).map(String.init)
        let valid: Bool
        if parts.count == 2, parts[0] == "agent", let id = UUID(uuidString: parts[1]) {
            valid = try await PersonModel.find(id, on: req.db) != nil
        } else if parts.count == 2, parts[0] == "region" {
            valid = territory.region(parts[1]) != nil
        } else { valid = false }
        guard valid else { throw Problem.notFound() }
        let token = RandomToken.make()
        let feed = CalendarFeedModel()
        feed.id = UUID()
        feed.$person.id = user.personID
        feed.tokenHash = Sessions.hash(token)
        feed.calendar = calendar
        try await req.write { db in
            try await feed.create(on: db)
            try await Audit.record(on: db, actor: req.auditActor, action: "network.calendar.subscribe", recordType: "calendar_feed",
                                   recordID: feed.id!.uuidString, changes: ["calendar": .init(before: nil, after: calendar)])
        }
        let base = req.application.settings.baseURL
        return try await calendarPage(req, form: nil, errors: [], status: .ok, subscription: "\(base)/calendriers/\(token)")
    }

    /// The feed: a year back and a year ahead. An unknown address, or one whose person left, is not found.
    @Sendable func feed(_ req: Request) async throws -> Response {
        let token = (req.parameters.get("jeton") ?? "").replacingOccurrences(of: ".ics", with: "")
        guard !token.isEmpty,
              let feed = try await CalendarFeedModel.query(on: req.db).filter(\.$tokenHash == Sessions.hash(token)).with(\.$person).first(),
              feed.person.active else { throw Problem.notFound() }
        let territory = req.application.territory.current
        let parts = feed.calendar.split(separator: ":", maxSplits: 1).map(String.init)
        var filter = Filter(agent: nil, region: nil, month: (2000, 1))
        var name = ""
        if parts.first == "agent", let id = UUID(uuidString: parts.last ?? ""), let agent = try await PersonModel.find(id, on: req.db) {
            filter.agent = agent
            name = agent.displayName
        } else if parts.first == "region", let region = territory.region(parts.last ?? "") {
            filter.region = region
            name = region.record.name
        } else { throw Problem.notFound() }
        let now = Date()
        let meetings = try await LiaisonQueries.meetings(filter, from: now.addingTimeInterval(-366 * 86_400), to: now.addingTimeInterval(366 * 86_400),
                                               territory: territory, on: req.db)
        let l = Localizer(PasserelleCore.Language(rawValue: feed.person.language) ?? .frCA)
        let calendar = ICalendar(name: l("meeting.feed_name", ["name": name]), events: meetings.map { m in
            ICalendar.Event(uid: "\(m.id!.uuidString)@passerelle", start: m.startsAt, end: m.startsAt.addingTimeInterval(Double(m.minutes) * 60),
                            summary: "\(m.organisation.name) — \(m.subject)", location: m.place,
                            description: [l("card.agent") + " : " + m.agent.displayName, m.participants].filter { !$0.isEmpty }
                                .joined(separator: "\n"),
                            stamp: m.createdAt ?? now)
        })
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: calendar.text))
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
