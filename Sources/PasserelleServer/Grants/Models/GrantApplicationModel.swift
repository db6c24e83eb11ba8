import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// An application for financial aid (`AF-2026-000123`): by a body alone or with co-applicants, or
/// by a mandataire on its behalf.
final class GrantApplicationModel: Model, @unchecked Sendable {
    static let schema = "grant_applications"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "version") var version: Int

    @Field(key: "number") var number: String
    @Parent(key: "program_id") var program: GrantProgramModel
    @OptionalParent(key: "call_id") var call: GrantCallModel?
    /// The applying body: whose record it is.
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Parent(key: "applicant_id") var applicant: PersonModel
    /// Filed by a mandataire acting for the body.
    @Field(key: "via_mandate") var viaMandate: Bool
    @Field(key: "language") var language: String
    /// A phase id of the program's workflow, at `workflow_version`.
    @Field(key: "phase") var phase: String
    @Field(key: "workflow_version") var workflowVersion: Int
    @Field(key: "title") var title: String
    @Field(key: "summary") var summary: String
    @Field(key: "answers") var answersJSON: String
    @Field(key: "budget") var budgetJSON: String
    @Field(key: "eligible_cents") var eligibleCents: Int64
    @Field(key: "requested_cents") var requestedCents: Int64
    /// The screening's failures, as JSON (`[{rule, key, arguments}]`); empty when eligible.
    @Field(key: "screening") var screeningJSON: String
    /// The consolidated score in ten-thousandths of a point out of 100, and its parts (JSON array).
    @OptionalField(key: "score") var score: Int64?
    @OptionalField(key: "score_parts") var scorePartsJSON: String?
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    /// The fields a request for changes reopens (JSON array of codes), and its note.
    @Field(key: "reopened") var reopenedJSON: String
    @OptionalField(key: "changes_note") var changesNote: String?
    /// Lower-case, accent-free number, title, summary and applicant: what the list's search reads.
    @Field(key: "search_text") var searchText: String

    init() {
        answersJSON = "{}"
        budgetJSON = "{}"
        screeningJSON = "[]"
        reopenedJSON = "[]"
        viaMandate = false
        searchText = ""
    }

    var answers: [String: [String]] {
        get { (try? JSONDecoder().decode([String: [String]].self, from: Data(answersJSON.utf8))) ?? [:] }
        set { answersJSON = GrantProgramModel.json(newValue) }
    }

    var budget: GrantBudget {
        get { (try? JSONDecoder().decode(GrantBudget.self, from: Data(budgetJSON.utf8))) ?? GrantBudget() }
        set { budgetJSON = GrantProgramModel.json(newValue) }
    }

    var screening: [StoredFailure] {
        get { (try? JSONDecoder().decode([StoredFailure].self, from: Data(screeningJSON.utf8))) ?? [] }
        set { screeningJSON = GrantProgramModel.json(newValue) }
    }

    var reopened: [String] {
        get { (try? JSONDecoder().decode([String].self, from: Data(reopenedJSON.utf8))) ?? [] }
        set { reopenedJSON = GrantProgramModel.json(newValue) }
    }

    var scoreParts: [Int64] {
        (scorePartsJSON.flatMap { try? JSONDecoder().decode([Int64].self, from: Data($0.utf8)) }) ?? []
    }

    struct StoredFailure: Codable, Sendable, Equatable {
        var rule: String
        var key: String
        var arguments: [String: String]
    }
}
