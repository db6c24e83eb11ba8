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

/// A municipal request (`DM-2026-000123`).
final class RequestModel: Model, @unchecked Sendable {
    static let schema = "requests"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Optimistic lock: an edit made on an older version is refused (409).
    @Field(key: "version") var version: Int

    // reference fields
    @Parent(key: "type_id") var type: RequestTypeModel
    /// The municipality (or MRC) that files it: whose record it is.
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Parent(key: "requester_id") var requester: PersonModel
    /// The unit handling it (BCAM, a directorate).
    @Parent(key: "unit_id") var unit: OrganisationModel
    @OptionalParent(key: "assignee_id") var assignee: PersonModel?
    @OptionalField(key: "merged_into") var mergedInto: String?

    // data fields
    @Field(key: "number") var number: String
    @Field(key: "title") var title: String
    @Field(key: "description") var details: String
    @Enum(key: "status") var status: RequestStatus
    /// `normal`, `high`, `urgent`.
    @Field(key: "priority") var priority: String
    /// ISO dates (Québec).
    @Field(key: "filed_on") var filedOn: String
    @Field(key: "expected_on") var expectedOn: String
    @Field(key: "language") var language: String
    @OptionalField(key: "resolution_number") var resolutionNumber: String?
    @OptionalField(key: "resolution_date") var resolutionDate: String?
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @OptionalField(key: "transfer_reason") var transferReason: String?
    /// 1–5, asked once the request is closed.
    @OptionalField(key: "rating") var rating: Int?
    /// The answers to its type's fields, as JSON (`{code: [values]}`).
    @Field(key: "answers") var answersJSON: String
    /// Lower-case, accent-free text of number, title, description and messages, for search.
    @Field(key: "search_text") var searchText: String
    /// The same for the internal notes: searched by ministry staff only (`RequestSearch`).
    @Field(key: "search_internal") var searchInternal: String

    init() {
        searchInternal = ""
        answersJSON = "{}"
    }

    var answers: [String: [String]] {
        get { (try? JSONDecoder().decode([String: [String]].self, from: Data(answersJSON.utf8))) ?? [:] }
        set { answersJSON = RequestFieldsMigration.json(newValue) }
    }
}

/// A status taken on a date: the service clock's history.
final class RequestStepModel: Model, @unchecked Sendable {
    static let schema = "request_steps"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "request_id") var request: RequestModel
    @Enum(key: "status") var status: RequestStatus
    @Field(key: "event") var event: String
    @Field(key: "on_date") var onDate: String
    @OptionalField(key: "person_id") var personID: UUID?

    init() {}
}

/// A message to or from the municipality, or an internal note the municipality never sees.
final class RequestMessageModel: Model, @unchecked Sendable {
    static let schema = "request_messages"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "request_id") var request: RequestModel
    @OptionalField(key: "author_id") var authorID: UUID?
    @Field(key: "author_label") var authorLabel: String
    /// `message` (seen by the municipality) or `note` (ministry only).
    @Field(key: "kind") var kind: String
    @Field(key: "body") var body: String

    init() {}
}

/// The numbers given so far, per year.
final class RequestCounterModel: Model, @unchecked Sendable {
    static let schema = "request_counters"

    @ID(custom: .id, generatedBy: .user) var id: Int?
    @Field(key: "last") var last: Int

    init() {}
}
