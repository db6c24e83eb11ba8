import Foundation
import PasserelleCore
import Vapor

/// Turns any error into what the caller can read: problem+json for the API, a page for people.
/// Nothing but a bug becomes a 500, and a 500 never shows its inner details.
enum ErrorRendering {
    static func response(for error: any Error, request: Request) -> Response {
        let path = request.url.path
        if let renderer = request.application.modules.errorRenderers.first(where: { path.hasPrefix($0.pathPrefix) }) {
            return renderer.render(error, request)
        }
        if error is SignInRequired {
            if !(request.isAPI || prefersJSON(request)) && request.method == .GET {
                return request.redirect(to: "/connexion?retour=" + (request.url.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "/"))
            }
            let response = Self.response(for: Problem(.unauthorized, code: "sign_in_required", key: "problem.sign_in_required"),
                                         request: request)
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer")
            return response
        }
        var problem = Problem.from(error)
        var allowed: [HTTPMethod] = []
        if problem.status == .notFound, request.route == nil, request.isAPI {
            // An address the API knows, asked with a method it does not take.
            allowed = request.application.apiMethods.allowed(path: request.url.path)
            if !allowed.isEmpty { problem = Problem(.methodNotAllowed, code: "method_not_allowed", key: "problem.method_not_allowed") }
        }
        if problem.status.code >= 500 {
            request.logger.error("\(String(reflecting: error))", metadata: ["request_id": .string(request.requestID)])
        }
        let l = request.localizer
        if request.isAPI || prefersJSON(request) {
            let body = problem.body(l, instance: request.url.path, requestID: request.requestID)
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
            headers.replaceOrAdd(name: "Content-Language", value: l.language.rawValue)
            if !allowed.isEmpty { headers.replaceOrAdd(name: .allow, value: allowed.map(\.rawValue).joined(separator: ", ")) }
            let data = (try? JSONResponse.encoder.encode(body)) ?? Data("{}".utf8)
            return Response(status: problem.status, headers: headers, body: .init(data: data))
        }
        let detail = problem.fields.first.map { l($0.key, $0.arguments) } ?? l(problem.key, problem.arguments)
        let html = GeneralViews.error(Layout(request), status: problem.status.code, message: detail)
        return .html(html, status: problem.status)
    }

    private static func prefersJSON(_ request: Request) -> Bool {
        guard let accept = request.headers.first(name: .accept) else { return false }
        return accept.contains("json") && !accept.contains("html")
    }
}
