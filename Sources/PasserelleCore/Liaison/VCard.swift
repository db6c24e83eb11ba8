import Foundation

/// A vCard 3.0 (RFC 2426), the version every address book imports: text escaped, lines folded at
/// 75 octets, CRLF line ends.
public struct VCard: Sendable, Equatable {
    public var formattedName: String
    /// Family and given names, for a person; nil for an office (the name is then the organisation's).
    public var name: (family: String, given: String)?
    public var organisation: String?
    /// The unit within the organisation (the second part of ORG).
    public var unit: String?
    public var title: String?
    public var email: String?
    public var phone: String?
    /// Street address, city, province, postal code.
    public var address: (street: String, city: String, region: String, postalCode: String)?
    public var note: String?
    public var kind: Kind

    public enum Kind: Sendable { case person, office }

    public init(formattedName: String, name: (family: String, given: String)? = nil, organisation: String? = nil,
                unit: String? = nil, title: String? = nil, email: String? = nil, phone: String? = nil,
                address: (street: String, city: String, region: String, postalCode: String)? = nil, note: String? = nil,
                kind: Kind = .person) {
        self.formattedName = formattedName
        self.name = name
        self.organisation = organisation
        self.unit = unit
        self.title = title
        self.email = email
        self.phone = phone
        self.address = address
        self.note = note
        self.kind = kind
    }

    public static func == (a: VCard, b: VCard) -> Bool { a.text == b.text }

    /// Splits « Émile Agent » into family « Agent » and given « Émile » (the last word is the family name).
    public static func split(_ displayName: String) -> (family: String, given: String) {
        let words = displayName.split(separator: " ").map(String.init)
        guard words.count > 1 else { return (displayName, "") }
        return (words.last!, words.dropLast().joined(separator: " "))
    }

    public var text: String {
        var lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:" + Self.escape(formattedName)]
        let n = name ?? (kind == .office ? ("", "") : Self.split(formattedName))
        lines.append("N:" + [n.family, n.given, "", "", ""].map(Self.escape).joined(separator: ";"))
        if let organisation { lines.append("ORG:" + ([organisation] + (unit.map { [$0] } ?? [])).map(Self.escape).joined(separator: ";")) }
        if let title { lines.append("TITLE:" + Self.escape(title)) }
        if let email { lines.append("EMAIL;TYPE=INTERNET,WORK:" + Self.escape(email)) }
        if let phone { lines.append("TEL;TYPE=WORK,VOICE:" + Self.escape(phone)) }
        if let address {
            lines.append("ADR;TYPE=WORK:" + ["", "", address.street, address.city, address.region, address.postalCode, "Canada"]
                .map(Self.escape).joined(separator: ";"))
        }
        if let note { lines.append("NOTE:" + Self.escape(note)) }
        lines.append("END:VCARD")
        return lines.map(ContentLines.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Backslash, comma, semicolon and line ends escaped (RFC 2426 § 4).
    static func escape(_ text: String) -> String { ContentLines.escape(text) }
}

/// The content lines vCard and iCalendar share.
public enum ContentLines {
    /// Backslash, comma, semicolon and line ends escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ",": out += "\\,"
            case ";": out += "\\;"
            case "\r\n", "\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Folds a line at 75 octets without cutting a character: each continuation starts with a space.
    public static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var parts: [String] = []
        var current = ""
        var size = 0
        for character in line {
            let width = String(character).utf8.count
            let limit = parts.isEmpty ? 75 : 74
            if size + width > limit {
                parts.append(current)
                current = ""
                size = 0
            }
            current.append(character)
            size += width
        }
        parts.append(current)
        return parts.joined(separator: "\r\n ")
    }
}
