import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

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
