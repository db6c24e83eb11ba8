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

struct CreateAgreementTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AgreementModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("version", .int, .required)
            .field("number", .string, .required)
            .field("kind", .string, .required)
            .field("application_id", .uuid, .references(GrantApplicationModel.schema, "id"))
            .field("program_id", .uuid, .references(GrantProgramModel.schema, "id"))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id"))
            .field("title", .string, .required)
            .field("conditions", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("terms", .string, .required)
            .field("state", .string, .required)
            .field("revision", .int, .required)
            .field("ministry_signed_by", .string)
            .field("ministry_signed_at", .datetime)
            .field("municipality_signed_by", .string)
            .field("municipality_signed_at", .datetime)
            .field("paid_cents", .int64, .required)
            .field("in_run_cents", .int64, .required)
            .field("language", .string, .required)
            .unique(on: "number")
            .unique(on: "application_id")
            .create()
        try await database.schema(AgreementRevisionModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("agreement_id", .uuid, .required, .references(AgreementModel.schema, "id"))
            .field("revision", .int, .required)
            .field("title", .string, .required)
            .field("conditions", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("terms", .string, .required)
            .field("reason", .string, .required)
            .field("author_name", .string, .required)
            .unique(on: "agreement_id", "revision")
            .create()
        try await database.schema(PaymentRunModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("version", .int, .required)
            .field("number", .string, .required)
            .field("run_on", .string, .required)
            .field("state", .string, .required)
            .field("count", .int, .required)
            .field("total_cents", .int64, .required)
            .field("prepared_by", .string, .required)
            .field("approved_by_id", .uuid)
            .field("approved_by", .string)
            .field("second_by", .string)
            .unique(on: "number")
            .create()
        try await database.schema(AgreementPaymentModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("agreement_id", .uuid, .required, .references(AgreementModel.schema, "id"))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id"))
            .field("sequence", .int, .required)
            .field("kind", .string, .required)
            .field("due_on", .string, .required)
            .field("planned_on", .string, .required)
            .field("cents", .int64, .required)
            .field("government_year", .string, .required)
            .field("municipal_year", .int, .required)
            .field("release", .string, .required)
            .field("state", .string, .required)
            .field("run_id", .uuid, .references(PaymentRunModel.schema, "id"))
            .field("paid_on", .string)
            .create()
        try await database.schema(AgreementReportModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("version", .int, .required)
            .field("agreement_id", .uuid, .required, .references(AgreementModel.schema, "id"))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id"))
            .field("sequence", .int, .required)
            .field("final", .bool, .required)
            .field("due_on", .string, .required)
            .field("state", .string, .required)
            .field("answers", .string, .required)
            .field("costs_cents", .int64, .required)
            .field("note", .string, .required)
            .field("submitted_at", .datetime)
            .field("submitted_by", .string)
            .field("reviewed_at", .datetime)
            .field("reviewed_by", .string)
            .field("review_note", .string, .required)
            .field("reminded_on", .string)
            .unique(on: "agreement_id", "sequence")
            .create()
        try await database.schema(AgreementCounterModel.schema)
            .field(.id, .int, .identifier(auto: false))
            .field("last", .int, .required)
            .create()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("grant_agreements_organisation", AgreementModel.schema, ["organisation_id", "state"]),
            ("grant_payments_agreement", AgreementPaymentModel.schema, ["agreement_id", "sequence"]),
            ("grant_payments_organisation", AgreementPaymentModel.schema, ["organisation_id", "state"]),
            ("grant_payments_due", AgreementPaymentModel.schema, ["state", "due_on"]),
            ("grant_payments_run", AgreementPaymentModel.schema, ["run_id"]),
            ("grant_reports_organisation", AgreementReportModel.schema, ["organisation_id", "state", "due_on"]),
            ("grant_reports_due", AgreementReportModel.schema, ["state", "due_on"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [AgreementReportModel.schema, AgreementPaymentModel.schema, PaymentRunModel.schema, AgreementRevisionModel.schema,
                       AgreementModel.schema, AgreementCounterModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// The one-municipality view adds up an organisation's payments by government year and state: an
/// index that holds those columns and the amounts answers it without reading the table (a
/// municipality has about a thousand payments among a million).
struct CoverPaymentsByOrganisation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "grant_payments_organisation").run()
        try await sql.create(index: "grant_payments_organisation_years").on(AgreementPaymentModel.schema)
            .column("organisation_id").column("government_year").column("state").column("cents").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "grant_payments_organisation_years").run()
        try await sql.create(index: "grant_payments_organisation").on(AgreementPaymentModel.schema)
            .column("organisation_id").column("state").run()
    }
}

/// A payment run adds up its payments by agreement three times (what each agreement holds, which
/// agreements it would overdraw, the run's count and total): an index of the payments in a run
/// that holds their agreement and amount answers the three without reading a payment's row. It
/// holds only payments in a run, so a new schedule's payments (none yet) cost it nothing.
struct IndexPaymentsInRuns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "grant_payments_run").run()
        try await sql.raw("""
            CREATE INDEX grant_payments_in_run ON \(unsafeRaw: AgreementPaymentModel.schema) (run_id, agreement_id, cents)
            WHERE run_id IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "grant_payments_in_run").run()
        try await sql.create(index: "grant_payments_run").on(AgreementPaymentModel.schema).column("run_id").run()
    }
}

/// Schedules written as rows when they come due (issue 7): an agreement keeps the plan its payments
/// and reports are computed from, and the day its next dated payment falls due, which a partial
/// index finds for the payment runs. The agreements signed before keep every row they have: their
/// plan is marked empty.
struct AddSchedulePlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds them one at a time.
        try await database.schema(AgreementModel.schema).field("schedule_plan", .string).update()
        try await database.schema(AgreementModel.schema).field("next_planned_on", .string).update()
        let sql = database as! any SQLDatabase
        try await sql.raw("""
            UPDATE \(unsafeRaw: AgreementModel.schema) SET schedule_plan = '' WHERE state <> 'awaiting_signatures'
            """).run()
        try await sql.raw("""
            CREATE INDEX grant_agreements_next_planned ON \(unsafeRaw: AgreementModel.schema) (next_planned_on)
            WHERE next_planned_on IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "grant_agreements_next_planned").run()
        try await database.schema(AgreementModel.schema).deleteField("next_planned_on").update()
        try await database.schema(AgreementModel.schema).deleteField("schedule_plan").update()
    }
}
