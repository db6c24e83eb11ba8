import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing

/// The liaison network's agents query and a card entry, called directly.
@Suite struct LiaisonQueryAndViewTests {
    @Test func theAgentsAreTheActiveLiaisonAgentsByName() async throws {
        try await withPasserelle { app in
            // setup
            let zoe = try await IdentityFixtures.person("zoe@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            zoe.displayName = "Zoé Gagnon"
            try await zoe.save(on: app.db)
            let emile = try await IdentityFixtures.person("emile@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            emile.displayName = "Émile Tremblay"
            try await emile.save(on: app.db)
            let gone = try await IdentityFixtures.person("parti@mtmd.test", on: app, roles: [("unite-dgt-est", .liaisonAgent)])
            gone.active = false
            try await gone.save(on: app.db)
            try await IdentityFixtures.person("analyste@mtmd.test", on: app, roles: [("unite-bcam", .analyst)])

            // act
            let agents = try await LiaisonQueries.agents(on: app.db)

            // validate
            #expect(Set(agents.map(\.email)) == ["zoe@mtmd.test", "emile@mtmd.test"])
        }
    }

    @Test func aCardWithoutAnAgentSaysSoAndStillGivesTheBCAM() {
        // setup: a municipality the network does not cover yet
        let organisation = OrganisationModel()
        organisation.code = "mun-99999"
        organisation.name = "Village-Témoin"
        let bcam = EntryPoints.Office(code: "unite-bcam", name: "Bureau de la coordination des affaires municipales", contact: nil)
        let points = EntryPoints(organisation: organisation, regionName: "Capitale-Nationale", agent: nil, backup: nil,
                                 coveredBy: nil, directorate: nil, bcam: bcam)
        let layout = Layout(Localizer(.frCA), path: "/organisations/mun-99999/carte")

        // act
        let card = points.card(layout.l)
        let html = LiaisonViews.card(layout, points)

        // validate
        #expect(card.notice == Localizer(.frCA)("card.no_agent"))
        #expect(card.contacts.map(\.name) == ["Bureau de la coordination des affaires municipales"])
        #expect(html.contains("Village-Témoin"))
        #expect(html.contains("Capitale-Nationale"))
        #expect(html.contains("/organisations/mun-99999/carte.vcf"))
    }

    @Test func aContactLinksItsPhoneAndEmail() {
        // setup
        let l = Localizer(.frCA)
        let contact = UI.Contact(role: "Agente de liaison", name: "Léa Bouchard", title: "Conseillère",
                                 email: "lea@mtmd.test", phone: "418 555-0101 poste 22")

        // act
        let html = UI.contact(l, contact).render()

        // validate
        #expect(html.contains("Léa Bouchard"))
        #expect(html.contains("href=\"mailto:lea@mtmd.test\""))
        #expect(html.contains("href=\"tel:418555010122\""))
    }
}
