import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing

/// Identity's organisation query and its sign-in view, called directly.
@Suite struct IdentityQueryAndViewTests {
    @Test func aNameSharedByAMunicipalityAndItsMRCMeansTheMunicipality() async throws {
        try await withPasserelle { app in
            // act
            let byName = try await OrganisationQueries.municipalityOrMRC("Rivière-du-Loup", on: app.db)
            let unknown = try await OrganisationQueries.municipalityOrMRC("Atlantide", on: app.db)
            let blank = try await OrganisationQueries.municipalityOrMRC("   ", on: app.db)

            // validate
            #expect(byName?.kind == .municipality)
            #expect(unknown == nil)
            #expect(blank == nil)
        }
    }

    @Test func theSignInFormKeepsWhatWasTypedAndLinksItsError() {
        // setup
        let layout = Layout(Localizer(.frCA), path: "/connexion")

        // act
        let html = IdentityViews.signIn(layout, email: "marie@exemple.test", errors: [("email", "Adresse inconnue.")],
                                        csrf: "jeton-123", back: "/demandes", oidcName: nil)

        // validate
        #expect(html.contains("value=\"marie@exemple.test\""))
        #expect(html.contains("href=\"#champ-email\""))
        #expect(html.contains("Adresse inconnue."))
        #expect(html.contains("value=\"jeton-123\""))
        #expect(AccessibilityCheck.problems(in: html) == [])
    }
}
