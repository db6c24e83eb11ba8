import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

/// The open feeds of the demo season, checked with the standards' own validators when
/// `scripts/with-python-checks.sh` provides them (CI does): Open511 by the PyPI package's RELAX NG
/// and Schematron, WZDx 4.2 by its official JSON Schemas.
@Suite struct WorksFeedsTests {
    @Test func feedTimesAreWrittenWithoutAFormatterAndRight() {
        #expect(WorksFeeds.utc(1_812_366_000) == "2027-06-07T11:00:00Z")
        #expect(WorksFeeds.utc(0) == "1970-01-01T00:00:00Z")
        #expect(WorksFeeds.utc(-1) == "1969-12-31T23:59:59Z")
        for s in stride(from: Int64(946_684_800), to: 4_102_444_800, by: 7_777_777) {
            #expect(WorksFeeds.utc(s) == Date(timeIntervalSince1970: TimeInterval(s)).formatted(Date.ISO8601FormatStyle()))
        }
    }

    @Test func open511AndWZDxFeedsAreValidAndListPublicWorksOnly() async throws {
        try await withPasserelle { app in
            _ = try await PeopleDemoGenerator().generate(scale: 1, app: app)
            _ = try await WorksDemoGenerator().generate(scale: 1, app: app)
            let paving = try #require(try await InterventionModel.query(on: app.db).filter(\.$title == "Pavage de la route 132").first())
            let hidden = try #require(try await InterventionModel.query(on: app.db).filter(\.$visibility != "public").first())

            let discovery = try await app.testing().sendRequest(.GET, "/open511")
            #expect(discovery.headers.contentType?.subType == "xml")
            try PythonCheck.run("open511", input: discovery.body.string, expect: ["/open511/events"])
            let jurisdiction = try await app.testing().sendRequest(.GET, "/open511/jurisdiction")
            try PythonCheck.run("open511", input: jurisdiction.body.string, expect: ["license"])

            let xml = try await app.testing().sendRequest(.GET, "/open511/events?limit=500")
            #expect(xml.status == .ok)
            #expect(xml.body.string.contains(paving.number) && !xml.body.string.contains(hidden.number))
            #expect(xml.body.string.contains("<psr:rtss>") == (paving.rtss != nil))
            try PythonCheck.run("open511", input: xml.body.string, expect: [paving.number, "ROAD_MAINTENANCE"])
            let json = try await app.testing().sendRequest(.GET, "/open511/events?format=json&event_type=CONSTRUCTION&limit=2")
            #expect(json.body.string.contains("\"next_url\""))
            try PythonCheck.run("open511", input: json.body.string, expect: ["\"pagination\""])
            // Filters: a box around Rivière-du-Loup, a date, a road.
            let around = try await app.testing().sendRequest(.GET, "/open511/events?bbox=-69.6,47.8,-69.5,47.9&road_name=route%20132").body.string
            #expect(around.contains(paving.number))
            let elsewhere = try await app.testing().sendRequest(.GET, "/open511/events?bbox=-73.7,45.4,-73.5,45.6").body.string
            #expect(!elsewhere.contains(paving.number))
            let refused = try await app.testing().sendRequest(.GET, "/open511/events?severity=HIGH")
            #expect(refused.status == .badRequest)
            let one = try await app.testing().sendRequest(.GET, "/open511/events/\(WorksFeeds.jurisdiction(app))/\(paving.number)")
            try PythonCheck.run("open511", input: one.body.string, expect: [paving.number])

            let wzdx = try await app.testing().sendRequest(.GET, "/wzdx/v4.2/feed.geojson")
            #expect(wzdx.status == .ok)
            #expect(wzdx.body.string.contains(paving.number) && !wzdx.body.string.contains(hidden.number))
            #expect(!wzdx.body.string.contains("Festival")) // a special event is no work zone
            try PythonCheck.run("wzdx", input: wzdx.body.string, expect: ["Pavage de la route 132", "alternating-one-way"])
        }
    }
}
