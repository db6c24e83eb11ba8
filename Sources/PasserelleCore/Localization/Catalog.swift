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
        guard var message = messages[key] else { return "⟦\(key)⟧" }
        for (name, value) in arguments {
            message = message.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return message
    }
}
