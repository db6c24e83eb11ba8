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

    @Test func aRunsLineCarriesItsAccountAndARefusalReadsBackFromItsEvent() {
        // setup: the journal's changes of a payment left out of a run
        let changes: [String: AuditChange] = ["agreement": .init(before: nil, after: "CA-2026-000123"),
                                              "asked_cents": .init(before: nil, after: "6000000"),
                                              "owed_cents": .init(before: nil, after: "4500000")]

        // act
        let refused = AgreementQueries.refusal(changes)

        // validate
        #expect(refused.agreement == "CA-2026-000123" && refused.asked == 60_000_00 && refused.owed == 45_000_00)
        #expect(AgreementQueries.accountingCode(program: "paffsr", year: "2026-2027") == "MTMD-PAFFSR-2627")
        #expect(AgreementQueries.accountingCode(program: "", year: "2027-2028") == "MTMD-PROTOCOLE-2728")
    }
}
