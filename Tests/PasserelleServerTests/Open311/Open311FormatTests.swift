import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing

/// Open311 has no pages of its own (its documents are the GeoReport v2 formats) and reads requests
/// through `RequestQueries`: what it owns is the wire format, checked here with plain values.
@Suite struct Open311FormatTests {
    @Test func aDocumentNameCarriesItsFormat() {
        // act
        let json = Open311Format.split("requests.json")
        let xml = Open311Format.split("services.XML")
        let none = Open311Format.split("requests")
        let other = Open311Format.split("requests.csv")

        // validate
        #expect(json?.name == "requests")
        #expect(json?.format == .json)
        #expect(xml?.format == .xml)
        #expect(none == nil)
        #expect(other == nil)
    }

    @Test func anInstantIsWrittenInQuebecTimeWithItsOffset() throws {
        // setup: 19:30 UTC is 14:30 in Québec in winter, 15:30 in summer
        let winter = try #require(ISO8601DateFormatter().date(from: "2026-11-21T19:30:00Z"))
        let summer = try #require(ISO8601DateFormatter().date(from: "2026-07-01T19:30:00Z"))

        // act, validate
        #expect(Open311.datetime(winter) == "2026-11-21T14:30:00-05:00")
        #expect(Open311.datetime(summer) == "2026-07-01T15:30:00-04:00")
    }
}
