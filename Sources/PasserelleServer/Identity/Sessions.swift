import Crypto
import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The signed-in person of a request, read once from the session.
struct CurrentUser: Sendable {
    let personID: UUID
    let email: String
    let displayName: String
    let sessionID: UUID
    let csrfToken: String
    let memberships: [Membership]

    var accessActor: AccessActor { AccessActor(personID: personID, memberships: memberships) }
}

extension Request {
    private struct CurrentUserKey: StorageKey { typealias Value = CurrentUser }

    var currentUser: CurrentUser? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    /// Who acts, for the audit journal.
    var auditActor: AuditActor {
        AuditActor(personID: currentUser?.personID, organisationID: nil, sessionID: currentUser?.sessionID, tokenID: nil,
                   label: currentUser?.email ?? "anonymous", requestID: requestID, clientAddress: clientAddress)
    }
}

enum Sessions {
    static let cookieName = "passerelle_session"
    static let idleTimeout: TimeInterval = 30 * 60
    static let absoluteTimeout: TimeInterval = 12 * 3600
    /// `last_seen_at` is written at most this often, so reading a page is not a write.
    static let touchInterval: TimeInterval = 60

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Opens a session for the person, journaled, and returns the cookie's token.
    static func open(for person: PersonModel, request: Request, on db: any Database, now: Date = Date()) async throws -> String {
        let token = randomToken()
        let session = SessionModel()
        session.$person.id = try person.requireID()
        session.tokenHash = hash(token)
        session.csrfToken = randomToken()
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
        let personID = try session.person.requireID()
        let memberships = try await MembershipModel.query(on: db).filter(\.$person.$id == personID)
            .with(\.$organisation).all()
            .compactMap { m -> Membership? in
                guard let role = m.decodedRole, let organisationID = m.organisation.id else { return nil }
                return Membership(organisationID: organisationID, kind: m.organisation.kind, role: role)
            }
        return CurrentUser(personID: personID, email: session.person.email, displayName: session.person.displayName,
                           sessionID: try session.requireID(), csrfToken: session.csrfToken, memberships: memberships)
    }

    /// Revokes one session, or every session of the person; journaled.
    static func revoke(_ user: CurrentUser, everywhere: Bool, request: Request, on db: any Database) async throws -> Int {
        var query = SessionModel.query(on: db).filter(\.$revokedAt == nil)
        query = everywhere ? query.filter(\.$person.$id == user.personID) : query.filter(\.$id == user.sessionID)
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
    /// Reads the session cookie, then answers. A request without one pays nothing: no task, no
    /// query, no extra middleware (the platform middleware calls this).
    static func attach(to request: Request, then next: any Responder) -> EventLoopFuture<Response> {
        guard let token = request.cookies[cookieName]?.string, !token.isEmpty else {
            return next.respond(to: request)
        }
        return request.eventLoop.makeFutureWithTask {
            request.currentUser = try await resolve(token: token, on: request.db)
        }.flatMap { next.respond(to: request) }
    }
}

/// Every state-changing form carries a token the server gave: the session's once signed in, else
/// the one in a cookie of its own (double submit). A missing or wrong token is a 403 and nothing
/// changes.
enum CSRF {
    static let field = "_csrf"
    static let cookieName = "passerelle_csrf"

    /// The token to put in a form, and the cookie to set when the browser has none yet.
    static func token(for request: Request) -> (token: String, cookie: HTTPCookies.Value?) {
        if let user = request.currentUser { return (user.csrfToken, nil) }
        if let existing = request.cookies[cookieName]?.string, existing.count >= 32 { return (existing, nil) }
        let made = Sessions.randomToken()
        return (made, HTTPCookies.Value(string: made, path: "/", isSecure: request.application.settings.behindTLS,
                                        isHTTPOnly: true, sameSite: .strict))
    }

    static func verify(_ request: Request) throws {
        let given = try? request.content.get(String.self, at: field)
        let expected = request.currentUser?.csrfToken ?? request.cookies[cookieName]?.string
        guard let given, let expected, !expected.isEmpty, constantTimeEqual(given, expected) else {
            throw Problem(.forbidden, code: "csrf", key: "problem.csrf")
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
