import Foundation

/// Two works near each other in space and time: a conflict when their periods overlap, an
/// opportunity when they do not but lie within the chosen number of days of each other.
public struct WorkPair: Hashable, Sendable, Comparable {
    public let first: Int32
    public let second: Int32
    public let overlapping: Bool

    public init(_ a: Int32, _ b: Int32, overlapping: Bool) {
        first = min(a, b)
        second = max(a, b)
        self.overlapping = overlapping
    }

    public static func < (l: WorkPair, r: WorkPair) -> Bool { (l.first, l.second) < (r.first, r.second) }
}

/// What makes two works a pair.
public struct PairRule: Sendable, Equatable {
    /// Metres between the two shapes at most (50 by default).
    public var distance: Double
    /// Days between the end of one and the start of the other for an opportunity; `nil` finds
    /// conflicts only (overlapping periods).
    public var opportunityDays: Int?

    public init(distance: Double = 50, opportunityDays: Int? = 365) {
        self.distance = distance
        self.opportunityDays = opportunityDays
    }

    /// Works that ended this many days ago still count (a trench just closed is an opportunity missed
    /// or a pavement to protect).
    public static let recentlyEndedDays = 30

    /// Seconds added to the earlier work's end: the later one must start before it.
    var slack: Int64 { opportunityDays.map { Int64($0) * 86_400 + 1 } ?? 0 }

    /// Whether two periods are close enough, and whether they overlap.
    @inline(__always)
    func periods(_ s1: Int64, _ e1: Int64, _ s2: Int64, _ e2: Int64) -> (near: Bool, overlapping: Bool) {
        let overlapping = s1 < e2 && s2 < e1
        if overlapping { return (true, true) }
        let slack = self.slack
        return (s1 < e2 + slack && s2 < e1 + slack, false)
    }
}

/// Every pair among a set of works, by a uniform grid over space with each cell's works in order
/// of start, so that time cuts the scan short before any distance is computed:
///
/// 1. each work's box, grown by half the distance on every side, is entered in every cell it
///    covers (a cell is at least the distance wide, and there are at most about four cells a
///    work); the grid is swept row by row, so only one row's cells are ever in memory;
/// 2. works go into the cells in order of start (a radix sort), so within a cell the scan from a
///    work stops at the first later work that starts after the first one ends (plus the
///    opportunity window);
/// 3. a pair whose grown boxes meet is examined once only: in the cell holding the lower-left
///    corner of the two boxes' intersection (integer cell numbers, no floating-point doubt);
/// 4. only then is the exact distance between the shapes measured.
public enum ConflictDetector {
    public static func pairs(in f: Footprints, rule: PairRule, cellSize: Double? = nil, threads: Int = 1) -> [WorkPair] {
        let n = f.count
        guard n > 1 else { return [] }
        let half = rule.distance / 2
        var ox = Double.infinity, oy = Double.infinity, ex = -Double.infinity, ey = -Double.infinity
        var extent = 0.0
        for i in 0..<n {
            ox = min(ox, f.minX[i] - half); oy = min(oy, f.minY[i] - half)
            ex = max(ex, f.maxX[i] + half); ey = max(ey, f.maxY[i] + half)
            extent += max(f.maxX[i] - f.minX[i], f.maxY[i] - f.minY[i])
        }
        // A cell about the size of a typical work grown by the distance, never smaller than it,
        // and never so small that the grid has more than about four cells a work (very
        // spread-out sets get larger cells: the time order keeps a crowded cell's scan short).
        var size = cellSize ?? max(rule.distance * 2, extent / Double(n) + rule.distance)
        func cells(_ size: Double) -> Double { ((ex - ox) / size + 1) * ((ey - oy) / size + 1) }
        while cells(size) > Double(4 * n + 4096) { size *= 1.25 }
        let cell = size
        let nx = Int(((ex - ox) / cell).rounded(.down)) + 1
        let ny = Int(((ey - oy) / cell).rounded(.down)) + 1

        // Cell ranges of every work, and how many rows each row of the grid holds.
        var cx0 = [Int32](repeating: 0, count: n), cy0 = cx0, cx1 = cx0, cy1 = cx0
        var rowStart = [Int32](repeating: 0, count: ny + 1)
        var home = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let a = Int32(((f.minX[i] - half - ox) / cell).rounded(.down))
            let b = Int32(((f.minY[i] - half - oy) / cell).rounded(.down))
            let c = Int32(((f.maxX[i] + half - ox) / cell).rounded(.down))
            let d = Int32(((f.maxY[i] + half - oy) / cell).rounded(.down))
            cx0[i] = a; cy0[i] = b; cx1[i] = c; cy1[i] = d
            home[i] = b
            for y in b...d { rowStart[Int(y) + 1] += 1 }
        }
        for y in 0..<ny { rowStart[y + 1] += rowStart[y] }

