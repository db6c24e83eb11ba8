import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

extension Browser {
    /// Signs in with the fixtures' password.
    func signIn(_ email: String, password: String = IdentityFixtures.password) async throws {
        let token = try #require(Browser.csrf(in: try await send(.GET, "/connexion").body.string))
        let response = try await send(.POST, "/connexion", form: ["email": email, "password": password, "_csrf": token])
        #expect(response.status == .seeOther, "sign-in of \(email)")
    }

    /// The CSRF token of the page at this path.
    func csrf(at path: String) async throws -> String {
        try #require(Browser.csrf(in: try await send(.GET, path).body.string))
    }
}

enum Outboxes {
    /// The one-time link of the last message to this address.
    static func link(to email: String, kind: String, on app: Application) async throws -> String {
        let message = try #require(try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == email)
            .filter(\.$kind == kind).sort(\.$createdAt, .descending).first())
        let url = try #require(AccessibilityCheck.matches(#"(https?://\S+/lien/[A-Za-z0-9_-]+)"#, in: message.body).first)
        return String(url[url.range(of: "/lien/")!.lowerBound...])
    }
}

@Suite struct AccessFlowTests {
    static let abercorn = "mun-46005"
    static let actonVale = "mun-48028"

    @Test func anRSEInvitesAPersonWhoSetsAPasswordOnceWithTheLink() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("rse@abercorn.test", on: app, roles: [(Self.abercorn, .rse)])
            let rse = Browser(app)
            try await rse.signIn("rse@abercorn.test")
            let csrf = try await rse.csrf(at: "/organisations/\(Self.abercorn)/acces")

            // Missing CSRF token: refused, nothing changes.
            let forged = try await rse.send(.POST, "/organisations/\(Self.abercorn)/invitations",
                                            form: ["email": "dg@abercorn.test", "name": "Directrice", "role": "contributor",
                                                   "service": "requests"])
            #expect(forged.status == .forbidden)
            #expect(try await PersonModel.query(on: app.db).filter(\.$email == "dg@abercorn.test").count() == 0)

