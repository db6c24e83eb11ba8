import Crypto
import Fluent
import NIOConcurrencyHelpers
import Foundation
import JWTKit
import PasserelleCore
import Vapor

/// How Passerelle talks to the provider: over HTTP in production; the tests put a stand-in
/// provider here that signs real ID tokens.
protocol OIDCTransport: Sendable {
    func get(_ url: String) async throws -> (status: UInt, body: Data)
    func postForm(_ url: String, form: [String: String], user: String, password: String) async throws
        -> (status: UInt, body: Data)
}

struct HTTPClientTransport: OIDCTransport {
    let client: any Client

    func get(_ url: String) async throws -> (status: UInt, body: Data) {
        let response = try await client.get(URI(string: url))
        return (response.status.code, response.body.map { Data($0.readableBytesView) } ?? Data())
    }

    func postForm(_ url: String, form: [String: String], user: String, password: String) async throws
        -> (status: UInt, body: Data) {
        let response = try await client.post(URI(string: url)) { request in
            try request.content.encode(form, as: .urlEncodedForm)
            request.headers.basicAuthorization = BasicAuthorization(username: user, password: password)
        }
        return (response.status.code, response.body.map { Data($0.readableBytesView) } ?? Data())
    }
}

/// The claims of an ID token that Passerelle reads. Signature, issuer, audience, expiry and nonce
/// are all checked before any of it is trusted.
struct IDTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var nonce: String?
    var email: String?
    var email_verified: BoolClaim?
    var name: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// OpenID Connect sign-in: authorization code with PKCE (S256), state and nonce, ID token checked
/// against the provider's published keys.
final class OIDCClient: @unchecked Sendable {
    struct Discovery: Codable, Sendable {
        let issuer: String
        let authorization_endpoint: String
        let token_endpoint: String
        let jwks_uri: String
    }

    enum Failure: Error, Equatable {
        case notConfigured, discovery, state, tokenEndpoint, signature, issuer, audience, expired, nonce, noAccount
    }

    let settings: Settings.OIDCSettings
    let redirectURI: String
    let transport: any OIDCTransport
    private let lock = NIOLock()
    private var discovery: Discovery?
    private var keys: JWTKeyCollection?

    static let stateLifetime: TimeInterval = 10 * 60

    init(settings: Settings.OIDCSettings, redirectURI: String, transport: any OIDCTransport) {
        self.settings = settings
        self.redirectURI = redirectURI
        self.transport = transport
    }

    func discovered() async throws -> Discovery {
        if let known = lock.withLock({ discovery }) { return known }
        let base = settings.issuer.hasSuffix("/") ? String(settings.issuer.dropLast()) : settings.issuer
        let (status, body) = try await transport.get(base + "/.well-known/openid-configuration")
        guard status == 200, let found = try? JSONDecoder().decode(Discovery.self, from: body),
              found.issuer == settings.issuer else { throw Failure.discovery }
        lock.withLock { discovery = found }
        return found
    }

    func keyCollection(reload: Bool = false) async throws -> JWTKeyCollection {
        if !reload, let known = lock.withLock({ keys }) { return known }
        let (status, body) = try await transport.get(try await discovered().jwks_uri)
        guard status == 200 else { throw Failure.discovery }
        let collection = try await JWTKeyCollection().add(jwksJSON: String(decoding: body, as: UTF8.self))
        lock.withLock { keys = collection }
        return collection
    }

