import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import Vapor

/// Which municipalities and MRC each territorial directorate serves: its regions (in
/// `organisations.json`) turned into the organisations of those regions, for the need-to-know rule
/// (`Policy.ministryRead`). Read once per revision of the territory, and kept.
final class MinistryTerritories: Sendable {
    private let cached = NIOLockedValueBox<(revision: Int, map: [UUID: Set<UUID>])?>(nil)

    /// Unit → the organisations of its regions, for every unit that serves regions.
    func map(territory: TerritoryDirectory, on db: any Database) async throws -> [UUID: Set<UUID>] {
        let revision = territory.revision
        if let known = cached.withLockedValue({ $0 }), known.revision == revision { return known.map }
        let configured = try OrganisationQueries.configuredCached().filter { $0.kind == .ministryUnit && !$0.regions.isEmpty }
        let units = try await OrganisationModel.query(on: db).filter(\.$kind == .ministryUnit).all()
        let places = try await OrganisationModel.query(on: db).filter(\.$kind ~~ [.municipality, .mrc]).all()
        var byRegion: [String: Set<UUID>] = [:]
        for place in places {
            guard let id = place.id, let region = OrganisationQueries.region(of: place, in: territory) else { continue }
            byRegion[region, default: []].insert(id)
        }
        var map: [UUID: Set<UUID>] = [:]
        for entry in configured {
            guard let unit = units.first(where: { $0.code == entry.code }), let id = unit.id else { continue }
            map[id] = entry.regions.reduce(into: Set<UUID>()) { $0.formUnion(byRegion[$1] ?? []) }
        }
        cached.withLockedValue { $0 = (revision, map) }
        return map
    }

    func forget() { cached.withLockedValue { $0 = nil } }
}

extension Application {
    private struct MinistryTerritoriesKey: StorageKey { typealias Value = MinistryTerritories }

    var ministryTerritories: MinistryTerritories { service(MinistryTerritoriesKey.self, MinistryTerritories.init) }
}

extension CurrentUser {
    /// The same person with the territories of their directorates, as the policy needs them.
    func withTerritories(_ map: [UUID: Set<UUID>]) -> CurrentUser {
        var user = self
        user.territories = map.filter { unit, _ in memberships.contains { $0.organisationID == unit && $0.role.isMinistry } }
        return user
    }
}
