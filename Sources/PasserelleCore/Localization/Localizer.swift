/// Everything a view needs to speak the reader's language: `l("key")` for text, `l.format` for
/// dates, numbers and money.
public struct Localizer: Sendable {
    public let language: Language
    public let catalog: Catalog
    public let format: Formatter

    public init(_ language: Language) {
        self.language = language
        self.catalog = Catalog.of(language)
        self.format = Formatter(language)
    }

    public func callAsFunction(_ key: String, _ arguments: [String: String] = [:]) -> String {
        catalog.text(key, arguments)
    }
}
