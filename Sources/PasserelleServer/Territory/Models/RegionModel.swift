import Fluent
import Foundation
import PasserelleCore

final class RegionModel: Model, @unchecked Sendable {
    static let schema = "regions"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String

    init() {}

    init(_ record: RegionRecord) {
        code = record.code
        name = record.name
    }

    var record: RegionRecord { RegionRecord(code: code, name: name) }
}
