/// An exact amount of Canadian dollars, in cents. Never a floating-point number.
public struct Money: Hashable, Comparable, Sendable, Codable {
    public let cents: Int64

    public init(cents: Int64) { self.cents = cents }

    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }
    public static func + (a: Money, b: Money) -> Money { Money(cents: a.cents + b.cents) }
    public static func - (a: Money, b: Money) -> Money { Money(cents: a.cents - b.cents) }

    /// Parses what a person types in either language: « 1 234,56 $ », « 1234.56 », « $1,234.56 »,
    /// « 1 234 ». The decimal separator is the last `,` or `.` followed by one or two digits;
    /// anything ambiguous or malformed is nil rather than a guess.
    public init?(parsing input: String) {
        var text = input.trimmingWhitespace()
        var negative = false
        if text.hasPrefix("-") { negative = true; text.removeFirst() }
        text = String(text.filter { !Money.ignorable.contains($0) })
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") }) else {
            return nil
        }
        var whole = text
        var fraction = ""
        if let sep = text.lastIndex(where: { $0 == "," || $0 == "." }) {
            let after = text[text.index(after: sep)...]
            if (1...2).contains(after.count) {
                whole = String(text[..<sep])
                fraction = String(after)
            }
        }
        // What remains of `whole` may only use a thousands separator in groups of three.
        if let groupSep = whole.first(where: { $0 == "," || $0 == "." }) {
            let groups = whole.split(separator: groupSep, omittingEmptySubsequences: false)
            guard groups.count > 1, (1...3).contains(groups[0].count),
                  groups.dropFirst().allSatisfy({ $0.count == 3 && $0.allSatisfy(\.isNumber) }) else { return nil }
            whole = groups.joined()
        }
        guard !whole.isEmpty || !fraction.isEmpty, whole.allSatisfy(\.isNumber), whole.count <= 15 else { return nil }
        let units = Int64(whole.isEmpty ? "0" : whole)!
        let cents = fraction.isEmpty ? 0 : Int64(fraction.count == 1 ? fraction + "0" : fraction)!
        self.cents = (units * 100 + cents) * (negative ? -1 : 1)
    }

    private static let ignorable: Set<Character> = [" ", "\u{00A0}", "\u{202F}", "$"]
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
