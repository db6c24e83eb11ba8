import Foundation

/// A position in WGS 84, longitude first as GeoJSON (RFC 7946) has it.
public struct Position: Hashable, Sendable {
    public var longitude: Double
    public var latitude: Double

    public init(longitude: Double, latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }
}

/// The geometry of an intervention: the four GeoJSON types a work can take. Polygons are rings
/// of closed positions, the exterior first, then any holes.
public enum Geometry: Hashable, Sendable {
    case point(Position)
    case lineString([Position])
    case multiLineString([[Position]])
    case polygon([[Position]])

    /// The GeoJSON `type`.
    public var typeName: String {
        switch self {
        case .point: "Point"
        case .lineString: "LineString"
        case .multiLineString: "MultiLineString"
        case .polygon: "Polygon"
        }
    }

    public static let typeNames = ["Point", "LineString", "MultiLineString", "Polygon"]

    /// Every position, part by part (a point is one part of one position).
    public var parts: [[Position]] {
        switch self {
        case .point(let p): [[p]]
        case .lineString(let line): [line]
        case .multiLineString(let lines): lines
        case .polygon(let rings): rings
        }
    }

    public var positionCount: Int { parts.reduce(0) { $0 + $1.count } }

    /// The smallest box holding every position, in degrees: (west, south, east, north).
    public var boundingBox: (west: Double, south: Double, east: Double, north: Double) {
        var w = Double.infinity, s = Double.infinity, e = -Double.infinity, n = -Double.infinity
        for part in parts {
            for p in part {
                w = min(w, p.longitude); e = max(e, p.longitude)
                s = min(s, p.latitude); n = max(n, p.latitude)
            }
        }
        return (w, s, e, n)
    }

    /// A position on the geometry to label it: a point itself, a line's middle vertex, a
    /// polygon's vertex average.
    public var labelPosition: Position {
        switch self {
        case .point(let p): return p
        case .lineString(let line): return line[line.count / 2]
        case .multiLineString(let lines): return lines[0][lines[0].count / 2]
        case .polygon(let rings):
            let ring = rings[0].dropLast()
            let lon = ring.reduce(0) { $0 + $1.longitude } / Double(ring.count)
            let lat = ring.reduce(0) { $0 + $1.latitude } / Double(ring.count)
            return Position(longitude: lon, latitude: lat)
        }
    }
}

/// Why a geometry was refused; `key` names the catalog message (`works.geometry.*`).
public enum GeometryError: Error, Equatable, Sendable {
    /// Not one of Point, LineString, MultiLineString, Polygon.
    case unknownType(String)
    /// The coordinates do not nest as the type needs.
    case malformed
    /// A position is not two numbers (a third, the altitude, is allowed and dropped).
    case position
    /// A position lies outside Québec's territory (longitude −80…−56, latitude 44…63).
    case outsideQuebec
    /// A line with fewer than two positions, or a ring with fewer than four.
    case tooFewPositions
    /// A ring whose last position is not its first.
    case ringNotClosed
    /// More positions than one work may carry.
    case tooManyPositions

    public var key: String {
        switch self {
        case .unknownType: "works.geometry.type"
        case .malformed: "works.geometry.malformed"
        case .position: "works.geometry.position"
        case .outsideQuebec: "works.geometry.outside"
        case .tooFewPositions: "works.geometry.too_few"
        case .ringNotClosed: "works.geometry.ring_open"
        case .tooManyPositions: "works.geometry.too_many"
        }
    }
}

/// GeoJSON coordinates as they arrive: a number or a list, nested to any depth.
public indirect enum GeoJSONCoordinates: Codable, Hashable, Sendable {
    case number(Double)
    case list([GeoJSONCoordinates])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else {
            self = .list(try container.decode([GeoJSONCoordinates].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let n): try container.encode(n)
        case .list(let l): try container.encode(l)
        }
    }

    var list: [GeoJSONCoordinates]? { if case .list(let l) = self { l } else { nil } }
}

/// A GeoJSON geometry object as it arrives (`{"type": …, "coordinates": …}`), before checking.
public struct GeoJSONGeometry: Codable, Hashable, Sendable {
    public var type: String
    public var coordinates: GeoJSONCoordinates?

    public init(type: String, coordinates: GeoJSONCoordinates?) {
        self.type = type
        self.coordinates = coordinates
    }

