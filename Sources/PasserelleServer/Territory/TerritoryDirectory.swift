import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore

/// An immutable copy of the territory directory: 17 regions, about a hundred MRC, 1,281 entities.
/// Reference data changes only through `import-territory`, and every request reads it, so each app
/// instance holds it in memory and reloads it when the database's revision moves (see
/// `TerritoryStore`). The database stays the one source of truth. A class, so that a request
/// takes the current copy with one reference, not one per array.
final class TerritoryDirectory: Sendable {
    /// A class: lists and rankings pass entities around by reference, never copying the thirty
    /// fields of a record (measured: copies were half the cost of an uncached search).
    final class Municipality: Sendable {
        let record: MunicipalityRecord
        let active: Bool
        let inactiveSince: CalendarDate?
        let search: SearchEntry
        let isLocal: Bool

        init(record: MunicipalityRecord, active: Bool, inactiveSince: CalendarDate?, search: SearchEntry, isLocal: Bool) {
            self.record = record
            self.active = active
            self.inactiveSince = inactiveSince
            self.search = search
            self.isLocal = isLocal
        }

        var code: String { record.code }
        var name: String { record.name }
    }

    struct Totals: Sendable, Equatable {
        var population = 0
        var localMunicipalities = 0
        var entities = 0
    }

    struct Region: Sendable {
        let record: RegionRecord
        let totals: Totals
        let unitCodes: [String]
        let search: SearchEntry
    }

    struct Unit: Sendable {
        let record: TerritoryUnitRecord
        let totals: Totals
        let search: SearchEntry
    }

    let revision: Int
    let regions: [Region]
    let units: [Unit]
    let designations: [DesignationRecord]
    /// Every entity, active or not, in the order people read names (accents ignored).
    let municipalities: [Municipality]
    let regionIndex: [String: Int]
    let unitIndex: [String: Int]
    let municipalityIndex: [String: Int]
    let designationIndex: [String: Int]

    func region(_ code: String) -> Region? { regionIndex[code].map { regions[$0] } }
    func unit(_ code: String?) -> Unit? { code.flatMap { unitIndex[$0] }.map { units[$0] } }
    func municipality(_ code: String) -> Municipality? { municipalityIndex[code].map { municipalities[$0] } }
    func designation(_ code: String) -> DesignationRecord? { designationIndex[code].map { designations[$0] } }

    static let empty = TerritoryDirectory(revision: 0, regions: [], units: [], designations: [], municipalities: [])

    init(revision: Int, regions regionRecords: [RegionRecord], units unitRecords: [TerritoryUnitRecord],
         designations: [DesignationRecord], municipalities rows: [(MunicipalityRecord, Bool, CalendarDate?)]) {
        self.revision = revision
        self.designations = designations.sorted { $0.code < $1.code }
        let local = Set(designations.filter(\.isLocalMunicipality).map(\.code))
        let municipalities = rows.map { record, active, since in
            Municipality(record: record, active: active, inactiveSince: since, search: SearchEntry(record.name),
                         isLocal: local.contains(record.designationCode))
        }.sorted { ($0.search.joined, $0.code) < ($1.search.joined, $1.code) }
        self.municipalities = municipalities

        var regionTotals: [String: Totals] = [:]
        var unitTotals: [String: Totals] = [:]
        for m in municipalities where m.active {
            regionTotals[m.record.regionCode, default: Totals()].add(m)
            if let unit = m.record.territoryUnitCode { unitTotals[unit, default: Totals()].add(m) }
        }
        let units = unitRecords.sorted { $0.code < $1.code }.map {
            Unit(record: $0, totals: unitTotals[$0.code] ?? Totals(), search: SearchEntry($0.name))
        }
        let regions = regionRecords.sorted { $0.code < $1.code }.map { region in
            Region(record: region, totals: regionTotals[region.code] ?? Totals(),
                   unitCodes: units.filter { $0.record.regionCode == region.code }.map(\.record.code),
                   search: SearchEntry(region.name))
        }
        self.units = units
        self.regions = regions
        regionIndex = Dictionary(uniqueKeysWithValues: regions.enumerated().map { ($1.record.code, $0) })
        unitIndex = Dictionary(uniqueKeysWithValues: units.enumerated().map { ($1.record.code, $0) })
        municipalityIndex = Dictionary(uniqueKeysWithValues: municipalities.enumerated().map { ($1.code, $0) })
        designationIndex = Dictionary(uniqueKeysWithValues: designations.sorted { $0.code < $1.code }.enumerated().map { ($1.code, $0) })
    }

    /// Reads the whole directory from the database.
    static func load(from db: any Database) async throws -> TerritoryDirectory {
        let revision = try await TerritoryRevisionModel.query(on: db).max(\.$revision) ?? 0
        let regions = try await RegionModel.query(on: db).all().map(\.record)
        let units = try await TerritoryUnitModel.query(on: db).all().map(\.record)
        let designations = try await DesignationModel.query(on: db).all().map(\.record)
        let municipalities = try await MunicipalityModel.query(on: db).all().map {
            (try $0.record(), $0.active, $0.inactiveSince.flatMap { CalendarDate(iso: $0) })
        }
        return TerritoryDirectory(revision: revision, regions: regions, units: units, designations: designations,
                                  municipalities: municipalities)
    }
}

extension TerritoryDirectory.Totals {
    mutating func add(_ m: TerritoryDirectory.Municipality) {
        entities += 1
        population += m.record.population ?? 0
        if m.isLocal { localMunicipalities += 1 }
    }
}

/// Holds the current directory of this app instance and keeps it in step with the database.
final class TerritoryStore: Sendable {
    private let box = NIOLockedValueBox(TerritoryDirectory.empty)

    var current: TerritoryDirectory { box.withLockedValue { $0 } }

    func replace(_ directory: TerritoryDirectory) { box.withLockedValue { $0 = directory } }

    /// Reloads when another instance (or an import) moved the revision; cheap when nothing changed.
    @discardableResult
    func refresh(from db: any Database) async throws -> Bool {
        let revision = try await TerritoryRevisionModel.query(on: db).max(\.$revision) ?? 0
        guard revision != current.revision else { return false }
        replace(try await TerritoryDirectory.load(from: db))
        return true
    }
}
