import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

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