    public init(_ geometry: Geometry) {
        type = geometry.typeName
        func position(_ p: Position) -> GeoJSONCoordinates { .list([.number(p.longitude), .number(p.latitude)]) }
        func line(_ l: [Position]) -> GeoJSONCoordinates { .list(l.map(position)) }
        switch geometry {
        case .point(let p): coordinates = position(p)
        case .lineString(let l): coordinates = line(l)
        case .multiLineString(let ls): coordinates = .list(ls.map(line))
        case .polygon(let rings): coordinates = .list(rings.map(line))
        }
    }

    /// The checked geometry.
    public func geometry() throws(GeometryError) -> Geometry {
        guard Geometry.typeNames.contains(type) else { throw .unknownType(type) }
        guard let coordinates else { throw .malformed }
        func position(_ c: GeoJSONCoordinates) throws(GeometryError) -> Position {
            guard let l = c.list else { throw .malformed }
            guard l.count == 2 || l.count == 3 else { throw .position }
            guard case .number(let lon) = l[0], case .number(let lat) = l[1] else { throw .position }
            if l.count == 3, case .list = l[2] { throw .position }
            return Position(longitude: lon, latitude: lat)
        }
        func line(_ c: GeoJSONCoordinates) throws(GeometryError) -> [Position] {
            guard let l = c.list else { throw .malformed }
            var out: [Position] = []
            out.reserveCapacity(l.count)
            for p in l { out.append(try position(p)) }
            return out
        }
        func lines(_ c: GeoJSONCoordinates) throws(GeometryError) -> [[Position]] {
            guard let l = c.list else { throw .malformed }
            var out: [[Position]] = []
            for p in l { out.append(try line(p)) }
            return out
        }
        let g: Geometry
        switch type {
        case "Point": g = .point(try position(coordinates))
        case "LineString": g = .lineString(try line(coordinates))
        case "MultiLineString": g = .multiLineString(try lines(coordinates))
        default: g = .polygon(try lines(coordinates))
        }
        try g.validate()
        return g
    }
}

extension Geometry {
    /// Positions one work may carry (a detailed street outline is a few hundred).
    public static let maximumPositions = 10_000

    /// Québec's territory with a margin, in degrees; no position outside it is accepted (and no
    /// geometry can cross the antimeridian).
    public static let quebecExtent = (west: -80.0, south: 44.0, east: -56.0, north: 63.0)

    public func validate() throws(GeometryError) {
        let parts = self.parts
        guard !parts.isEmpty else { throw .tooFewPositions }
        var total = 0
        for part in parts {
            total += part.count
            switch self {
            case .point: break
            case .lineString, .multiLineString: guard part.count >= 2 else { throw .tooFewPositions }
            case .polygon:
                guard part.count >= 4 else { throw .tooFewPositions }
                guard part.first == part.last else { throw .ringNotClosed }
            }
            for p in part {
                guard p.longitude.isFinite, p.latitude.isFinite else { throw .position }
                let e = Geometry.quebecExtent
                guard (e.west...e.east).contains(p.longitude), (e.south...e.north).contains(p.latitude) else {
                    throw .outsideQuebec
                }
            }
        }
        guard total <= Geometry.maximumPositions else { throw .tooManyPositions }
    }

    /// Parses GeoJSON geometry text.
    public init(geoJSON text: String) throws(GeometryError) {
        guard let raw = try? JSONDecoder().decode(GeoJSONGeometry.self, from: Data(text.utf8)) else { throw .malformed }
        self = try raw.geometry()
    }

    /// The geometry as compact GeoJSON (seven decimals: about a centimetre).
    public var geoJSON: String {
        var out = ""
        writeGeoJSON(into: &out)
        return out
    }

    public func writeGeoJSON(into out: inout String) {
        out += "{\"type\":\"\(typeName)\",\"coordinates\":"
        func position(_ p: Position) {
            out += "["
            Geometry.writeNumber(p.longitude, into: &out)
            out += ","
            Geometry.writeNumber(p.latitude, into: &out)
            out += "]"
        }
        func line(_ l: [Position]) {
            out += "["
            for (i, p) in l.enumerated() {
                if i > 0 { out += "," }
                position(p)
            }
            out += "]"
        }
        switch self {
        case .point(let p): position(p)
        case .lineString(let l): line(l)
        case .multiLineString(let ls), .polygon(let ls):
            out += "["
            for (i, l) in ls.enumerated() {
                if i > 0 { out += "," }
                line(l)
            }
            out += "]"
        }
        out += "}"
    }

