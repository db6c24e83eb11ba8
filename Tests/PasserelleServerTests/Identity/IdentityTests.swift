import Fluent
import Foundation
import SQLKit
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

@Suite struct IdentityTests {
    @Test func organisationsFollowTheTerritory() async throws {
        try await withPasserelle { app in
            let all = try await OrganisationModel.query(on: app.db).all()
            #expect(all.filter { $0.kind == .municipality }.count == 1122)
            #expect(all.filter { $0.kind == .mrc }.count == 87)
            #expect(all.contains { $0.code == "unite-bcam" && $0.kind == .ministryUnit })
            #expect(all.contains { $0.code == "partenaire-cmm" && $0.kind == .partner })
            #expect(all.first { $0.code == "mun-12072" }?.name == "Rivière-du-Loup")

            // A municipality leaves the Répertoire: its organisation is deactivated, journaled.
            try await TerritoryImport.apply(TerritoryFileSet(municipalities: try TerritoryImportTests.newerRepertoire()),
                                            source: "test", on: app.db, today: .today, actor: .system("test"))
            try await app.territory.refresh(from: app.db)
            try await OrganisationQueries.sync(app.territory.current, actor: .system("test"), on: app.db)
            let abercorn = try await OrganisationModel.query(on: app.db).filter(\.$code == "mun-46005").first()
            #expect(abercorn?.active == false)
            #expect(try await OrganisationModel.query(on: app.db).filter(\.$code == "mun-48099").first() != nil)
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "organisation.deactivate").count() == 1)
            #expect(try await Audit.verify(on: app.db).map { $0 > 0 } == .success(true))
        }
    }

    /// The routes' organisations are kept a second: each caller gets a model of its own (changing
    /// one changes no other), an unknown code is not kept, and forgetting them (as
    /// `import-territory` does) reads the database again.
    @Test func keptOrganisationsAreCopiesAndAreForgottenOnImport() async throws {
        try await withPasserelle { app in
            let cache = app.organisationCache
            let first = try #require(try await cache.find(code: "mun-12072", on: app.db))
            #expect(first.name == "Rivière-du-Loup" && first.kind == .municipality && first.$id.exists)
            first.name = "Changé ici"
            let second = try #require(try await cache.find(code: "mun-12072", on: app.db))
            #expect(second.name == "Rivière-du-Loup" && second.id == first.id && second.territoryCode == first.territoryCode)
            #expect(try await cache.find(code: "mun-00000", on: app.db) == nil)
            try await app.db.sql.raw("UPDATE organisations SET name = 'Renommée' WHERE code = 'mun-12072'").run()
            cache.removeAll()
            #expect(try await cache.find(code: "mun-12072", on: app.db)?.name == "Renommée")
        }
    }

    @Test func signInOpensASessionAndSignOutClosesIt() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("agente@exemple.qc.ca", on: app, roles: [("unite-bcam", .liaisonAgent)])
            let browser = Browser(app)
            let form = try await browser.send(.GET, "/connexion")
            #expect(form.status == .ok)
            let token = try #require(Browser.csrf(in: form.body.string))
            let signedIn = try await browser.send(.POST, "/connexion",
                                                  form: ["email": " Agente@Exemple.qc.ca ", "password": IdentityFixtures.password,
                                                         "_csrf": token])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/accueil")
            let setCookie = try #require(signedIn.headers[.setCookie].first { $0.hasPrefix(Sessions.cookieName) })
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
            let account = try await browser.send(.GET, "/mon-compte")
            #expect(account.status == .ok)
            #expect(account.body.string.contains("agente@exemple.qc.ca"))
            #expect(account.body.string.contains("Agent de liaison"))
            #expect(account.body.string.contains("Bureau de coordination aux affaires municipales"))
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == "session.open").count() == 1)

            let sessionToken = try #require(Browser.csrf(in: account.body.string))
            let out = try await browser.send(.POST, "/deconnexion", form: ["_csrf": sessionToken])
            #expect(out.status == .seeOther)
            #expect(try await SessionModel.query(on: app.db).filter(\.$revokedAt == nil).count() == 0)
            let after = try await browser.send(.GET, "/mon-compte")
            #expect(after.status == .seeOther)
        }
    }

    @Test func formsWithoutTheirTokenChangeNothing() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("rse@exemple.qc.ca", on: app)
            let browser = Browser(app)
            _ = try await browser.send(.GET, "/connexion")
            for token in [nil, "faux-jeton-faux-jeton-faux-jeton-faux"] as [String?] {
                var form = ["email": "rse@exemple.qc.ca", "password": IdentityFixtures.password]
                form["_csrf"] = token
                let res = try await browser.send(.POST, "/connexion", form: form)
                #expect(res.status == .forbidden)
                #expect(res.body.string.contains("Rechargez la page"))
            }
            #expect(try await SessionModel.query(on: app.db).count() == 0)
        }
    }

    @Test func wrongPasswordAndUnknownAccountAnswerAlike() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("dg@exemple.qc.ca", on: app)
            let browser = Browser(app)
            var answers: [(HTTPStatus, String)] = []
            for email in ["dg@exemple.qc.ca", "personne@exemple.qc.ca"] {
                let token = try #require(Browser.csrf(in: try await browser.send(.GET, "/connexion").body.string))
                let res = try await browser.send(.POST, "/connexion",
                                                 form: ["email": email, "password": "Pas-le-bon-2026", "_csrf": token])
                answers.append((res.status, res.body.string.replacingOccurrences(of: email, with: "")))
                #expect(res.body.string.contains("value=\"\(email)\"")) // what was typed is kept
            }
            #expect(answers[0].0 == .unprocessableEntity && answers[1].0 == .unprocessableEntity)
            #expect(answers[0].1 == answers[1].1)
        }
    }

    @Test func guessingIsThrottledPerAccount() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("greffe@exemple.qc.ca", on: app)
            let browser = Browser(app)
            for _ in 0..<IdentityPages.maxFailuresPerAccount {
                let token = try #require(Browser.csrf(in: try await browser.send(.GET, "/connexion").body.string))
                _ = try await browser.send(.POST, "/connexion", form: ["email": "greffe@exemple.qc.ca", "password": "x", "_csrf": token])
            }
            let token = try #require(Browser.csrf(in: try await browser.send(.GET, "/connexion").body.string))
            let res = try await browser.send(.POST, "/connexion", form: ["email": "greffe@exemple.qc.ca",
                                                                         "password": IdentityFixtures.password, "_csrf": token])
            #expect(res.status == .tooManyRequests)
            #expect(try await SessionModel.query(on: app.db).count() == 0)
        }
    }

    @Test func sessionsEndWhenIdleOrEverywhereAtOnce() async throws {
        try await withPasserelle { app in
            try await IdentityFixtures.person("maire@exemple.qc.ca", on: app)
            var browsers: [Browser] = []
            for _ in 0..<2 {
                let browser = Browser(app)
                let token = try #require(Browser.csrf(in: try await browser.send(.GET, "/connexion").body.string))
                _ = try await browser.send(.POST, "/connexion", form: ["email": "maire@exemple.qc.ca",
                                                                       "password": IdentityFixtures.password, "_csrf": token])
                browsers.append(browser)
            }
            let account = try await browsers[0].send(.GET, "/mon-compte")
            #expect(account.status == .ok)
            let token = try #require(Browser.csrf(in: account.body.string))
            _ = try await browsers[0].send(.POST, "/mon-compte/deconnexion-partout", form: ["_csrf": token])
            #expect(try await browsers[1].send(.GET, "/mon-compte").status == .seeOther)

            // Idle for longer than the timeout.
            let browser = Browser(app)
            let formToken = try #require(Browser.csrf(in: try await browser.send(.GET, "/connexion").body.string))
            _ = try await browser.send(.POST, "/connexion", form: ["email": "maire@exemple.qc.ca",
                                                                   "password": IdentityFixtures.password, "_csrf": formToken])
            #expect(try await browser.send(.GET, "/mon-compte").status == .ok)
            for session in try await SessionModel.query(on: app.db).filter(\.$revokedAt == nil).all() {
                session.lastSeenAt = Date().addingTimeInterval(-Sessions.idleTimeout - 1)
                try await session.update(on: app.db)
            }
            // Time passes for the credential cache too (it keeps an answer one second).
            app.credentialCache.removeAll()
            #expect(try await browser.send(.GET, "/mon-compte").status == .seeOther)
        }
    }

    @Test func demoAccountsCanSignIn() async throws {
        try await withPasserelle { app in
            let report = try await PeopleDemoGenerator().generate(scale: 2, app: app)
            #expect(report.hasPrefix("14 "))  // 12 accounts, 1 contributor (scale 2), the mandataire
            #expect(try await PeopleDemoGenerator().generate(scale: 2, app: app).hasPrefix("0 "))
            let browser = Browser(app)
            let token = try #require(Browser.csrf(in: try await browser.send(.GET, "/connexion").body.string))
            let res = try await browser.send(.POST, "/connexion", form: ["email": "rse@riviere-du-loup.demo",
                                                                         "password": PeopleDemoGenerator.password, "_csrf": token])
            #expect(res.status == .seeOther)
            let account = try await browser.send(.GET, "/mon-compte")
            #expect(account.body.string.contains("Responsable des services électroniques"))
            #expect(account.body.string.contains("Rivière-du-Loup"))
            let problems = AccessibilityCheck.problems(in: account.body.string)
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func passwordRulesSayWhatIsWrong() {
        #expect(Passwords.problems("court", email: "a@b.c").contains("password.rule.length"))
        #expect(Passwords.problems("toutenminusculesici", email: "a@b.c") == ["password.rule.variety"])
        #expect(Passwords.problems("Jean.Tremblay-2026", email: "jean.tremblay@ville.qc.ca") == ["password.rule.email"])
        #expect(Passwords.problems("Passerelle-essai-2026", email: "a@b.c").isEmpty)
        #expect(Passwords.cost >= 12)
    }
}
