import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The texts of the territory files. The municipalities file is always there; the others may be
/// absent from an import, in which case the database's current regions, MRC and designations stand.
struct TerritoryFileSet: Sendable {
    static let regionsFile = "quebec_regions_administratives.csv"
    static let unitsFile = "quebec_mrc.csv"
    static let designationsFile = "quebec_designations.csv"
    static let municipalitiesFile = "quebec_municipalites_mamh.csv"

    var regions: String?
    var units: String?
    var designations: String?
    var municipalities: String

    static func shipped() throws -> TerritoryFileSet {
        guard let folder = Bundle.module.url(forResource: "Territory", withExtension: nil, subdirectory: "Resources") else {
            throw Abort(.internalServerError, reason: "the shipped territory files are missing from the bundle")
        }
        return try read(folder: folder)
    }

    /// A folder holding the files by their usual names, or the municipalities file alone.
    static func read(path: String) throws -> TerritoryFileSet {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw TerritoryImportError.fileNotFound(path)
        }
        if isFolder.boolValue { return try read(folder: URL(fileURLWithPath: path)) }
        return TerritoryFileSet(municipalities: try text(at: URL(fileURLWithPath: path)))
    }

    static func read(folder: URL) throws -> TerritoryFileSet {
        func optional(_ name: String) throws -> String? {
            let url = folder.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: url.path) ? try text(at: url) : nil
        }
        guard let municipalities = try optional(municipalitiesFile) else {
            throw TerritoryImportError.fileNotFound(folder.appendingPathComponent(municipalitiesFile).path)
        }
        return TerritoryFileSet(regions: try optional(regionsFile), units: try optional(unitsFile),
                                designations: try optional(designationsFile), municipalities: municipalities)
    }

    static func text(at url: URL) throws -> String {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else { throw TerritoryImportError.notUTF8(url.path) }
        return text
    }
}

enum TerritoryImportError: Error, Equatable {
    case fileNotFound(String)
    case notUTF8(String)
    case invalid(file: String, problems: [ImportProblem])
}

/// What an import did, municipality by municipality.
struct TerritoryImportReport: Sendable, Equatable {
    var revision: Int
    var added: [String] = []
    var changed: [(code: String, columns: [MunicipalityColumn])] = []
    var reactivated: [String] = []
    var delisted: [String] = []

    static func == (a: Self, b: Self) -> Bool {
        a.revision == b.revision && a.added == b.added && a.delisted == b.delisted && a.reactivated == b.reactivated
            && a.changed.map(\.code) == b.changed.map(\.code)
    }
}

enum TerritoryImport {
    /// Validates every file, then applies them in one transaction: everything or nothing.
    /// Every change is journaled in the same transaction: one summary event, and after the first
    /// load one event per entity added, changed, reactivated or delisted, with each column before
    /// and after.
    static func apply(_ files: TerritoryFileSet, source: String, on database: any Database, today: CalendarDate,
                      actor: AuditActor, progress: (@Sendable (Double) -> Void)? = nil) async throws -> TerritoryImportReport {
        try await database.transaction { db in
            let existingRegions = try await RegionModel.query(on: db).all()
            let existingUnits = try await TerritoryUnitModel.query(on: db).all()
            let existingDesignations = try await DesignationModel.query(on: db).all()

            let regions = try files.regions.map { try validated(TerritoryFiles.regions($0), TerritoryFileSet.regionsFile) }
                ?? existingRegions.map(\.record)
            let regionCodes = Set(regions.map(\.code))
            let units = try files.units.map {
                try validated(TerritoryFiles.territoryUnits($0, regionCodes: regionCodes), TerritoryFileSet.unitsFile)
            } ?? existingUnits.map(\.record)
            let designations = try files.designations.map {
                try validated(TerritoryFiles.designations($0), TerritoryFileSet.designationsFile)
            } ?? existingDesignations.map(\.record)
            let municipalities = try validated(
                TerritoryFiles.municipalities(files.municipalities,
                                              designationCodes: Set(designations.map(\.code)),
                                              regionCodes: regionCodes,
                                              unitCodes: Set(units.map(\.code)) .union(existingUnits.map(\.code))),
                TerritoryFileSet.municipalitiesFile)

            try await upsertReferenceTables(regions: regions, units: units, designations: designations,
                                            existingRegions: existingRegions, existingUnits: existingUnits,
                                            existingDesignations: existingDesignations, on: db)
            var report = try await upsertMunicipalities(municipalities, today: today, actor: actor, on: db, progress: progress)

            let last = try await TerritoryRevisionModel.query(on: db).max(\.$revision) ?? 0
            report.revision = last + 1
            try await TerritoryRevisionModel(revision: report.revision, source: source, added: report.added.count,
                                             changed: report.changed.count + report.reactivated.count,
                                             delisted: report.delisted.count).create(on: db)
            try await Audit.record(on: db, actor: actor, action: "territory.import", recordType: "territory",
                                   recordID: String(report.revision), changes: [
                                       "source": AuditChange(before: nil, after: source),
                                       "added": AuditChange(before: nil, after: String(report.added.count)),
                                       "changed": AuditChange(before: nil, after: String(report.changed.count)),
                                       "reactivated": AuditChange(before: nil, after: String(report.reactivated.count)),
                                       "delisted": AuditChange(before: nil, after: String(report.delisted.count)),
                                   ])
            return report
        }
    }

