import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Messages for the mail module, written in the recipient's language in the same transaction as
/// the change that sends them.
enum Outbox {
    /// Who a message goes to: a person as loaded, or the person signed in (no query in the change).
    struct Recipient: Sendable {
        var id: UUID?
        var email: String
        var displayName: String
        var language: String

        init(_ person: PersonModel) { (id, email, displayName, language) = (person.id, person.email, person.displayName, person.language) }
        init(_ user: CurrentUser) { (id, email, displayName, language) = (user.personID, user.email, user.displayName, user.language) }
    }

    static func enqueue(on db: any Database, to person: PersonModel, kind: String, arguments: [String: String] = [:]) async throws {
        try await enqueue(on: db, to: Recipient(person), kind: kind, arguments: arguments)
    }

    static func enqueue(on db: any Database, to person: Recipient, kind: String, arguments: [String: String] = [:]) async throws {
        let language = Language(rawValue: person.language) ?? .frCA
        let l = Localizer(language)
        var arguments = arguments
        arguments["name"] = person.displayName
        // Nothing in the change reads it back: in a group-commit batch it is written at the commit.
        try await Writes.insert(into: OutboxMessageModel.schema, columns: [
            "id", "created_at", "person_id", "recipient", "language", "kind", "subject", "body", "sent_at", "status", "attempts",
            "next_attempt_at", "claimed_until", "last_error",
        ], values: [
            SQLBind(UUID()), SQLBind(Date()), SQLBind(person.id), SQLBind(person.email), SQLBind(language.rawValue), SQLBind(kind),
            SQLBind(l("mail.\(kind).subject", arguments)), SQLBind(l("mail.\(kind).body", arguments)), SQLBind(Date?.none),
            SQLBind(OutboxSender.Status.pending.rawValue), SQLBind(0), SQLBind(Int64(0)), SQLBind(Int64?.none), SQLBind(String?.none),
        ], on: db)
    }

    /// The address of a page for a message: the public address when set, else this server's.
    static func link(_ app: Application, _ path: String) -> String {
        app.settings.baseURL + path
    }
}

/// One-time links sent by mail: an invitation (a week) or a password reset (an hour). They work
/// once; a newer link of the same purpose replaces the older ones.
enum OneTimeLinks {
    static func lifetime(_ purpose: OneTimeLinkModel.Purpose) -> TimeInterval {
        switch purpose {
        case .invitation: 7 * 24 * 3600
        case .reset: 3600
        }
    }

    static func issue(_ purpose: OneTimeLinkModel.Purpose, for person: PersonModel, by creator: UUID?, on db: any Database,
                      now: Date = Date()) async throws -> String {
        let personID = try person.requireID()
        try await OneTimeLinkModel.query(on: db).filter(\.$person.$id == personID).filter(\.$purpose == purpose)
            .filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
        let token = RandomToken.make()
        let link = OneTimeLinkModel()
        link.$person.id = personID
        link.createdBy = creator
        link.purpose = purpose
        link.tokenHash = Sessions.hash(token)
        link.expiresAt = now.addingTimeInterval(lifetime(purpose))
        try await link.create(on: db)
        return token
    }

    enum Lookup {
        case valid(OneTimeLinkModel)
        case expired, used, unknown
    }

    static func find(_ token: String, on db: any Database, now: Date = Date()) async throws -> Lookup {
        guard let link = try await OneTimeLinkModel.query(on: db).filter(\.$tokenHash == Sessions.hash(token))
            .with(\.$person).first() else { return .unknown }
        if link.usedAt != nil { return .used }
        if link.expiresAt <= now { return .expired }
        return .valid(link)
    }

    /// Marks the link used unless it already is; true when this call did.
    static func claim(_ link: OneTimeLinkModel, on db: any Database, now: Date = Date()) async throws -> Bool {
        let rows = try await db.sql.update(OneTimeLinkModel.schema)
            .set(SQLIdentifier("used_at"), to: SQLBind(now))
            .where("id", .equal, SQLBind(try link.requireID()))
            .where(SQLIdentifier("used_at"), .is, SQLLiteral.null)
            .returning("id").all()
        if !rows.isEmpty { link.usedAt = now }
        return !rows.isEmpty
    }

    static func url(_ token: String, settings: Settings) -> String { settings.baseURL + "/lien/" + token }
}

/// Changes to who may do what: each one journaled in the transaction that makes it, and each one
/// empties the credential cache so that it holds on this instance at once.
enum AccessChanges {
    struct Invited {
        let person: PersonModel
        let created: Bool
    }

