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
        enter(footprints.append(geometry, start: start, end: end))
    }

    /// Adds a work already in metres; returns its slot.
    @discardableResult
    public mutating func insert(kind: Footprints.Kind, parts: [[PlanarPoint]], start: Int64, end: Int64) -> Int32 {
        enter(footprints.append(kind: kind, parts: parts, start: start, end: end))
    }

    private mutating func enter(_ slot: Int) -> Int32 {
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
        guard isLive(slot) else { return [] }
        return candidates(near: footprints, Int(slot), rule: rule, skipping: slot).map { WorkPair(slot, $0.slot, overlapping: $0.overlapping) }
    }

    /// The live works that would make a pair with this work, without adding it (what a save checks
    /// before it commits); `excluding` is the work's own slot when it is already in.
    public mutating func matches(of geometry: Geometry, start: Int64, end: Int64, rule: PairRule,
                                 excluding: Int32? = nil) -> [(slot: Int32, overlapping: Bool)] {
        var probe = Footprints()
        probe.append(geometry, start: start, end: end)
        return candidates(near: probe, 0, rule: rule, skipping: excluding)
    }

    private mutating func candidates(near probe: Footprints, _ p: Int, rule: PairRule,
                                     skipping: Int32?) -> [(slot: Int32, overlapping: Bool)] {
        stamp &+= 1
        if stamp == 0 { seen = [UInt32](repeating: 0, count: seen.count); stamp = 1 }
        if let skipping, Int(skipping) < seen.count { seen[Int(skipping)] = stamp }
        let f = footprints
        let d2 = rule.distance * rule.distance
        var found: [(slot: Int32, overlapping: Bool)] = []
        let b = probe.box(p)
        let g = rule.distance
        let x0 = Int32(((b.minX - g) / cellSize).rounded(.down)), y0 = Int32(((b.minY - g) / cellSize).rounded(.down))
        let x1 = Int32(((b.maxX + g) / cellSize).rounded(.down)), y1 = Int32(((b.maxY + g) / cellSize).rounded(.down))
        let (s1, e1) = (probe.start[p], probe.end[p])
        probe.xs.withUnsafeBufferPointer { px in
        probe.ys.withUnsafeBufferPointer { py in
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
                        if f.minX[o] - b.maxX > g || b.minX - f.maxX[o] > g || f.minY[o] - b.maxY > g || b.minY - f.maxY[o] > g { continue }
                        if Footprints.within(p, probe, px, py, o, f, xs, ys, d2) { found.append((other, t.overlapping)) }
                    }
                }
            }
        }}}}
        return found
    }

    /// Every pair among the live works (the batch detector over the live slots).
    public func allPairs(rule: PairRule, threads: Int = 1) -> [WorkPair] {
        let (compact, slots) = compactFootprints()
        return ConflictDetector.pairs(in: compact, rule: rule, threads: threads).map {
            WorkPair(slots[Int($0.first)], slots[Int($0.second)], overlapping: $0.overlapping)
        }
    }

    /// The live works' columns without the empty slots, and the slot each came from.
    public func compactFootprints() -> (Footprints, [Int32]) {
        var out = Footprints()
        var slots: [Int32] = []
        for s in 0..<footprints.count where alive[s] {
            out.append(kind: footprints.kindOf(s), parts: footprints.planarParts(s),
                       start: footprints.start[s], end: footprints.end[s])
            slots.append(Int32(s))
        }
        return (out, slots)
    }
}
