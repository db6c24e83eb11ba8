/// The languages of the product. fr-CA is the language of every screen; en-CA is offered to
/// municipalities with bilingual status.
public enum Language: String, CaseIterable, Sendable, Codable {
    case frCA = "fr-CA"
    case enCA = "en-CA"

    public static let `default` = Language.frCA

    /// The other language, for the toggle.
    public var other: Language { self == .frCA ? .enCA : .frCA }

    /// The two-letter code for `<html lang>`.
    public var htmlCode: String { self == .frCA ? "fr-CA" : "en-CA" }

    /// Accepts `fr`, `fr-CA`, `fr_CA`, `FR-ca`, `en`, `en-US`…: the language part decides.
    public init?(code: some StringProtocol) {
        let lower = code.lowercased()
        if lower == "fr" || lower.hasPrefix("fr-") || lower.hasPrefix("fr_") { self = .frCA }
        else if lower == "en" || lower.hasPrefix("en-") || lower.hasPrefix("en_") { self = .enCA }
        else { return nil }
    }

    /// The best language for an `Accept-Language` header (RFC 9110 §12.5.4), or nil when it names
    /// neither French nor English.
    public static func negotiate(acceptLanguage header: String) -> Language? {
        var best: (language: Language, q: Double, order: Int)?
        for (order, part) in header.split(separator: ",").enumerated() {
            let fields = part.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let tag = fields.first, let language = Language(code: tag) else { continue }
            var q = 1.0
            for field in fields.dropFirst() where field.hasPrefix("q=") {
                q = Double(field.dropFirst(2)) ?? 0
            }
            guard q > 0 else { continue }
            if best == nil || q > best!.q { best = (language, q, order) }
        }
        return best?.language
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(self).trimmingWhitespace()
    }
}
