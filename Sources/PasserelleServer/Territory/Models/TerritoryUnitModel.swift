import Fluent
import Foundation
import PasserelleCore

/// An MRC or an equivalent territory.
final class TerritoryUnitModel: Model, @unchecked Sendable {
    static let schema = "territory_units"

    // managed fields
    @ID(key: .id) var id: UUID?

    // reference fields
    @Field(key: "region_code") var regionCode: String

    // data fields
    @Field(key: "code") var code: String
    @Field(key: "type") var type: String
    @Field(key: "name") var name: String

    init() {}

    init(_ record: TerritoryUnitRecord) {
        update(record)
    }

    func update(_ record: TerritoryUnitRecord) {
        code = record.code
        type = record.type
        name = record.name
        regionCode = record.regionCode
    }

    var record: TerritoryUnitRecord { TerritoryUnitRecord(code: code, type: type, name: name, regionCode: regionCode) }
}
