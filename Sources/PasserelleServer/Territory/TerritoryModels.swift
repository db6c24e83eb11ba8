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

final class DesignationModel: Model, @unchecked Sendable {
    static let schema = "designations"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "is_local_municipality") var isLocalMunicipality: Bool

    init() {}

    init(_ record: DesignationRecord) {
        update(record)
    }

    func update(_ record: DesignationRecord) {
        code = record.code
        name = record.name
        isLocalMunicipality = record.isLocalMunicipality
    }

    var record: DesignationRecord { DesignationRecord(code: code, name: name, isLocalMunicipality: isLocalMunicipality) }
}

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

/// One load of the territory files: the first one and every `import-territory` after it.
/// The highest revision tells each app instance whether its copy of the directory is current.
final class TerritoryRevisionModel: Model, @unchecked Sendable {
    static let schema = "territory_revisions"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "revision") var revision: Int
    @Field(key: "source") var source: String
    @Field(key: "added") var added: Int
    @Field(key: "changed") var changed: Int
    @Field(key: "delisted") var delisted: Int

    init() {}

    init(revision: Int, source: String, added: Int, changed: Int, delisted: Int) {
        self.revision = revision
        self.source = source
        self.added = added
        self.changed = changed
        self.delisted = delisted
    }
}
