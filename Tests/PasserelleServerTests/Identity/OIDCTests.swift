import Crypto
import Fluent
import Foundation
import JWTKit
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

/// An OpenID Connect provider inside the tests: discovery, keys (JWKS), and a token endpoint that
/// checks the client's secret and the PKCE verifier, and signs real ID tokens with jwt-kit.
final class ProviderStandIn: OIDCTransport, @unchecked Sendable {
    static let issuer = "https://authentification.quebec.test"
    static let clientID = "passerelle"
    static let clientSecret = "secret-du-client"

    let key = ES256PrivateKey()
    /// Signs with another key under the same key id: a bad signature.
    let impostor = ES256PrivateKey()
    var useImpostor = false
    var audience = ProviderStandIn.clientID
    var lifetime: TimeInterval = 300
    var nonceOverride: String?
    /// code → (subject, email, verified, nonce, challenge)
    var codes: [String: (subject: String, email: String, verified: Bool, nonce: String, challenge: String)] = [:]

    func get(_ url: String) async throws -> (status: UInt, body: Data) {
        if url == Self.issuer + "/.well-known/openid-configuration" {
            let body: [String: String] = ["issuer": Self.issuer, "authorization_endpoint": Self.issuer + "/autoriser",
                                          "token_endpoint": Self.issuer + "/jeton", "jwks_uri": Self.issuer + "/cles"]
            return (200, try JSONEncoder().encode(body))
        }
        if url == Self.issuer + "/cles" {
            let (x, y) = try #require(key.publicKey.parameters)
            let jwks = ["keys": [["kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": "cle-1", "alg": "ES256", "use": "sig"]]]
            return (200, try JSONEncoder().encode(jwks))
        }
        return (404, Data())
    }