        // Works renumbered row by row (their first row), and what the scan reads of each work in one
        // record: a row's works are then near each other in memory.
        let spatial = orderByBucket(home, buckets: ny)
        // The shapes as the footprints keep them side by side (copying them in row order was
        // measured slower at 100,000 and at 1,000,000 works: the records below carry the locality).
        let packed = PackedShapes(f)
        let low = f.start.min()!
        let slack = rule.slack
        var rank = [Int32](repeating: 0, count: n)
        var records = [Entry](repeating: Entry(), count: n)
        for (r, i) in spatial.enumerated() {
            rank[i] = Int32(r)
            records[r] = Entry(start: relative(f.start[i], low), end: relative(f.end[i], low),
                               limit: relative(f.end[i] + slack, low), cx0: cx0[i], cy0: cy0[i], cx1: cx1[i],
                               x0: Float(f.minX[i] - ox) - 0.05, y0: Float(f.minY[i] - oy) - 0.05,
                               x1: Float(f.maxX[i] - ox) + 0.05, y1: Float(f.maxY[i] - oy) + 0.05,
                               item: Int32(i), shape: UInt32(packed.offset[i]))
        }

        // Each row's works in order of start.
        var rowItems = [Int32](repeating: 0, count: Int(rowStart[ny]))
        var rowFill = rowStart
        for i in orderByStart(f) {
            for y in cy0[i]...cy1[i] {
                rowItems[Int(rowFill[Int(y)])] = rank[i]
                rowFill[Int(y)] += 1
            }
        }

