import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// The yearly counters of agreement and run numbers (`id` = year × 10 + 1 for agreements, + 2 for runs).
final class AgreementCounterModel: Model, @unchecked Sendable {
    static let schema = "grant_agreement_counters"

    @ID(custom: .id, generatedBy: .user) var id: Int?
    @Field(key: "last") var last: Int

    init() {}
}
