import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Reads of the shared map: the works a caller may see, under the map's filters, and the pairs of
/// the caller's organisations.
enum WorksQueries {
    /// The map's and the table's filters (the same for the page, the downloads and the API).
    struct Filter: Sendable, Equatable {
        var from: CalendarDate?
        var to: CalendarDate?
        var kind: WorkKind?
        var owner: String?
        var status: WorkStatus?
        var region: String?
        var mrc: String?
        var municipality: String?

        /// The query string of these filters (for links and downloads).
        var query: String {
            var items: [(String, String)] = []
            if let from { items.append(("du", from.iso)) }
            if let to { items.append(("au", to.iso)) }
            if let kind { items.append(("genre", kind.rawValue)) }
            if let owner { items.append(("proprietaire", owner)) }
            if let status { items.append(("statut", status.rawValue)) }
            if let region { items.append(("region", region)) }
            if let mrc { items.append(("mrc", mrc)) }
            if let municipality { items.append(("municipalite", municipality)) }
            return items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        }
    }

    /// What the caller may see: public works to everyone, partner works to every signed-in member
    /// of an organisation, internal works to their owner and to the ministry staff who may read it.
    struct Visibility: Sendable {
        let partner: Bool
        let internalOwners: ListScope?

        init(_ actor: AccessActor) {
            partner = WorksAccess.isPartner(actor)
            internalOwners = WorksAccess.internalOwners(actor, on: .today)
        }

        func allows(_ m: InterventionModel) -> Bool {
            switch m.workVisibility {
            case .public: return true
            case .partners: return partner || internalOwners?.contains(m.$organisation.id) == true || unitAllows(m)
            case .internal: return internalOwners?.contains(m.$organisation.id) == true || unitAllows(m)
            }
        }

        private func unitAllows(_ m: InterventionModel) -> Bool {
            if case .territory(_, let units) = internalOwners { return units.contains(m.$organisation.id) }
            return false
        }
    }

    /// The works under the filters that the caller may see, soonest first; `limit` nil takes them all.
    static func list(_ filter: Filter, visibility: Visibility, page: Int = 1, limit: Int? = nil,
                     on db: any Database) async throws -> (rows: [InterventionModel], total: Int) {
        var q = InterventionModel.query(on: db).with(\.$organisation)
        if let from = filter.from { q = q.filter(\.$lastDay >= from.iso) }
        if let to = filter.to { q = q.filter(\.$firstDay <= to.iso) }
        if let kind = filter.kind { q = q.filter(\.$kind == kind.rawValue) }
        if let status = filter.status { q = q.filter(\.$status == status.rawValue) }
        if let region = filter.region { q = q.filter(\.$regionCode == region) }
        if let mrc = filter.mrc { q = q.filter(\.$mrcCode == mrc) }
        if let municipality = filter.municipality { q = q.filter(\.$municipalityCode == municipality) }
        if let owner = filter.owner {
            guard let id = try await OrganisationModel.query(on: db).filter(\.$code == owner).first()?.id else { return ([], 0) }
            q = q.filter(\.$organisation.$id == id)
        }
        switch visibility.internalOwners {
        case .all?:
            break
        case .only(let owners)?, .territory(let owners, _)?:
            var units: Set<UUID> = []
            if case .territory(_, let u)? = visibility.internalOwners { units = u }
            let readable = owners.union(units)
            q = q.group(.or) { g in
                g.filter(\.$visibility == WorkVisibility.public.rawValue)
                if visibility.partner { g.filter(\.$visibility == WorkVisibility.partners.rawValue) }
                if !readable.isEmpty { g.filter(\.$organisation.$id ~~ readable) }
            }
        case .assigned?, nil:
            q = visibility.partner ? q.filter(\.$visibility ~~ [WorkVisibility.public.rawValue, WorkVisibility.partners.rawValue])
                : q.filter(\.$visibility == WorkVisibility.public.rawValue)
        }
        let total = try await q.count()
        q = q.sort(\.$startSeconds).sort(\.$number)
        if let limit { q = q.range(((page - 1) * limit)..<(page * limit)) }
        return (try await q.all(), total)
    }

