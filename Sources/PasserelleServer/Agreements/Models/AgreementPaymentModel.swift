import Fluent
import Foundation
import PasserelleCore
import SQLKit

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
