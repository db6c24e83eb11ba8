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
