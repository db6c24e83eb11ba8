import Fluent
import NIOConcurrencyHelpers
import Foundation
import PasserelleCore
import SQLKit

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