    /// The person with this address, or a new one with an invitation link (a week) in the outbox.
    static func findOrInvite(email: String, name: String, language: Language, for organisation: OrganisationModel,
                             as caller: Caller, on db: any Database) async throws -> Invited {
        let email = PersonModel.normalized(email)
        if let person = try await PersonModel.query(on: db).filter(\.$email == email).first() {
            return Invited(person: person, created: false)
        }
        let person = PersonModel(email: email, displayName: name, passwordHash: nil, language: language)
        try await person.create(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "person.invite", recordType: "person",
                               recordID: try person.requireID().uuidString,
                               changes: ["email": .init(before: nil, after: email),
                                         "display_name": .init(before: nil, after: name),
                                         "language": .init(before: nil, after: language.rawValue)])
        let token = try await OneTimeLinks.issue(.invitation, for: person, by: caller.currentUser?.personID, on: db)
        try await Outbox.enqueue(on: db, to: person, kind: "invitation",
                                 arguments: ["organisation": organisation.name,
                                             "link": OneTimeLinks.url(token, settings: caller.application.settings),
                                             "days": "7"])
        return Invited(person: person, created: true)
    }

    /// Gives a role to the person with this address, inviting the person when there is none.
    static func invite(email: String, name: String, role: Role, in organisation: OrganisationModel, language: Language,
                       as caller: Caller, on db: any Database) async throws -> Invited {
        let invited = try await findOrInvite(email: email, name: name, language: language, for: organisation,
                                             as: caller, on: db)
        // Someone new hears of the role in the invitation; someone known gets a notice.
        try await grant(role, to: invited.person, in: organisation, as: caller, on: db, notify: !invited.created)
        return invited
    }

    static func grant(_ role: Role, to person: PersonModel, in organisation: OrganisationModel, as caller: Caller,
                      on db: any Database, notify: Bool = true) async throws {
        let personID = try person.requireID()
        let organisationID = try organisation.requireID()
        let (name, service, _) = MembershipModel.columns(of: role)
        var existing = MembershipModel.query(on: db).filter(\.$person.$id == personID)
            .filter(\.$organisation.$id == organisationID).filter(\.$role == name)
        existing = service.map { existing.filter(\.$service == $0) } ?? existing.filter(\.$service == nil)
        if let found = try await existing.first() {
            // A finance officer's limit changes in place; any other role is there already.
            guard found.decodedRole != role else { return }
            let before = found.spendingLimitCents
            found.spendingLimitCents = MembershipModel.columns(of: role).2
            try await found.update(on: db)
            try await Audit.record(on: db, actor: caller.auditActor, action: "membership.change", recordType: "person",
                                   recordID: personID.uuidString,
                                   changes: ["spending_limit_cents": .init(before: before.map(String.init),
                                                                           after: found.spendingLimitCents.map(String.init))])
            caller.application.credentialCache.removeAll()
            return
        }
        let membership = MembershipModel(personID: personID, organisationID: organisationID, role: role)
        try await membership.create(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "membership.grant", recordType: "person",
                               recordID: personID.uuidString,
                               changes: ["role": .init(before: nil, after: roleText(role, organisation))])
        if notify {
            try await Outbox.enqueue(on: db, to: person, kind: "role_granted",
                                     arguments: ["organisation": organisation.name, "role": roleLabel(role, for: person)])
        }
        caller.application.credentialCache.removeAll()
    }

    static func remove(_ membership: MembershipModel, organisation: OrganisationModel, as caller: Caller,
                       on db: any Database) async throws {
        let text = membership.decodedRole.map { roleText($0, organisation) } ?? membership.role
        try await membership.delete(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "membership.remove", recordType: "person",
                               recordID: membership.$person.id.uuidString, changes: ["role": .init(before: text, after: nil)])
        caller.application.credentialCache.removeAll()
    }

    static func grantMandate(to person: PersonModel, firm: String, services: Set<Service>, endsOn: CalendarDate,
                             for organisation: OrganisationModel, as caller: Caller, on db: any Database) async throws
        -> MandateModel {
        let mandate = MandateModel()
        mandate.$person.id = try person.requireID()
        mandate.$organisation.id = try organisation.requireID()
        mandate.grantedBy = caller.currentUser?.personID ?? UUID()
        mandate.firm = firm
        mandate.services = services.map(\.rawValue).sorted().joined(separator: " ")
        mandate.endsOn = endsOn.iso
        try await mandate.create(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "mandate.grant", recordType: "mandate",
                               recordID: try mandate.requireID().uuidString,
                               changes: ["person": .init(before: nil, after: person.email),
                                         "organisation": .init(before: nil, after: organisation.code),
                                         "firm": .init(before: nil, after: firm),
                                         "services": .init(before: nil, after: mandate.services),
                                         "ends_on": .init(before: nil, after: mandate.endsOn)])
        try await Outbox.enqueue(on: db, to: person, kind: "mandate_granted",
                                 arguments: ["organisation": organisation.name,
                                             "date": Localizer(Language(rawValue: person.language) ?? .frCA)
                                                 .format.date(endsOn)])
        caller.application.credentialCache.removeAll()
        return mandate
    }