    /// A coordinate rounded to seven decimals, written without exponent.
    static func writeNumber(_ value: Double, into out: inout String) {
        let scaled = (value * 10_000_000).rounded()
        guard abs(scaled) < 9e17 else { out += "\(value)"; return }
        var n = Int64(scaled)
        if n < 0 { out += "-"; n = -n }
        let whole = n / 10_000_000
        var fraction = n % 10_000_000
        out += String(whole)
        guard fraction != 0 else { return }
        var digits = 7
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let text = String(fraction)
        out += "."
        if text.count < digits { out += String(repeating: "0", count: digits - text.count) }
        out += text
    }
}

// MARK: - Well-known text (the CSV import)

extension Geometry {
    /// Parses `POINT (x y)`, `LINESTRING (x y, …)`, `MULTILINESTRING ((…), (…))` and
    /// `POLYGON ((…), (…))`, longitude first, as OGC's simple features write them.
    public init(wkt text: String) throws(GeometryError) {
        var scanner = WKTScanner(Array(text.utf8))
        guard let word = scanner.word() else { throw .malformed }
        let type = word.uppercased()
        scanner.skipDimension()
        func position() throws(GeometryError) -> Position {
            guard let x = scanner.number(), let y = scanner.number() else { throw .position }
            _ = scanner.number() // an altitude, dropped
            return Position(longitude: x, latitude: y)
        }
        func line() throws(GeometryError) -> [Position] {
            guard scanner.take("(") else { throw .malformed }
            var out = [try position()]
            while scanner.take(",") { out.append(try position()) }
            guard scanner.take(")") else { throw .malformed }
            return out
        }
        func lines() throws(GeometryError) -> [[Position]] {
            guard scanner.take("(") else { throw .malformed }
            var out = [try line()]
            while scanner.take(",") { out.append(try line()) }
            guard scanner.take(")") else { throw .malformed }
            return out
        }
        let g: Geometry
        switch type {
        case "POINT":
            guard scanner.take("(") else { throw .malformed }
            let p = try position()
            guard scanner.take(")") else { throw .malformed }
            g = .point(p)
        case "LINESTRING": g = .lineString(try line())
        case "MULTILINESTRING": g = .multiLineString(try lines())
        case "POLYGON": g = .polygon(try lines())
        default: throw .unknownType(word)
        }
        guard scanner.atEnd else { throw .malformed }
        try g.validate()
        self = g
    }

    /// The geometry as well-known text.
    public var wkt: String {
        func position(_ p: Position) -> String {
            var s = ""
            Geometry.writeNumber(p.longitude, into: &s)
            s += " "
            Geometry.writeNumber(p.latitude, into: &s)
            return s
        }
        func line(_ l: [Position]) -> String { "(" + l.map(position).joined(separator: ", ") + ")" }
        switch self {
        case .point(let p): return "POINT (\(position(p)))"
        case .lineString(let l): return "LINESTRING \(line(l))"
        case .multiLineString(let ls): return "MULTILINESTRING (" + ls.map(line).joined(separator: ", ") + ")"
        case .polygon(let rs): return "POLYGON (" + rs.map(line).joined(separator: ", ") + ")"
        }
    }
}

private struct WKTScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
    }

    var atEnd: Bool { mutating get { skipSpace(); return index == bytes.count } }

    mutating func word() -> String? {
        skipSpace()
        let start = index
        while index < bytes.count, (bytes[index] | 0x20) >= 0x61, (bytes[index] | 0x20) <= 0x7A { index += 1 }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    /// `Z`, `M` or `ZM` after the type name.
    mutating func skipDimension() {
        let saved = index
        if let w = word(), ["Z", "M", "ZM"].contains(w.uppercased()) { return }
        index = saved
    }

    mutating func take(_ c: Character) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == c.asciiValue! else { return false }
        index += 1
        return true
    }

    mutating func number() -> Double? {
        skipSpace()
        let start = index
        while index < bytes.count {
            let b = bytes[index]
            guard (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2B || b == 0x2E || b == 0x65 || b == 0x45 else { break }
            index += 1
        }
        guard index > start, let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            index = start
            return nil
        }
        return value
    }
}
