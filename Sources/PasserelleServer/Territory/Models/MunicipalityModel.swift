import Fluent
import Foundation
import PasserelleCore

/// One entity of the MAMH Répertoire. Never deleted: an entity that leaves the Répertoire (a merger)
/// is kept, inactive, with the date it stopped being listed.
final class MunicipalityModel: Model, @unchecked Sendable {
    static let schema = "municipalities"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // reference fields
    @Field(key: "designation_code") var designationCode: String
    @Field(key: "region_code") var regionCode: String
    @OptionalField(key: "territory_unit_code") var territoryUnitCode: String?

    // data fields
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "active") var active: Bool
    @OptionalField(key: "inactive_since") var inactiveSince: String?
    @OptionalField(key: "population") var population: Int?
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    /// The record as the Répertoire gives it, every column, as JSON.
    @Field(key: "record") var recordJSON: String

    init() {}

    init(_ record: MunicipalityRecord) throws {
        try update(record)
        active = true
    }

    func update(_ record: MunicipalityRecord) throws {
        code = record.code
        name = record.name
        designationCode = record.designationCode
        regionCode = record.regionCode
        territoryUnitCode = record.territoryUnitCode
        population = record.population
        latitude = record.latitude
        longitude = record.longitude
        recordJSON = String(decoding: try MunicipalityModel.encoder.encode(record), as: UTF8.self)
    }

    func record() throws -> MunicipalityRecord {
        try MunicipalityModel.decoder.decode(MunicipalityRecord.self, from: Data(recordJSON.utf8))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    static let decoder = JSONDecoder()
}
