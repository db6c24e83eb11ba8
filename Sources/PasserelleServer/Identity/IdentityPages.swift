import Fluent
import Foundation
import PasserelleCore
import Vapor

/// Sign-in, sign-out and the person's own account page.
struct IdentityPages: Sendable {
    static let throttleWindow: TimeInterval = 15 * 60
    static let maxFailuresPerAccount = 5
    static let maxFailuresPerAddress = 20
    /// Verified when the address has no account, so that the answer takes as long either way.
    static let decoyHash = (try? Bcrypt.hash(RandomToken.make(), cost: Passwords.cost)) ?? ""

    struct SignInForm: Content {
        var email: String?
        var password: String?
        var retour: String?
    }

    /// Where to go after signing in: a path of Passerelle only (never another site).
    static func safeReturn(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"), path.count < 500 else {
            return "/accueil"
        }
        return path
    }

    @Sendable func signInForm(_ req: Request) async throws -> Response {
        let back = Self.safeReturn(req.query[String.self, at: "retour"])
        if req.currentUser != nil { return req.redirect(to: back) }
        return page(req, email: "", errors: [], back: back)
    }

    func page(_ req: Request, email: String, errors: [(field: String, message: String)], back: String = "/accueil",
              status: HTTPResponseStatus = .ok) -> Response {
        let csrf = CSRF.token(for: req)
        let response = Response.html(IdentityViews.signIn(Layout(req), email: email, errors: errors, csrf: csrf.token,
                                                          back: back, oidcName: req.application.settings.oidc?.displayName),
                                     status: status)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if let cookie = csrf.cookie { response.cookies[CSRF.cookieName] = cookie }
        return response
    }

    @Sendable func signIn(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let l = req.localizer
        let form = (try? req.content.decode(SignInForm.self)) ?? SignInForm()
        let email = PersonModel.normalized(form.email ?? "")
        let password = form.password ?? ""
        var errors: [(field: String, message: String)] = []
        if email.isEmpty { errors.append(("email", l("signin.error.email_required"))) }
        if password.isEmpty { errors.append(("password", l("signin.error.password_required"))) }
        guard errors.isEmpty else { return page(req, email: form.email ?? "", errors: errors, status: .unprocessableEntity) }

        let now = Date()
        let since = now.addingTimeInterval(-Self.throttleWindow)
        let failuresForAccount = try await SignInAttemptModel.query(on: req.db).filter(\.$email == email)
            .filter(\.$succeeded == false).filter(\.$attemptedAt > since).count()
        let failuresForAddress = try await SignInAttemptModel.query(on: req.db).filter(\.$clientAddress == req.clientAddress)
            .filter(\.$succeeded == false).filter(\.$attemptedAt > since).count()
        if failuresForAccount >= Self.maxFailuresPerAccount || failuresForAddress >= Self.maxFailuresPerAddress {
            try await SignInAttemptModel(email: email, clientAddress: req.clientAddress, attemptedAt: now, succeeded: false)
                .create(on: req.db)
            return page(req, email: form.email ?? "", errors: [("email", l("signin.error.throttled", ["minutes": "15"]))],
                        status: .tooManyRequests)
        }

        let person = try await PersonModel.query(on: req.db).filter(\.$email == email).first()
        let hash = person?.passwordHash ?? Self.decoyHash
        let matches = try await Passwords.verify(password, hash: hash)
        let demoRefused = req.application.environment == .production && person?.email.hasSuffix(".demo") == true
        guard let person, person.active, person.passwordHash != nil, matches, !demoRefused else {
            try await SignInAttemptModel(email: email, clientAddress: req.clientAddress, attemptedAt: now, succeeded: false)
                .create(on: req.db)
            return page(req, email: form.email ?? "", errors: [("email", l("signin.error.failed"))], status: .unprocessableEntity)
        }
        let token = try await req.write { db in
            try await SignInAttemptModel(email: email, clientAddress: req.clientAddress, attemptedAt: now, succeeded: true)
                .create(on: db)
            return try await Sessions.open(for: person, request: req, on: db)
        }
        let response = req.redirect(to: Self.safeReturn(form.retour), redirectType: .normal)
        response.cookies[Sessions.cookieName] = Sessions.cookie(token, secure: req.application.settings.behindTLS)
        return response
    }

    @Sendable func signOut(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        if let user = req.currentUser {
            _ = try await req.write { db in try await Sessions.revoke(user, everywhere: false, request: req, on: db) }
        }
        let response = req.redirect(to: "/connexion", redirectType: .normal)
        response.cookies[Sessions.cookieName] = Sessions.clearedCookie
        return response
    }

    @Sendable func signOutEverywhere(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.currentUser else { return req.redirect(to: "/connexion") }
        _ = try await req.write { db in try await Sessions.revoke(user, everywhere: true, request: req, on: db) }
        let response = req.redirect(to: "/connexion", redirectType: .normal)
        response.cookies[Sessions.cookieName] = Sessions.clearedCookie
        return response
    }

    @Sendable func account(_ req: Request) async throws -> Response {
        guard let user = req.currentUser else { return req.redirect(to: "/connexion") }
        let organisations = try await OrganisationModel.query(on: req.db)
            .filter(\.$id ~~ user.memberships.map(\.organisationID)).all()
        let names = Dictionary(organisations.compactMap { o in o.id.map { ($0, o.name) } }, uniquingKeysWith: { a, _ in a })
        let openSessions = try await SessionModel.query(on: req.db).filter(\.$person.$id == user.personID)
            .filter(\.$revokedAt == nil).filter(\.$expiresAt > Date()).count()
        let actor = req.accessActor
        let managed = user.memberships.contains { Policy.allows(actor, .manageAccess, Resource(ownerID: $0.organisationID), on: .today) }
        let links = IdentityViews.AccountLinks(
            ministry: actor.isMinistry,
            organisation: managed,
            administration: Policy.allows(actor, .administer, Resource(), on: .today),
            journal: Policy.allows(actor, .readJournal, Resource(), on: .today))
        let response = Response.html(IdentityViews.account(Layout(req), user: user, organisationNames: names,
                                                           openSessions: openSessions, links: links))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
