import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// How a program gives its money.
enum AllocationMode: String, Codable, CaseIterable, Sendable {
    /// Calls for projects, ranked within an envelope.
    case competitive
    /// Applications all year, decided one by one while the envelope lasts.
    case continuous
    /// Every eligible body gets a share of the envelope computed from an indicator.
    case formula
}

/// A financial-aid program (PAFFSR, TAPU…): its rules, its terms, its form, its grid and its
/// workflow, each a versioned piece of data.
final class GrantProgramModel: Model, @unchecked Sendable {
    static let schema = "grant_programs"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int

    /// Stable: `paffsr`.
    @Field(key: "code") var code: String
    @Field(key: "name_fr") var nameFr: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "objectives_fr") var objectivesFr: String
    @Field(key: "objectives_en") var objectivesEn: String
    @Field(key: "rules_fr") var rulesFr: String
    @Field(key: "rules_en") var rulesEn: String
    /// The PAMAM measure (`5.1`) or the mandate it serves.
    @OptionalField(key: "measure") var measure: String?
    @Enum(key: "allocation") var allocation: AllocationMode
    /// For a formula program: the indicator (`population`).
    @OptionalField(key: "indicator") var indicator: String?
    /// JSON of `AidTerms`, `EligibilityRules`, `ScoringGrid`, `[RequestField]`, `GrantWorkflow`.
    @Field(key: "terms") var termsJSON: String
    @Field(key: "eligibility") var eligibilityJSON: String
    @Field(key: "grid") var gridJSON: String
    @Field(key: "fields") var fieldsJSON: String
    @Field(key: "workflow") var workflowJSON: String
    /// The eligible costs, as the program lists them (one per line).
    @Field(key: "eligible_costs_fr") var eligibleCostsFr: String
    @Field(key: "eligible_costs_en") var eligibleCostsEn: String
    @Field(key: "active") var active: Bool
    /// JSON of the report's indicators (`[RequestField]`).
    @Field(key: "indicators") var indicatorsJSON: String

    init() {}

    var indicators: [RequestField] {
        (try? JSONDecoder().decode([RequestField].self, from: Data(indicatorsJSON.utf8))) ?? []
    }

    private let memo = NIOLockedValueBox<Decoded?>(nil)
    struct Decoded {
        let key: String
        let terms: AidTerms
        let eligibility: EligibilityRules
        let grid: ScoringGrid
        let fields: [RequestField]
        let workflow: GrantWorkflow
    }

    /// Every program's data decoded, by its JSON: shared by the model instances each request loads.
    private static let decodedPrograms = NIOLockedValueBox<[String: Decoded]>([:])

    /// The program's data decoded once while its JSON does not change.
    var decoded: Decoded {
        let key = termsJSON + eligibilityJSON + gridJSON + fieldsJSON + workflowJSON
        if let known = memo.withLockedValue({ $0 }), known.key == key { return known }
        if let shared = Self.decodedPrograms.withLockedValue({ $0[key] }) {
            memo.withLockedValue { $0 = shared }
            return shared
        }
        let decoder = JSONDecoder()
        let value = Decoded(
            key: key,
            terms: (try? decoder.decode(AidTerms.self, from: Data(termsJSON.utf8))) ?? AidTerms(rateBasisPoints: 0, ceilingCents: 0),
            eligibility: (try? decoder.decode(EligibilityRules.self, from: Data(eligibilityJSON.utf8))) ?? EligibilityRules(kinds: []),
            grid: (try? decoder.decode(ScoringGrid.self, from: Data(gridJSON.utf8))) ?? ScoringGrid(criteria: []),
            fields: (try? decoder.decode([RequestField].self, from: Data(fieldsJSON.utf8))) ?? [],
            workflow: (try? decoder.decode(GrantWorkflow.self, from: Data(workflowJSON.utf8))) ?? .standard)
        memo.withLockedValue { $0 = value }
        Self.decodedPrograms.withLockedValue { known in
            if known.count > 200 { known.removeAll() }
            known[key] = value
        }
        return value
    }

    var terms: AidTerms { decoded.terms }
    var eligibility: EligibilityRules { decoded.eligibility }
    var grid: ScoringGrid { decoded.grid }
    var fields: [RequestField] { decoded.fields }
    var workflow: GrantWorkflow { decoded.workflow }

    func name(_ language: Language) -> String { language == .enCA ? nameEn : nameFr }
    func objectives(_ language: Language) -> String { language == .enCA ? objectivesEn : objectivesFr }
    func rules(_ language: Language) -> String { language == .enCA ? rulesEn : rulesFr }
    func eligibleCosts(_ language: Language) -> [String] {
        (language == .enCA ? eligibleCostsEn : eligibleCostsFr).split(separator: "\n").map(String.init)
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}