    /// Starts a sign-in: a state row (its hash), and the provider's address to send the browser to.
    func start(on db: any Database) async throws -> String {
        let found = try await discovered()
        let state = RandomToken.make()
        let nonce = RandomToken.make()
        let verifier = RandomToken.make() + RandomToken.make()
        let row = OIDCStateModel()
        row.stateHash = Sessions.hash(state)
        row.nonce = nonce
        row.codeVerifier = verifier
        try await row.create(on: db)
        let challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64URL
        var components = URLComponents(string: found.authorization_endpoint)
        let existing = components?.queryItems ?? []
        components?.queryItems = existing + [
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "client_id", value: settings.clientID),
            URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "scope", value: "openid email profile"),
            URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "nonce", value: nonce),
            URLQueryItem(name: "code_challenge", value: challenge),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        guard let url = components?.url?.absoluteString else { throw Failure.discovery }
        return url
    }

    /// Finishes a sign-in: the state is spent (once, within ten minutes), the code exchanged with
    /// the PKCE verifier, the ID token verified. Returns the verified claims.
    func finish(code: String, state: String, on db: any Database, now: Date = Date()) async throws -> IDTokenClaims {
        guard let row = try await OIDCStateModel.query(on: db).filter(\.$stateHash == Sessions.hash(state)).first(),
              row.usedAt == nil, let created = row.createdAt, now.timeIntervalSince(created) < Self.stateLifetime
        else { throw Failure.state }
        // Spent before anything else: a replayed state fails even if the rest would.
        row.usedAt = now
        try await row.update(on: db)
        let found = try await discovered()
        let (status, body) = try await transport.postForm(found.token_endpoint, form: [
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirectURI,
            "code_verifier": row.codeVerifier, "client_id": settings.clientID,
        ], user: settings.clientID, password: settings.clientSecret)
        struct TokenResponse: Decodable { let id_token: String }
        guard status == 200, let tokens = try? JSONDecoder().decode(TokenResponse.self, from: body) else {
            throw Failure.tokenEndpoint
        }
        let claims = try await verify(tokens.id_token)
        guard claims.iss.value == settings.issuer else { throw Failure.issuer }
        guard claims.aud.value.contains(settings.clientID) else { throw Failure.audience }
        guard claims.nonce == row.nonce else { throw Failure.nonce }
        return claims
    }

    func verify(_ token: String) async throws -> IDTokenClaims {
        do {
            return try await keyCollection().verify(token, as: IDTokenClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw Failure.expired
        } catch {
            // The provider may have rotated its keys: read them again, once.
            do {
                return try await keyCollection(reload: true).verify(token, as: IDTokenClaims.self)
            } catch let error as JWTError where error.errorType == .claimVerificationFailure {
                throw Failure.expired
            } catch {
                throw Failure.signature
            }
        }
    }

    /// The person for these claims: an existing link, else the account with the same verified
    /// address (and the link is made). Nobody gets an account by signing in, unless the instance
    /// maps the address's domain to a ministry unit and role (`OIDC_PROVISIONING`).
    static func person(for claims: IDTokenClaims, issuer: String, request: Request, on db: any Database) async throws
        -> PersonModel {
        if let link = try await OIDCIdentityModel.query(on: db).filter(\.$issuer == issuer)
            .filter(\.$subject == claims.sub.value).with(\.$person).first() {
            return link.person
        }
        guard let email = claims.email.map(PersonModel.normalized), claims.email_verified?.value == true else { throw Failure.noAccount }
        let person: PersonModel
        if let known = try await PersonModel.query(on: db).filter(\.$email == email).first() {
            person = known
        } else {
            person = try await provision(email: email, name: claims.name, request: request, on: db)
        }
        let link = OIDCIdentityModel()
        link.$person.id = try person.requireID()
        link.issuer = issuer
        link.subject = claims.sub.value
        try await link.create(on: db)
        var actor = request.auditActor
        actor.personID = person.id
        actor.label = person.email
        try await Audit.record(on: db, actor: actor, action: "person.oidc_link", recordType: "person",
                               recordID: try person.requireID().uuidString,
                               changes: ["oidc_subject": .init(before: nil, after: issuer + " " + claims.sub.value)])
        return person
    }
}

