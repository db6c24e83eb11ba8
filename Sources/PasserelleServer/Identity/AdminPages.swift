import Fluent
import SQLKit
import Foundation
import PasserelleCore
import Vapor

/// Administration: organisations, people, tokens, the outbox and the journal.
struct AdminPages: Sendable {
    static let pageSize = 50

    @Sendable func index(_ req: Request) async throws -> Response {
        AdminViews.index(Layout(req)).page(status: .ok)
    }

    @Sendable func organisations(_ req: Request) async throws -> Response {
        let q = FormInput.text(req, "q")
        let kind = OrganisationKind(rawValue: FormInput.text(req, "type"))
        let page = try FormInput.page(req)
        var query = OrganisationModel.query(on: req.db)
        if !q.isEmpty {
            query = query.group(.or) { $0.filter(\.$name, .custom("LIKE"), "%\(q)%").filter(\.$code, .custom("LIKE"), "%\(q)%") }
        }
        if let kind { query = query.filter(\.$kind == kind) }
        let total = try await query.count()
        let rows = try await query.sort(\.$name).range(((page - 1) * Self.pageSize)..<(page * Self.pageSize)).all()
        return AdminViews.organisations(Layout(req), rows: rows, total: total, page: page, q: q, kind: kind,
                                        csrf: CSRF.sessionToken(req), back: req.url.string).page(status: .ok)
    }

    /// `statut=1` gives the organisation bilingual status, `statut=0` takes it away; back to the list
    /// the administrator was reading.
    @Sendable func setBilingualStatus(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let code = req.parameters.get("code"),
              let organisation = try await OrganisationModel.query(on: req.db).filter(\.$code == code).first()
        else { throw Problem.notFound() }
        let value = try? req.content.get(String.self, at: "statut")
        guard let value, ["0", "1"].contains(value) else {
            throw Problem.invalidParameter("statut", key: "problem.parameter.one_of", ["allowed": "0, 1", "value": value ?? ""])
        }
        try await req.write { db in try await AccessChanges.setBilingualStatus(organisation, value == "1", as: req.caller, on: db) }
        let back = (try? req.content.get(String.self, at: "retour")).flatMap { $0.hasPrefix("/administration/organisations") ? $0 : nil }
        return req.redirect(to: back ?? "/administration/organisations", redirectType: .normal)
    }

    @Sendable func people(_ req: Request) async throws -> Response {
        let q = FormInput.text(req, "q").lowercased()
        let page = try FormInput.page(req)
        var query = PersonModel.query(on: req.db)
        if !q.isEmpty {
            query = query.group(.or) { $0.filter(\.$email, .custom("LIKE"), "%\(q)%")
                .filter(\.$displayName, .custom("LIKE"), "%\(q)%") }
        }
        let total = try await query.count()
        let rows = try await query.sort(\.$email).range(((page - 1) * Self.pageSize)..<(page * Self.pageSize)).all()
        return AdminViews.people(Layout(req), rows: rows, total: total, page: page, q: q).page(status: .ok)
    }

    func loadPerson(_ req: Request) async throws -> PersonModel {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let person = try await PersonModel.find(id, on: req.db) else { throw Problem.notFound() }
        return person
    }

    @Sendable func person(_ req: Request) async throws -> Response {
        let person = try await loadPerson(req)
        let id = try person.requireID()
        try await PersonalInformation.journalRead(of: person, request: req)
        let memberships = try await MembershipModel.query(on: req.db).filter(\.$person.$id == id).with(\.$organisation).all()
        let mandates = try await MandateModel.query(on: req.db).filter(\.$person.$id == id).with(\.$organisation).all()
        let sessions = try await SessionModel.query(on: req.db).filter(\.$person.$id == id).filter(\.$revokedAt == nil)
            .filter(\.$expiresAt > Date()).count()
        let history = try await PersonalInformation.history(of: person, on: req.db)
        return AdminViews.person(Layout(req), person: person, memberships: memberships, mandates: mandates,
                                 openSessions: sessions, history: history, csrf: req.currentUser?.csrfToken ?? "")
            .page(status: .ok)
    }

    @Sendable func activate(_ req: Request) async throws -> Response { try await setActive(req, true) }
    @Sendable func deactivate(_ req: Request) async throws -> Response { try await setActive(req, false) }

    func setActive(_ req: Request, _ active: Bool) async throws -> Response {
        try CSRF.verify(req)
        let person = try await loadPerson(req)
        try await req.write { db in try await AccessChanges.setActive(person, active, as: req.caller, on: db) }
        return req.redirect(to: "/administration/personnes/\(try person.requireID().uuidString)", redirectType: .normal)
    }

    @Sendable func tokens(_ req: Request) async throws -> Response {
        let page = try FormInput.page(req)
        let query = APITokenModel.query(on: req.db)
        let total = try await query.count()
        let rows = try await query.with(\.$organisation).with(\.$person).sort(\.$createdAt, .descending)
            .range(((page - 1) * Self.pageSize)..<(page * Self.pageSize)).all()
        return AdminViews.tokens(Layout(req), rows: rows, total: total, page: page, csrf: req.currentUser?.csrfToken ?? "")
            .page(status: .ok)
    }

    @Sendable func revokeToken(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let token = try await APITokenModel.find(id, on: req.db) else { throw Problem.notFound() }
        try await req.write { db in try await AccessChanges.revoke(token, as: req.caller, on: db) }
        return req.redirect(to: "/administration/jetons", redirectType: .normal)
    }

