import Foundation

/// The messages of one language: key → text with `{placeholders}`.
/// Every user-facing string lives in `Catalogs/fr-CA.json` and `Catalogs/en-CA.json`.
public struct Catalog: Sendable {
    public let language: Language
    public let messages: [String: String]

    public init(language: Language, messages: [String: String]) {
        self.language = language
        self.messages = messages
    }

    /// The shipped catalogs, read once from the module's resources.
    public static let shipped: [Language: Catalog] = {
        var result: [Language: Catalog] = [:]
        for language in Language.allCases {
            result[language] = Catalog(language: language, messages: load(language))
        }
        return result
    }()

    public static func of(_ language: Language) -> Catalog { shipped[language]! }

    static func load(_ language: Language) -> [String: String] {
        guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json",
                                          subdirectory: "Catalogs"),
              let data = try? Data(contentsOf: url),
              let messages = try? JSONDecoder().decode([String: String].self, from: data) else {
            preconditionFailure("the \(language.rawValue) catalog is missing or is not a JSON object of strings")
        }
        return messages
    }

    /// The message for `key` with its `{name}` placeholders filled. A key missing from the
    /// catalog shows as `⟦key⟧` so it is visible on screen; a test keeps that from shipping.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        guard let message = messages[key] else { return "⟦\(key)⟧" }
        guard !arguments.isEmpty else { return message }
        return Self.fill(message, arguments)
    }

    /// Each `{name}` of the message replaced by its argument, in one pass (a placeholder without
    /// an argument stays as written). Foundation's `replacingOccurrences` once per argument cost a
    /// tenth of a page of a thousand rows.
    static func fill(_ message: String, _ arguments: [String: String]) -> String {
        var result = ""
        result.reserveCapacity(message.utf8.count + 16)
        var rest = message[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "}") else {
                result += rest[open...]
                return result
            }
            let name = String(rest[after..<close])
            if let value = arguments[name] { result += value } else { result += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }
}
