import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Whether a text is well-formed XML (Foundation's parser).
enum XMLCheck {
    static func wellFormed(_ text: String) -> Bool {
        XMLParser(data: Data(text.utf8)).parse()
    }
}
