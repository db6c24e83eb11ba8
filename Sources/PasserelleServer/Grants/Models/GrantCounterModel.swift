import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// The yearly counter of application numbers.
final class GrantCounterModel: Model, @unchecked Sendable {
    static let schema = "grant_counters"

    @ID(custom: .id, generatedBy: .user) var id: Int?
    @Field(key: "last") var last: Int

    init() {}
}
