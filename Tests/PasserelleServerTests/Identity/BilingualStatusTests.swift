import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

/// A municipality recognised as bilingual (section 29.1 of the Charter of the French language):
/// its people's browsers may ask for English pages; everyone else gets French unless they choose.
@Suite struct BilingualStatusTests {
    static let english: HTTPHeaders = ["Accept-Language": "en-US,en;q=0.9"]

    func pageLanguage(_ browser: Browser, headers: HTTPHeaders = english) async throws -> String? {
        let html = try await browser.send(.GET, "/", headers: headers).body.string
        return AccessibilityCheck.matches(#"<html lang="([^"]+)""#, in: html).first
    }

    @Test func anAdministratorGivesTheStatusAndItsPeoplesBrowsersChooseEnglish() async throws {
        try await withPasserelle { app in
            // setup: the RSÉ of Abercorn and of Acton Vale, whose browsers ask for English
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
            try await IdentityFixtures.person("rse@abercorn.test", on: app, roles: [("mun-46005", .rse)])
            try await IdentityFixtures.person("rse@actonvale.test", on: app, roles: [("mun-48028", .rse)])
            let abercorn = Browser(app), actonVale = Browser(app), admin = Browser(app)
            try await abercorn.signIn("rse@abercorn.test")
            try await actonVale.signIn("rse@actonvale.test")
            try await admin.signIn("admin@mtmd.test")
            #expect(try await pageLanguage(abercorn) == "fr-CA")

            // act: the administrator recognises Abercorn's bilingual status from the organisations' list
            let list = "/administration/organisations?q=Abercorn"
            let page = try await admin.send(.GET, list).body.string
            #expect(page.contains(Localizer(.frCA)("admin.bilingual_give", ["name": "Abercorn"])))
            let token = try #require(Browser.csrf(in: page))
            let given = try await admin.send(.POST, "/administration/organisations/mun-46005/statut-bilingue",
                                             form: ["statut": "1", "retour": list, CSRF.field: token])

            // assert: back on the list, the change journaled, Abercorn's browser now chooses
            #expect(given.status == .seeOther)
            #expect(given.headers.first(name: .location) == list)
            let organisation = try #require(try await OrganisationModel.query(on: app.db).filter(\.$code == "mun-46005").first())
            #expect(organisation.bilingualStatus)
            let event = try #require(try await AuditEventModel.query(on: app.db).filter(\.$action == "organisation.bilingual_status").first())
            #expect(event.recordID == "mun-46005")
            #expect(try await pageLanguage(abercorn) == "en-CA")
            #expect(try await pageLanguage(abercorn, headers: [:]) == "fr-CA")
            #expect(try await pageLanguage(abercorn, headers: ["Accept-Language": "en-US", "Cookie": "lang=fr-CA"]) == "fr-CA")
            #expect(try await pageLanguage(actonVale) == "fr-CA")
            #expect(try await pageLanguage(Browser(app)) == "fr-CA")

            // a value other than 0 or 1 changes nothing; taking the status away gives French back
            let bad = try await admin.send(.POST, "/administration/organisations/mun-46005/statut-bilingue",
                                           form: ["statut": "oui", CSRF.field: token])
            #expect(bad.status == .badRequest)
            _ = try await admin.send(.POST, "/administration/organisations/mun-46005/statut-bilingue",
                                     form: ["statut": "0", CSRF.field: token])
            #expect(try await pageLanguage(abercorn) == "fr-CA")
            // nobody but an administrator changes it
            let refused = try await abercorn.send(.POST, "/administration/organisations/mun-46005/statut-bilingue",
                                                  form: ["statut": "1", CSRF.field: try await abercorn.csrf(at: "/mon-compte")])
            #expect(refused.status == .forbidden)
        }
    }
}
