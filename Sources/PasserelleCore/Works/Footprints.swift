import Foundation

/// Works' shapes in metres (Québec Lambert) and their periods, kept as columns so that the
/// detector reads them without allocating: what the space-time index is built on.
///
/// A work's period is half-open, in seconds since 1970 UTC: `start ..< end`.
public struct Footprints: Sendable {
    public enum Kind: UInt8, Sendable { case point = 0, lines = 1, polygon = 2 }

    public private(set) var count = 0
    public private(set) var start: [Int64] = []
    public private(set) var end: [Int64] = []
    var kind: [UInt8] = []
    var minX: [Double] = [], minY: [Double] = [], maxX: [Double] = [], maxY: [Double] = []
    /// Item `i`'s parts are `parts[partStart[i] ..< partStart[i + 1]]`; part `k` starts at
    /// `parts[k]` in `xs`/`ys` and ends where the next part starts (or at `coordEnd[i]`).
    var partStart: [Int32] = [0]
    var parts: [Int32] = []
    var coordEnd: [Int32] = []
    var xs: [Double] = [], ys: [Double] = []
    /// The same shapes as the detector's exact test reads them (`PackedShapes`): item `i` at
    /// `packed[packedAt[i]...]`.
    var packed: [Double] = []
    var packedAt: [Int32] = []

    public init() {}

    public mutating func reserveCapacity(_ n: Int, positions: Int) {
        for keyPath in [\Footprints.minX, \.minY, \.maxX, \.maxY] { self[keyPath: keyPath].reserveCapacity(n) }
        start.reserveCapacity(n); end.reserveCapacity(n); kind.reserveCapacity(n)
        partStart.reserveCapacity(n + 1); parts.reserveCapacity(n); coordEnd.reserveCapacity(n)
        xs.reserveCapacity(positions); ys.reserveCapacity(positions)
        packed.reserveCapacity(2 * n + n + 2 * positions); packedAt.reserveCapacity(n)
    }

    /// Adds a work by its WGS 84 geometry, projected here; returns its index.
    @discardableResult
    public mutating func append(_ geometry: Geometry, start: Int64, end: Int64) -> Int {
        let kind: Kind = switch geometry {
        case .point: .point
        case .lineString, .multiLineString: .lines
        case .polygon: .polygon
        }
        return append(kind: kind, parts: geometry.parts.map { $0.map(QuebecLambert.project) }, start: start, end: end)
    }

    /// Adds a work already in metres.
    @discardableResult
    public mutating func append(kind: Kind, parts newParts: [[PlanarPoint]], start: Int64, end: Int64) -> Int {
        var x0 = Double.infinity, y0 = Double.infinity, x1 = -Double.infinity, y1 = -Double.infinity
        packedAt.append(Int32(packed.count))
        packed.append(Double(kind.rawValue))
        packed.append(Double(newParts.count))
        for part in newParts { packed.append(Double(part.count)) }
        for part in newParts { for p in part { packed.append(p.x); packed.append(p.y) } }
        for part in newParts {
            parts.append(Int32(xs.count))
            for p in part {
                xs.append(p.x); ys.append(p.y)
                x0 = min(x0, p.x); x1 = max(x1, p.x); y0 = min(y0, p.y); y1 = max(y1, p.y)
            }
        }
        partStart.append(Int32(parts.count))
        coordEnd.append(Int32(xs.count))
        minX.append(x0); minY.append(y0); maxX.append(x1); maxY.append(y1)
        self.kind.append(kind.rawValue)
        self.start.append(start)
        self.end.append(end)
        count += 1
        return count - 1
    }

