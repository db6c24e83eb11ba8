import Foundation
import PasserelleCore

/// The JSON shapes of the territory API. Field names are the Répertoire's own (French, snake case)
/// so that a reader of the open-data file finds the same words.
enum TerritoryDTO {
    struct Reference: Encodable {
        let code: String
        let nom: String
    }

    struct Region: Encodable {
        let code: String
        let nom: String
        let population: Int
        let nb_mrc: Int
        let nb_municipalites_locales: Int
        let nb_entites: Int
        let url: String

        init(_ r: TerritoryDirectory.Region) {
            code = r.record.code
            nom = r.record.name
            population = r.totals.population
            nb_mrc = r.unitCodes.count
            nb_municipalites_locales = r.totals.localMunicipalities
            nb_entites = r.totals.entities
            url = "/api/v1/regions/\(r.record.code)"
        }
    }

    struct RegionDetail: Encodable {
        let region: Region
        let mrc: [Unit]
    }

    struct Unit: Encodable {
        let code: String
        let type: String
        let nom: String
        let region: Reference
        let population: Int
        let nb_municipalites_locales: Int
        let nb_entites: Int
        let url: String

        init(_ u: TerritoryDirectory.Unit, in directory: TerritoryDirectory) {
            code = u.record.code
            type = u.record.type
            nom = u.record.name
            region = Reference(code: u.record.regionCode, nom: directory.region(u.record.regionCode)?.record.name ?? "")
            population = u.totals.population
            nb_municipalites_locales = u.totals.localMunicipalities
            nb_entites = u.totals.entities
            url = "/api/v1/mrc/\(u.record.code)"
        }
    }

    struct UnitDetail: Encodable {
        let mrc: Unit
        let municipalites: [MunicipalitySummary]
    }

    struct MunicipalitySummary: Encodable {
        let code: String
        let nom: String
        let designation: Reference
        let region: Reference
        let mrc: Reference?
        let population: Int?
        let latitude: Double?
        let longitude: Double?
        let actif: Bool
        let url: String

        init(_ m: TerritoryDirectory.Municipality, in directory: TerritoryDirectory) {
            let r = m.record
            code = r.code
            nom = r.name
            designation = Reference(code: r.designationCode, nom: r.designation)
            region = Reference(code: r.regionCode, nom: r.regionName)
            mrc = directory.unit(r.territoryUnitCode).map { Reference(code: $0.record.code, nom: $0.record.name) }
            population = r.population
            latitude = r.latitude
            longitude = r.longitude
            actif = m.active
            url = "/api/v1/municipalites/\(r.code)"
        }
    }

    struct MunicipalityList: Encodable {
        let total: Int
        let page: Int
        let per_page: Int
        let items: [MunicipalitySummary]
    }

    /// Every column of the Répertoire, plus the entity's status in Passerelle.
    struct Municipality: Encodable {
        let record: MunicipalityRecord
        let actif: Bool
        let inactif_depuis: CalendarDate?
        let territoire: Reference?

        init(_ m: TerritoryDirectory.Municipality, in directory: TerritoryDirectory) {
            record = m.record
            actif = m.active
            inactif_depuis = m.inactiveSince
            territoire = directory.unit(m.record.territoryUnitCode).map { Reference(code: $0.record.code, nom: $0.record.name) }
        }

        enum Key: String, CodingKey { case actif, inactif_depuis, territoire }

        struct ColumnKey: CodingKey {
            let stringValue: String
            init(_ column: MunicipalityColumn) { stringValue = column.rawValue }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var columns = encoder.container(keyedBy: ColumnKey.self)
            let r = record
            func put(_ column: MunicipalityColumn, _ value: (some Encodable)?) throws {
                try columns.encode(value, forKey: ColumnKey(column))
            }
            for column in MunicipalityColumn.allCases {
                switch column {
                case .population: try put(column, r.population)
                case .superficie_km2: try put(column, r.areaKm2)
                case .superficie_terrestre_km2: try put(column, r.landAreaKm2)
                case .latitude: try put(column, r.latitude)
                case .longitude: try put(column, r.longitude)
                case .hors_mrc_ou_autochtone: try put(column, r.outsideMRCOrIndigenous)
                default:
                    let text = r.field(column)
                    try put(column, text.isEmpty ? nil : text)
                }
            }
            var status = encoder.container(keyedBy: Key.self)
            try status.encode(actif, forKey: .actif)
            try status.encode(inactif_depuis, forKey: .inactif_depuis)
            try status.encode(territoire, forKey: .territoire)
        }
    }
}
