import Foundation
@testable import PasserelleCore
import Testing

@Suite struct WorksGeometryTests {
    @Test func quebecLambertMatchesPROJ() {
        // Reference values from PROJ 9 (pyproj, EPSG:4326 → EPSG:32198, always_xy).
        let cases: [(Double, Double, Double, Double)] = [
            (-73.5673, 45.5017, -396_122.4321, 181_374.1491), // Montréal
            (-69.5346, 47.8353, -77_196.0968, 426_992.9163), // Rivière-du-Loup
            (-68.5, 44.0, 0, 0), // the projection's origin
            (-79.5, 62.5, -568_592.3762, 2_096_259.2967), // Nunavik
            (-61.0, 47.4, 563_652.0903, 407_743.5257), // Îles-de-la-Madeleine
            (-71.2080, 46.8139, -206_300.4098, 317_060.3601), // Québec
        ]
        for (lon, lat, x, y) in cases {
            let p = QuebecLambert.project(Position(longitude: lon, latitude: lat))
            #expect(abs(p.x - x) < 0.01 && abs(p.y - y) < 0.01, "\(lon), \(lat) → \(p)")
            let back = QuebecLambert.unproject(p)
            #expect(abs(back.longitude - lon) < 1e-9 && abs(back.latitude - lat) < 1e-9)
        }
    }

