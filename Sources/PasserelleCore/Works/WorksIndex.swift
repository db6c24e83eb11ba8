import Foundation

/// The live index the server keeps of every work that can still meet another (not cancelled,
/// not ended more than a month ago): a hash of grid cells to the works whose boxes cover them,
/// changed as works are saved, so that one saved work is checked against all the others at once.
///
/// Works are known by a slot; a changed work gets a new slot and its old one is left empty
/// (`compacted()` rebuilds the columns when too many are).
public struct WorksIndex: Sendable {
    public let cellSize: Double
    public private(set) var footprints = Footprints()
    private var cells: [UInt64: [Int32]] = [:]
    private var alive: [Bool] = []
    private var seen: [UInt32] = []
    private var stamp: UInt32 = 0
    public private(set) var liveCount = 0

    /// 200 m cells: a 350 m street segment grown by 50 m covers about nine.
    public init(cellSize: Double = 200) {
        self.cellSize = cellSize
    }

    @inline(__always)
    private func key(_ x: Int32, _ y: Int32) -> UInt64 { UInt64(UInt32(bitPattern: x)) << 32 | UInt64(UInt32(bitPattern: y)) }

    private func range(_ slot: Int, grownBy g: Double) -> (Int32, Int32, Int32, Int32) {
        let b = footprints.box(slot)
        return (Int32(((b.minX - g) / cellSize).rounded(.down)), Int32(((b.minY - g) / cellSize).rounded(.down)),
                Int32(((b.maxX + g) / cellSize).rounded(.down)), Int32(((b.maxY + g) / cellSize).rounded(.down)))
    }

    /// Adds a work; returns its slot.
    @discardableResult
    public mutating func insert(_ geometry: Geometry, start: Int64, end: Int64) -> Int32 {
        let slot = footprints.append(geometry, start: start, end: end)
        alive.append(true)
        seen.append(0)
        liveCount += 1
        let (x0, y0, x1, y1) = range(slot, grownBy: 0)
        for y in y0...y1 { for x in x0...x1 { cells[key(x, y), default: []].append(Int32(slot)) } }
        return Int32(slot)
    }

    /// Takes a work out (its slot is never given again).
    public mutating func remove(_ slot: Int32) {
        let s = Int(slot)
        guard s < alive.count, alive[s] else { return }
        alive[s] = false
        liveCount -= 1
        let (x0, y0, x1, y1) = range(s, grownBy: 0)
        for y in y0...y1 {
            for x in x0...x1 {
                let k = key(x, y)
                cells[k]?.removeAll { $0 == slot }
                if cells[k]?.isEmpty == true { cells[k] = nil }
            }
        }
    }

    public func isLive(_ slot: Int32) -> Bool { Int(slot) < alive.count && alive[Int(slot)] }

    /// Every live work that makes a pair with the work in `slot` under the rule.
    public mutating func matches(of slot: Int32, rule: PairRule) -> [WorkPair] {
        let s = Int(slot)
        guard isLive(slot) else { return [] }
        stamp &+= 1
        if stamp == 0 { seen = [UInt32](repeating: 0, count: seen.count); stamp = 1 }
        seen[s] = stamp
        let f = footprints
        let d2 = rule.distance * rule.distance
        var found: [WorkPair] = []
        let (x0, y0, x1, y1) = range(s, grownBy: rule.distance)
        let (s1, e1) = (f.start[s], f.end[s])
        let b = f.box(s)
        f.xs.withUnsafeBufferPointer { xs in
            f.ys.withUnsafeBufferPointer { ys in
                for y in y0...y1 {
                    for x in x0...x1 {
                        guard let list = cells[key(x, y)] else { continue }
                        for other in list {
                            let o = Int(other)
                            guard seen[o] != stamp else { continue }
                            seen[o] = stamp
                            let t = rule.periods(s1, e1, f.start[o], f.end[o])
                            guard t.near else { continue }
                            if f.minX[o] - b.maxX > rule.distance || b.minX - f.maxX[o] > rule.distance
                                || f.minY[o] - b.maxY > rule.distance || b.minY - f.maxY[o] > rule.distance { continue }
                            if Footprints.within(s, o, d2, f, xs, ys) {
                                found.append(WorkPair(slot, other, overlapping: t.overlapping))
                            }
                        }
                    }
                }
            }
        }
        return found
    }

    /// Every pair among the live works (the batch detector over the live slots).
    public func allPairs(rule: PairRule) -> [WorkPair] {
        let (compact, slots) = compactFootprints()
        return ConflictDetector.pairs(in: compact, rule: rule).map {
            WorkPair(slots[Int($0.first)], slots[Int($0.second)], overlapping: $0.overlapping)
        }
    }

    /// The live works' columns without the empty slots, and the slot each came from.
    public func compactFootprints() -> (Footprints, [Int32]) {
        var out = Footprints()
        var slots: [Int32] = []
        for s in 0..<footprints.count where alive[s] {
            out.append(kind: Footprints.Kind(rawValue: footprints.kind[s])!, parts: footprints.planarParts(s),
                       start: footprints.start[s], end: footprints.end[s])
            slots.append(Int32(s))
        }
        return (out, slots)
    }
}
