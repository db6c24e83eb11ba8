import Crypto
import Fluent
import NIOConcurrencyHelpers
import Foundation
import PasserelleCore
import Vapor

/// Resolved credentials, kept a moment so that a busy client does not cost a query per request.
/// Every change to access made by this instance empties it at once; a change made by another
/// instance sharing the database holds here at most `lifetime`.
final class CredentialCache: @unchecked Sendable {
    static let lifetime: TimeInterval = 1
    private let lock = NIOLock()
    private var entries: [String: (user: CurrentUser, until: Date)] = [:]

    func get(_ key: String, now: Date = Date()) -> CurrentUser? {
        lock.withLock {
            guard let entry = entries[key], entry.until > now else { return nil }
            return entry.user
        }
    }

    /// Forgets everything, including reads under way (their answers are not kept).
    func removeAll() {
        lock.withLock {
            entries.removeAll()
            inFlight.removeAll()
            generation += 1
        }
    }

    private var generation = 0
    private var inFlight: [String: EventLoopFuture<CurrentUser?>] = [:]

    /// The cached answer, or the one being read for the same credential, or a new read: when an
    /// entry expires under load, one query answers every request waiting for it (not one each).
    func resolve(_ key: String, on eventLoop: any EventLoop,
                 _ read: @escaping @Sendable () async throws -> CurrentUser?) -> EventLoopFuture<CurrentUser?> {
        let (future, isNew, started): (EventLoopFuture<CurrentUser?>, Bool, Int) = lock.withLock {
            if let entry = entries[key], entry.until > Date() {
                return (eventLoop.makeSucceededFuture(entry.user), false, generation)
            }
            if let running = inFlight[key] { return (running, false, generation) }
            let promise = eventLoop.makePromise(of: CurrentUser?.self)
            inFlight[key] = promise.futureResult
            promise.completeWithTask(read)
            return (promise.futureResult, true, generation)
        }
        if isNew {
            future.whenComplete { [self] result in
                lock.withLock {
                    guard generation == started else { return }
                    inFlight[key] = nil
                    if case .success(let user?) = result {
                        if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
                        entries[key] = (user, Date().addingTimeInterval(Self.lifetime))
                    }
                }
            }
        }
        return future.hop(to: eventLoop)
    }
}

extension Application {
    private struct CredentialCacheKey: StorageKey { typealias Value = CredentialCache }

    var credentialCache: CredentialCache {
        if let cache = storage[CredentialCacheKey.self] { return cache }
        let cache = CredentialCache()
        storage[CredentialCacheKey.self] = cache
        return cache
    }
}

enum Sessions {
    static let cookieName = "passerelle_session"
    static let idleTimeout: TimeInterval = 30 * 60
    static let absoluteTimeout: TimeInterval = 12 * 3600
    /// `last_seen_at` is written at most this often, so reading a page is not a write.
    static let touchInterval: TimeInterval = 60

    static func hash(_ token: String) -> String {
        AuditEventModel.hex(SHA256.hash(data: Data(token.utf8)))
    }

    /// Opens a session for the person, journaled, and returns the cookie's token.
    static func open(for person: PersonModel, request: Request, on db: any Database, now: Date = Date()) async throws -> String {
        let token = RandomToken.make()
        let session = SessionModel()
        session.$person.id = try person.requireID()
        session.tokenHash = hash(token)
        session.csrfToken = RandomToken.make()
        session.lastSeenAt = now
        session.expiresAt = now.addingTimeInterval(absoluteTimeout)
        session.clientAddress = request.clientAddress
        session.userAgent = request.headers.first(name: .userAgent).map { String($0.prefix(200)) }
        try await session.create(on: db)
        var actor = request.auditActor
        actor.personID = person.id
        actor.sessionID = session.id
        actor.label = person.email
        try await Audit.record(on: db, actor: actor, action: "session.open", recordType: "session",
                               recordID: try session.requireID().uuidString)
        return token
    }

