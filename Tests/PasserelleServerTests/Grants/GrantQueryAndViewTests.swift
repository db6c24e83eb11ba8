import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing

/// The SGAF's application query and its money formatting, called directly.
@Suite struct GrantQueryAndViewTests {
    @Test func anApplicationIsFoundByItsNumberOnly() async throws {
        try await withPasserelle { app in
            // act
            let unknown = try await GrantQueries.application(number: "AF-2026-999999", on: app.db)
            let empty = try await GrantQueries.application(number: "", on: app.db)
            let tooLong = try await GrantQueries.application(number: String(repeating: "A", count: 21), on: app.db)

            // validate
            #expect(unknown == nil)
            #expect(empty == nil)
            #expect(tooLong == nil)
        }
    }

    @Test func amountsAreWrittenInEachLanguagesWay() {
        // act, validate
        #expect(GrantViews.money(Localizer(.frCA), 123_456) == "1\u{00A0}234,56\u{00A0}$")
        #expect(GrantViews.money(Localizer(.enCA), 123_456) == "$1,234.56")
    }
}