        // Row after row: the row's works go into its cells (still in order of start), each with
        // what the scan reads side by side (times, cells, box), so that the scan walks memory in
        // order in a buffer that stays in the cache; the shapes are read only for the few that
        // pass. Rows are independent: with several threads, each takes bands of rows of its own.
        let d2 = rule.distance * rule.distance
        let reach = Float(rule.distance)
        let scan = RowScan(rowStart: rowStart, rowItems: rowItems, records: records, shapes: packed.values, nx: nx, d2: d2, reach: reach)
        let threads = max(1, min(threads, 16))
        if threads == 1 || ny < 64 { return scan.pairs(rows: 0..<ny) }
        let bands = threads * 8
        let results = Bands(count: bands)
        DispatchQueue.concurrentPerform(iterations: bands) { band in
            results.set(band, scan.pairs(rows: (band * ny / bands)..<((band + 1) * ny / bands)))
        }
        return results.joined()
    }

    /// Each band's pairs, written by the band's own thread.
    final class Bands: @unchecked Sendable {
        private var parts: [[WorkPair]]
        init(count: Int) { parts = Array(repeating: [], count: count) }
        func set(_ band: Int, _ pairs: [WorkPair]) { parts.withUnsafeMutableBufferPointer { $0[band] = pairs } }
        func joined() -> [WorkPair] { parts.flatMap { $0 } }
    }

    /// The scan of a band of rows over the grid built above (read only: bands run at once).
    struct RowScan: @unchecked Sendable {
        let rowStart: [Int32]
        let rowItems: [Int32]
        let records: [Entry]
        let shapes: [Double]
        let nx: Int
        let d2: Double
        let reach: Float

        func pairs(rows: Range<Int>) -> [WorkPair] {
            var found: [WorkPair] = []
            var cellStart = [Int32](repeating: 0, count: nx + 2)
            var rowEntries: [Entry] = []
            shapes.withUnsafeBufferPointer { shapes in
                for y in rows {
                    let lo = Int(rowStart[y]), hi = Int(rowStart[y + 1])
                    guard hi - lo > 1 else { continue }
                    var left = Int32.max, right = Int32.min, count = 0
                    for k in lo..<hi {
                        let e = records[Int(rowItems[k])]
                        left = min(left, e.cx0); right = max(right, e.cx1)
                        for x in e.cx0...e.cx1 { cellStart[Int(x) + 1] += 1 }
                        count += Int(e.cx1 - e.cx0) + 1
                    }
                    for x in Int(left)...Int(right) { cellStart[x + 1] += cellStart[x] }
                    if rowEntries.count < count { rowEntries = [Entry](repeating: Entry(), count: max(count, rowEntries.count * 2)) }
                    rowEntries.withUnsafeMutableBufferPointer { entries in
                        for k in lo..<hi {
                            let e = records[Int(rowItems[k])]
                            for x in e.cx0...e.cx1 {
                                entries[Int(cellStart[Int(x)])] = e
                                cellStart[Int(x)] += 1
                            }
                        }
                        // Filling moved each cell's start to the next cell's: the cell x runs from
                        // cellStart[x - 1] (0 for the leftmost) to cellStart[x].
                        var from = 0
                        for x in Int(left)...Int(right) {
                            let to = Int(cellStart[x])
                            defer { from = to }
                            guard to - from > 1 else { continue }
                            let cellX = Int32(x), cellY = Int32(y)
                            for p in from..<(to - 1) {
                                let a = entries[p]
                                for q in (p + 1)..<to {
                                    let c = entries[q]
                                    if c.start >= a.limit { break }
                                    // Boxes within the distance (in metres, a little generous)…
                                    if c.x0 - a.x1 > reach || a.x0 - c.x1 > reach || c.y0 - a.y1 > reach || a.y0 - c.y1 > reach { continue }
                                    // …and this cell holds the lower-left corner of their grown boxes'
                                    // intersection (boxes that do not meet are farther apart than the
                                    // distance, and the exact test below turns them away).
                                    if max(a.cx0, c.cx0) != cellX || max(a.cy0, c.cy0) != cellY { continue }
                                    if PackedShapes.within(shapes, Int(a.shape), Int(c.shape), d2) {
                                        found.append(WorkPair(a.item, c.item, overlapping: c.start < a.end && a.start < c.end))
                                    }
                                }
                            }
                        }
                    }
                    for x in Int(left)...(Int(right) + 1) { cellStart[x] = 0 }
                }
            }
            return found
        }
    }

    @inline(__always)
    static func relative(_ t: Int64, _ low: Int64) -> UInt32 { UInt32(clamping: max(0, t - low)) }

    /// One work in one cell, as the scan reads it.
    struct Entry: Sendable {
        var start: UInt32 = 0, end: UInt32 = 0, limit: UInt32 = 0
        var cx0: Int32 = 0, cy0: Int32 = 0, cx1: Int32 = 0
        var x0: Float = 0, y0: Float = 0, x1: Float = 0, y1: Float = 0
        var item: Int32 = 0
        var shape: UInt32 = 0
    }

    /// Indices by bucket (a counting sort).
    static func orderByBucket(_ home: [Int32], buckets: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: buckets + 1)
        for b in home { counts[Int(b) + 1] += 1 }
        for b in 0..<buckets { counts[b + 1] += counts[b] }
        var order = [Int](repeating: 0, count: home.count)
        for (i, b) in home.enumerated() {
            order[counts[Int(b)]] = i
            counts[Int(b)] += 1
        }
        return order
    }

    /// Indices in order of start: a two-pass radix sort on 16-bit digits when the starts span
    /// less than 136 years, the standard sort otherwise.
    static func orderByStart(_ f: Footprints) -> [Int] {
        let n = f.count
        guard let low = f.start.min(), let high = f.start.max() else { return [] }
        guard high - low < Int64(UInt32.max) else { return (0..<n).sorted { f.start[$0] < f.start[$1] } }
        var keys = [UInt32](repeating: 0, count: n)
        for i in 0..<n { keys[i] = UInt32(f.start[i] - low) }
        var order = Array(0..<n), scratch = order
        for shift in [0, 16] as [UInt32] {
            var counts = [Int](repeating: 0, count: 65_537)
            for i in 0..<n { counts[Int((keys[i] >> shift) & 0xFFFF) + 1] += 1 }
            for d in 0..<65_536 { counts[d + 1] += counts[d] }
            for i in order {
                let d = Int((keys[i] >> shift) & 0xFFFF)
                scratch[counts[d]] = i
                counts[d] += 1
            }
            swap(&order, &scratch)
        }
        return order
    }

    /// Every pair by comparing each work with every other: the oracle the tests hold the grid to.
    public static func bruteForce(in f: Footprints, rule: PairRule) -> [WorkPair] {
        var found: [WorkPair] = []
        let d2 = rule.distance * rule.distance, reach = rule.distance
        let (x0, y0, x1, y1) = (f.minX, f.minY, f.maxX, f.maxY)
        for i in 0..<f.count {
            for j in (i + 1)..<max(i + 1, f.count) {
                if x0[j] - x1[i] > reach || x0[i] - x1[j] > reach || y0[j] - y1[i] > reach || y0[i] - y1[j] > reach { continue }
                let t = rule.periods(f.start[i], f.end[i], f.start[j], f.end[j])
                guard t.near else { continue }
                if f.within(i, j, distanceSquared: d2) { found.append(WorkPair(Int32(i), Int32(j), overlapping: t.overlapping)) }
            }
        }
        return found
    }
}
