import Foundation
import PasserelleCore

/// The map drawn by the server, without JavaScript: the works in Québec Lambert, scaled into an
/// SVG, each shape with its title; the table beside it carries the same rows for keyboards and
/// screen readers. With JavaScript and Leaflet's files, the page draws the same GeoJSON on tiles.
enum WorksMap {
    static let width = 800.0, height = 500.0, margin = 12.0

    static func colour(_ kind: String) -> String {
        switch WorkKind(rawValue: kind) ?? .other {
        case .paving: "#1f5fa8"
        case .reconstruction: "#8a3b12"
        case .waterSewer: "#0b7a75"
        case .bridgeStructure: "#6b3fa0"
        case .signals: "#b35900"
        case .utilities: "#4d6b00"
        case .specialEvent: "#b00058"
        case .other: "#4a4a4a"
        }
    }

    static func svg(_ works: [InterventionModel], l: Localizer) -> String {
        let shapes = works.compactMap { m in m.geometry.map { (m, $0.parts.map { $0.map(QuebecLambert.project) }, $0) } }
        var x0 = Double.infinity, y0 = Double.infinity, x1 = -Double.infinity, y1 = -Double.infinity
        for (_, parts, _) in shapes { for part in parts { for p in part { x0 = min(x0, p.x); x1 = max(x1, p.x); y0 = min(y0, p.y); y1 = max(y1, p.y) } } }
        let label = H.escapeAttribute(l("works.map_label", ["count": l.format.integer(works.count)]))
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"carte-titre\" class=\"works-map__svg\">"
        out += "<title id=\"carte-titre\">\(label)</title><rect width=\"100%\" height=\"100%\" fill=\"#f3f5f7\"/>"
        guard !shapes.isEmpty else { return out + "</svg>" }
        // Keep a sliver of room around a single point and a square scale.
        let spanX = max(x1 - x0, 200), spanY = max(y1 - y0, 200)
        let scale = min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY)
        let cx = (x0 + x1) / 2, cy = (y0 + y1) / 2
        func sx(_ x: Double) -> String { String(format: "%.1f", width / 2 + (x - cx) * scale) }
        func sy(_ y: Double) -> String { String(format: "%.1f", height / 2 - (y - cy) * scale) }
        for (m, parts, geometry) in shapes {
            let colour = colour(m.kind)
            out += "<g><title>\(H.escapeText("\(m.number) — \(m.title)"))</title>"
            switch geometry {
            case .point:
                let p = parts[0][0]
                out += "<circle cx=\"\(sx(p.x))\" cy=\"\(sy(p.y))\" r=\"5\" fill=\"\(colour)\" stroke=\"#fff\" stroke-width=\"1.5\"/>"
            case .lineString, .multiLineString:
                for part in parts {
                    out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"4\" stroke-linecap=\"round\" points=\""
                    out += part.map { "\(sx($0.x)),\(sy($0.y))" }.joined(separator: " ") + "\"/>"
                }
            case .polygon:
                out += "<path fill=\"\(colour)\" fill-opacity=\"0.35\" stroke=\"\(colour)\" stroke-width=\"2\" fill-rule=\"evenodd\" d=\""
                for part in parts {
                    out += "M" + part.map { "\(sx($0.x)) \(sy($0.y))" }.joined(separator: " L") + " Z "
                }
                out += "\"/>"
            }
            out += "</g>"
        }
        return out + "</svg>"
    }
}
