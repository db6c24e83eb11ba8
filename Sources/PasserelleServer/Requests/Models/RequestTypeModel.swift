import Fluent
import NIOConcurrencyHelpers
import Foundation
import PasserelleCore
import SQLKit

/// A kind of request, in the catalog administrators edit: bilingual name and description, who
/// handles it first, its service standard, whether a council resolution is required.
final class RequestTypeModel: Model, @unchecked Sendable {
    static let schema = "request_types"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int

    // data fields
    /// Stable: `signalisation`, `apaisement-circulation`.
    @Field(key: "code") var code: String
    @Field(key: "name_fr") var nameFr: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "description_fr") var descriptionFr: String
    @Field(key: "description_en") var descriptionEn: String
    /// `bcam` (triage first) or `directorate` (straight to the directorate covering the municipality).
    @Field(key: "routing") var routing: String
    /// Working days for an answer.
    @Field(key: "target_days") var targetDays: Int
    /// Of those, the working days triage may take (the analysis stage has the rest).
    @Field(key: "triage_days") var triageDays: Int
    @Field(key: "resolution_required") var resolutionRequired: Bool
    /// The PAMAM measure it serves (`4.1`), when there is one.
    @OptionalField(key: "measure") var measure: String?
    @Field(key: "active") var active: Bool
    @Field(key: "position") var position: Int
    /// The questions it asks beyond title and description, as JSON (`[RequestField]`).
    @Field(key: "fields") var fieldsJSON: String
    /// Who may file it: `municipality`, `mrc`, or both, separated by a space.
    @Field(key: "filers") var filers: String

    init() {
        fieldsJSON = "[]"
        filers = "municipality mrc"
        triageDays = 2
    }

    /// The questions decoded from `fieldsJSON`, kept while it does not change (the catalog's models
    /// are shared by every request: decoding them each time was a twentieth of a filing's CPU).
    private let decodedFields = NIOLockedValueBox<(json: String, fields: [RequestField])?>(nil)

    var fields: [RequestField] {
        get {
            let json = fieldsJSON
            if let memo = decodedFields.withLockedValue({ $0 }), memo.json == json { return memo.fields }
            let fields = (try? JSONDecoder().decode([RequestField].self, from: Data(json.utf8))) ?? []
            decodedFields.withLockedValue { $0 = (json, fields) }
            return fields
        }
        set {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            fieldsJSON = String(decoding: (try? encoder.encode(newValue)) ?? Data("[]".utf8), as: UTF8.self)
        }
    }

    /// The kinds of organisation that may file it.
    var filerKinds: Set<OrganisationKind> {
        Set(filers.split(separator: " ").compactMap { OrganisationKind(rawValue: String($0)) })
    }

    func name(_ language: Language) -> String { language == .enCA ? nameEn : nameFr }
    func description(_ language: Language) -> String { language == .enCA ? descriptionEn : descriptionFr }
}
