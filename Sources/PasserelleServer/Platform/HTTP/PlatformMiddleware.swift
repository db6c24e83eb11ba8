import Foundation
import NIOCore
import PasserelleCore
import Vapor

/// One middleware for what every response needs, so the hot path pays for one hop, not five:
/// request id, errors rendered in the reader's language, security headers, language cookie,
/// metrics and the access log.
///
/// It is a future-based middleware on purpose: with the synchronous handlers of the reference-data
/// routes, a request is answered on its event loop without creating a task (measured in
/// docs/PERFORMANCE.md).
struct PlatformMiddleware: Middleware {
    let metrics: HTTPMetrics
    let behindTLS: Bool
    /// Reads who is behind the request and judges the route's policy, then answers (Identity's).
    let authenticate: @Sendable (Request, any Responder) -> EventLoopFuture<Response>

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        let answer: EventLoopFuture<Response>
        if request.isAPI, let problem = APIRules.problem(query: request.url.query) {
            answer = request.eventLoop.makeFailedFuture(problem)
        } else {
            answer = authenticate(request, next)
        }
        return answer
            .recover { error in ErrorRendering.response(for: error, request: request) }
            .map { response in
                decorate(response, for: request)
                let elapsed = ContinuousClock.now - start
                metrics.record(request: request, status: response.status.code, duration: elapsed)
                request.logger.debug("\(request.method) \(request.url.path) \(response.status.code)",
                                     metadata: ["request_id": .string(request.requestID),
                                                "duration_ms": .stringConvertible(elapsed.milliseconds)])
                return response
            }
    }

    private func decorate(_ response: Response, for request: Request) {
        // Cached bodies carry the fixed headers already (see `SecurityHeaders`): one look, not five.
        let html = response.headers.first(name: .contentType)?.hasPrefix("text/html") == true
        if !response.headers.contains(name: SecurityHeaders.marker) {
            SecurityHeaders.apply(to: &response.headers, html: html, language: request.language)
        }
        response.headers.add(name: "X-Request-Id", value: request.requestID)
        if behindTLS {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        // The choice of language is remembered for people (pages); systems say `lang` each time.
        if html, let chosen = request.explicitLanguage, request.cookies["lang"]?.string != chosen.rawValue {
            response.cookies["lang"] = HTTPCookies.Value(string: chosen.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                                                         isSecure: behindTLS, isHTTPOnly: true, sameSite: .lax)
        }
    }
}

/// The headers every response carries, and those of pages.
enum SecurityHeaders {
    static let marker = "X-Content-Type-Options"

    static func apply(to headers: inout HTTPHeaders, html: Bool, language: Language) {
        headers.replaceOrAdd(name: marker, value: "nosniff")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        guard html else { return }
        headers.replaceOrAdd(name: "Content-Security-Policy", value: contentSecurityPolicy)
        headers.replaceOrAdd(name: "Content-Language", value: language.rawValue)
        headers.replaceOrAdd(name: .vary, value: "Accept-Language, Cookie")
    }

    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:\(tileSource.map { " " + $0 } ?? ""); style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

    /// The map tiles' origin (`MAP_TILES_URL`), which pages may show images from: its scheme and
    /// host, a `{s}` subdomain standing for any.
    static let tileSource: String? = {
        guard let template = ProcessInfo.processInfo.environment["MAP_TILES_URL"],
              let scheme = template.range(of: "://") else { return nil }
        let rest = template[scheme.upperBound...]
        let host = rest.prefix { $0 != "/" }.replacingOccurrences(of: "{s}", with: "*")
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-*:".contains($0) }) else { return nil }
        return String(template[..<scheme.upperBound]) + host
    }()
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
