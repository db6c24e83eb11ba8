import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// An accountability report (reddition de comptes) of an agreement: due on a date, submitted by
/// the municipality with the program's indicators and the costs actually incurred, then accepted
/// or sent back with what to change. An accepted report releases the payment that waits for it;
/// the final one releases the holdback.
final class AgreementReportModel: Model, @unchecked Sendable {
    static let schema = "grant_reports"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    @Parent(key: "agreement_id") var agreement: AgreementModel
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "sequence") var sequence: Int
    @Field(key: "final") var isFinal: Bool
    @Field(key: "due_on") var dueOn: String
    /// `expected`, `submitted`, `changes_requested`, `accepted`.
    @Field(key: "state") var state: String
    /// JSON of the answers to the program's indicators.
    @Field(key: "answers") var answersJSON: String
    @Field(key: "costs_cents") var costsCents: Int64
    @Field(key: "note") var note: String
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @OptionalField(key: "submitted_by") var submittedBy: String?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    @OptionalField(key: "reviewed_by") var reviewedBy: String?
    @Field(key: "review_note") var reviewNote: String
    @OptionalField(key: "reminded_on") var remindedOn: String?

    init() {}

    var answers: [String: [String]] {
        (try? JSONDecoder().decode([String: [String]].self, from: Data(answersJSON.utf8))) ?? [:]
    }
}
