import Fluent
import Foundation
import PasserelleCore
import SQLKit

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
