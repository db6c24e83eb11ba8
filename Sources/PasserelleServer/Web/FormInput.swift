import Foundation
import PasserelleCore
import Vapor

/// What every module's forms and lists read from a request, and the errors they give back: each
/// error names its field, so the page shows it beside the field and links it from the summary.
enum FormInput {
    typealias Errors = [(field: String, message: String)]
    static func error(_ errors: Errors, _ field: String) -> String? {
        let messages = errors.filter { $0.field == field }.map(\.message)
        return messages.isEmpty ? nil : messages.joined(separator: " ")
    }
    static func text(_ req: Request, _ name: String) -> String {
        String((req.query[String.self, at: name] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
    }
    static func page(_ req: Request) throws -> Int {
        guard let text = req.query[String.self, at: "page"], !text.isEmpty else { return 1 }
        guard let page = Int(text), (1...100_000).contains(page) else {
            throw Problem.invalidParameter("page", key: "problem.parameter.integer_range",
                                           ["min": "1", "max": "100000", "value": text])
        }
        return page
    }
    static func oneOf(_ name: String, _ value: String, _ allowed: [String]) throws {
        guard value.isEmpty || allowed.contains(value) else {
            throw Problem.invalidParameter(name, key: "problem.parameter.one_of",
                                           ["allowed": allowed.joined(separator: ", "), "value": value])
        }
    }
    /// One answer in the API: a text, or a list of texts.
    struct AnswerValue: Codable, Sendable {
        let values: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([String].self) { values = list }
            else if let number = try? container.decode(Double.self) { values = [String(number)] }
            else { values = [try container.decode(String.self)] }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(values)
        }
    }
    /// The HTML name of a field's input.
    static let answerPrefix = "champ_"
    static func inputName(_ field: RequestField) -> String { answerPrefix + field.code }
    /// The answers an HTML form carries for these fields (a request type's, a grant program's).
    static func answers(_ req: Request, fields: [RequestField]) -> (answers: [String: [String]], files: [(String, File)]) {
        var answers: [String: [String]] = [:]
        var files: [(String, File)] = []
        for field in fields {
            let name = inputName(field)
            switch field.kind {
            case .multiple:
                answers[field.code] = (try? req.content.get([String].self, at: name)) ?? []
            case .location:
                let lat = (try? req.content.get(String.self, at: name + "_lat")) ?? ""
                let lon = (try? req.content.get(String.self, at: name + "_lon")) ?? ""
                answers[field.code] = [lat, lon]
            case .file:
                // One file; the input is the same as the attachments' (`name[]`).
                let sent = (try? req.content.get([File].self, at: name)) ?? ((try? req.content.get(File.self, at: name)).map { [$0] } ?? [])
                if let file = sent.first(where: { $0.data.readableBytes > 0 }) { files.append((field.code, file)) }
            default:
                answers[field.code] = [(try? req.content.get(String.self, at: name)) ?? ""]
            }
        }
        return (answers, files)
    }

    /// The named text fields of a form, trimmed ("" for one not sent).
    static func fields(_ req: Request, _ names: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for name in names { result[name] = ((try? req.content.get(String.self, at: name)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        return result
    }
}
