import Foundation
import Vapor

/// The API's lists, one way: `page` (from 1) and `per_page` (1 to 100), the total in
/// `X-Total-Count` and the pages in `Link` (`first`, `prev`, `next`, `last`, RFC 8288).
enum Pagination {
    static let maxPerPage = 100

    /// `per_page`, or the list's own size when absent; a 400 naming it when out of range.
    static func perPage(_ req: Request, default size: Int) throws -> Int {
        guard let text = req.query[String.self, at: "per_page"], !text.isEmpty else { return size }
        guard let value = Int(text), (1...maxPerPage).contains(value) else {
            throw Problem.invalidParameter("per_page", key: "problem.parameter.integer_range",
                                           ["min": "1", "max": String(maxPerPage), "value": text])
        }
        return value
    }

    /// Sets `X-Total-Count` and `Link` for this page of `total` rows.
    static func decorate(_ response: Response, _ req: Request, page: Int, perPage: Int, total: Int) {
        response.headers.replaceOrAdd(name: "X-Total-Count", value: String(total))
        let last = max(1, (total + perPage - 1) / perPage)
        var links = [("first", 1), ("last", last)]
        if page > 1 { links.append(("prev", min(page - 1, last))) }
        if page < last { links.append(("next", page + 1)) }
        let others = (req.url.query ?? "").split(separator: "&").filter { !$0.hasPrefix("page=") && !$0.hasPrefix("per_page=") }
        let path = req.url.path
        let value = links.map { (rel: String, number: Int) -> String in
            let query = (others.map(String.init) + ["per_page=" + String(perPage), "page=" + String(number)]).joined(separator: "&")
            return "<" + path + "?" + query + ">; rel=\"" + rel + "\""
        }.joined(separator: ", ")
        response.headers.replaceOrAdd(name: .link, value: value)
    }
}