    @Test func geoJSONIsReadCheckedAndWrittenBack() throws {
        let line = try Geometry(geoJSON: #"{"type":"LineString","coordinates":[[-69.53,47.83],[-69.52,47.84,12]]}"#)
        #expect(line == .lineString([Position(longitude: -69.53, latitude: 47.83), Position(longitude: -69.52, latitude: 47.84)]))
        #expect(line.geoJSON == #"{"type":"LineString","coordinates":[[-69.53,47.83],[-69.52,47.84]]}"#)
        #expect(try Geometry(geoJSON: line.geoJSON) == line)
        let polygon = #"{"type":"Polygon","coordinates":[[[-73.6,45.5],[-73.59,45.5],[-73.59,45.51],[-73.6,45.5]]]}"#
        #expect(try Geometry(geoJSON: polygon).typeName == "Polygon")
        #expect(Geometry.point(Position(longitude: -73.1234567891, latitude: 45.0000001)).geoJSON
            == #"{"type":"Point","coordinates":[-73.1234568,45.0000001]}"#)

        func refusal(_ text: String) -> GeometryError? {
            do { _ = try Geometry(geoJSON: text); return nil } catch { return error }
        }
        #expect(refusal(#"{"type":"Circle","coordinates":[-73,45]}"#) == .unknownType("Circle"))
        #expect(refusal(#"{"type":"Point","coordinates":[[-73,45]]}"#) == .position)
        #expect(refusal(#"{"type":"Point","coordinates":[-73]}"#) == .position)
        #expect(refusal(#"{"type":"Point"}"#) == .malformed)
        #expect(refusal(#"{"type":"Point","coordinates":[2.35,48.85]}"#) == .outsideQuebec) // Paris
        #expect(refusal(#"{"type":"LineString","coordinates":[[-73,45]]}"#) == .tooFewPositions)
        #expect(refusal(#"{"type":"Polygon","coordinates":[[[-73,45],[-73.1,45],[-73.1,45.1],[-73,45.1]]]}"#) == .ringNotClosed)
        #expect(refusal("not json") == .malformed)
        #expect(GeometryError.outsideQuebec.key == "works.geometry.outside")
    }

    @Test func wellKnownTextIsReadAndWritten() throws {
        #expect(try Geometry(wkt: "POINT (-73.5 45.5)") == .point(Position(longitude: -73.5, latitude: 45.5)))
        let multi = try Geometry(wkt: "multilinestring ((-73.5 45.5, -73.4 45.5), (-73.4 45.6, -73.3 45.6))")
        #expect(multi.parts.count == 2)
        #expect(try Geometry(wkt: multi.wkt) == multi)
        let polygon = try Geometry(wkt: "POLYGON Z ((-73.5 45.5 0, -73.4 45.5 0, -73.4 45.6 0, -73.5 45.5 0))")
        #expect(polygon.typeName == "Polygon")
        #expect(throws: GeometryError.malformed) { try Geometry(wkt: "POINT (-73.5 45.5") }
        #expect(throws: GeometryError.unknownType("CIRCLE")) { try Geometry(wkt: "CIRCLE (1 2)") }
        #expect(throws: GeometryError.position) { try Geometry(wkt: "POINT (a b)") }
    }

    /// Metres: a frame around the origin of a box in Montréal.
    func planar(_ points: [(Double, Double)]) -> [PlanarPoint] {
        let o = SyntheticWorks.montreal
        return points.map { PlanarPoint(x: o.minX + $0.0, y: o.minY + $0.1) }
    }

    @Test func exactDistanceBetweenShapes() {
        var f = Footprints()
        let point = f.append(kind: .point, parts: [planar([(0, 0)])], start: 0, end: 1)
        let near = f.append(kind: .point, parts: [planar([(30, 40)])], start: 0, end: 1) // 50 m away
        let line = f.append(kind: .lines, parts: [planar([(-100, 60), (100, 60)])], start: 0, end: 1) // 60 m above
        let crossing = f.append(kind: .lines, parts: [planar([(0, 200), (0, -200)])], start: 0, end: 1)
        let square = f.append(kind: .polygon, parts: [planar([(-500, -500), (500, -500), (500, 500), (-500, 500), (-500, -500)])],
                              start: 0, end: 1)
        let holed = f.append(kind: .polygon, parts: [planar([(-500, -500), (500, -500), (500, 500), (-500, 500), (-500, -500)]),
                                                      planar([(-200, -200), (200, -200), (200, 200), (-200, 200), (-200, -200)])],
                             start: 0, end: 1)
        let far = f.append(kind: .lines, parts: [planar([(2000, 0), (2000, 100)])], start: 0, end: 1)
        let d50 = 50.0 * 50.0
        #expect(f.within(point, near, distanceSquared: d50))
        #expect(!f.within(point, near, distanceSquared: 49.99 * 49.99))
        #expect(!f.within(point, line, distanceSquared: d50))
        #expect(f.within(point, line, distanceSquared: 60 * 60))
        #expect(f.within(line, crossing, distanceSquared: 1)) // they cross: 0 m
        #expect(f.within(point, square, distanceSquared: 1)) // inside the polygon
        #expect(f.within(square, point, distanceSquared: 1))
        #expect(!f.within(point, holed, distanceSquared: d50)) // in the hole, 200 m from its edge
        #expect(f.within(point, holed, distanceSquared: 200 * 200))
        #expect(!f.within(far, square, distanceSquared: d50))
        #expect(f.within(far, square, distanceSquared: 1500 * 1500))
    }
}

@Suite struct ConflictDetectorTests {
    /// The detector's pairs are exactly the brute-force pairs on 10,000 random works (points,
    /// lines, polygons) given in WGS 84 and projected, for conflicts and opportunities alike,
    /// whichever cell size the grid takes.
    @Test func gridPairsEqualBruteForceOnTenThousandWorks() {
        var f = Footprints()
        // A tenth of the island's box: as crowded as 100,000 works on the whole island.
        let o = SyntheticWorks.montreal
        let area = (o.minX, o.minY, o.minX + (o.maxX - o.minX) / 10, o.maxY)
        for w in SyntheticWorks.works(10_000, seed: 7, area: area) { f.append(w.geometry, start: w.start, end: w.end) }
        // One brute-force pass with the widest rule; the narrower rules' pairs are among its.
        let widest = ConflictDetector.bruteForce(in: f, rule: PairRule(distance: 50, opportunityDays: 365))
        for rule in [PairRule(distance: 50, opportunityDays: nil), PairRule(distance: 50, opportunityDays: 365),
                     PairRule(distance: 10, opportunityDays: 0)] {
            let brute = widest.filter { pair in
                let (i, j) = (Int(pair.first), Int(pair.second))
                return rule.periods(f.start[i], f.end[i], f.start[j], f.end[j]).near
                    && f.within(i, j, distanceSquared: rule.distance * rule.distance)
            }.sorted()
            #expect(brute.count > 100, "the sample should hold pairs: \(brute.count)")
            #expect(ConflictDetector.pairs(in: f, rule: rule).sorted() == brute)
            #expect(ConflictDetector.pairs(in: f, rule: rule, cellSize: rule.distance).sorted() == brute)
            #expect(ConflictDetector.pairs(in: f, rule: rule, cellSize: 5_000).sorted() == brute)
            #expect(ConflictDetector.pairs(in: f, rule: rule, cellSize: rule.distance, threads: 2).sorted() == brute)
        }
    }

