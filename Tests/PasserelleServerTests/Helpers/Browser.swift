import Fluent
import Foundation
import SQLKit
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

/// A browser for the tests: keeps cookies between requests.
final class Browser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]

    init(_ app: Application) { self.app = app }

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, form: [String: String]? = nil, body encoded: String? = nil,
              headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers = extra
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        var body: ByteBuffer?
        if let form {
            headers.contentType = .urlEncodedForm
            body = ByteBuffer(string: form.map { "\($0.key)=\($0.value.addingPercentEncodingForQuery)" }.joined(separator: "&"))
        } else if let encoded {
            // A form already encoded, for fields that repeat (`numeros[]=…&numeros[]=…`).
            headers.contentType = .urlEncodedForm
            body = ByteBuffer(string: encoded)
        }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return response
    }

    /// The CSRF token of the last form served.
    static func csrf(in html: String) -> String? {
        AccessibilityCheck.matches(#"name="_csrf" value="([^"]+)""#, in: html).first
    }
}
