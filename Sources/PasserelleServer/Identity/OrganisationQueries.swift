import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit
import Vapor

/// Keeps the organisations in step with the territory (one per local municipality and per MRC)
/// and with the ministry's configured units and partners.
enum OrganisationQueries {
    /// The region of a municipality or an MRC, read off the territory.
    static func region(of organisation: OrganisationModel, in territory: TerritoryDirectory) -> String? {
        guard let code = organisation.territoryCode else { return nil }
        if organisation.kind == .municipality { return territory.municipality(code)?.record.regionCode }
        return territory.unit(code)?.record.regionCode
    }

    /// Looks an organisation up by its code (`mun-12072`), its geographic code or its exact name.
    static func municipalityOrMRC(_ text: String, on db: any Database) async throws -> OrganisationModel? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        let kinds: [OrganisationKind] = [.municipality, .mrc]
        if let found = try await OrganisationModel.query(on: db).group(.or, { $0.filter(\.$code == text).filter(\.$territoryCode == text) })
            .filter(\.$kind ~~ kinds).first() { return found }
        // A municipality and its MRC often share a name (Rivière-du-Loup): the name alone means the municipality.
        let named = try await OrganisationModel.query(on: db).filter(\.$name == text).filter(\.$kind ~~ kinds).all()
        let municipalities = named.filter { $0.kind == .municipality }
        return named.count == 1 ? named[0] : municipalities.count == 1 ? municipalities[0] : nil
    }

    struct Configured: Decodable {
        struct Entry: Decodable {
            let code: String
            let kind: OrganisationKind
            let name: String
            let regions: [String]
            /// How to reach a unit (shown on the territorial business cards).
            let contact: Contact?
        }
        struct Contact: Decodable, Sendable {
            let email: String
            let phone: String
            let street: String
            let city: String
            let postalCode: String
            let hours: String
        }
        let organisations: [Entry]
    }

    /// The organisation with this code, read with SQL (each cell by its type, `PlainRow`): Fluent's
    /// decoding reflects on the model each time, and this runs for every request to an organisation's
    /// routes. The model is marked as stored, so it can be updated like one Fluent read.
    static func find(code: String, on db: any Database) async throws -> OrganisationModel? {
        try await stored(code: code, on: db)?.model
    }

    /// An organisation's stored columns, as `find` reads them: a value that can be kept and shared
    /// (`OrganisationCache`), each caller getting a model of its own.
    struct Stored: Sendable {
        let id: UUID
        let createdAt: Date?
        let version: Int
        let territoryCode: String?
        let code: String
        let kind: OrganisationKind
        let name: String
        let language: String
        let active: Bool

        var model: OrganisationModel {
            let model = OrganisationModel()
            model.id = id
            model.$id.exists = true
            model.createdAt = createdAt
            model.version = version
            model.territoryCode = territoryCode
            model.code = code
            model.kind = kind
            model.name = name
            model.language = language
            model.active = active
            return model
        }
    }

    static func stored(code: String, on db: any Database) async throws -> Stored? {
        // Written out rather than built: SQLKit's builder escapes each identifier anew on every call,
        // and this runs on every request to an organisation's routes (a filing reads it twice).
        guard let row = try await db.sql.raw("""
            SELECT id, created_at, version, territory_code, code, kind, name, language, active
            FROM organisations WHERE code = \(bind: code) LIMIT 1
            """).first().map(PlainRow.init) else { return nil }
        return Stored(id: try row.uuid("id"), createdAt: try row.optionalDate("created_at"), version: try row.int("version"),
                      territoryCode: try row.optionalString("territory_code"), code: try row.string("code"),
                      kind: OrganisationKind(rawValue: try row.string("kind")) ?? .partner, name: try row.string("name"),
                      language: try row.string("language"), active: try row.bool("active"))
    }

    /// The ministry's units by name (a queue's filter), read with SQL: their id, code and name.
    static func units(on db: any Database) async throws -> [OrganisationModel] {
        try await db.sql.raw("""
            SELECT id, code, name FROM organisations WHERE kind = \(bind: OrganisationKind.ministryUnit.rawValue) ORDER BY name
            """).all()
            .map(PlainRow.init).map { row in
                let unit = OrganisationModel(code: try row.string("code"), kind: .ministryUnit, name: try row.string("name"))
                unit.id = try row.uuid("id")
                return unit
            }
    }

    /// The shipped configuration, read once.
    static func configuredCached() throws -> [Configured.Entry] { try configuredOnce.get() }
    private static let configuredOnce = Result { try configured() }

    static func configured() throws -> [Configured.Entry] {
        guard let url = Bundle.module.url(forResource: "organisations", withExtension: "json", subdirectory: "Resources/Identity") else {
            throw Abort(.internalServerError, reason: "Resources/Identity/organisations.json is missing")
        }
        return try JSONDecoder().decode(Configured.self, from: Data(contentsOf: url)).organisations
    }

    /// What the organisations should be, given the territory and the configuration.
    static func expected(_ directory: TerritoryDirectory) throws -> [OrganisationModel] {
        var result: [OrganisationModel] = []
        for m in directory.municipalities where m.active && m.isLocal {
            result.append(OrganisationModel(code: "mun-\(m.code)", kind: .municipality, name: m.record.name, territoryCode: m.code))
        }
        for unit in directory.units where unit.record.code.count == 3 && unit.record.type.hasPrefix("MRC") {
            result.append(OrganisationModel(code: "mrc-\(unit.record.code)", kind: .mrc, name: unit.record.name,
                                            territoryCode: unit.record.code))
        }
        for entry in try configured() {
            result.append(OrganisationModel(code: entry.code, kind: entry.kind, name: entry.name))
        }
        return result
    }

    /// Adds what is missing, renames what changed, deactivates what left; journaled. The first
    /// sync is one event, later ones one per organisation.
    static func sync(_ directory: TerritoryDirectory, actor: AuditActor, on db: any Database) async throws {
        // Only the columns the sync reads: it runs as the second migration, before the columns
        // added since exist.
        let existing = try await OrganisationModel.query(on: db)
            .field(\.$id).field(\.$code).field(\.$kind).field(\.$name).field(\.$active).field(\.$version).all()
        let byCode = Dictionary(uniqueKeysWithValues: existing.map { ($0.code, $0) })
        let expected = try expected(directory)
        let first = existing.isEmpty
        var created: [OrganisationModel] = []
        for organisation in expected {
            if let current = byCode[organisation.code] {
                guard current.name != organisation.name || !current.active else { continue }
                let changes = Audit.changes(before: ["name": current.name, "active": String(current.active)],
                                            after: ["name": organisation.name, "active": "true"])
                current.name = organisation.name
                current.active = true
                current.version += 1
                try await current.update(on: db)
                try await Audit.record(on: db, actor: actor, action: "organisation.update", recordType: "organisation",
                                       recordID: current.code, changes: changes)
            } else {
                created.append(organisation)
            }
        }
        let now = Date()
        try await bulkInsert(into: OrganisationModel.schema, columns: [
            "id", "code", "kind", "name", "territory_code", "language", "active", "version", "created_at",
        ], rows: created.map { o in [
            UUID(), o.code, o.kind.rawValue, o.name, o.territoryCode, o.language, true, 1, now,
        ] }, on: db)
        if first {
            try await Audit.record(on: db, actor: actor, action: "organisation.load", recordType: "organisation",
                                   recordID: "*", changes: ["count": AuditChange(before: nil, after: String(created.count))])
        } else {
            for organisation in created {
                try await Audit.record(on: db, actor: actor, action: "organisation.create", recordType: "organisation",
                                       recordID: organisation.code,
                                       changes: ["name": AuditChange(before: nil, after: organisation.name)])
            }
        }
        let expectedCodes = Set(expected.map(\.code))
        for organisation in existing where organisation.active && !expectedCodes.contains(organisation.code) {
            organisation.active = false
            organisation.version += 1
            try await organisation.update(on: db)
            try await Audit.record(on: db, actor: actor, action: "organisation.deactivate", recordType: "organisation",
                                   recordID: organisation.code, changes: ["active": AuditChange(before: "true", after: "false")])
        }
    }
}

