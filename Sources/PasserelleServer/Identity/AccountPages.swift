import Fluent
import Foundation
import PasserelleCore
import Vapor

/// What a person does on their own: forgotten password, one-time links (invitation and reset),
/// API tokens.
struct AccountPages: Sendable {
    static let maxResetsPerHour = 3

    // MARK: forgotten password

    struct ForgotForm: Content { var email: String? }

    @Sendable func forgotForm(_ req: Request) async throws -> Response {
        let csrf = CSRF.token(for: req)
        return AccountViews.forgot(Layout(req), email: "", errors: [], sent: false, csrf: csrf.token)
            .page(status: .ok, csrfCookie: csrf.cookie)
    }

    /// Always the same answer, whether the address has an account or not.
    @Sendable func forgot(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let form = (try? req.content.decode(ForgotForm.self)) ?? ForgotForm()
        let email = PersonModel.normalized(form.email ?? "")
        let csrf = CSRF.token(for: req)
        guard email.contains("@"), email.count <= 254 else {
            return AccountViews.forgot(Layout(req), email: form.email ?? "",
                                       errors: [("email", req.localizer("forgot.error.email"))], sent: false, csrf: csrf.token)
                .page(status: .unprocessableEntity, csrfCookie: csrf.cookie)
        }
        if let person = try await PersonModel.query(on: req.db).filter(\.$email == email).first(), person.active {
            let personID = try person.requireID()
            let recent = try await OutboxMessageModel.query(on: req.db).filter(\.$personID == personID)
                .filter(\.$kind == "reset").filter(\.$createdAt > Date().addingTimeInterval(-3600)).count()
            if recent < Self.maxResetsPerHour {
                try await req.write { db in
                    let token = try await OneTimeLinks.issue(.reset, for: person, by: nil, on: db)
                    try await Outbox.enqueue(on: db, to: person, kind: "reset",
                                             arguments: ["link": OneTimeLinks.url(token, settings: req.application.settings),
                                                         "minutes": "60"])
                    var actor = req.auditActor
                    actor.label = "anonymous (\(email))"
                    try await Audit.record(on: db, actor: actor, action: "person.password_reset_request", recordType: "person",
                                           recordID: personID.uuidString)
                }
            }
        }
        return AccountViews.forgot(Layout(req), email: "", errors: [], sent: true, csrf: csrf.token)
            .page(status: .ok, csrfCookie: csrf.cookie)
    }

    // MARK: one-time links

    struct PasswordForm: Content {
        var password: String?
        var confirmation: String?
    }

    @Sendable func linkForm(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        switch try await OneTimeLinks.find(token, on: req.db) {
        case .valid(let link):
            let csrf = CSRF.token(for: req)
            return AccountViews.setPassword(Layout(req), link: link, token: token, errors: [], csrf: csrf.token)
                .page(status: .ok, csrfCookie: csrf.cookie)
        case .expired: return AccountViews.linkGone(Layout(req), key: "link.expired").page(status: .gone)
        case .used: return AccountViews.linkGone(Layout(req), key: "link.used").page(status: .gone)
        case .unknown: return AccountViews.linkGone(Layout(req), key: "link.unknown").page(status: .notFound)
        }
    }

    @Sendable func useLink(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let token = req.parameters.get("token") ?? ""
        guard case .valid(let link) = try await OneTimeLinks.find(token, on: req.db) else { return try await linkForm(req) }
        let form = (try? req.content.decode(PasswordForm.self)) ?? PasswordForm()
        let l = req.localizer
        let password = form.password ?? ""
        var errors: [(field: String, message: String)] = Passwords.problems(password, email: link.person.email)
            .map { ("password", l($0)) }
        if errors.isEmpty && password != (form.confirmation ?? "") {
            errors.append(("confirmation", l("password.error.confirmation")))
        }
        guard errors.isEmpty else {
            let csrf = CSRF.token(for: req)
            return AccountViews.setPassword(Layout(req), link: link, token: token, errors: errors, csrf: csrf.token)
                .page(status: .unprocessableEntity, csrfCookie: csrf.cookie)
        }
        let hash = try await Passwords.hash(password, on: req.application)
        let session: String? = try await req.write { db in
            // The link is claimed inside the transaction, by a conditional update: of two
            // submissions at once, one claims it and the other finds it spent.
            guard try await OneTimeLinks.claim(link, on: db) else { return nil }
            try await AccessChanges.setPassword(hash, with: link, as: req.caller, on: db)
            return link.person.active ? try await Sessions.open(for: link.person, request: req, on: db) : nil
        }
        guard let session else { return AccountViews.linkGone(Layout(req), key: "link.used").page(status: .gone) }
        let response = req.redirect(to: "/accueil", redirectType: .normal)
        response.cookies[Sessions.cookieName] = Sessions.cookie(session, secure: req.application.settings.behindTLS)
        return response
    }

