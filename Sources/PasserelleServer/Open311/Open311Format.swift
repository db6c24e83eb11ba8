import Foundation
import Vapor

/// What an Open311 response holds, written as JSON or as XML from the same tree, so that the two
/// forms always say the same thing. Arrays name their items for XML (`services` → `service`).
indirect enum Open311Value: Sendable {
    case object([(String, Open311Value)])
    case array(item: String, [Open311Value])
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null

    static func text(_ value: String?) -> Open311Value { value.map(Open311Value.string) ?? .null }

    var json: String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    private func writeJSON(into out: inout String) {
        switch self {
        case .object(let pairs):
            out += "{"
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                value.writeJSON(into: &out)
            }
            out += "}"
        case .array(_, let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeJSON(into: &out)
            }
            out += "]"
        case .string(let s): Self.quote(s, into: &out)
        case .number(let d): out += d.isFinite ? String(d) : "null"
        case .integer(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// A JSON string (`JSONText`).
    private static func quote(_ s: String, into out: inout String) { JSONText.quote(s, &out) }

    /// The document, its root element named `root` (an array's items then take their own names).
    func xml(root: String) -> String {
        var out = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
        writeXML(name: root, into: &out)
        return out + "\n"
    }

    private func writeXML(name: String, into out: inout String) {
        switch self {
        case .object(let pairs):
            out += "<\(name)>"
            for (key, value) in pairs { value.writeXML(name: key, into: &out) }
            out += "</\(name)>"
        case .array(let item, let items):
            out += "<\(name)>"
            for value in items { value.writeXML(name: item, into: &out) }
            out += "</\(name)>"
        case .string(let s): out += "<\(name)>\(Self.escapeXML(s))</\(name)>"
        case .number(let d): out += "<\(name)>\(d)</\(name)>"
        case .integer(let i): out += "<\(name)>\(i)</\(name)>"
        case .bool(let b): out += "<\(name)>\(b)</\(name)>"
        case .null: out += "<\(name)/>"
        }
    }

    static func escapeXML(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 allows tab, line ends and everything from space up (but not the surrogates).
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// The format a path asks for: `services.json`, `services.xml`.
enum Open311Format: String, Sendable {
    case json, xml

    /// Splits `requests.json` into `requests` and `.json`; nil without a known extension.
    static func split(_ component: String) -> (name: String, format: Open311Format)? {
        guard let dot = component.lastIndex(of: ".") else { return nil }
        guard let format = Open311Format(rawValue: String(component[component.index(after: dot)...]).lowercased()) else { return nil }
        return (String(component[..<dot]), format)
    }

    /// The format of the request's path (JSON unless it ends in `.xml`).
    static func of(_ request: Request) -> Open311Format {
        request.url.path.lowercased().hasSuffix(".xml") ? .xml : .json
    }

    func response(_ value: Open311Value, root: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        switch self {
        case .json:
            headers.contentType = .json
            return Response(status: status, headers: headers, body: .init(string: value.json))
        case .xml:
            headers.replaceOrAdd(name: .contentType, value: "text/xml; charset=utf-8")
            return Response(status: status, headers: headers, body: .init(string: value.xml(root: root)))
        }
    }
}
