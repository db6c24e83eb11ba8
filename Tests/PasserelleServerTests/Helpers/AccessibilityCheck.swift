import Foundation

enum AccessibilityCheck {
    static func problems(in html: String) -> [String] {
        var problems: [String] = []
        if !html.contains("<html lang=\"") { problems.append("no lang") }
        if html.contains("style=\"") || html.contains("<style") { problems.append("inline style") }
        if html.contains("<script>") { problems.append("inline script") }
        let headings = matches(#"<h([1-6])"#, in: html).compactMap { Int($0) }
        if headings.filter({ $0 == 1 }).count != 1 { problems.append("h1 count \(headings.filter { $0 == 1 }.count)") }
        for (a, b) in zip(headings, headings.dropFirst()) where b > a + 1 { problems.append("heading h\(a) then h\(b)") }
        let labelled = Set(matches(#"<label for="([^"]+)""#, in: html))
        for id in matches(#"<(?:input|select|textarea)[^>]* id="([^"]+)""#, in: html) where !labelled.contains(id) {
            problems.append("no label for #\(id)")
        }
        let ids = matches(#" id="([^"]+)""#, in: html)
        if Set(ids).count != ids.count { problems.append("duplicate ids") }
        let tables = html.components(separatedBy: "<table").count - 1
        let captions = html.components(separatedBy: "<caption").count - 1
        if tables != captions { problems.append("\(tables) tables, \(captions) captions") }
        for href in matches(##"href="#([^"]+)""##, in: html) where !ids.contains(href) {
            problems.append("link to missing #\(href)")
        }
        return problems
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