    static func revoke(_ mandate: MandateModel, as caller: Caller, on db: any Database, now: Date = Date()) async throws {
        guard mandate.revokedAt == nil else { return }
        mandate.revokedAt = now
        try await mandate.update(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "mandate.revoke", recordType: "mandate",
                               recordID: try mandate.requireID().uuidString,
                               changes: ["revoked_at": .init(before: nil, after: AuditEventModel.timestamp(now))])
        caller.application.credentialCache.removeAll()
    }

    /// Creates a token and returns it: the only time it is ever shown.
    static func createToken(name: String, organisation: OrganisationModel, scopes: Set<Scope>, days: Int,
                            as caller: Caller, on db: any Database, now: Date = Date()) async throws -> String {
        guard let user = caller.currentUser else { throw SignInRequired() }
        let secret = "psr_" + RandomToken.make()
        let token = APITokenModel()
        token.$person.id = user.personID
        token.$organisation.id = try organisation.requireID()
        token.name = name
        token.scopes = Scope.text(scopes)
        token.tokenHash = Sessions.hash(secret)
        token.prefix = String(secret.prefix(10))
        token.expiresAt = now.addingTimeInterval(TimeInterval(days) * 24 * 3600)
        try await token.create(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "api_token.create", recordType: "api_token",
                               recordID: try token.requireID().uuidString,
                               changes: ["name": .init(before: nil, after: name),
                                         "organisation": .init(before: nil, after: organisation.code),
                                         "scopes": .init(before: nil, after: token.scopes),
                                         "expires_at": .init(before: nil, after: AuditEventModel.timestamp(token.expiresAt))])
        return secret
    }

    static func revoke(_ token: APITokenModel, as caller: Caller, on db: any Database, now: Date = Date()) async throws {
        guard token.revokedAt == nil else { return }
        token.revokedAt = now
        try await token.update(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "api_token.revoke", recordType: "api_token",
                               recordID: try token.requireID().uuidString,
                               changes: ["revoked_at": .init(before: nil, after: AuditEventModel.timestamp(now))])
        caller.application.credentialCache.removeAll()
    }

    static func setActive(_ person: PersonModel, _ active: Bool, as caller: Caller, on db: any Database) async throws {
        guard person.active != active else { return }
        person.active = active
        person.version += 1
        try await person.update(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: active ? "person.activate" : "person.deactivate",
                               recordType: "person", recordID: try person.requireID().uuidString,
                               changes: ["active": .init(before: String(!active), after: String(active))])
        caller.application.credentialCache.removeAll()
    }

    /// Gives or takes away an organisation's bilingual status (section 29.1 of the Charter of the
    /// French language), journaled; its people's next page reads it.
    static func setBilingualStatus(_ organisation: OrganisationModel, _ bilingual: Bool, as caller: Caller,
                                   on db: any Database) async throws {
        guard organisation.bilingualStatus != bilingual else { return }
        organisation.bilingualStatus = bilingual
        organisation.version += 1
        try await organisation.update(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "organisation.bilingual_status",
                               recordType: "organisation", recordID: organisation.code,
                               changes: ["bilingual_status": .init(before: String(!bilingual), after: String(bilingual))])
        caller.application.credentialCache.removeAll()
    }

    /// Sets a new password from a one-time link: the link is spent, every other session of the
    /// person closed, all journaled.
    static func setPassword(_ hash: String, with link: OneTimeLinkModel, as caller: Caller, on db: any Database,
                            now: Date = Date()) async throws {
        let person = link.person
        person.passwordHash = hash
        person.version += 1
        try await person.update(on: db)
        let personID = try person.requireID()
        let closed = try await SessionModel.query(on: db).filter(\.$person.$id == personID).filter(\.$revokedAt == nil).count()
        try await SessionModel.query(on: db).filter(\.$person.$id == personID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
        var actor = caller.auditActor
        actor.personID = personID
        actor.label = person.email
        try await Audit.record(on: db, actor: actor, action: link.purpose == .invitation ? "person.password_set" : "person.password_reset",
                               recordType: "person", recordID: personID.uuidString,
                               changes: ["password": .init(before: link.purpose == .invitation ? nil : "***", after: "***"),
                                         "sessions": .init(before: String(closed), after: "0")])
        caller.application.credentialCache.removeAll()
    }

    /// `contributor:requests @ mun-46005`: a role as the journal keeps it.
    static func roleText(_ role: Role, _ organisation: OrganisationModel) -> String {
        let (name, service, limit) = MembershipModel.columns(of: role)
        return name + (service.map { ":" + $0 } ?? "") + (limit.map { " limit=\($0)" } ?? "") + " @ " + organisation.code
    }

    static func roleLabel(_ role: Role, for person: PersonModel) -> String {
        IdentityViews.roleLabel(Localizer(Language(rawValue: person.language) ?? .frCA), role)
    }
}
