import Foundation

/// How a place name is compared with what a person types: case, accents, hyphens and apostrophes
/// do not count, and « saint », « sainte », « st » and « ste » are one word, so `st-zotique` finds
/// Saint-Zotique and `riviere du lo` finds Rivière-du-Loup.
public enum SearchKey {
    /// The comparable words of a text, in order.
    public static func tokens(_ text: String) -> [String] {
        fold(text).split(separator: " ").map { word in
            saintForms.contains(word) ? "st" : String(word)
        }
    }

    /// Lower case, no diacritics, ligatures expanded, every other character a space.
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                break
            }
            if let expansion = ligatures[scalar] {
                out.append(contentsOf: expansion.unicodeScalars)
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                out.append(scalar)
            } else {
                out.append(" ")
            }
        }
        return String(out)
    }

    private static let saintForms: Set<Substring> = ["saint", "sainte", "st", "ste", "saints", "saintes", "sts", "stes"]
    private static let ligatures: [Unicode.Scalar: String] = ["œ": "oe", "æ": "ae", "ß": "ss"]
}

/// One searchable name with its precomputed words.
public struct SearchEntry: Sendable {
    public let tokens: [String]
    public let joined: String

    public init(_ name: String) {
        tokens = SearchKey.tokens(name)
        joined = tokens.joined(separator: " ")
    }

    /// How well `query` matches, lower is better; nil when it does not match. Every word of the
    /// query must begin a distinct word of the name; the last may be unfinished.
    public func rank(_ query: SearchQuery) -> Int? {
        guard !query.tokens.isEmpty else { return nil }
        if joined == query.joined { return 0 }
        if joined.hasPrefix(query.joined) { return 1 }
        var used = [Bool](repeating: false, count: tokens.count)
        for word in query.tokens {
            guard let index = tokens.indices.first(where: { !used[$0] && tokens[$0].hasPrefix(word) }) else {
                return nil
            }
            used[index] = true
        }
        return (" " + joined).contains(" " + query.joined) ? 2 : 3
    }
}

/// What a person typed, folded once.
public struct SearchQuery: Sendable, Hashable {
    public let tokens: [String]
    public let joined: String

    public init(_ text: String) {
        tokens = SearchKey.tokens(text)
        joined = tokens.joined(separator: " ")
    }

    public var isEmpty: Bool { tokens.isEmpty }
}
