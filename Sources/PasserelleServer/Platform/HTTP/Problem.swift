import Foundation
import PasserelleCore
import Vapor

/// A failure the caller can act on: an HTTP status, a machine code, a message from the catalog and,
/// for validation, one entry per field. Rendered as `application/problem+json` (RFC 9457) for the
/// API and as an HTML page for people.
struct Problem: Error, Sendable {
    struct Field: Sendable {
        let name: String
        let key: String
        let arguments: [String: String]
    }

    let status: HTTPResponseStatus
    let code: String
    let key: String
    let arguments: [String: String]
    let fields: [Field]

    init(_ status: HTTPResponseStatus, code: String, key: String, arguments: [String: String] = [:], fields: [Field] = []) {
        self.status = status
        self.code = code
        self.key = key
        self.arguments = arguments
        self.fields = fields
    }

    static func notFound() -> Problem {
        Problem(.notFound, code: "not_found", key: "problem.not_found")
    }

    /// A request parameter that is malformed or out of range.
    static func invalidParameter(_ name: String, key: String, _ arguments: [String: String] = [:]) -> Problem {
        var args = arguments
        args["name"] = name
        return Problem(.badRequest, code: "invalid_parameter", key: "problem.invalid_parameter", arguments: ["name": name],
                       fields: [Field(name: name, key: key, arguments: args)])
    }

    /// The same error seen from Vapor or from anything else: a known problem, an `Abort`, or a bug.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let abort as any AbortError:
            switch abort.status {
            case .notFound: return .notFound()
            case .payloadTooLarge: return Problem(.payloadTooLarge, code: "payload_too_large", key: "problem.payload_too_large")
            case .methodNotAllowed: return Problem(.methodNotAllowed, code: "method_not_allowed", key: "problem.method_not_allowed")
            case .unsupportedMediaType:
                return Problem(.unsupportedMediaType, code: "unsupported_media_type", key: "problem.unsupported_media_type")
            case let status where status.code >= 500:
                return Problem(status, code: "internal", key: "problem.internal")
            default:
                return Problem(abort.status, code: "bad_request", key: "problem.bad_request")
            }
        case is DecodingError:
            return Problem(.badRequest, code: "bad_request", key: "problem.bad_request")
        default:
            return Problem(.internalServerError, code: "internal", key: "problem.internal")
        }
    }

    struct Body: Encodable {
        struct FieldBody: Encodable {
            let name: String
            let detail: String
        }
        let type: String
        let title: String
        let status: Int
        let detail: String
        let instance: String
        let code: String
        let request_id: String
        let errors: [FieldBody]?
    }

    func body(_ l: Localizer, instance: String, requestID: String) -> Body {
        Body(type: "urn:passerelle:problem:\(code)",
             title: l.catalog.messages["problem.title.\(status.code)"] ?? status.reasonPhrase,
             status: Int(status.code),
             detail: l(key, arguments),
             instance: instance,
             code: code,
             request_id: requestID,
             errors: fields.isEmpty ? nil : fields.map { Body.FieldBody(name: $0.name, detail: l($0.key, $0.arguments)) })
    }
}
