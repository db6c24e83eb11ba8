import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit
import Vapor

/// The server's live index of the works that can still meet another (`PasserelleCore.WorksIndex`):
/// loaded from the database when the server starts, checked by every save before it commits, and
/// changed once the save has committed. One process holds it (as the territory directory).
final class WorksDetection: Sendable {
    struct State {
        var index = WorksIndex()
        var slot: [UUID: Int32] = [:]
        var work: [Int32: UUID] = [:]
    }

    private let state = NIOLockedValueBox(State())
    private let changes = NIOLockedValueBox(0)

    /// Moves at every save this instance commits and at every reload: what the public map's
    /// cached answers are keyed by (`WorksPages.geojson`).
    var revision: Int { changes.withLockedValue { $0 } }

    /// The public answers kept until the next change.
    let publicAnswers = ResponseCache(capacity: 256)

    /// Conflicts and opportunities: 50 m, a year between the works (Settings).
    let rule: PairRule

    init(rule: PairRule = PairRule()) { self.rule = rule }

    /// Whether a work takes part in detection: not cancelled, and not ended more than a month ago.
    static func counts(_ status: WorkStatus, endSeconds: Int64, now: Date = Date()) -> Bool {
        status.isDetected && endSeconds >= Int64(now.timeIntervalSince1970) - Int64(PairRule.recentlyEndedDays) * 86_400
    }

    /// Reads every work that counts.
    func load(on db: any Database, now: Date = Date()) async throws {
        let since = Int64(now.timeIntervalSince1970) - Int64(PairRule.recentlyEndedDays) * 86_400
        let rows = try await db.sql.raw("""
            SELECT id, geometry, start_s, end_s FROM works_interventions WHERE status <> 'cancelled' AND end_s >= \(bind: since)
            """).all()
        var fresh = State()
        for row in rows {
            guard let id = try? row.decode(column: "id", as: UUID.self),
                  let geometry = try? Geometry(geoJSON: row.decode(column: "geometry", as: String.self)) else { continue }
            let slot = fresh.index.insert(geometry, start: try row.decode(column: "start_s", as: Int64.self),
                                          end: try row.decode(column: "end_s", as: Int64.self))
            fresh.slot[id] = slot
            fresh.work[slot] = id
        }
        state.withLockedValue { $0 = fresh }
        changes.withLockedValue { $0 += 1 }
    }

    var count: Int { state.withLockedValue { $0.index.liveCount } }

    /// The works that would pair with this one (itself excluded), without changing the index.
    func matches(for id: UUID, geometry: Geometry, start: Int64, end: Int64) -> [(work: UUID, overlapping: Bool)] {
        state.withLockedValue { s in
            s.index.matches(of: geometry, start: start, end: end, rule: rule, excluding: s.slot[id])
                .compactMap { m in s.work[m.slot].map { ($0, m.overlapping) } }
        }
    }

    /// After a save has committed: the work's new shape and period, or out of the index.
    func place(_ id: UUID, geometry: Geometry?, start: Int64, end: Int64) {
        changes.withLockedValue { $0 += 1 }
        state.withLockedValue { s in
            if let old = s.slot.removeValue(forKey: id) {
                s.index.remove(old)
                s.work[old] = nil
            }
            guard let geometry else { return }
            let slot = s.index.insert(geometry, start: start, end: end)
            s.slot[id] = slot
            s.work[slot] = id
            // Rebuild when removed works take more room than the live ones.
            if s.index.footprints.count > 2 * s.index.liveCount + 1_024 {
                var compact = State()
                for (work, old) in s.slot {
                    let parts = s.index.footprints.planarParts(Int(old))
                    let kind = s.index.footprints.kindOf(Int(old))
                    let new = compact.index.insert(kind: kind, parts: parts, start: s.index.footprints.start[Int(old)],
                                                   end: s.index.footprints.end[Int(old)])
                    compact.slot[work] = new
                    compact.work[new] = work
                }
                s = compact
            }
        }
    }

    /// Every pair among the works in the index, by the batch detector (`passerelle works conflicts`).
    func allPairs(rule: PairRule) -> [(UUID, UUID, Bool)] {
        state.withLockedValue { s in
            s.index.allPairs(rule: rule, threads: ProcessInfo.processInfo.activeProcessorCount).compactMap { p in
                guard let a = s.work[p.first], let b = s.work[p.second] else { return nil }
                return (a, b, p.overlapping)
            }
        }
    }
}

extension Application {
    /// Reads the live index again every five minutes: works saved by another instance (on a shared
    /// PostgreSQL) become known, and works ended more than a month ago leave it.
    func startWorksRefresh() {
        let app = self
        repeatEvery(.seconds(300), after: .seconds(300)) {
            do { try await app.worksDetection.load(on: app.db) } catch { app.logger.warning("works index reload failed: \(error)") }
        }
    }

    private struct WorksDetectionKey: StorageKey { typealias Value = WorksDetection }

    /// The live index of works (see `WorksDetection`), set up by `configure`.
    var worksDetection: WorksDetection {
        get {
            if let existing = storage[WorksDetectionKey.self] { return existing }
            let made = WorksDetection()
            storage[WorksDetectionKey.self] = made
            return made
        }
        set { storage[WorksDetectionKey.self] = newValue }
    }
}
