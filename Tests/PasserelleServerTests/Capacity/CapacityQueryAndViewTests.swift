import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing

/// The capacity module's backlog query and its figures' formatting, called directly.
@Suite struct CapacityQueryAndViewTests {
    @Test func anEmptyGuichetHasNoBacklog() async throws {
        try await withPasserelle { app in
            // act
            let backlog = try await CapacityQueries.backlog(unit: nil, today: .today, on: app.db)

            // validate
            #expect(!backlog.isEmpty)
            #expect(backlog.allSatisfy { $0 == 0 })
        }
    }

    @Test func aChangeIsSignedAndWrittenTheFrenchWay() {
        // setup
        let fr = Localizer(.frCA), en = Localizer(.enCA)

        // act, validate
        #expect(CapacityViews.change(fr, 12.5, 10.25, places: 2, unit: " j") == "+2,25 j")
        #expect(CapacityViews.change(en, 10, 12.5) == "−2.5")
        #expect(CapacityViews.change(fr, 3, 3) == "±0,0")
        #expect(CapacityViews.change(fr, nil, 3) == "—")
    }
}
