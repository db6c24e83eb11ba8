import PasserelleCore
import Vapor

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }
    private struct RequestIDKey: StorageKey { typealias Value = String }

    /// The reader's language: an explicit choice (`lang` parameter, then the `lang` cookie), then
    /// `Accept-Language`, then French.
    var language: Language {
        if let known = storage[LanguageKey.self] { return known }
        let language = explicitLanguage
            ?? cookies["lang"].flatMap { Language(code: $0.string) }
            ?? headers.first(name: .acceptLanguage).flatMap { Language.negotiate(acceptLanguage: $0) }
            ?? .default
        storage[LanguageKey.self] = language
        return language
    }

    /// A language chosen in this very request with `?lang=`.
    var explicitLanguage: Language? {
        guard let query = url.query, query.contains("lang=") else { return nil }
        return QueryParameters(query)["lang"].flatMap { Language(code: $0) }
    }

    var localizer: Localizer { Localizer(language) }

    /// The caller's `X-Request-Id` when it is a sensible token, else Vapor's own id.
    var requestID: String {
        if let known = storage[RequestIDKey.self] { return known }
        // Vapor adopts the caller's X-Request-Id as is; only a sensible token is kept.
        var id = self.id
        if let given = headers.first(name: "X-Request-Id"),
           !((1...64).contains(given.count)
             && given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })) {
            id = UUID().uuidString
        }
        storage[RequestIDKey.self] = id
        return id
    }

    var isAPI: Bool { url.path.hasPrefix("/api/") }
}
