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

/// A text folded once into its comparable words, kept as UTF-8 bytes too: both sides of a
/// comparison are folded by the same function, so comparing bytes is exact and costs no Unicode
/// work per comparison.
public struct FoldedText: Sendable, Hashable {
    public let tokens: [String]
    public let joined: String
    let wordBytes: [[UInt8]]
    /// " " + the words joined by spaces, to find a run of whole words.
    let spaced: [UInt8]

    public init(_ text: String) {
        tokens = SearchKey.tokens(text)
        joined = tokens.joined(separator: " ")
        wordBytes = tokens.map { Array($0.utf8) }
        spaced = Array((" " + joined).utf8)
    }

    public var isEmpty: Bool { tokens.isEmpty }
}

/// What a person typed, folded once.
public typealias SearchQuery = FoldedText

/// One searchable name.
public struct SearchEntry: Sendable {
    public let name: FoldedText

    public init(_ name: String) { self.name = FoldedText(name) }

    public var tokens: [String] { name.tokens }
    public var joined: String { name.joined }

    /// How well `query` matches, lower is better; nil when it does not match. Every word of the
    /// query must begin a distinct word of the name; the last may be unfinished.
    /// 0: the same name; 1: the name begins with the query; 2: the query is a run of whole words
    /// inside the name; 3: the words are all there, in another order or apart.
    public func rank(_ query: SearchQuery) -> Int? {
        guard !query.wordBytes.isEmpty else { return nil }
        var used = 0 as UInt64
        for word in query.wordBytes {
            var found = false
            for (index, candidate) in name.wordBytes.enumerated() where index >= 64 || used & (1 << index) == 0 {
                if candidate.starts(with: word) {
                    if index < 64 { used |= 1 << index }
                    found = true
                    break
                }
            }
            guard found else { return nil }
        }
        if name.spaced == query.spaced { return 0 }
        if name.spaced.starts(with: query.spaced) { return 1 }
        return SearchEntry.contains(name.spaced, query.spaced) ? 2 : 3
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        if needle.isEmpty { return true }
        let first = needle[0]
        var start = 0
        while start <= haystack.count - needle.count {
            if haystack[start] == first, haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }
}