    @Test func conflictsOverlapAndOpportunitiesFollowWithinTheWindow() {
        var f = Footprints()
        let day: Int64 = 86_400
        let street = Geometry.lineString([Position(longitude: -69.5346, latitude: 47.8353), Position(longitude: -69.5330, latitude: 47.8360)])
        let sewer = f.append(street, start: 0, end: 30 * day) // days 0–29
        let paving = f.append(street, start: 60 * day, end: 70 * day) // a month after
        let crew = f.append(street, start: 20 * day, end: 25 * day) // during the sewer job
        let nextYear = f.append(street, start: 30 * day + 366 * day, end: 400 * day + 30 * day)
        let pairs = Set(ConflictDetector.pairs(in: f, rule: PairRule()))
        #expect(pairs.contains(WorkPair(Int32(sewer), Int32(paving), overlapping: false)))
        #expect(pairs.contains(WorkPair(Int32(sewer), Int32(crew), overlapping: true)))
        #expect(pairs.contains(WorkPair(Int32(crew), Int32(paving), overlapping: false)))
        // 366 days after the sewer's end: outside a 365-day window; 365 days after the paving's end: inside.
        #expect(!pairs.contains { $0.first == Int32(sewer) && $0.second == Int32(nextYear) })
        #expect(pairs.contains(WorkPair(Int32(paving), Int32(nextYear), overlapping: false)))
        let conflicts = ConflictDetector.pairs(in: f, rule: PairRule(opportunityDays: nil))
        #expect(conflicts == [WorkPair(Int32(sewer), Int32(crew), overlapping: true)])
        // A work that ends when the other starts does not overlap it.
        var g = Footprints()
        g.append(street, start: 0, end: day)
        g.append(street, start: day, end: 2 * day)
        #expect(ConflictDetector.pairs(in: g, rule: PairRule(opportunityDays: nil)).isEmpty)
        #expect(ConflictDetector.pairs(in: g, rule: PairRule(opportunityDays: 0)).count == 1)
    }

    @Test func theLiveIndexFindsWhatTheBatchFinds() {
        var index = WorksIndex()
        let works = SyntheticWorks.works(3_000, seed: 11, area: {
            let o = SyntheticWorks.montreal
            return (o.minX, o.minY, o.minX + 4_000, o.minY + 3_300)
        }())
        var slots: [Int32] = []
        for w in works { slots.append(index.insert(w.geometry, start: w.start, end: w.end)) }
        // Take a tenth out again: they must vanish from every answer.
        for s in slots.enumerated() where s.offset % 10 == 0 { index.remove(s.element) }
        #expect(index.liveCount == 2_700)
        let rule = PairRule()
        var probed = Set<WorkPair>()
        for s in slots where index.isLive(s) { probed.formUnion(index.matches(of: s, rule: rule)) }
        let batch = Set(index.allPairs(rule: rule))
        #expect(batch.count > 50)
        #expect(probed == batch)
        #expect(index.matches(of: slots[0], rule: rule).isEmpty) // removed
        // A save checks the work before adding it: the same answer without inserting it.
        for (n, w) in works.enumerated().prefix(300) where index.isLive(slots[n]) {
            let before = Set(index.matches(of: slots[n], rule: rule).map(\.second) + index.matches(of: slots[n], rule: rule).map(\.first))
                .subtracting([slots[n]])
            let probe = index.matches(of: w.geometry, start: w.start, end: w.end, rule: rule, excluding: slots[n])
            #expect(Set(probe.map(\.slot)) == before)
        }
        #expect(index.liveCount == 2_700)
    }
}

@Suite struct WorksRulesTests {
    let days = HolidayCalendar.quebecPublicService.days(from: 2026, through: 2028)

