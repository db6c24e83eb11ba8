import Fluent
import Foundation
import PasserelleCore
import SQLKit

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
