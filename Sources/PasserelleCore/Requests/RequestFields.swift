import Foundation

/// A question a request type asks, beyond title and description: what administrators define in the
/// type catalog and what the filing form shows, one input per field.
public struct RequestField: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case text, number, date, choice, multiple, file, location
    }

    public struct Option: Codable, Sendable, Equatable {
        public var code: String
        public var fr: String
        public var en: String

        public init(code: String, fr: String, en: String) {
            self.code = code
            self.fr = fr
            self.en = en
        }

        public func label(_ language: Language) -> String { language == .enCA ? en : fr }
    }

    /// Stable within its type: `vitesse_actuelle`. Lower-case letters, digits and `_`.
    public var code: String
    public var kind: Kind
    public var labelFr: String
    public var labelEn: String
    public var helpFr: String
    public var helpEn: String
    public var required: Bool
    /// For `choice` and `multiple`.
    public var options: [Option]

    public init(code: String, kind: Kind, labelFr: String, labelEn: String, helpFr: String = "", helpEn: String = "",
                required: Bool = false, options: [Option] = []) {
        self.code = code
        self.kind = kind
        self.labelFr = labelFr
        self.labelEn = labelEn
        self.helpFr = helpFr
        self.helpEn = helpEn
        self.required = required
        self.options = options
    }

    public func label(_ language: Language) -> String { language == .enCA ? labelEn : labelFr }
    public func help(_ language: Language) -> String { language == .enCA ? helpEn : helpFr }

    public static func validCode(_ code: String) -> Bool {
        (1...40).contains(code.count) && code.first?.isLetter == true
            && code.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// Checks the answers to a type's fields. Answers are lists of texts, one per input
/// (`multiple`: the chosen codes; `location`: latitude then longitude); the result keeps each
/// answer in one canonical form (numbers with a dot, dates ISO), or says what is wrong, field by
/// field, as catalog keys.
public enum RequestFieldCheck {
    public struct Failure: Equatable, Sendable {
        public let field: String
        public let key: String
    }

    public static let maxText = 2_000

    /// `files`: the file fields that came with a file.
    public static func check(_ fields: [RequestField], answers: [String: [String]], files: Set<String> = [])
        -> (answers: [String: [String]], failures: [Failure]) {
        var kept: [String: [String]] = [:]
        var failures: [Failure] = []
        for field in fields {
            let values = (answers[field.code] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            let given = values.filter { !$0.isEmpty }
            func fail(_ key: String) { failures.append(Failure(field: field.code, key: key)) }
            switch field.kind {
            case .file:
                if field.required && !files.contains(field.code) { fail("request.field.required") }
                continue
            case .location:
                if given.isEmpty {
                    if field.required { fail("request.field.required") }
                    continue
                }
                guard values.count == 2, let lat = number(values[0]), let lon = number(values[1]),
                      (44.9...62.6).contains(lat), (-79.8 ... -57.0).contains(lon) else { fail("request.field.location"); continue }
                kept[field.code] = [format(lat), format(lon)]
                continue
            default:
                break
            }
            if given.isEmpty {
                if field.required { fail("request.field.required") }
                continue
            }
            switch field.kind {
            case .text:
                guard given.count == 1, given[0].count <= maxText else { fail("request.field.text"); continue }
                kept[field.code] = given
            case .number:
                guard given.count == 1, let value = number(given[0]) else { fail("request.field.number"); continue }
                kept[field.code] = [format(value)]
            case .date:
                guard given.count == 1, let date = CalendarDate(iso: given[0]) else { fail("request.field.date"); continue }
                kept[field.code] = [date.iso]
            case .choice:
                guard given.count == 1, field.options.contains(where: { $0.code == given[0] }) else {
                    fail("request.field.choice"); continue
                }
                kept[field.code] = given
            case .multiple:
                let unique = Array(Set(given))
                guard unique.allSatisfy({ code in field.options.contains { $0.code == code } }) else {
                    fail("request.field.choice"); continue
                }
                // In the order the options are listed.
                kept[field.code] = field.options.map(\.code).filter(unique.contains)
            case .file, .location:
                break
            }
        }
        return (kept, failures)
    }

    /// A number as people type it in Québec: `1 234,5`, `1234.5`, with ordinary or no-break spaces.
    public static func number(_ text: String) -> Double? {
        let cleaned = text.replacingOccurrences(of: "\u{00A0}", with: "").replacingOccurrences(of: "\u{202F}", with: "")
            .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: ".")
        guard !cleaned.isEmpty, cleaned.count <= 30, let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