    /// The box of item `i` in metres.
    public func box(_ i: Int) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        (minX[i], minY[i], maxX[i], maxY[i])
    }

    public func kindOf(_ i: Int) -> Kind { Kind(rawValue: kind[i])! }

    /// Item `i`'s parts in metres (for drawing).
    public func planarParts(_ i: Int) -> [[PlanarPoint]] {
        let first = Int(partStart[i]), last = Int(partStart[i + 1])
        return (first..<last).map { k in
            let from = Int(parts[k]), to = k + 1 < last ? Int(parts[k + 1]) : Int(coordEnd[i])
            return (from..<to).map { PlanarPoint(x: xs[$0], y: ys[$0]) }
        }
    }

    // MARK: - Exact distance

    /// Whether items `i` and `j` come within √`d2` metres of each other (touching, crossing or
    /// one inside a polygon of the other counts as 0).
    public func within(_ i: Int, _ j: Int, distanceSquared d2: Double) -> Bool {
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                Footprints.within(i, self, xs, ys, j, self, xs, ys, d2)
            }
        }
    }

    /// Whether item `i` of `fa` and item `j` of `fb` come within √`d2` metres (the coordinates of
    /// each given as buffers the caller already holds).
    static func within(_ i: Int, _ fa: Footprints, _ xa: UnsafeBufferPointer<Double>, _ ya: UnsafeBufferPointer<Double>,
                       _ j: Int, _ fb: Footprints, _ xb: UnsafeBufferPointer<Double>, _ yb: UnsafeBufferPointer<Double>,
                       _ d2: Double) -> Bool {
        let ki = fa.kind[i], kj = fb.kind[j]
        let iFirst = Int(fa.partStart[i]), iLast = Int(fa.partStart[i + 1])
        let jFirst = Int(fb.partStart[j]), jLast = Int(fb.partStart[j + 1])
        let iEnd = Int(fa.coordEnd[i]), jEnd = Int(fb.coordEnd[j])
        let reach = d2.squareRoot()
        for pi in iFirst..<iLast {
            let a0 = Int(fa.parts[pi]), a1 = pi + 1 < iLast ? Int(fa.parts[pi + 1]) : iEnd
            for pj in jFirst..<jLast {
                let b0 = Int(fb.parts[pj]), b1 = pj + 1 < jLast ? Int(fb.parts[pj + 1]) : jEnd
                if partsWithin(a0, a1, xa, ya, b0, b1, xb, yb, d2, reach) { return true }
            }
        }
        // No boundary within reach: one may still lie inside the other's polygon.
        if ki == 2, inside(xb[Int(fb.parts[jFirst])], yb[Int(fb.parts[jFirst])], iFirst, iLast, iEnd, fa, xa, ya) { return true }
        if kj == 2, inside(xa[Int(fa.parts[iFirst])], ya[Int(fa.parts[iFirst])], jFirst, jLast, jEnd, fb, xb, yb) { return true }
        return false
    }

    /// Whether two polylines (a single position is a point) come within reach.
    static func partsWithin(_ a0: Int, _ a1: Int, _ xa: UnsafeBufferPointer<Double>, _ ya: UnsafeBufferPointer<Double>,
                            _ b0: Int, _ b1: Int, _ xb: UnsafeBufferPointer<Double>, _ yb: UnsafeBufferPointer<Double>,
                            _ d2: Double, _ reach: Double) -> Bool {
        let aLast = max(a0, a1 - 2), bLast = max(b0, b1 - 2)
        for s in a0...aLast {
            let t = a1 - a0 == 1 ? s : s + 1
            let px = xa[s], py = ya[s], qx = xa[t], qy = ya[t]
            for u in b0...bLast {
                let v = b1 - b0 == 1 ? u : u + 1
                if segmentsWithin(px, py, qx, qy, xb[u], yb[u], xb[v], yb[v], d2, reach) { return true }
            }
        }
        return false
    }

    /// Whether segments PQ and RS come within √`d2` (either may be a single point).
    @inline(__always)
    static func segmentsWithin(_ px: Double, _ py: Double, _ qx: Double, _ qy: Double,
                               _ rx: Double, _ ry: Double, _ sx: Double, _ sy: Double,
                               _ d2: Double, _ reach: Double) -> Bool {
        // Boxes farther apart than the distance cannot be within it.
        if min(px, qx) - max(rx, sx) > reach || min(rx, sx) - max(px, qx) > reach
            || min(py, qy) - max(ry, sy) > reach || min(ry, sy) - max(py, qy) > reach { return false }
        if pointSegment(px, py, rx, ry, sx, sy) <= d2 || pointSegment(qx, qy, rx, ry, sx, sy) <= d2
            || pointSegment(rx, ry, px, py, qx, qy) <= d2 || pointSegment(sx, sy, px, py, qx, qy) <= d2 {
            return true
        }
        // Far at every end: within reach only if they cross.
        let d1 = cross(rx, ry, sx, sy, px, py), d2s = cross(rx, ry, sx, sy, qx, qy)
        let d3 = cross(px, py, qx, qy, rx, ry), d4 = cross(px, py, qx, qy, sx, sy)
        return ((d1 > 0 && d2s < 0) || (d1 < 0 && d2s > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
    }

    @inline(__always)
    static func cross(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Double {
        (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    }

    /// The squared distance from P to segment AB.
    @inline(__always)
    static func pointSegment(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
        let vx = bx - ax, vy = by - ay
        let wx = px - ax, wy = py - ay
        let length2 = vx * vx + vy * vy
        var t = length2 > 0 ? (wx * vx + wy * vy) / length2 : 0
        t = min(1, max(0, t))
        let dx = wx - t * vx, dy = wy - t * vy
        return dx * dx + dy * dy
    }

    /// Even–odd rule over every ring (holes excluded).
    static func inside(_ x: Double, _ y: Double, _ first: Int, _ last: Int, _ end: Int, _ f: Footprints,
                       _ xs: UnsafeBufferPointer<Double>, _ ys: UnsafeBufferPointer<Double>) -> Bool {
        var inside = false
        for k in first..<last {
            let from = Int(f.parts[k]), to = k + 1 < last ? Int(f.parts[k + 1]) : end
            var prev = to - 1
            for cur in from..<to {
                let yi = ys[cur], yj = ys[prev]
                if (yi > y) != (yj > y) {
                    let xCross = xs[cur] + (y - yi) * (xs[prev] - xs[cur]) / (yj - yi)
                    if x < xCross { inside.toggle() }
                }
                prev = cur
            }
        }
        return inside
    }
}