    func postForm(_ url: String, form: [String: String], user: String, password: String) async throws -> (status: UInt, body: Data) {
        guard url == Self.issuer + "/jeton", user == Self.clientID, password == Self.clientSecret,
              form["grant_type"] == "authorization_code", let code = form["code"], let grant = codes.removeValue(forKey: code),
              let verifier = form["code_verifier"],
              Data(SHA256.hash(data: Data(verifier.utf8))).base64URL == grant.challenge
        else { return (400, Data(#"{"error":"invalid_grant"}"#.utf8)) }
        let claims = IDTokenClaims(iss: .init(value: Self.issuer), sub: .init(value: grant.subject), aud: .init(value: [audience]),
                                   exp: .init(value: Date().addingTimeInterval(lifetime)),
                                   iat: .init(value: Date().addingTimeInterval(min(0, lifetime) - 60)),
                                   nonce: nonceOverride ?? grant.nonce, email: grant.email,
                                   email_verified: .init(value: grant.verified), name: "Personne")
        let signer = JWTKeyCollection()
        await signer.add(ecdsa: useImpostor ? impostor : key, kid: "cle-1")
        let token = try await signer.sign(claims, kid: "cle-1")
        return (200, try JSONEncoder().encode(["id_token": token, "token_type": "Bearer", "access_token": "a"]))
    }

    /// What the provider's sign-in page does: reads the request, remembers the code's context and
    /// sends the browser back with the code and the state.
    func authorize(_ location: String, subject: String, email: String, verified: Bool = true) throws -> String {
        let items = try #require(URLComponents(string: location)?.queryItems)
        func item(_ name: String) -> String? { items.first { $0.name == name }?.value }
        #expect(item("code_challenge_method") == "S256")
        #expect(item("client_id") == Self.clientID)
        #expect(item("response_type") == "code")
        let code = "code-" + UUID().uuidString
        codes[code] = (subject, email, verified, try #require(item("nonce")), try #require(item("code_challenge")))
        return "/connexion/oidc/retour?code=\(code)&state=\(try #require(item("state")))"
    }
}

@Suite struct OIDCTests {
    func configured(_ app: Application) -> ProviderStandIn {
        let provider = ProviderStandIn()
        app.settings.oidc = .init(issuer: ProviderStandIn.issuer, clientID: ProviderStandIn.clientID,
                                  clientSecret: ProviderStandIn.clientSecret, displayName: "clicSÉQUR")
        app.oidcTransport = provider
        return provider
    }

    /// Starts at Passerelle, signs in at the provider, comes back; the callback's answer.
    func signIn(_ browser: Browser, _ provider: ProviderStandIn, subject: String, email: String, verified: Bool = true)
        async throws -> (TestingHTTPResponse, String) {
        let start = try await browser.send(.GET, "/connexion/oidc")
        #expect(start.status == .seeOther)
        let location = try #require(start.headers.first(name: .location))
        #expect(location.hasPrefix(ProviderStandIn.issuer + "/autoriser?"))
        let back = try provider.authorize(location, subject: subject, email: email, verified: verified)
        return (try await browser.send(.GET, back), back)
    }

    @Test func signsInByVerifiedEmailThenBySubject() async throws {
        try await withPasserelle { app in
            let provider = configured(app)
            let person = try await IdentityFixtures.person("dg@abercorn.test", on: app)
            let signInPage = try await Browser(app).send(.GET, "/connexion").body.string
            #expect(signInPage.contains("clicSÉQUR"))
            #expect(AccessibilityCheck.problems(in: signInPage).isEmpty)

            let browser = Browser(app)
            let (answer, _) = try await signIn(browser, provider, subject: "sujet-42", email: "DG@abercorn.test")
            #expect(answer.status == .seeOther)
            #expect(answer.headers.first(name: .location) == "/accueil")
            #expect(try await browser.send(.GET, "/mon-compte").status == .ok)
            let link = try #require(try await OIDCIdentityModel.query(on: app.db).first())
            #expect(link.$person.id == person.id && link.subject == "sujet-42")

            // The link holds even when the provider's address changes.
            let again = Browser(app)
            let (second, _) = try await signIn(again, provider, subject: "sujet-42", email: "autre@ailleurs.test")
            #expect(second.status == .seeOther)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "person.oidc_link").count() == 1)

            // Nobody gets an account by signing in; an unverified address links nothing.
            let (stranger, _) = try await signIn(Browser(app), provider, subject: "sujet-99", email: "inconnu@nulle.part")
            #expect(stranger.status == .forbidden)
            #expect(stranger.body.string.contains("invitation"))
            try await IdentityFixtures.person("non-verifie@abercorn.test", on: app)
            let (unverified, _) = try await signIn(Browser(app), provider, subject: "sujet-7", email: "non-verifie@abercorn.test",
                                                   verified: false)
            #expect(unverified.status == .forbidden)
        }
    }

    @Test func aMappedDomainGetsItsMinistryAccountAtTheFirstSignInAndNoOtherDoes() async throws {
        try await withPasserelle { app in
            // setup: the instance maps the ministry's domain to analysts of the Est directorate
            let provider = configured(app)
            app.settings.oidc?.provisioning = try #require(Settings.OIDCSettings.provisioning("transports.gouv.qc.ca=unite-dgt-est:analyst"))
            #expect(Settings.OIDCSettings.provisioning("transports.gouv.qc.ca=unite-bcam:administrator") == nil)
            #expect(Settings.OIDCSettings.provisioning("transports.gouv.qc.ca=mun-12072:rse") == nil)

            // act
            let browser = Browser(app)
            let (answer, _) = try await signIn(browser, provider, subject: "sujet-mtmd", email: "Analyste@Transports.gouv.qc.ca")
            let (elsewhere, _) = try await signIn(Browser(app), provider, subject: "sujet-x", email: "quelqu.un@ailleurs.test")
            let (unverified, _) = try await signIn(Browser(app), provider, subject: "sujet-y", email: "autre@transports.gouv.qc.ca",
                                                   verified: false)

            // validate: the account with its role, journaled; nothing for another domain or an unverified address
            #expect(answer.status == .seeOther)
            let person = try #require(try await PersonModel.query(on: app.db).filter(\.$email == "analyste@transports.gouv.qc.ca").first())
            let role = try #require(try await MembershipModel.query(on: app.db).filter(\.$person.$id == person.requireID()).with(\.$organisation).first())
            #expect(role.organisation.code == "unite-dgt-est" && role.decodedRole == .analyst)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "person.create").first()?.actorLabel == "system:oidc-provisioning")
            #expect(elsewhere.status == .forbidden && unverified.status == .forbidden)
            #expect(try await PersonModel.query(on: app.db).filter(\.$email == "autre@transports.gouv.qc.ca").count() == 0)
        }
    }

    @Test func refusesBadSignaturesWrongAudienceExpiredTokensWrongNonceAndReplayedState() async throws {
        try await withPasserelle { app in
            let provider = configured(app)
            try await IdentityFixtures.person("dg@abercorn.test", on: app)
            func refused(_ setUp: () -> Void, reset: () -> Void) async throws {
                setUp()
                let browser = Browser(app)
                let (answer, _) = try await signIn(browser, provider, subject: "sujet-1", email: "dg@abercorn.test")
                reset()
                #expect(answer.status == .forbidden)
                #expect(browser.cookies[Sessions.cookieName] == nil)
            }
            try await refused({ provider.useImpostor = true }, reset: { provider.useImpostor = false })
            try await refused({ provider.audience = "une-autre-application" }, reset: { provider.audience = ProviderStandIn.clientID })
            try await refused({ provider.lifetime = -120 }, reset: { provider.lifetime = 300 })
            try await refused({ provider.nonceOverride = "pas-le-bon" }, reset: { provider.nonceOverride = nil })
            #expect(try await SessionModel.query(on: app.db).count() == 0)

            // A state works once: the same answer replayed is refused, even with a fresh code.
            let browser = Browser(app)
            let (first, back) = try await signIn(browser, provider, subject: "sujet-1", email: "dg@abercorn.test")
            #expect(first.status == .seeOther)
            let state = try #require(URLComponents(string: back)?.queryItems?.first { $0.name == "state" }?.value)
            provider.codes["code-rejoue"] = ("sujet-1", "dg@abercorn.test", true, "n", "c")
            let replay = try await Browser(app).send(.GET, "/connexion/oidc/retour?code=code-rejoue&state=\(state)")
            #expect(replay.status == .forbidden)
            #expect(try await Browser(app).send(.GET, "/connexion/oidc/retour?code=x&state=inconnu").status == .forbidden)
            #expect(try await SessionModel.query(on: app.db).count() == 1)
        }
    }

    @Test func withoutAProviderTheRoutesDoNotExist() async throws {
        try await withPasserelle { app in
            let start = try await Browser(app).send(.GET, "/connexion/oidc")
            let form = try await Browser(app).send(.GET, "/connexion")
            #expect(start.status == .notFound)
            #expect(!form.body.string.contains("/connexion/oidc"))
        }
    }
}