            // Bad input: field by field, what was typed kept.
            let bad = try await rse.send(.POST, "/organisations/\(Self.abercorn)/invitations",
                                         form: ["email": "pas-une-adresse", "name": "Directrice", "role": "administrator",
                                                "_csrf": csrf])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("href=\"#champ-email\""))
            #expect(bad.body.string.contains("value=\"Directrice\""))

            let sent = try await rse.send(.POST, "/organisations/\(Self.abercorn)/invitations",
                                          form: ["email": "DG@Abercorn.test ", "name": "Directrice", "role": "contributor",
                                                 "service": "requests", "language": "fr-CA", "_csrf": csrf])
            #expect(sent.status == .ok)
            #expect(sent.body.string.contains("dg@abercorn.test"))
            let invited = try #require(try await PersonModel.query(on: app.db).filter(\.$email == "dg@abercorn.test").first())
            #expect(invited.passwordHash == nil)
            let message = try #require(try await OutboxMessageModel.query(on: app.db).filter(\.$recipient == "dg@abercorn.test").first())
            #expect(message.subject.contains("Abercorn"))
            #expect(message.language == "fr-CA")

            // The link sets the password; weak ones are refused with the rule.
            let path = try await Outboxes.link(to: "dg@abercorn.test", kind: "invitation", on: app)
            let newcomer = Browser(app)
            let form = try await newcomer.send(.GET, path)
            #expect(form.status == .ok)
            #expect(AccessibilityCheck.problems(in: form.body.string).isEmpty)
            let token = try #require(Browser.csrf(in: form.body.string))
            let weak = try await newcomer.send(.POST, path, form: ["password": "court", "confirmation": "court", "_csrf": token])
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.body.string.contains("12"))
            let mismatch = try await newcomer.send(.POST, path, form: ["password": "Abercorn-Directrice-2026",
                                                                       "confirmation": "Abercorn-Directrice-2027", "_csrf": token])
            #expect(mismatch.status == .unprocessableEntity)
            let done = try await newcomer.send(.POST, path, form: ["password": "Abercorn-Directrice-2026",
                                                                   "confirmation": "Abercorn-Directrice-2026", "_csrf": token])
            #expect(done.status == .seeOther)
            #expect(try await newcomer.send(.GET, "/mon-compte").body.string.contains("Abercorn"))

            // Used once: the second time it is gone.
            #expect(try await Browser(app).send(.GET, path).status == .gone)
            let again = Browser(app)
            let againToken = try await again.csrf(at: "/connexion")
            #expect(try await again.send(.POST, path, form: ["password": "Autre-Passe-2026!", "confirmation": "Autre-Passe-2026!",
                                                             "_csrf": againToken]).status == .gone)

            // An expired link says so.
            let stale = try await app.db.transaction { db in try await OneTimeLinks.issue(.invitation, for: invited, by: nil, on: db,
                                                                                          now: Date().addingTimeInterval(-8 * 24 * 3600)) }
            let expired = try await Browser(app).send(.GET, "/lien/" + stale)
            #expect(expired.status == .gone)
            #expect(expired.body.string.contains("expiré"))

            let actions = try await AuditEventModel.query(on: app.db).all().map(\.action)
            #expect(actions.contains("person.invite") && actions.contains("membership.grant") && actions.contains("person.password_set"))
            #expect(try await Audit.verify(on: app.db).map { $0 > 0 } == .success(true))
        }
    }

    @Test func passwordResetNeverRevealsAnAccountAndWorksOnce() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("maire@abercorn.test", on: app)
            let browser = Browser(app)
            let token = try await browser.csrf(at: "/mot-de-passe-oublie")
            let known = try await browser.send(.POST, "/mot-de-passe-oublie", form: ["email": "maire@abercorn.test", "_csrf": token])
            let unknown = try await browser.send(.POST, "/mot-de-passe-oublie", form: ["email": "personne@nulle.part", "_csrf": token])
            #expect(known.status == unknown.status)
            #expect(AccessibilityCheck.problems(in: known.body.string).isEmpty)
            #expect(known.body.string == unknown.body.string)
            #expect(try await OutboxMessageModel.query(on: app.db).count() == 1)

            // An older session is closed by the reset.
            let old = Browser(app)
            try await old.signIn("maire@abercorn.test")
            let path = try await Outboxes.link(to: "maire@abercorn.test", kind: "reset", on: app)
            let csrf = try await browser.csrf(at: path)
            let done = try await browser.send(.POST, path, form: ["password": "Nouveau-Passe-2026", "confirmation": "Nouveau-Passe-2026",
                                                                  "_csrf": csrf])
            #expect(done.status == .seeOther)
            app.credentialCache.removeAll()
            #expect(try await old.send(.GET, "/mon-compte").status == .seeOther)
            try await Browser(app).signIn("maire@abercorn.test", password: "Nouveau-Passe-2026")
            #expect(try await Browser(app).send(.GET, path).status == .gone)

            // A newer link replaces the older one.
            let anonymous = Browser(app)
            let formToken = try await anonymous.csrf(at: "/mot-de-passe-oublie")
            _ = try await anonymous.send(.POST, "/mot-de-passe-oublie", form: ["email": "maire@abercorn.test", "_csrf": formToken])
            let first = try await Outboxes.link(to: "maire@abercorn.test", kind: "reset", on: app)
            try await Task.sleep(for: .milliseconds(20))
            _ = try await anonymous.send(.POST, "/mot-de-passe-oublie", form: ["email": "maire@abercorn.test", "_csrf": formToken])
            let second = try await Outboxes.link(to: "maire@abercorn.test", kind: "reset", on: app)
            #expect(first != second)
            #expect(try await Browser(app).send(.GET, first).status == .gone)
            #expect(try await Browser(app).send(.GET, second).status == .ok)
        }
    }

    @Test func apiTokensAreShownOnceScopedAndRevocable() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("ti@abercorn.test", on: app, roles: [(Self.abercorn, .contributor(.requests))])
            let browser = Browser(app)
            try await browser.signIn("ti@abercorn.test")
            let csrf = try await browser.csrf(at: "/mon-compte/jetons")
            let bad = try await browser.send(.POST, "/mon-compte/jetons", form: ["name": "", "organisation": Self.actonVale,
                                                                                 "days": "900", "_csrf": csrf])
            #expect(bad.status == .unprocessableEntity)
            for field in ["name", "organisation", "scopes", "days"] { #expect(bad.body.string.contains("#champ-\(field)")) }

            let created = try await browser.send(.POST, "/mon-compte/jetons",
                                                 form: ["name": "Requêtes 311", "organisation": Self.abercorn,
                                                        "scopes[]": "requests:read", "days": "30", "_csrf": csrf])
            #expect(created.status == .created)
            #expect(AccessibilityCheck.problems(in: created.body.string).isEmpty)
            let secret = try #require(AccessibilityCheck.matches(#"(psr_[A-Za-z0-9_-]+)"#, in: created.body.string).first)
            let stored = try #require(try await APITokenModel.query(on: app.db).first())
            #expect(stored.tokenHash == Sessions.hash(secret))
            #expect(!(try await browser.send(.GET, "/mon-compte/jetons").body.string.contains(secret)))

            let bearer: HTTPHeaders = ["Authorization": "Bearer \(secret)"]
            let me = try await app.testing().sendRequest(.GET, "/api/v1/moi", headers: bearer)
            #expect(me.status == .ok)
            let body = try me.object()
            #expect(body["courriel"] as? String == "ti@abercorn.test")
            #expect((body["jeton"] as? [String: Any])?["portees"] as? [String] == ["requests:read"])
            // The token never manages access, whatever its person may do.
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/organisations/\(Self.abercorn)/personnes", headers: bearer)
                .status == .forbidden)
            let wrong = try await app.testing().sendRequest(.GET, "/api/v1/moi", headers: ["Authorization": "Bearer psr_faux"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)

            // Revoked: refused at once.
            let id = try stored.requireID().uuidString
            #expect(try await browser.send(.POST, "/mon-compte/jetons/\(id)/revoquer", form: ["_csrf": csrf]).status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/moi", headers: bearer).status == .unauthorized)
            let actions = try await AuditEventModel.query(on: app.db).all().map(\.action)
            #expect(actions.contains("api_token.create") && actions.contains("api_token.revoke"))
        }
    }

    @Test func aMandataireLosesAccessTheMomentTheMandateIsRevokedOrEnds() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("rse@abercorn.test", on: app, roles: [(Self.abercorn, .rse)])
            try await IdentityFixtures.person("firme@conseil.test", on: app)
            let rse = Browser(app)
            try await rse.signIn("rse@abercorn.test")
            let csrf = try await rse.csrf(at: "/organisations/\(Self.abercorn)/acces")
            let granted = try await rse.send(.POST, "/organisations/\(Self.abercorn)/mandats",
                                             form: ["mandate_email": "firme@conseil.test", "mandate_name": "Firme",
                                                    "firm": "Conseil municipal inc.", "services[]": "requests",
                                                    "ends_on": "2099-12-31", "_csrf": csrf])
            #expect(granted.status == .ok)
            let firm = Browser(app)
            try await firm.signIn("firme@conseil.test")
            let me = try await firm.send(.GET, "/api/v1/moi")
            let mandates = try #require(try me.object()["mandats"] as? [[String: Any]])
            #expect(mandates.first?["en_vigueur"] as? Bool == true)
            let abercornID = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == Self.abercorn).first()?.id)
            let firmCookie = try #require(firm.cookies[Sessions.cookieName])
            let firmUser = try #require(try await Sessions.resolve(token: firmCookie, on: app.db))
            #expect(Policy.allows(firmUser.accessActor, .create, Resource(service: .requests, ownerID: abercornID), on: .today))

            let mandate = try #require(try await MandateModel.query(on: app.db).first())
            #expect(try await rse.send(.POST, "/organisations/\(Self.abercorn)/mandats/\(mandate.requireID())/revoquer",
                                       form: ["_csrf": csrf]).status == .seeOther)
            let after = try #require(try await Sessions.resolve(token: firmCookie, on: app.db))
            #expect(Policy.decide(after.accessActor, .read, Resource(service: .requests, ownerID: abercornID), on: .today)
                == .deny(.mandateEnded))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "mandate.revoke").count() == 1)

            // One that ended yesterday gives nothing either.
            let ended = MandateModel()
            ended.$person.id = mandate.$person.id
            ended.$organisation.id = abercornID
            ended.grantedBy = UUID()
            ended.firm = "Autre"
            ended.services = "grants"
            let yesterday = CalendarDate(Date().addingTimeInterval(-86_400), timeZone: CalendarDate.quebecTimeZone)
            ended.endsOn = yesterday.iso
            try await ended.create(on: app.db)
            let (_, loaded) = try await Sessions.grants(of: mandate.$person.id, on: app.db)
            let actor = AccessActor(personID: mandate.$person.id, mandates: loaded)
            #expect(!Policy.allows(actor, .read, Resource(service: .grants, ownerID: abercornID), on: .today))
        }
    }

    @Test func aUserOfAbercornSeesNothingOfActonVale() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("rse@abercorn.test", on: app, roles: [(Self.abercorn, .rse)])
            try await IdentityFixtures.person("rse@actonvale.test", on: app, roles: [(Self.actonVale, .rse)])
            let browser = Browser(app)
            try await browser.signIn("rse@abercorn.test")
            let own = try await browser.send(.GET, "/organisations/\(Self.abercorn)/acces")
            #expect(own.status == .ok)
            #expect(own.body.string.contains("rse@abercorn.test"))
            #expect(!own.body.string.contains("actonvale"))
            #expect(try await browser.send(.GET, "/organisations/\(Self.actonVale)/acces").status == .forbidden)
            #expect(try await browser.send(.GET, "/api/v1/organisations/\(Self.actonVale)/personnes").status == .forbidden)
            let actonPerson = try #require(try await PersonModel.query(on: app.db).filter(\.$email == "rse@actonvale.test").first())
            let id = try actonPerson.requireID()
            #expect(try await browser.send(.GET, "/organisations/\(Self.actonVale)/personnes/\(id)").status == .forbidden)
            // Through its own organisation's address, someone of another one is not found.
            #expect(try await browser.send(.GET, "/organisations/\(Self.abercorn)/personnes/\(id)").status == .notFound)
            let api = try await browser.send(.GET, "/api/v1/organisations/\(Self.abercorn)/personnes")
            #expect(api.status == .ok)
            #expect(!api.body.string.contains("actonvale"))
            #expect(try await browser.send(.GET, "/administration/journal").status == .forbidden)
            #expect(try await browser.send(.GET, "/api/v1/journal").status == .forbidden)
            // Its lists of a service hold only its own organisation: the scope the SQL filters by.
            let cookie = try #require(browser.cookies[Sessions.cookieName])
            let user = try #require(try await Sessions.resolve(token: cookie, on: app.db))
            let abercornID = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == Self.abercorn).first()?.id)
            #expect(Policy.readableOwners(user.accessActor, service: .requests, on: .today) == .only([abercornID]))
        }
    }

    @Test func readingSomeonesRecordIsJournaledAndTheJournalFilters() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
            let target = try await IdentityFixtures.person("dg@abercorn.test", on: app, roles: [(Self.abercorn, .reader(.requests))])
            let admin = Browser(app)
            try await admin.signIn("admin@mtmd.test")
            let page = try await admin.send(.GET, "/administration/personnes/\(try target.requireID())")
            #expect(page.status == .ok)
            let read = try await AuditEventModel.query(on: app.db).filter(\.$action == "person.read").all()
            #expect(read.count == 1)
            #expect(read.first?.recordID == (try target.requireID()).uuidString)
            let filtered = try await admin.send(.GET, "/api/v1/journal?type=person&enregistrement=\(try target.requireID())")
            #expect(filtered.status == .ok)
            let events = try #require(try filtered.json() as? [[String: Any]])
            #expect(events.contains { $0["action"] as? String == "person.read" })
            #expect(events.allSatisfy { $0["enregistrement"] as? String == (try? target.requireID())?.uuidString })
            let byPerson = try await admin.send(.GET, "/administration/journal?personne=admin@mtmd.test&du=2020-01-01")
            #expect(byPerson.status == .ok)
            #expect(byPerson.body.string.contains("person.read"))
            let badDate = try await admin.send(.GET, "/administration/journal?du=hier")
            #expect(badDate.status == .badRequest)
            #expect(badDate.body.string.contains("#champ-du"))
            for path in ["/administration", "/administration/organisations?q=Aber", "/administration/personnes",
                         "/administration/jetons", "/administration/courriels", "/administration/journal",
                         "/organisations/\(Self.abercorn)/acces", "/mon-compte/jetons"] {
                let response = try await admin.send(.GET, path)
                #expect(response.status == .ok, "\(path)")
                let problems = AccessibilityCheck.problems(in: response.body.string)
                #expect(problems.isEmpty, "\(path): \(problems)")
            }
        }
    }
}
