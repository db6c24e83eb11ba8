import Plot

/// HTML written straight into one string, for the parts of a page that repeat (a table's rows, a
/// list's options). Plot builds a tree of nodes, then a buffer, a dictionary of attributes and a
/// string per element: on a queue page of 50 rows that was most of the page's time. The writer
/// writes the same markup Plot does, escaping as it goes, and the result joins the page as one
/// raw node.
///
/// Text and attribute values are always escaped here; `raw` is for markup the writer or Plot made.
struct HTMLWriter {
    private(set) var html = ""

    init(capacity: Int = 1024) {
        html.reserveCapacity(capacity)
    }

    /// `<name a="v"…>`. An attribute whose value is nil or empty is left out, as Plot leaves it out.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        html += "<"
        html += name
        for (key, value) in attributes { attribute(key, value) }
        html += ">"
    }

    mutating func close(_ name: String) {
        html += "</"
        html += name
        html += ">"
    }

    /// A self-closed element (`<input …/>`), as Plot writes it.
    mutating func void(_ name: String, _ attributes: KeyValuePairs<String, String?>) {
        html += "<"
        html += name
        for (key, value) in attributes { attribute(key, value) }
        html += "/>"
    }

    /// An element holding text only.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) {
        open(name, attributes)
        self.text(text)
        close(name)
    }

    /// ` name="value"`, escaped; nothing when the value is nil, nor when it is empty unless `empty`
    /// says to write it (an option's empty value is a value: without it the option sends its label).
    mutating func attribute(_ name: String, _ value: String?, empty: Bool = false) {
        guard let value, empty || !value.isEmpty else { return }
        html += " "
        html += name
        html += "=\""
        append(value, attribute: true)
        html += "\""
    }

    /// An attribute written with its name only (`selected`, `checked`).
    mutating func flag(_ name: String, _ on: Bool = true) {
        guard on else { return }
        html += " "
        html += name
    }

    /// Text content, escaped.
    mutating func text(_ text: String) {
        append(text, attribute: false)
    }

    /// Markup already made (by this writer or by Plot).
    mutating func raw(_ markup: String) {
        html += markup
    }

    /// What was written, as a node of a Plot page.
    var node: BodyNode { .raw(html) }

    /// Appends `text` escaped: `&`, `<`, `>` always, and the quotes inside attribute values. Runs of
    /// bytes with nothing to escape are copied whole.
    private mutating func append(_ text: String, attribute: Bool) {
        let utf8 = text.utf8
        guard utf8.contains(where: { Self.needsEscape($0, attribute: attribute) }) else {
            html += text
            return
        }
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            let byte = utf8[index]
            if Self.needsEscape(byte, attribute: attribute) {
                html += Substring(text.utf8[start..<index])
                switch byte {
                case UInt8(ascii: "&"): html += "&amp;"
                case UInt8(ascii: "<"): html += "&lt;"
                case UInt8(ascii: ">"): html += "&gt;"
                case UInt8(ascii: "\""): html += "&quot;"
                default: html += "&#39;"
                }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        html += Substring(text.utf8[start..<utf8.endIndex])
    }

    private static func needsEscape(_ byte: UInt8, attribute: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"): true
        case UInt8(ascii: "\""), UInt8(ascii: "'"): attribute
        default: false
        }
    }
}

extension HTMLWriter {
    /// `UI.tag`, written.
    mutating func tag(_ text: String, _ status: UI.TagStatus) {
        element("strong", ["class": "tag tag--\(status.rawValue)"], text: text)
    }
}
