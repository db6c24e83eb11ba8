import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing

/// The territory's query and one of its views, called directly: no HTTP in between.
@Suite struct TerritoryQueryAndViewTests {
    @Test func theListQueryFiltersByRegionAndFindsWithoutAccents() async throws {
        try await withPasserelle { app in
            // setup
            let directory = app.territory.current

            // act
            let filter = try TerritoryQueries.filter(QueryParameters("q=riviere%20du%20loup&region=01"), in: directory)
            let found = TerritoryQueries.municipalities(filter, in: directory)

            // validate
            #expect(found.contains { $0.record.name == "Rivière-du-Loup" })
            #expect(found.allSatisfy { $0.record.regionCode == "01" })
        }
    }

    @Test func theRegionsPageListsEveryRegionInFrench() async throws {
        try await withPasserelle { app in
            // setup
            let layout = Layout(Localizer(.frCA), path: "/regions")

            // act
            let html = TerritoryViews.regions(layout, directory: app.territory.current)

            // validate
            #expect(html.contains("lang=\"fr-CA\""))
            #expect(html.contains("Bas-Saint-Laurent"))
            #expect(html.contains("/regions?lang=en-CA"))
            #expect(AccessibilityCheck.problems(in: html) == [])
        }
    }
}
