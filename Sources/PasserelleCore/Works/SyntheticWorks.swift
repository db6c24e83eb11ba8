import Foundation

/// A small, fast, reproducible generator (SplitMix64): the same seed gives the same works on
/// every machine, so tests and benchmarks can be compared.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Made-up works for tests and benchmarks, as the performance target describes them: half
/// lines of up to 350 m, 30 % points, 20 % rectangles of 20–100 m a side, spread over a box the
/// size of the island of Montréal, starting over two years and lasting 1–120 days.
public enum SyntheticWorks {
    /// The island of Montréal's bounding box in Québec Lambert metres (about 40 × 33 km: from
    /// 73.98° W to 73.47° W and 45.40° N to 45.71° N), around the point (−73.72, 45.55).
    public static let montreal: (minX: Double, minY: Double, maxX: Double, maxY: Double) = {
        let centre = QuebecLambert.project(Position(longitude: -73.72, latitude: 45.55))
        return (centre.x - 20_000, centre.y - 16_500, centre.x + 20_000, centre.y + 16_500)
    }()

    /// 2027-01-01T05:00:00Z, local midnight in Québec.
    public static let firstStart: Int64 = 1_798_779_600

    public struct Work: Sendable {
        public let geometry: Geometry
        public let start: Int64
        public let end: Int64
    }

    /// `count` works in WGS 84 (each projected again when appended to footprints).
    public static func works(_ count: Int, seed: UInt64 = 42,
                             area: (minX: Double, minY: Double, maxX: Double, maxY: Double) = montreal) -> [Work] {
        var rng = SplitMix64(seed: seed)
        var out: [Work] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let (parts, kind) = shape(&rng, area)
            let positions = parts.map { $0.map(QuebecLambert.unproject) }
            let geometry: Geometry = switch kind {
            case .point: .point(positions[0][0])
            case .lines: .lineString(positions[0])
            case .polygon: .polygon(positions)
            }
            let (s, e) = period(&rng)
            out.append(Work(geometry: geometry, start: s, end: e))
        }
        return out
    }

    /// The same works straight in metres (no projection): what the detector's benchmark reads.
    public static func footprints(_ count: Int, seed: UInt64 = 42,
                                  area: (minX: Double, minY: Double, maxX: Double, maxY: Double) = montreal) -> Footprints {
        var rng = SplitMix64(seed: seed)
        var f = Footprints()
        f.reserveCapacity(count, positions: count * 3)
        for _ in 0..<count {
            let (parts, kind) = shape(&rng, area)
            let (s, e) = period(&rng)
            f.append(kind: kind, parts: parts, start: s, end: e)
        }
        return f
    }

    static func period(_ rng: inout SplitMix64) -> (Int64, Int64) {
        let startDay = Int64.random(in: 0..<730, using: &rng)
        let days = Int64.random(in: 1...120, using: &rng)
        let s = firstStart + startDay * 86_400
        return (s, s + days * 86_400)
    }

    static func shape(_ rng: inout SplitMix64, _ area: (minX: Double, minY: Double, maxX: Double, maxY: Double))
        -> ([[PlanarPoint]], Footprints.Kind) {
        let x = Double.random(in: area.minX..<area.maxX, using: &rng)
        let y = Double.random(in: area.minY..<area.maxY, using: &rng)
        let roll = Double.random(in: 0..<1, using: &rng)
        if roll < 0.5 {
            // A street segment of 20–350 m, in one to three legs.
            let length = Double.random(in: 20...350, using: &rng)
            let legs = Int.random(in: 1...3, using: &rng)
            var heading = Double.random(in: 0..<(2 * Double.pi), using: &rng)
            var points = [PlanarPoint(x: x, y: y)]
            for _ in 0..<legs {
                let last = points[points.count - 1]
                let step = length / Double(legs)
                points.append(PlanarPoint(x: last.x + step * cos(heading), y: last.y + step * sin(heading)))
                heading += Double.random(in: -0.6...0.6, using: &rng)
            }
            return ([points], .lines)
        } else if roll < 0.8 {
            return ([[PlanarPoint(x: x, y: y)]], .point)
        } else {
            let w = Double.random(in: 20...100, using: &rng), h = Double.random(in: 20...100, using: &rng)
            let ring = [PlanarPoint(x: x, y: y), PlanarPoint(x: x + w, y: y), PlanarPoint(x: x + w, y: y + h),
                        PlanarPoint(x: x, y: y + h), PlanarPoint(x: x, y: y)]
            return ([ring], .polygon)
        }
    }
}
