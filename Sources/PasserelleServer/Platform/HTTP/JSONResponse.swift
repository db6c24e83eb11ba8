import Foundation
import Vapor

/// The API's JSON: one encoder (sorted keys, so a response is the same bytes each time), the
/// response every operation answers with, and the test of a body's media type.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // RFC 3339 with its offset (`2026-12-04T14:30:00Z`); calendar dates are `YYYY-MM-DD` strings.
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Whether a request's body is JSON (`application/json`, with or without parameters), told
    /// without parsing the media type as `HTTPHeaders.contentType` does (a filing's hundredth of CPU).
    static func isJSON(_ headers: HTTPHeaders) -> Bool {
        guard let value = headers.first(name: .contentType) else { return false }
        let type = value.split(separator: ";", maxSplits: 1).first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }

    static func json(_ value: some Encodable) throws -> Response {
        var headers = HTTPHeaders()
        // Written as text: setting `contentType` serializes the media type anew for each response.
        headers.add(name: .contentType, value: "application/json; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: try JSONResponse.encoder.encode(value)))
    }
}
