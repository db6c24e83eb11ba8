import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// An aid agreement (convention d'aide, from an approved application) or a framework agreement
/// (protocole d'entente, on its own: Réflexe Montréal, the CMM's agreements…). Its number is
/// `CA-2026-000123`. It takes effect when both sides have signed; an amendment makes a new
/// revision, the earlier ones kept.
final class AgreementModel: Model, @unchecked Sendable {
    static let schema = "grant_agreements"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Every change takes the version it read (optimistic locking).
    @Field(key: "version") var version: Int

    @Field(key: "number") var number: String
    /// `convention` or `protocole`.
    @Field(key: "kind") var kind: String
    @OptionalParent(key: "application_id") var application: GrantApplicationModel?
    @OptionalParent(key: "program_id") var program: GrantProgramModel?
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "title") var title: String
    @Field(key: "conditions") var conditions: String
    @Field(key: "amount_cents") var amountCents: Int64
    /// JSON of `ScheduleTerms` (the start is the planned one until both sides sign).
    @Field(key: "terms") var termsJSON: String
    /// `awaiting_signatures`, `in_force`, `closed`, `cancelled`.
    @Field(key: "state") var state: String
    /// The amendment in force: 0 for the agreement as first signed.
    @Field(key: "revision") var revision: Int
    @OptionalField(key: "ministry_signed_by") var ministrySignedBy: String?
    @OptionalField(key: "ministry_signed_at") var ministrySignedAt: Date?
    @OptionalField(key: "municipality_signed_by") var municipalitySignedBy: String?
    @OptionalField(key: "municipality_signed_at") var municipalitySignedAt: Date?
    /// Kept current in each change: what is paid, and what payment runs hold.
    @Field(key: "paid_cents") var paidCents: Int64
    @Field(key: "in_run_cents") var inRunCents: Int64
    /// The language of the letters and messages: the applicant's.
    @Field(key: "language") var language: String
    /// What of the schedule is still to be written as rows (see `SchedulePlan`): nil, the terms
    /// from the first payment; a plan's JSON after an amendment; empty, nothing (every line is a row).
    @OptionalField(key: "schedule_plan") var schedulePlanJSON: String?
    /// The day the next payment of the plan released by its date falls due (nil: none); a payment
    /// run dated on or after it writes that payment first.
    @OptionalField(key: "next_planned_on") var nextPlannedOn: String?

    init() {}

    var terms: ScheduleTerms? { ScheduleTerms(json: termsJSON) }
    var owedCents: Int64 { amountCents - paidCents - inRunCents }
}

/// One revision of an agreement as it was signed or amended: the whole of it, the reason, who and when.
final class AgreementRevisionModel: Model, @unchecked Sendable {
    static let schema = "grant_agreement_revisions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "agreement_id") var agreement: AgreementModel
    @Field(key: "revision") var revision: Int
    @Field(key: "title") var title: String
    @Field(key: "conditions") var conditions: String
    @Field(key: "amount_cents") var amountCents: Int64
    @Field(key: "terms") var termsJSON: String
    @Field(key: "reason") var reason: String
    @Field(key: "author_name") var authorName: String

    init() {}

    var terms: ScheduleTerms? { ScheduleTerms(json: termsJSON) }
}

/// One payment of an agreement's schedule, with both fiscal years. `planned` until its date (or
/// its report) makes it `due`; a run takes it (`in_run`), then it is `paid`, `failed` or
/// `cancelled`. A failed payment is due again.
final class AgreementPaymentModel: Model, @unchecked Sendable {
    static let schema = "grant_payments"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "agreement_id") var agreement: AgreementModel
    /// The beneficiary, kept here for the one-municipality view.
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "sequence") var sequence: Int
    /// `instalment` or `holdback`.
    @Field(key: "kind") var kind: String
    /// ISO dates: the one in force, and the one first planned (they differ after a carry-over).
    @Field(key: "due_on") var dueOn: String
    @Field(key: "planned_on") var plannedOn: String
    @Field(key: "cents") var cents: Int64
    /// `2027-2028`; the municipality's is the calendar year.
    @Field(key: "government_year") var governmentYear: String
    @Field(key: "municipal_year") var municipalYear: Int
    /// `date`, `report:2`, `final`.
    @Field(key: "release") var release: String
    @Field(key: "state") var state: String
    @OptionalField(key: "run_id") var runID: UUID?
    @OptionalField(key: "paid_on") var paidOn: String?

    init() {}
}

/// A payment run: what was due on its date, approved by a finance officer within their spending
/// authority (above it, a second one), exported for the government's accounting system, then
/// confirmed payment by payment.
final class PaymentRunModel: Model, @unchecked Sendable {
    static let schema = "grant_payment_runs"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    /// `LP-2026-0001`.
    @Field(key: "number") var number: String
    @Field(key: "run_on") var runOn: String
    /// `prepared`, `pending_approval`, `approved`, `closed`, `cancelled`.
    @Field(key: "state") var state: String
    @Field(key: "count") var count: Int
    @Field(key: "total_cents") var totalCents: Int64
    @Field(key: "prepared_by") var preparedBy: String
    @OptionalField(key: "approved_by_id") var approvedByID: UUID?
    @OptionalField(key: "approved_by") var approvedBy: String?
    @OptionalField(key: "second_by") var secondBy: String?

    init() {}
}

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

/// The yearly counters of agreement and run numbers (`id` = year × 10 + 1 for agreements, + 2 for runs).
final class AgreementCounterModel: Model, @unchecked Sendable {
    static let schema = "grant_agreement_counters"

    @ID(custom: .id, generatedBy: .user) var id: Int?
    @Field(key: "last") var last: Int

    init() {}
}