    static func validated<T>(_ result: Result<T, ImportProblems>, _ file: String) throws -> T {
        switch result {
        case .success(let value): return value
        case .failure(let problems): throw TerritoryImportError.invalid(file: file, problems: problems.problems)
        }
    }

    static func upsertReferenceTables(regions: [RegionRecord], units: [TerritoryUnitRecord],
                                      designations: [DesignationRecord], existingRegions: [RegionModel],
                                      existingUnits: [TerritoryUnitModel], existingDesignations: [DesignationModel],
                                      on db: any Database) async throws {
        let regionsByCode = Dictionary(uniqueKeysWithValues: existingRegions.map { ($0.code, $0) })
        for record in regions {
            if let model = regionsByCode[record.code] {
                if model.name != record.name { model.name = record.name; try await model.update(on: db) }
            } else {
                try await RegionModel(record).create(on: db)
            }
        }
        let designationsByCode = Dictionary(uniqueKeysWithValues: existingDesignations.map { ($0.code, $0) })
        for record in designations {
            if let model = designationsByCode[record.code] {
                if model.record != record { model.update(record); try await model.update(on: db) }
            } else {
                try await DesignationModel(record).create(on: db)
            }
        }
        let unitsByCode = Dictionary(uniqueKeysWithValues: existingUnits.map { ($0.code, $0) })
        var newUnits: [TerritoryUnitModel] = []
        for record in units {
            if let model = unitsByCode[record.code] {
                if model.record != record { model.update(record); try await model.update(on: db) }
            } else {
                newUnits.append(TerritoryUnitModel(record))
            }
        }
        try await newUnits.create(on: db)
    }

    static func upsertMunicipalities(_ records: [MunicipalityRecord], today: CalendarDate, actor: AuditActor,
                                     on db: any Database,
                                     progress: (@Sendable (Double) -> Void)?) async throws -> TerritoryImportReport {
        var report = TerritoryImportReport(revision: 0)
        let existing = try await MunicipalityModel.query(on: db).all()
        // The first load is one event; after it, each entity's history is its own.
        let journalEach = !existing.isEmpty
        func journal(_ action: String, _ code: String, _ old: MunicipalityRecord?, _ new: MunicipalityRecord?,
                     extra: [String: AuditChange] = [:]) async throws {
            guard journalEach else { return }
            var changes = extra
            for column in MunicipalityColumn.allCases {
                let before = old?.field(column), after = new?.field(column)
                if before != after { changes[column.rawValue] = AuditChange(before: before, after: after) }
            }
            try await Audit.record(on: db, actor: actor, action: action, recordType: "municipality", recordID: code,
                                   changes: changes)
        }
        let byCode = Dictionary(uniqueKeysWithValues: existing.map { ($0.code, $0) })
        var listed: Set<String> = []
        var toCreate: [MunicipalityModel] = []
        for (index, record) in records.enumerated() {
            if index % 50 == 0 { progress?(Double(index) / Double(records.count)) }
            listed.insert(record.code)
            if let model = byCode[record.code] {
                let old = try model.record()
                let columns = record.changedColumns(from: old)
                guard !columns.isEmpty || !model.active else { continue }
                if !model.active { report.reactivated.append(record.code) }
                if !columns.isEmpty { report.changed.append((record.code, columns)) }
                try await journal(model.active ? "municipality.update" : "municipality.reactivate", record.code, old, record,
                                  extra: model.active ? [:] : ["actif": AuditChange(before: "false", after: "true")])
                try model.update(record)
                model.active = true
                model.inactiveSince = nil
                try await model.update(on: db)
            } else {
                toCreate.append(try MunicipalityModel(record))
                report.added.append(record.code)
                try await journal("municipality.create", record.code, nil, record)
            }
        }
        let now = Date()
        try await bulkInsert(into: MunicipalityModel.schema, columns: [
            "id", "code", "name", "designation_code", "region_code", "territory_unit_code", "active", "inactive_since",
            "population", "latitude", "longitude", "record", "created_at", "updated_at",
        ], rows: toCreate.map { m in [
            UUID(), m.code, m.name, m.designationCode, m.regionCode, m.territoryUnitCode, true, m.inactiveSince,
            m.population, m.latitude, m.longitude, m.recordJSON, now, now,
        ] }, on: db)
        for model in existing where model.active && !listed.contains(model.code) {
            model.active = false
            model.inactiveSince = today.iso
            try await model.update(on: db)
            report.delisted.append(model.code)
            try await journal("municipality.delist", model.code, nil, nil,
                              extra: ["actif": AuditChange(before: "true", after: "false"),
                                      "inactif_depuis": AuditChange(before: nil, after: today.iso)])
        }
        progress?(1)
        return report
    }
}
