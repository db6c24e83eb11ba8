import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The shared map's scenarios (`passerelle bench --scenario works`): the detector on 100,000 and
/// 1,000,000 made-up works of the island of Montréal (with a plain grid beside it, the reference
/// the field notes measured), the check of one saved work, and the map's GeoJSON and an Open511
/// page over 10,000 public works.
extension Benchmarks {
    static let worksScenarios: [Scenario] = [
        Scenario(name: "works_conflicts_100k") { _, n in
            let f = SyntheticWorks.footprints(100_000)
            return measure("works_conflicts_100k", min(n, 30)) { _ in
                precondition(!ConflictDetector.pairs(in: f, rule: PairRule(opportunityDays: nil)).isEmpty)
            }
        },
        Scenario(name: "works_conflicts_100k_plain_grid") { _, n in
            // The reference: a uniform grid of 50 m cells, every pair of a cell checked and kept in a set.
            let f = SyntheticWorks.footprints(100_000)
            return measure("works_conflicts_100k_plain_grid", min(n, 10)) { _ in
                precondition(!plainGrid(f, distance: 50).isEmpty)
            }
        },
        Scenario(name: "works_opportunities_100k") { _, n in
            let f = SyntheticWorks.footprints(100_000)
            return measure("works_opportunities_100k", min(n, 20)) { _ in
                precondition(!ConflictDetector.pairs(in: f, rule: PairRule(opportunityDays: 365)).isEmpty)
            }
        },
        Scenario(name: "works_conflicts_1m") { _, n in
            // Rows are independent: one band of rows a core (the grid is built on one).
            let f = SyntheticWorks.footprints(1_000_000)
            let threads = ProcessInfo.processInfo.activeProcessorCount
            return measure("works_conflicts_1m", min(n, 5)) { _ in
                precondition(!ConflictDetector.pairs(in: f, rule: PairRule(opportunityDays: nil), threads: threads).isEmpty)
            }
        },
        Scenario(name: "works_conflicts_1m_one_thread") { _, n in
            let f = SyntheticWorks.footprints(1_000_000)
            return measure("works_conflicts_1m_one_thread", min(n, 5)) { _ in
                precondition(!ConflictDetector.pairs(in: f, rule: PairRule(opportunityDays: nil)).isEmpty)
            }
        },
        Scenario(name: "works_probe") { _, n in
            // One saved work checked against 100,000 others (without being added), as a save does.
            var index = WorksIndex()
            let works = SyntheticWorks.works(100_000)
            for w in works { index.insert(w.geometry, start: w.start, end: w.end) }
            let probes = SyntheticWorks.works(1_000, seed: 99)
            var found = 0
            let result = measure("works_probe", n) { i in
                let p = probes[i % probes.count]
                found += index.matches(of: p.geometry, start: p.start, end: p.end, rule: PairRule()).count
            }
            precondition(found > 0)
            return result
        },
        Scenario(name: "works_geojson_10k") { app, n in
            try await benchWorks(app, count: 10_000)
            let result = try await requests(app, min(n, 200), name: "works_geojson_10k", path: "/interventions.geojson")
            try await dropBenchWorks(app)
            return result
        },
        Scenario(name: "works_geojson_10k_first") { app, n in
            // The first request after a change: nothing kept (each iteration moves the revision).
            try await benchWorks(app, count: 10_000)
            var samples: [Duration] = []
            for _ in 0..<min(n, 100) {
                app.worksDetection.place(UUID(), geometry: nil, start: 0, end: 0)
                let one = try await requests(app, 1, name: "works_geojson_10k_first", path: "/interventions.geojson")
                samples.append(.microseconds(Int64(one.p50_us)))
            }
            try await dropBenchWorks(app)
            return result("works_geojson_10k_first", samples)
        },
        Scenario(name: "works_open511_500") { app, n in
            try await benchWorks(app, count: 10_000)
            let result = try await requests(app, min(n, 500), name: "works_open511_500",
                                            paths: ["/open511/events?limit=500", "/open511/events?limit=500&format=json"], headers: [:])
            try await dropBenchWorks(app)
            return result
        },
    ]

    /// The reference the detector is measured against: cells of the distance, each pair of a cell
    /// tested (time, then distance) and deduplicated through a set.
    static func plainGrid(_ f: Footprints, distance: Double) -> Set<WorkPair> {
        var cells: [Int64: [Int32]] = [:]
        for i in 0..<f.count {
            let b = f.box(i)
            let x0 = Int64(((b.minX - distance / 2) / distance).rounded(.down)), x1 = Int64(((b.maxX + distance / 2) / distance).rounded(.down))
            let y0 = Int64(((b.minY - distance / 2) / distance).rounded(.down)), y1 = Int64(((b.maxY + distance / 2) / distance).rounded(.down))
            for y in y0...y1 { for x in x0...x1 { cells[(x << 32) ^ y, default: []].append(Int32(i)) } }
        }
        var pairs = Set<WorkPair>()
        let d2 = distance * distance
        for list in cells.values where list.count > 1 {
            for a in 0..<(list.count - 1) {
                for b in (a + 1)..<list.count {
                    let i = Int(list[a]), j = Int(list[b])
                    guard f.start[i] < f.end[j], f.start[j] < f.end[i] else { continue }
                    let pair = WorkPair(list[a], list[b], overlapping: true)
                    if pairs.contains(pair) { continue }
                    if f.within(i, j, distanceSquared: d2) { pairs.insert(pair) }
                }
            }
        }
        return pairs
    }

    /// `count` public works of the island of Montréal in the database, once.
    static func benchWorks(_ app: Application, count: Int) async throws {
        if try await InterventionModel.query(on: app.db).filter(\.$number >= "BENCH-").filter(\.$number < "BENCH.").count() >= count { return }
        guard let owner = try await OrganisationModel.query(on: app.db).filter(\.$kind == .municipality).sort(\.$code).first() else {
            throw Abort(.internalServerError, reason: "no municipality to own the bench works")
        }
        let works = SyntheticWorks.works(count, seed: 5)
        let territory = app.territory.current
        try await app.db.transaction { db in
            var batch: [InterventionModel] = []
            for (n, w) in works.enumerated() {
                let period = try WorkPeriod(start: .instant(Date(timeIntervalSince1970: TimeInterval(w.start))),
                                            end: .instant(Date(timeIntervalSince1970: TimeInterval(w.end))))
                let c = CheckedIntervention(
                    title: "Intervention d'essai \(n)", details: "", kind: WorkKind.allCases[n % 6], status: .planned, visibility: .public,
                    geometry: w.geometry, period: period, startVerified: n % 2 == 0, endVerified: false, roadNames: ["Rue \(n % 300)"],
                    rtss: nil, roadState: .someLanesClosed, lanesClosed: nil, detour: "", municipality: territory.municipality("66023"),
                    applicationNumber: nil, agreementNumber: nil, contactName: "", contactEmail: "", contactPhone: "", externalID: nil)
                let m = InterventionModel()
                m.id = UUID()
                m.version = 1
                m.number = "BENCH-" + String(format: "%06d", n)
                m.$organisation.id = try owner.requireID()
                Works.apply(c, to: m, workingDays: app.workingDays)
                batch.append(m)
                if batch.count == 500 {
                    try await batch.create(on: db)
                    batch = []
                }
            }
            if !batch.isEmpty { try await batch.create(on: db) }
        }
    }

    static func dropBenchWorks(_ app: Application) async throws {
        try await InterventionModel.query(on: app.db).filter(\.$number >= "BENCH-").filter(\.$number < "BENCH.").delete()
    }
}
