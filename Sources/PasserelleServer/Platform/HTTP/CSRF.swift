import Foundation
import Vapor

/// Every state-changing form carries a token the server gave: the session's once signed in, else
/// the one in a cookie of its own (double submit). A missing or wrong token is a 403 and nothing
/// changes.
enum CSRF {
    static let field = "_csrf"
    static let cookieName = "passerelle_csrf"

    /// The token to put in a form, and the cookie to set when the browser has none yet.
    static func token(for request: Request) -> (token: String, cookie: HTTPCookies.Value?) {
        if let user = request.currentUser, let token = user.csrfToken { return (token, nil) }
        if let existing = request.cookies[cookieName]?.string, existing.count >= 32 { return (existing, nil) }
        let made = RandomToken.make()
        return (made, HTTPCookies.Value(string: made, path: "/", isSecure: request.application.settings.behindTLS,
                                        isHTTPOnly: true, sameSite: .strict))
    }

    /// The signed-in person's token, for the forms of a page ("" for nobody: such a page has no form).
    static func sessionToken(_ request: Request) -> String { request.currentUser?.csrfToken ?? "" }

    static func verify(_ request: Request) throws {
        // A system with an API token sends no cookie: there is no browser to trick.
        if request.currentUser?.tokenID != nil { return }
        let given = try? request.content.get(String.self, at: field)
        let expected = request.currentUser?.csrfToken ?? request.cookies[cookieName]?.string
        guard let given, let expected, !expected.isEmpty, constantTimeEqual(given, expected) else {
            throw Problem(.forbidden, code: "csrf", key: "problem.csrf")
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// 32 random bytes, URL-safe: session ids, CSRF tokens, one-time links.
enum RandomToken {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
