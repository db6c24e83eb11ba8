import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import Vapor
import VaporTesting

/// A new production instance, as a ministry's IT team starts it: nobody in it, the first
/// administrator made from the command line, no demo data and no demo account.
@Suite struct ProductionTests {
    @Test func fromAnEmptyProductionDatabaseTheFirstAdministratorSignsInAndInvitesAColleague() async throws {
        try await withPasserelle(environment: .production) { app in
            // setup: an empty instance
            #expect(try await PersonModel.query(on: app.db).count() == 0)

            // act: the operator creates the first administrator
            let created = try await AdminAccounts.create(email: " DSI@Transports.gouv.qc.ca", name: "Dominique Informatique",
                                                         password: nil, app: app)

            // validate: a link, once; the same address, a bad one or an unknown unit refused, and nothing more made
            let link = try #require(created.link)
            #expect(created.person.email == "dsi@transports.gouv.qc.ca" && created.person.passwordHash == nil)
            await #expect(throws: AdminAccounts.Refusal.exists) {
                _ = try await AdminAccounts.create(email: "dsi@transports.gouv.qc.ca", name: "Autre", password: nil, app: app)
            }
            await #expect(throws: AdminAccounts.Refusal.invalidEmail) {
                _ = try await AdminAccounts.create(email: "pas-une-adresse", name: "Autre", password: nil, app: app)
            }
            await #expect(throws: AdminAccounts.Refusal.unknownUnit("mun-12072")) {
                _ = try await AdminAccounts.create(email: "autre@transports.gouv.qc.ca", name: "Autre", unit: "mun-12072",
                                                   password: nil, app: app)
            }
            await #expect(throws: AdminAccounts.Refusal.weakPassword(["password.rule.length", "password.rule.variety"])) {
                _ = try await AdminAccounts.create(email: "autre@transports.gouv.qc.ca", name: "Autre", password: "court", app: app)
            }
            #expect(try await PersonModel.query(on: app.db).count() == 1)
            let events = try await AuditEventModel.query(on: app.db).all()
            #expect(events.filter { $0.action == "person.create" }.map(\.actorLabel) == ["system:admin-create"])
            #expect(events.contains { $0.action == "membership.grant" })

            // The link sets the password; the administrator signs in and invites a colleague to the BCAM.
            let path = String(link[link.range(of: "/lien/")!.lowerBound...])
            let admin = Browser(app)
            let form = try await admin.send(.GET, path)
            let token = try #require(Browser.csrf(in: form.body.string))
            let set = try await admin.send(.POST, path, form: ["password": "Transports-Quebec-2026", "confirmation": "Transports-Quebec-2026",
                                                               "_csrf": token])
            #expect(set.status == .seeOther)
            let signedIn = Browser(app)
            try await signedIn.signIn("dsi@transports.gouv.qc.ca", password: "Transports-Quebec-2026")
            let csrf = try await signedIn.csrf(at: "/organisations/unite-bcam/acces")
            let invited = try await signedIn.send(.POST, "/organisations/unite-bcam/invitations", form: [
                "email": "coordination@transports.gouv.qc.ca", "name": "Camille Coordination", "role": "bcam_coordinator",
                "language": "fr-CA", "_csrf": csrf])
            #expect(invited.status == .ok)
            #expect(try await PersonModel.query(on: app.db).filter(\.$email == "coordination@transports.gouv.qc.ca").count() == 1)
            #expect(try await Audit.verify(on: app.db).map { $0 > 0 } == .success(true))
        }
    }

    @Test func productionRefusesDemoDataAndDemoAccounts() async throws {
        try await withPasserelle(environment: .production) { app in
            // setup: a demo account that came in anyway (a copy of a demo database)
            try await IdentityFixtures.person("admin@passerelle.demo", on: app, roles: [("unite-bcam", .administrator)])
            var context = CommandContext(console: app.console, input: CommandInput(arguments: ["passerelle"]))
            context.application = app

            // act
            await #expect(throws: (any Error).self) { try await SeedDemoCommand().run(using: &context) }
            let browser = Browser(app)
            let token = try #require(Browser.csrf(in: try await browser.send(.GET, "/connexion").body.string))
            let refused = try await browser.send(.POST, "/connexion", form: ["email": "admin@passerelle.demo",
                                                                             "password": IdentityFixtures.password, "_csrf": token])

            // validate: nothing generated, and the demo administrator stays outside
            #expect(try await RequestModel.query(on: app.db).count() == 0)
            #expect(try await PersonModel.query(on: app.db).count() == 1)
            #expect(refused.status == .unprocessableEntity)
            #expect(try await browser.send(.GET, "/mon-compte").status != .ok)
        }
    }

    @Test func aDemoInstanceStillLetsItsDemoAccountsIn() async throws {
        try await withPasserelle { app in
            // setup
            try await IdentityFixtures.person("admin@passerelle.demo", on: app, roles: [("unite-bcam", .administrator)])

            // act
            let browser = Browser(app)
            try await browser.signIn("admin@passerelle.demo")

            // validate
            #expect(try await browser.send(.GET, "/mon-compte").status == .ok)
        }
    }
}
