import Foundation

/// A point in metres in Québec Lambert (EPSG:32198).
public struct PlanarPoint: Hashable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// EPSG:32198, NAD83 / Québec Lambert: a Lambert conformal conic with two standard parallels
/// (60° N and 46° N), origin 44° N 68.5° W, on the GRS 80 ellipsoid, no false easting or
/// northing. Distances between works are measured in it (the scale error is under 1 % south of
/// 52° N), so the 50 m test is planar. Formulas: Snyder, *Map Projections — A Working Manual*
/// (USGS 1395, 1987), 15-1 to 15-9.
public enum QuebecLambert {
    static let a = 6_378_137.0
    static let f = 1 / 298.257_222_101
    static let e = (2 * f - f * f).squareRoot()
    static let lon0 = -68.5 * Double.pi / 180

    static func m(_ phi: Double) -> Double { cos(phi) / (1 - e * e * sin(phi) * sin(phi)).squareRoot() }

    static func t(_ phi: Double) -> Double {
        let es = e * sin(phi)
        return tan(Double.pi / 4 - phi / 2) / pow((1 - es) / (1 + es), e / 2)
    }

    struct Constants {
        let n: Double
        let aF: Double
        let rho0: Double
    }

    static let constants: Constants = {
        let phi1 = 60.0 * Double.pi / 180, phi2 = 46.0 * Double.pi / 180, phi0 = 44.0 * Double.pi / 180
        let m1 = m(phi1), m2 = m(phi2)
        let t1 = t(phi1), t2 = t(phi2), t0 = t(phi0)
        let n = (log(m1) - log(m2)) / (log(t1) - log(t2))
        let aF = a * m1 / (n * pow(t1, n))
        return Constants(n: n, aF: aF, rho0: aF * pow(t0, n))
    }()

    public static func project(_ p: Position) -> PlanarPoint {
        let c = constants
        let phi = p.latitude * Double.pi / 180
        let rho = c.aF * pow(t(phi), c.n)
        let theta = c.n * (p.longitude * Double.pi / 180 - lon0)
        return PlanarPoint(x: rho * sin(theta), y: c.rho0 - rho * cos(theta))
    }

    /// The inverse (Snyder 15-10, 15-11, 7-9 by iteration).
    public static func unproject(_ q: PlanarPoint) -> Position {
        let c = constants
        let dy = c.rho0 - q.y
        let rho = (q.x * q.x + dy * dy).squareRoot() * (c.n < 0 ? -1 : 1)
        let theta = atan2(q.x, dy)
        let tt = pow(rho / c.aF, 1 / c.n)
        var phi = Double.pi / 2 - 2 * atan(tt)
        for _ in 0..<15 {
            let es = e * sin(phi)
            let next = Double.pi / 2 - 2 * atan(tt * pow((1 - es) / (1 + es), e / 2))
            if abs(next - phi) < 1e-12 { phi = next; break }
            phi = next
        }
        return Position(longitude: (theta / c.n + lon0) * 180 / Double.pi, latitude: phi * 180 / Double.pi)
    }
}