/// A program's budget for one government fiscal year (April–March), for all regions or one. What
/// is committed (approvals awaiting their second signature) and approved is kept in the row, so
/// that what remains is always current and a decision that would overdraw it is refused in the
/// same statement that takes the money.
final class GrantEnvelopeModel: Model, @unchecked Sendable {
    static let schema = "grant_envelopes"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    @Parent(key: "program_id") var program: GrantProgramModel
    /// `2026-2027`.
    @Field(key: "fiscal_year") var fiscalYear: String
    /// A region code, or empty for every region.
    @Field(key: "region") var region: String
    @Field(key: "total_cents") var totalCents: Int64
    @Field(key: "committed_cents") var committedCents: Int64
    @Field(key: "approved_cents") var approvedCents: Int64

    init() {}

    var remainingCents: Int64 { totalCents - committedCents - approvedCents }
}

/// A call for projects: opens and closes at an instant (Québec time shown), within an envelope.
final class GrantCallModel: Model, @unchecked Sendable {
    static let schema = "grant_calls"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    /// Stable: `paffsr-2026`.
    @Field(key: "code") var code: String
    @Parent(key: "program_id") var program: GrantProgramModel
    @Parent(key: "envelope_id") var envelope: GrantEnvelopeModel
    @Field(key: "title_fr") var titleFr: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "opens_at") var opensAt: Date
    @Field(key: "closes_at") var closesAt: Date

    init() {}

    func title(_ language: Language) -> String { language == .enCA ? titleEn : titleFr }
    func isOpen(at instant: Date) -> Bool { opensAt <= instant && instant < closesAt }
}

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

/// The yearly counter of application numbers.
final class GrantCounterModel: Model, @unchecked Sendable {
    static let schema = "grant_counters"

    @ID(custom: .id, generatedBy: .user) var id: Int?
    @Field(key: "last") var last: Int

    init() {}
}

/// A co-applicant of an application (another body applying with the first).
final class GrantPartyModel: Model, @unchecked Sendable {
    static let schema = "grant_parties"

    @ID(key: .id) var id: UUID?
    @Parent(key: "application_id") var application: GrantApplicationModel
    @Parent(key: "organisation_id") var organisation: OrganisationModel

    init() {}
}

/// A document joined to an application, answering one of the program's requirements.
final class GrantDocumentModel: Model, @unchecked Sendable {
    static let schema = "grant_documents"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "application_id") var application: GrantApplicationModel
    /// The requirement's code (`resolution`, `plans`).
    @Field(key: "requirement") var requirement: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "filename") var filename: String
    @Field(key: "kind") var kind: String
    @Field(key: "size") var size: Int
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?

    init() {}
}

/// An evaluator assigned to an application.
final class GrantEvaluatorModel: Model, @unchecked Sendable {
    static let schema = "grant_evaluators"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "application_id") var application: GrantApplicationModel
    @Parent(key: "person_id") var person: PersonModel
    @OptionalField(key: "completed_at") var completedAt: Date?

    init() {}
}

/// One evaluator's score on one criterion, with its comment.
final class GrantScoreModel: Model, @unchecked Sendable {
    static let schema = "grant_scores"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Parent(key: "application_id") var application: GrantApplicationModel
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "criterion") var criterion: String
    @Field(key: "score") var score: Int
    @Field(key: "comment") var comment: String

    init() {}
}

/// A conflict of interest a person declared with an organisation: they evaluate none of its files.
final class GrantConflictModel: Model, @unchecked Sendable {
    static let schema = "grant_conflicts"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "person_id") var person: PersonModel
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "reason") var reason: String

    init() {}
}

/// A decision on an application: approve (an amount), refuse (reasons) or wait-list; an approval
/// above its author's spending authority waits for a second approver.
final class GrantDecisionModel: Model, @unchecked Sendable {
    static let schema = "grant_decisions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "application_id") var application: GrantApplicationModel
    /// `approve`, `refuse`, `waitlist`.
    @Field(key: "kind") var kind: String
    @Field(key: "amount_cents") var amountCents: Int64
    @Field(key: "reasons") var reasons: String
    /// `final`, `pending` (awaiting the second approval), `superseded` (a later decision replaced it).
    @Field(key: "state") var state: String
    @Field(key: "decided_by") var decidedBy: UUID
    @Field(key: "decided_by_name") var decidedByName: String
    @OptionalField(key: "second_by") var secondBy: UUID?
    @OptionalField(key: "second_by_name") var secondByName: String?
    @OptionalField(key: "second_at") var secondAt: Date?
    @OptionalParent(key: "envelope_id") var envelope: GrantEnvelopeModel?

    init() {}
}
