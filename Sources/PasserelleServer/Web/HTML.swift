import Plot

typealias BodyNode = Node<HTML.BodyContext>
typealias BodyAttribute = Attribute<HTML.BodyContext>

/// Small helpers over Plot for the elements whose typed contexts would keep components from
/// composing (forms, labels, inputs): every component returns a plain `BodyNode`.
enum H {
    static func el(_ name: String, _ nodes: BodyNode...) -> BodyNode {
        .element(named: name, nodes: nodes)
    }

    static func el(_ name: String, _ nodes: [BodyNode]) -> BodyNode {
        .element(named: name, nodes: nodes)
    }

    static func void(_ name: String, _ attributes: [BodyAttribute]) -> BodyNode {
        .selfClosedElement(named: name, attributes: attributes)
    }

    /// Plot writes attribute values as they are given: every value goes through here (or
    /// `Attribute.named`) to be escaped, so what a person typed can never close the attribute.
    static func attr(_ name: String, _ value: String?) -> BodyNode {
        .attribute(named: name, value: value.map(escapeAttribute))
    }

    static func escapeAttribute(_ value: String) -> String {
        guard value.contains(where: { $0 == "&" || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "'" }) else { return value }
        var out = ""
        out.reserveCapacity(value.count + 16)
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    static func a(_ text: String, href: String, _ extra: BodyNode...) -> BodyNode {
        .element(named: "a", nodes: [attr("href", href)] + extra + [.text(text)])
    }

    static func link(_ nodes: BodyNode...) -> BodyNode { .element(named: "a", nodes: nodes) }
    static func ul(_ nodes: BodyNode...) -> BodyNode { .element(named: "ul", nodes: nodes) }
    static func ol(_ nodes: BodyNode...) -> BodyNode { .element(named: "ol", nodes: nodes) }
    static func li(_ nodes: BodyNode...) -> BodyNode { .element(named: "li", nodes: nodes) }
}

extension Attribute where Context == HTML.BodyContext {
    static func named(_ name: String, _ value: String?) -> Attribute {
        .attribute(named: name, value: value.map(H.escapeAttribute))
    }
}

extension H {
    /// Text for an element's content: `&`, `<` and `>` escaped in one pass (Plot's own escaping
    /// builds a string per character and was a fifth of a queue page's time).
    static func escapeText(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") })
        else { return text }
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Node where Context == HTML.BodyContext {
    /// Every text of a page's body goes through `H.escapeText`.
    static func text(_ text: String) -> Node { .raw(H.escapeText(text)) }
}