    /// A work by its number, if the caller may see it: by its visibility, or because it is in an
    /// active pair with a work of theirs (the other owner must see what to coordinate with).
    static func work(_ number: String, visibility: Visibility, actor: AccessActor, on db: any Database) async throws -> InterventionModel? {
        guard let m = try await InterventionModel.query(on: db).filter(\.$number == number).with(\.$organisation).first() else { return nil }
        if visibility.allows(m) { return m }
        guard actor.personID != nil else { return nil }
        let id = try m.requireID()
        let pairs = try await WorkPairModel.query(on: db).filter(\.$active == true)
            .group(.or) { $0.filter(\.$first.$id == id).filter(\.$second.$id == id) }.all()
        let follows = pairs.contains { pair in
            let otherOwner = pair.firstOwnerID == m.$organisation.id ? pair.secondOwnerID : pair.firstOwnerID
            return WorksAccess.mayRead(actor, visibility: .internal, owner: otherOwner, on: .today)
        }
        return follows ? m : nil
    }

    // MARK: - Pairs

    /// The organisations whose pairs the actor follows: those whose works they may read as
    /// owners' people, and for the ministry, those of its need-to-know.
    static func pairScope(_ actor: AccessActor) -> ListScope? {
        WorksAccess.internalOwners(actor, on: .today)
    }

    static func mayFollow(_ pair: WorkPairModel, _ actor: AccessActor) -> Bool {
        [pair.firstOwnerID, pair.secondOwnerID].contains { owner in
            WorksAccess.mayRead(actor, visibility: .internal, owner: owner, on: .today)
        }
    }

    static func mayChange(_ pair: WorkPairModel, _ actor: AccessActor) -> Bool {
        [pair.firstOwnerID, pair.secondOwnerID].contains { WorksAccess.mayChange(actor, owner: $0, on: .today) }
    }

    /// The active pairs the actor follows, newest first; `status` filters.
    static func pairs(_ actor: AccessActor, status: WorkPairModel.Status? = nil, on db: any Database) async throws -> [WorkPairModel] {
        guard let scope = pairScope(actor) else { return [] }
        var q = WorkPairModel.query(on: db).filter(\.$active == true).with(\.$first) { $0.with(\.$organisation) }
            .with(\.$second) { $0.with(\.$organisation) }
        if let status { q = q.filter(\.$status == status.rawValue) }
        switch scope {
        case .all: break
        case .only(let owners), .territory(let owners, _):
            var units: Set<UUID> = []
            if case .territory(_, let u) = scope { units = u }
            let readable = owners.union(units)
            q = q.group(.or) { $0.filter(\.$firstOwnerID ~~ readable).filter(\.$secondOwnerID ~~ readable) }
        case .assigned: return []
        }
        return try await q.sort(\.$createdAt, .descending).limit(500).all().filter { mayFollow($0, actor) }
    }

    /// The active pairs of one work.
    static func pairs(of work: InterventionModel, on db: any Database) async throws -> [WorkPairModel] {
        let id = try work.requireID()
        return try await WorkPairModel.query(on: db).filter(\.$active == true)
            .group(.or) { $0.filter(\.$first.$id == id).filter(\.$second.$id == id) }
            .with(\.$first) { $0.with(\.$organisation) }.with(\.$second) { $0.with(\.$organisation) }.all()
    }

    static func pair(_ id: String?, on db: any Database) async throws -> WorkPairModel? {
        guard let id = id.flatMap(UUID.init(uuidString:)) else { return nil }
        return try await WorkPairModel.query(on: db).filter(\.$id == id).with(\.$first) { $0.with(\.$organisation) }
            .with(\.$second) { $0.with(\.$organisation) }.first()
    }

    static func comments(of pair: WorkPairModel, on db: any Database) async throws -> [WorkPairCommentModel] {
        try await WorkPairCommentModel.query(on: db).filter(\.$pair.$id == pair.requireID()).with(\.$person).sort(\.$createdAt).all()
    }

    /// The organisations a person may plan works for (the form's list).
    static func ownersFor(_ actor: AccessActor, on db: any Database) async throws -> [OrganisationModel] {
        let ids = Set(actor.memberships.map(\.organisationID)).filter { WorksAccess.mayChange(actor, owner: $0, on: .today) }
        guard !ids.isEmpty else { return [] }
        return try await OrganisationModel.query(on: db).filter(\.$id ~~ ids).sort(\.$name).all()
    }
}