    // MARK: API tokens

    struct TokenForm: Content {
        var name: String?
        var organisation: String?
        var scopes: [String]?
        var days: String?
    }

    /// The organisations a person may create a token for: those of their roles and mandates.
    static func tokenOrganisations(_ req: Request) async throws -> [OrganisationModel] {
        guard let user = req.currentUser else { return [] }
        let ids = Set(user.memberships.map(\.organisationID) + user.mandates.map(\.municipalityID))
        return try await OrganisationModel.query(on: req.db).filter(\.$id ~~ ids).sort(\.$name).all()
    }

    @Sendable func tokens(_ req: Request) async throws -> Response {
        try await tokensPage(req, form: TokenForm(days: "90"), errors: [], created: nil, status: .ok)
    }

    func tokensPage(_ req: Request, form: TokenForm, errors: [(field: String, message: String)], created: String?,
                    status: HTTPResponseStatus) async throws -> Response {
        guard let user = req.currentUser else { throw SignInRequired() }
        let mine = try await APITokenModel.query(on: req.db).filter(\.$person.$id == user.personID)
            .with(\.$organisation).sort(\.$createdAt, .descending).all()
        let organisations = try await Self.tokenOrganisations(req)
        return AccountViews.tokens(Layout(req), tokens: mine, organisations: organisations, form: form, errors: errors,
                                   created: created, csrf: user.csrfToken ?? "").page(status: status)
    }

    @Sendable func createToken(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let l = req.localizer
        let form = (try? req.content.decode(TokenForm.self)) ?? TokenForm()
        var errors: [(field: String, message: String)] = []
        let name = (form.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 100 { errors.append(("name", l("tokens.error.name"))) }
        let organisations = try await Self.tokenOrganisations(req)
        let organisation = organisations.first { $0.code == form.organisation }
        if organisation == nil { errors.append(("organisation", l("tokens.error.organisation"))) }
        let scopes = Set((form.scopes ?? []).compactMap(Scope.init))
        if scopes.isEmpty || scopes.count != (form.scopes ?? []).count { errors.append(("scopes", l("tokens.error.scopes"))) }
        let days = Int(form.days ?? "") ?? 0
        if !(1...365).contains(days) { errors.append(("days", l("tokens.error.days"))) }
        guard errors.isEmpty, let organisation else {
            return try await tokensPage(req, form: form, errors: errors, created: nil, status: .unprocessableEntity)
        }
        let secret = try await req.write { db in
            try await AccessChanges.createToken(name: name, organisation: organisation, scopes: scopes, days: days,
                                                as: req.caller, on: db)
        }
        return try await tokensPage(req, form: TokenForm(days: "90"), errors: [], created: secret, status: .created)
    }

    @Sendable func revokeToken(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.currentUser, let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let token = try await APITokenModel.query(on: req.db).filter(\.$id == id)
                  .filter(\.$person.$id == user.personID).first() else { throw Problem.notFound() }
        try await req.write { db in try await AccessChanges.revoke(token, as: req.caller, on: db) }
        return req.redirect(to: "/mon-compte/jetons", redirectType: .normal)
    }
}

extension String {
    /// A page that must not be kept by caches (it is someone's own), with the CSRF cookie when the
    /// browser needs one.
    func page(status: HTTPResponseStatus, csrfCookie: HTTPCookies.Value? = nil) -> Response {
        let response = Response.html(self, status: status)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if let csrfCookie { response.cookies[CSRF.cookieName] = csrfCookie }
        return response
    }
}
