import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing

/// The agreements' roll-up query and its page, the page built from plain lines.
@Suite struct AgreementQueryAndViewTests {
    @Test func noAgreementRollsUpToNoCommitment() async throws {
        try await withPasserelle { app in
            // act
            let lines = try await AgreementQueries.rollUp(region: nil, territory: app.territory.current, on: app.db)

            // validate
            #expect(lines.allSatisfy { $0.agreements == 0 && $0.committed == 0 && $0.paid == 0 })
        }
    }

    @Test func theRollUpShowsWhatIsCommittedPaidAndToCome() {
        // setup
        let layout = Layout(Localizer(.frCA), path: "/aide/vue")
        let line = AgreementQueries.Line(code: "01", name: "Bas-Saint-Laurent", agreements: 2, committed: 250_000_00, paid: 100_000_00)

        // act
        let html = AgreementOverviewViews.rollUp(layout, region: nil, regionCode: nil, lines: [line])

        // validate
        #expect(html.contains("Bas-Saint-Laurent"))
        #expect(html.contains("250\u{00A0}000,00\u{00A0}$"))
        #expect(html.contains("150\u{00A0}000,00\u{00A0}$"))
        #expect(AccessibilityCheck.problems(in: html) == [])
    }
}
