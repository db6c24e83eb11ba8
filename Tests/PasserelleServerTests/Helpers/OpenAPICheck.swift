import Foundation
@testable import PasserelleServer

/// Checks a JSON value the server sent against a schema of its own OpenAPI document: the types,
/// the required keys, no key the schema does not name, enums, arrays, `oneOf` and `$ref`. Returns
/// what differs, by path, so that a test fails on the schema the server does not really send.
enum OpenAPICheck {
    nonisolated(unsafe) static let schemas: [String: Any] = (OpenAPIDocument.allComponents["schemas"] as? [String: Any]) ?? [:]

    static func problems(_ data: Data, against name: String) -> [String] {
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return ["$: not JSON"] }
        return problems(value, ["$ref": "#/components/schemas/\(name)"], path: "$")
    }

    /// The same for a list of the schema's objects.
    static func problems(_ data: Data, againstListOf name: String) -> [String] {
        guard let value = try? JSONSerialization.jsonObject(with: data) else { return ["$: not JSON"] }
        return problems(value, ["type": "array", "items": ["$ref": "#/components/schemas/\(name)"]], path: "$")
    }

    static func problems(_ value: Any, _ schema: [String: Any], path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            guard let target = schemas[String(ref.split(separator: "/").last ?? "")] as? [String: Any] else { return ["\(path): \(ref) unknown"] }
            return problems(value, target, path: path)
        }
        if let choices = schema["oneOf"] as? [[String: Any]] {
            return choices.contains { problems(value, $0, path: path).isEmpty } ? [] : ["\(path): matches no choice of oneOf"]
        }
        let types: [String] = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty && !types.contains(where: { matches(value, $0) }) { return ["\(path): \(kind(of: value)) is not \(types)"] }
        if let text = value as? String, let format = schema["format"] as? String, !isWellFormed(text, format) {
            return ["\(path): \"\(text)\" is not a \(format)"]
        }
        if let allowed = schema["enum"] as? [Any], !(value is NSNull) {
            guard allowed.contains(where: { "\($0)" == "\(value)" }) else { return ["\(path): \(value) is not one of \(allowed)"] }
        }
        var found: [String] = []
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any]
            for key in (schema["required"] as? [String]) ?? [] where object[key] == nil { found.append("\(path).\(key): missing") }
            for (key, item) in object {
                if let property = properties?[key] as? [String: Any] {
                    found += problems(item, property, path: "\(path).\(key)")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    found += problems(item, extra, path: "\(path).\(key)")
                } else if properties != nil {
                    found.append("\(path).\(key): not in the schema")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { found += problems(item, items, path: "\(path)[\(index)]") }
        }
        return found
    }

    static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        // Foundation on Linux gives booleans and numbers as the same NSNumber: a boolean is told from a
        // number by the type only where Swift can.
        case "boolean": return value is Bool || value is NSNumber
        case "integer": return (value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false
        case "number": return value is NSNumber
        default: return true
        }
    }

    /// RFC 3339: a date-time with its offset, a full date.
    static func isWellFormed(_ text: String, _ format: String) -> Bool {
        switch format {
        case "date-time":
            let plain = ISO8601DateFormatter()
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return plain.date(from: text) != nil || fractional.date(from: text) != nil
        case "date":
            return text.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil
        default:
            return true
        }
    }

    /// The schema of an operation's 200 response, by its path in the document (`/api/v1/regions/{code}`).
    static func responseSchema(get path: String) -> [String: Any]? {
        let paths = OpenAPIDocument.document()["paths"] as? [String: Any]
        let operation = (paths?[path] as? [String: Any])?["get"] as? [String: Any]
        let ok = (operation?["responses"] as? [String: Any])?["200"] as? [String: Any]
        return ((ok?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
    }

    static func kind(of value: Any) -> String { value is NSNull ? "null" : String(describing: type(of: value)) }
}