    /// The person behind a session cookie, or nil when the session is unknown, revoked or expired.
    static func resolve(token: String, on db: any Database, now: Date = Date()) async throws -> CurrentUser? {
        guard let session = try await SessionModel.query(on: db).filter(\.$tokenHash == hash(token))
            .with(\.$person).first(),
              session.revokedAt == nil, session.expiresAt > now,
              session.lastSeenAt.addingTimeInterval(idleTimeout) > now,
              session.person.active else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) > touchInterval {
            session.lastSeenAt = now
            try await session.update(on: db)
        }
        let (memberships, mandates, bilingual) = try await access(of: try session.person.requireID(), on: db)
        var user = CurrentUser(personID: try session.person.requireID(), email: session.person.email,
                               displayName: session.person.displayName, language: session.person.language,
                               sessionID: try session.requireID(), csrfToken: session.csrfToken, memberships: memberships,
                               mandates: mandates, tokenID: nil, tokenOrganisationID: nil, scopes: nil)
        user.bilingualStatus = bilingual
        return user
    }

    /// A person's roles and mandates, as the policy reads them.
    static func grants(of personID: UUID, on db: any Database) async throws -> ([Membership], [Mandate]) {
        let (memberships, mandates, _) = try await access(of: personID, on: db)
        return (memberships, mandates)
    }

    /// A person's roles and mandates, and whether one of their organisations has bilingual status.
    static func access(of personID: UUID, on db: any Database) async throws -> ([Membership], [Mandate], Bool) {
        let rows = try await MembershipModel.query(on: db).filter(\.$person.$id == personID)
            .with(\.$organisation).all()
            .filter { $0.organisation.active }
        let memberships = rows.compactMap { m -> Membership? in
            guard let role = m.decodedRole, let organisationID = m.organisation.id else { return nil }
            return Membership(organisationID: organisationID, kind: m.organisation.kind, role: role)
        }
        let mandates = try await MandateModel.query(on: db).filter(\.$person.$id == personID).all().compactMap(\.mandate)
        return (memberships, mandates, rows.contains { $0.organisation.bilingualStatus })
    }

    /// The system behind an `Authorization: Bearer` token, or nil when the token is unknown,
    /// revoked or expired.
    static func resolve(apiToken token: String, on db: any Database, now: Date = Date()) async throws -> CurrentUser? {
        guard let stored = try await APITokenModel.query(on: db).filter(\.$tokenHash == hash(token))
            .with(\.$person).first(),
              stored.revokedAt == nil, stored.expiresAt > now, stored.person.active else { return nil }
        if now.timeIntervalSince(stored.lastUsedAt ?? .distantPast) > touchInterval {
            stored.lastUsedAt = now
            try await stored.update(on: db)
        }
        let personID = try stored.person.requireID()
        let (memberships, mandates) = try await grants(of: personID, on: db)
        return CurrentUser(personID: personID, email: stored.person.email, displayName: stored.person.displayName,
                           language: stored.person.language, sessionID: nil, csrfToken: nil, memberships: memberships,
                           mandates: mandates, tokenID: try stored.requireID(), tokenOrganisationID: stored.$organisation.id,
                           scopes: stored.scopeSet)
    }

    /// Revokes one session, or every session of the person; journaled.
    static func revoke(_ user: CurrentUser, everywhere: Bool, request: Request, on db: any Database) async throws -> Int {
        request.application.credentialCache.removeAll()
        var query = SessionModel.query(on: db).filter(\.$revokedAt == nil)
        if everywhere {
            query = query.filter(\.$person.$id == user.personID)
        } else if let sessionID = user.sessionID {
            query = query.filter(\.$id == sessionID)
        } else {
            return 0
        }
        let sessions = try await query.all()
        for session in sessions {
            session.revokedAt = Date()
            try await session.update(on: db)
        }
        try await Audit.record(on: db, actor: request.auditActor, action: everywhere ? "session.revoke_all" : "session.close",
                               recordType: "person", recordID: user.personID.uuidString,
                               changes: ["sessions": AuditChange(before: String(sessions.count), after: "0")])
        return sessions.count
    }

    /// Tells the browser to forget its session cookie.
    static let clearedCookie = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
                                                 isHTTPOnly: true, sameSite: .lax)

    static func cookie(_ token: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, maxAge: Int(absoluteTimeout), path: "/", isSecure: secure, isHTTPOnly: true,
                          sameSite: .lax)
    }
}

extension Sessions {
    /// Reads the credentials (an `Authorization: Bearer` token, else the session cookie), checks the
    /// route's policy, then answers. A request without credentials to an open route pays nothing:
    /// no task, no query, no extra middleware (the platform middleware calls this). A known
    /// credential seen within the last second costs no query either (`CredentialCache`).
    static func attach(to request: Request, then next: any Responder) -> EventLoopFuture<Response> {
        let bearer = request.headers.bearerAuthorization?.token
        let cookie = bearer == nil ? request.cookies[cookieName]?.string : nil
        let policy = request.route?.policy
        guard let token = bearer ?? cookie, !token.isEmpty else {
            // No route (a 404 to come) or an open one: nothing to check.
            if request.route == nil || policy?.isOpen == true { return next.respond(to: request) }
            return request.eventLoop.makeFutureWithTask { try await RouteGuard.check(request) }
                .flatMap { next.respond(to: request) }
        }
        let key = (bearer == nil ? "s:" : "t:") + token
        let cache = request.application.credentialCache
        if let user = cache.get(key) {
            request.currentUser = user
            if policy?.isOpen == true { return next.respond(to: request) }
            return request.eventLoop.makeFutureWithTask { try await RouteGuard.check(request) }
                .flatMap { next.respond(to: request) }
        }
        let db = request.db
        let app = request.application
        let refuseDemo = app.environment == .production
        return cache.resolve(key, on: request.eventLoop) {
            guard let user = bearer != nil ? try await resolve(apiToken: token, on: db) : try await resolve(token: token, on: db)
            else { return nil }
            // Demo accounts are for demo instances: in production their credentials open nothing.
            if refuseDemo && user.isDemo { return nil }
            guard user.memberships.contains(where: { $0.role.isMinistry }) else { return user }
            return user.withTerritories(try await app.ministryTerritories.map(territory: app.territory.current, on: db))
        }.flatMapWithEventLoop { user, eventLoop in
            request.currentUser = user
            return eventLoop.makeFutureWithTask {
                if bearer != nil && user == nil {
                    throw Problem(.unauthorized, code: "invalid_token", key: "problem.invalid_token")
                }
                try await RouteGuard.check(request)
            }
        }.flatMap { next.respond(to: request) }
    }
}