    @Sendable func outbox(_ req: Request) async throws -> Response {
        let page = try FormInput.page(req)
        let recipient = FormInput.text(req, "destinataire").lowercased()
        let status = FormInput.text(req, "statut")
        try FormInput.oneOf("statut", status, OutboxSender.Status.allCases.map(\.rawValue))
        var query = OutboxMessageModel.query(on: req.db)
        if !recipient.isEmpty { query = query.filter(\.$recipient == recipient) }
        if !status.isEmpty { query = query.filter(\.$status == status) }
        let total = try await query.count()
        let rows = try await query.sort(\.$createdAt, .descending)
            .range(((page - 1) * Self.pageSize)..<(page * Self.pageSize)).all()
        return AdminViews.outbox(Layout(req), rows: rows, total: total, page: page, recipient: recipient, status: status,
                                 smtp: req.application.settings.smtp, csrf: req.currentUser?.csrfToken ?? "").page(status: .ok)
    }

    /// A dead letter sent again: back in the queue, its attempts counted anew.
    @Sendable func resend(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let message = try await OutboxMessageModel.find(id, on: req.db) else { throw Problem.notFound() }
        guard message.status == OutboxSender.Status.dead.rawValue else {
            return req.redirect(to: "/administration/courriels?statut=dead", redirectType: .normal)
        }
        try await req.write { db in
            try await db.sql.raw("""
                UPDATE outbox_messages SET status = 'pending', attempts = 0, next_attempt_at = 0
                WHERE id = \(bind: id) AND status = 'dead'
                """).run()
            try await Audit.record(on: db, actor: req.auditActor, action: "mail.resend", recordType: "outbox_message",
                                   recordID: id.uuidString, changes: ["status": .init(before: "dead", after: "pending")])
        }
        return req.redirect(to: "/administration/courriels?statut=dead", redirectType: .normal)
    }

    /// The journal's filters, as the form and the API take them.
    struct JournalFilter {
        var recordType = ""
        var recordID = ""
        var person = ""
        var organisation = ""
        var from = ""
        var to = ""
        var page = 1
        var errors: FormInput.Errors = []

        var query: String {
            [("type", recordType), ("enregistrement", recordID), ("personne", person), ("organisation", organisation),
             ("du", from), ("au", to)].filter { !$0.1.isEmpty }
                .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
        }
    }

    static func journalFilter(_ req: Request) throws -> JournalFilter {
        JournalFilter(recordType: FormInput.text(req, "type"), recordID: FormInput.text(req, "enregistrement"), person: FormInput.text(req, "personne"),
                      organisation: FormInput.text(req, "organisation"), from: FormInput.text(req, "du"), to: FormInput.text(req, "au"),
                      page: try FormInput.page(req))
    }

    /// The events matching the filter, newest first, a page at a time, filtered in SQL.
    static func journalEvents(_ filter: inout JournalFilter, on db: any Database, pageSize: Int = pageSize) async throws
        -> (events: [AuditEventModel], total: Int) {
        var query = AuditEventModel.query(on: db)
        if !filter.recordType.isEmpty { query = query.filter(\.$recordType == filter.recordType) }
        if !filter.recordID.isEmpty { query = query.filter(\.$recordID == filter.recordID) }
        if !filter.person.isEmpty {
            let email = PersonModel.normalized(filter.person)
            let id = try await PersonModel.query(on: db).filter(\.$email == email).first()?.id
                ?? UUID(uuidString: filter.person)
            if let id { query = query.filter(\.$actorPersonID == id) } else { filter.errors.append(("personne", "journal.error.person")) }
        }
        if !filter.organisation.isEmpty {
            if let id = try await OrganisationModel.query(on: db).filter(\.$code == filter.organisation).first()?.id {
                query = query.filter(\.$actorOrganisationID == id)
            } else {
                filter.errors.append(("organisation", "journal.error.organisation"))
            }
        }
        for (field, text, isEnd) in [("du", filter.from, false), ("au", filter.to, true)] where !text.isEmpty {
            guard let day = CalendarDate(iso: text) else {
                filter.errors.append((field, "journal.error.date"))
                continue
            }
            let bound = day.startInstant(addingDays: isEnd ? 1 : 0)
            let stamp = AuditEventModel.timestamp(bound)
            query = isEnd ? query.filter(\.$occurredAt < stamp) : query.filter(\.$occurredAt >= stamp)
        }
        guard filter.errors.isEmpty else { return ([], 0) }
        let total = try await query.count()
        let events = try await query.sort(\.$sequence, .descending)
            .range(((filter.page - 1) * pageSize)..<(filter.page * pageSize)).all()
        return (events, total)
    }

    @Sendable func journal(_ req: Request) async throws -> Response {
        var filter = try Self.journalFilter(req)
        let (events, total) = try await Self.journalEvents(&filter, on: req.db)
        let l = req.localizer
        filter.errors = filter.errors.map { ($0.field, l($0.message)) }
        return AdminViews.journal(Layout(req), filter: filter, events: events, total: total,
                                  verification: req.application.auditVerification.outcome)
            .page(status: filter.errors.isEmpty ? .ok : .badRequest)
    }
}

extension CalendarDate {
    /// Midnight of this day (plus some days) in Québec time, as an instant.
    func startInstant(addingDays days: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CalendarDate.quebecTimeZone
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date()
        return calendar.date(byAdding: .day, value: days, to: start) ?? start
    }
}
