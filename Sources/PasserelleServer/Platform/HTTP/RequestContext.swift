import PasserelleCore
import Vapor

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }
    private struct RequestIDKey: StorageKey { typealias Value = String }

    /// The reader's language. Québec's Administration speaks French: a page is French unless the
    /// person chose English (`lang` parameter, then the `lang` cookie the toggle sets, then the
    /// language saved on their account) or belongs to an organisation with bilingual status whose
    /// browser prefers English; otherwise a browser's `Accept-Language` changes nothing. The API
    /// answers in English when the caller asks for it by name: `Accept-Language: en-CA`.
    var language: Language {
        if let known = storage[LanguageKey.self] { return known }
        let chosen = explicitLanguage
            ?? cookies["lang"].flatMap { Language(code: $0.string) }
            ?? (isAPI ? headers.first(name: .acceptLanguage).flatMap(Self.asksForCanadianEnglish) : nil)
        if let chosen {
            storage[LanguageKey.self] = chosen
            return chosen
        }
        // Known once the credentials are read: not kept before then.
        guard let user = currentUser else { return .default }
        var language = Language(code: user.language) ?? .default
        if language == .default, user.bilingualStatus,
           let header = headers.first(name: .acceptLanguage), Language.negotiate(acceptLanguage: header) == .enCA {
            language = .enCA
        }
        storage[LanguageKey.self] = language
        return language
    }

    /// English when `Accept-Language` prefers `en-CA` itself to every French range.
    static func asksForCanadianEnglish(_ header: String) -> Language? {
        guard header.lowercased().contains("en-ca"), Language.negotiate(acceptLanguage: header) == .enCA else { return nil }
        return .enCA
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