extension OIDCClient {
    /// A ministry account made at the first sign-in, when the address's domain is mapped to a unit
    /// and a role; journaled as `system:oidc-provisioning`.
    static func provision(email: String, name: String?, request: Request, on db: any Database) async throws -> PersonModel {
        let domain = String(email.split(separator: "@").last ?? "")
        guard let rule = request.application.settings.oidc?.provisioning.first(where: { $0.domain == domain }),
              let role = MembershipModel.role(name: rule.role, service: nil, spendingLimitCents: nil),
              let unit = try await OrganisationModel.query(on: db).filter(\.$code == rule.unit).first(),
              unit.kind == .ministryUnit, unit.active else { throw Failure.noAccount }
        let display = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let person = PersonModel(email: email, displayName: display.isEmpty ? email : String(display.prefix(200)), passwordHash: nil)
        try await person.create(on: db)
        let caller = Caller(application: request.application, currentUser: nil, auditActor: .system("oidc-provisioning"),
                            language: request.language)
        try await Audit.record(on: db, actor: caller.auditActor, action: "person.create", recordType: "person",
                               recordID: try person.requireID().uuidString,
                               changes: ["email": .init(before: nil, after: email), "provisioning": .init(before: nil, after: "\(domain) → \(rule.unit):\(rule.role)")])
        try await AccessChanges.grant(role, to: person, in: unit, as: caller, on: db, notify: false)
        return person
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension Application {
    private struct OIDCKey: StorageKey { typealias Value = OIDCClient }
    private struct OIDCTransportKey: StorageKey { typealias Value = any OIDCTransport }

    /// Set before the first sign-in to talk to something else than the network (the tests).
    var oidcTransport: (any OIDCTransport)? {
        get { storage[OIDCTransportKey.self] }
        set {
            storage[OIDCTransportKey.self] = newValue
            storage[OIDCKey.self] = nil
        }
    }

    /// The configured provider, or nil.
    var oidc: OIDCClient? {
        guard let configured = settings.oidc else { return nil }
        if let client = storage[OIDCKey.self] { return client }
        let client = OIDCClient(settings: configured, redirectURI: settings.baseURL + "/connexion/oidc/retour",
                                transport: oidcTransport ?? HTTPClientTransport(client: self.client))
        storage[OIDCKey.self] = client
        return client
    }
}

/// The two routes of single sign-on.
struct OIDCPages: Sendable {

    @Sendable func start(_ req: Request) async throws -> Response {
        guard let oidc = req.application.oidc else { throw Problem.notFound() }
        do {
            return req.redirect(to: try await oidc.start(on: req.db))
        } catch {
            req.logger.warning("OpenID Connect provider unreachable: \(error)")
            return failure(req, .discovery)
        }
    }

    @Sendable func callback(_ req: Request) async throws -> Response {
        guard let oidc = req.application.oidc else { throw Problem.notFound() }
        guard let code = req.query[String.self, at: "code"], let state = req.query[String.self, at: "state"] else {
            return failure(req, .state)
        }
        do {
            let claims = try await oidc.finish(code: code, state: state, on: req.db)
            let token = try await req.write { db -> String in
                let person = try await OIDCClient.person(for: claims, issuer: oidc.settings.issuer, request: req, on: db)
                guard person.active else { throw OIDCClient.Failure.noAccount }
                return try await Sessions.open(for: person, request: req, on: db)
            }
            let response = req.redirect(to: "/accueil", redirectType: .normal)
            response.cookies[Sessions.cookieName] = Sessions.cookie(token, secure: req.application.settings.behindTLS)
            return response
        } catch let failure as OIDCClient.Failure {
            req.logger.notice("OpenID Connect sign-in refused: \(failure)")
            return self.failure(req, failure)
        }
    }

    func failure(_ req: Request, _ failure: OIDCClient.Failure) -> Response {
        let l = req.localizer
        let key = failure == .noAccount ? "oidc.error.no_account" : "oidc.error.failed"
        return GeneralViews.error(Layout(req), status: 403, message: l(key)).page(status: .forbidden)
    }
}
