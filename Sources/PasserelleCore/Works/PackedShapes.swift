import Foundation

/// Works' shapes in one array, each as `[kind, parts, length of each part, x, y, x, y…]` (a point
/// is `[0, 1, 1, x, y]`), as `Footprints` keeps them: what the detector's exact test reads, one
/// work's numbers on one or two cache lines.
struct PackedShapes {
    let values: [Double]
    /// Where each work (by its index in the footprints) starts in `values`.
    let offset: [Int32]

    /// The footprints' own copy, in the order they were added.
    init(_ f: Footprints) {
        values = f.packed
        offset = f.packedAt
    }

    /// Whether the works at offsets `a` and `b` come within √`d2` metres (0 when they touch,
    /// cross, or one lies inside the other's polygon).
    @inline(__always)
    static func within(_ v: UnsafeBufferPointer<Double>, _ a: Int, _ b: Int, _ d2: Double) -> Bool {
        let ka = v[a], kb = v[b]
        if ka == 0 && kb == 0 {
            let dx = v[a + 3] - v[b + 3], dy = v[a + 4] - v[b + 4]
            return dx * dx + dy * dy <= d2
        }
        let reach = d2.squareRoot()
        let pa = Int(v[a + 1]), pb = Int(v[b + 1])
        var startA = a + 2 + pa
        for i in 0..<pa {
            let lengthA = Int(v[a + 2 + i])
            var startB = b + 2 + pb
            for j in 0..<pb {
                let lengthB = Int(v[b + 2 + j])
                if polylinesWithin(v, startA, lengthA, startB, lengthB, d2, reach) { return true }
                startB += 2 * lengthB
            }
            startA += 2 * lengthA
        }
        if kb == 2, inside(v, v[a + 2 + pa], v[a + 3 + pa], b) { return true }
        if ka == 2, inside(v, v[b + 2 + pb], v[b + 3 + pb], a) { return true }
        return false
    }

    @inline(__always)
    static func polylinesWithin(_ v: UnsafeBufferPointer<Double>, _ a: Int, _ na: Int, _ b: Int, _ nb: Int,
                                _ d2: Double, _ reach: Double) -> Bool {
        let lastA = max(0, na - 2), lastB = max(0, nb - 2)
        for s in 0...lastA {
            let p = a + 2 * s, q = na == 1 ? p : p + 2
            let px = v[p], py = v[p + 1], qx = v[q], qy = v[q + 1]
            for u in 0...lastB {
                let r = b + 2 * u, t = nb == 1 ? r : r + 2
                if Footprints.segmentsWithin(px, py, qx, qy, v[r], v[r + 1], v[t], v[t + 1], d2, reach) { return true }
            }
        }
        return false
    }

    /// Even–odd rule over every ring of the polygon at offset `o`.
    static func inside(_ v: UnsafeBufferPointer<Double>, _ x: Double, _ y: Double, _ o: Int) -> Bool {
        let parts = Int(v[o + 1])
        var at = o + 2 + parts
        var inside = false
        for k in 0..<parts {
            let count = Int(v[o + 2 + k])
            var prev = at + 2 * (count - 1)
            for c in 0..<count {
                let cur = at + 2 * c
                let yi = v[cur + 1], yj = v[prev + 1]
                if (yi > y) != (yj > y) {
                    let xCross = v[cur] + (y - yi) * (v[prev] - v[cur]) / (yj - yi)
                    if x < xCross { inside.toggle() }
                }
                prev = cur
            }
            at += 2 * count
        }
        return inside
    }
}
