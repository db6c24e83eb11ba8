import Fluent
import NIOConcurrencyHelpers
import Foundation
import PasserelleCore
import SQLKit

/// The numbers given so far, per year.
final class RequestCounterModel: Model, @unchecked Sendable {
    static let schema = "request_counters"

    @ID(custom: .id, generatedBy: .user) var id: Int?
    @Field(key: "last") var last: Int

    init() {}
}