/// Organisations by code as the routes read them, each kept a second (as credentials are,
/// `CredentialCache`): every request to an organisation's routes reads its organisation, and a
/// filing reads its unit as well, a query each. Organisations change only when the territory is
/// imported; `import-territory` forgets them all on its instance, the others within a second.
final class OrganisationCache: @unchecked Sendable {
    static let lifetime: Duration = .seconds(1)

    private struct Entry {
        let organisation: OrganisationQueries.Stored
        let until: ContinuousClock.Instant
    }

    private let lock = NIOLock()
    private var entries: [String: Entry] = [:]
    private var generation = 0

    func find(code: String, on db: any Database) async throws -> OrganisationModel? {
        let now = ContinuousClock.now
        if let entry = lock.withLock({ entries[code].flatMap { $0.until > now ? $0 : nil } }) { return entry.organisation.model }
        let seen = lock.withLock { generation }
        guard let organisation = try await OrganisationQueries.stored(code: code, on: db) else { return nil }
        lock.withLock {
            // Forgotten while this read was under way: what was read may be older than the change.
            guard generation == seen else { return }
            if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[code] = Entry(organisation: organisation, until: now + Self.lifetime)
        }
        return organisation.model
    }

    func removeAll() {
        lock.withLock {
            entries.removeAll()
            generation += 1
        }
    }
}

extension Application {
    private struct OrganisationCacheKey: StorageKey { typealias Value = OrganisationCache }

    /// Organisations by code, each kept a second (`OrganisationCache`).
    var organisationCache: OrganisationCache {
        if let cache = storage[OrganisationCacheKey.self] { return cache }
        let cache = OrganisationCache()
        storage[OrganisationCacheKey.self] = cache
        return cache
    }
}