    @Test func categoriesAndNoticeFollowStreetManagersRules() {
        let rules = CategoryRules.standard
        func category(_ first: String, _ last: String, _ state: RoadState = .someLanesClosed, detour: Bool = false) -> WorkCategory {
            rules.category(firstDay: date(first), lastDay: date(last), roadState: state, detour: detour, workingDays: days)
        }
        #expect(category("2027-06-07", "2027-06-09") == .minor) // Mon–Wed: 3 working days
        #expect(category("2027-06-07", "2027-06-10") == .standard) // 4
        #expect(category("2027-06-07", "2027-06-18") == .standard) // 10
        #expect(category("2027-06-07", "2027-06-21") == .major) // 11
        #expect(category("2027-06-07", "2027-06-07", .closed) == .major) // a closure
        #expect(category("2027-06-07", "2027-06-07", detour: true) == .major)
        // Saint-Jean-Baptiste (Thursday, June 24, 2027) is not a working day.
        #expect(category("2027-06-21", "2027-06-25") == .standard)
        #expect(category("2027-06-23", "2027-06-28") == .minor) // Wed, (Thu off), Fri, Mon
        // Ten working days before Monday, July 5, 2027: June 17 (June 24 and July 1 are off).
        #expect(rules.noticeBy(.standard, firstDay: date("2027-07-05"), workingDays: days) == date("2027-06-17"))
        #expect(rules.noticeBy(.minor, firstDay: date("2027-06-07"), workingDays: days) == date("2027-06-02"))
        #expect(rules.planBy(firstDay: date("2027-05-31")) == date("2027-02-28"))
    }

    @Test func periodsAreDatesOrInstantsKeptAsGiven() throws {
        let dates = try WorkPeriod(start: "2027-06-07", end: "2027-06-09")
        #expect(dates.givenAsDates && dates.startText == "2027-06-07" && dates.endText == "2027-06-09")
        // Local midnight in June is 04:00 UTC; the last day is included.
        #expect(dates.startSeconds == 1_812_340_800)
        #expect(dates.endSeconds - dates.startSeconds == 3 * 86_400)
        #expect(dates.firstDay == date("2027-06-07") && dates.lastDay == date("2027-06-09"))
        let instants = try WorkPeriod(start: "2027-06-07T07:00:00-04:00", end: "2027-06-09T19:00:00Z")
        #expect(!instants.givenAsDates)
        #expect(instants.startSeconds == 1_812_366_000)
        #expect(instants.startText == "2027-06-07T11:00:00Z")
        #expect(instants.lastDay == date("2027-06-09"))
        let midnightEnd = try WorkPeriod(start: "2027-06-07T08:00:00-04:00", end: "2027-06-08T00:00:00-04:00")
        #expect(midnightEnd.lastDay == date("2027-06-07")) // an excluded end at midnight ends the day before
        #expect(try WorkPeriod(start: "2027-06-07", end: "2027-06-07").endSeconds > 0) // one day

        #expect(throws: WorkPeriod.Problem.endBeforeStart) { try WorkPeriod(start: "2027-06-09", end: "2027-06-07") }
        #expect(throws: WorkPeriod.Problem.invalidStart) { try WorkPeriod(start: "7 juin", end: "2027-06-07") }
        #expect(throws: WorkPeriod.Problem.invalidEnd) { try WorkPeriod(start: "2027-06-07", end: "2027-02-30") }
        #expect(throws: WorkPeriod.Problem.outOfRange) { try WorkPeriod(start: "1850-01-01", end: "2027-02-03") }
        #expect(WorkPeriod.Problem.invalidStart.field == "debut")
    }
}
