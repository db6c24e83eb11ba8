import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// A work as the map's downloads and the feeds read it: the columns they need, with its owner's
/// code and name, read cell by cell (`PlainRow`) rather than as a Fluent model (10,000 works for the
/// map's GeoJSON in a few milliseconds).
struct WorkRow: Sendable {
    let id: UUID
    let number: String
    let title: String
    let details: String
    let kind: String
    let status: String
    let visibility: String
    let geometryJSON: String
    let startsText: String
    let endsText: String
    let startSeconds: Int64
    let endSeconds: Int64
    let startVerified: Bool
    let endVerified: Bool
    let category: String
    let roadState: String
    let roadNames: String
    let detour: String
    let rtss: String?
    let municipalityCode: String?
    let createdAt: Date?
    let updatedAt: Date?
    let ownerID: UUID
    let ownerCode: String
    let ownerName: String

    init(_ m: InterventionModel) {
        id = m.id ?? UUID()
        number = m.number; title = m.title; details = m.details; kind = m.kind; status = m.status; visibility = m.visibility
        geometryJSON = m.geometryJSON; startsText = m.startsText; endsText = m.endsText; startSeconds = m.startSeconds
        endSeconds = m.endSeconds; startVerified = m.startVerified; endVerified = m.endVerified; category = m.category
        roadState = m.roadState; roadNames = m.roadNames; detour = m.detour; rtss = m.rtss; municipalityCode = m.municipalityCode
        createdAt = m.createdAt; updatedAt = m.updatedAt; ownerID = m.$organisation.id
        ownerCode = m.$organisation.value?.code ?? ""; ownerName = m.$organisation.value?.name ?? ""
    }

    init(_ row: PlainRow) throws {
        id = try row.uuid("id"); number = try row.string("number"); title = try row.string("title")
        details = try row.string("description"); kind = try row.string("kind"); status = try row.string("status")
        visibility = try row.string("visibility"); geometryJSON = try row.string("geometry")
        startsText = try row.string("starts_text"); endsText = try row.string("ends_text")
        startSeconds = Int64(try row.int("start_s")); endSeconds = Int64(try row.int("end_s"))
        startVerified = try row.bool("start_verified"); endVerified = try row.bool("end_verified")
        category = try row.string("category"); roadState = try row.string("road_state"); roadNames = try row.string("road_names")
        detour = try row.string("detour"); rtss = try row.optionalString("rtss"); municipalityCode = try row.optionalString("municipality_code")
        createdAt = try row.optionalDate("created_at"); updatedAt = try row.optionalDate("updated_at")
        ownerID = try row.uuid("organisation_id"); ownerCode = try row.string("owner_code"); ownerName = try row.string("owner_name")
    }

    /// The map's download reads only what it writes (no optional cells: they take the drivers'
    /// slower, generic way).
    init(map row: PlainRow) throws {
        id = WorkRow.none; number = try row.string("number"); title = try row.string("title"); details = ""
        kind = try row.string("kind"); status = try row.string("status"); visibility = try row.string("visibility")
        geometryJSON = try row.string("geometry"); startsText = try row.string("starts_text"); endsText = try row.string("ends_text")
        startSeconds = 0; endSeconds = 0; startVerified = false; endVerified = false
        category = try row.string("category"); roadState = try row.string("road_state"); roadNames = try row.string("road_names")
        detour = ""; rtss = nil; municipalityCode = nil; createdAt = nil; updatedAt = nil
        ownerID = WorkRow.none; ownerCode = try row.string("owner_code"); ownerName = try row.string("owner_name")
    }

    static let none = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    static let mapColumns = ["number", "title", "kind", "status", "visibility", "geometry", "starts_text", "ends_text", "category",
                             "road_state", "road_names", "start_s"]

    var workKind: WorkKind { WorkKind(rawValue: kind) ?? .other }
    var workStatus: WorkStatus { WorkStatus(rawValue: status) ?? .planned }
    var workRoadState: RoadState { RoadState(rawValue: roadState) ?? .open }
    var geometry: Geometry? { try? Geometry(geoJSON: geometryJSON) }
    var roadNameList: [String] { InterventionModel.roads(roadNames) }

    static let columns = ["id", "number", "title", "description", "kind", "status", "visibility", "geometry", "starts_text", "ends_text",
                          "start_s", "end_s", "start_verified", "end_verified", "category", "road_state", "road_names", "detour", "rtss",
                          "municipality_code", "created_at", "updated_at", "organisation_id"]
}

extension WorksQueries {
    /// The works under the filters the caller may see, as rows, soonest first (the map's downloads).
    static func rows(_ filter: Filter, visibility: Visibility, limit: Int? = nil, forMap: Bool = false,
                     on db: any Database) async throws -> [WorkRow] {
        var ownerID: UUID?
        if let owner = filter.owner {
            guard let id = try await OrganisationModel.query(on: db).filter(\.$code == owner).first()?.id else { return [] }
            ownerID = id
        }
        var q = select(on: db, columns: forMap ? WorkRow.mapColumns : WorkRow.columns)
        func w(_ column: String) -> SQLColumn { SQLColumn(column, table: "w") }
        if let from = filter.from { q = q.where(w("last_day"), .greaterThanOrEqual, SQLBind(from.iso)) }
        if let to = filter.to { q = q.where(w("first_day"), .lessThanOrEqual, SQLBind(to.iso)) }
        if let kind = filter.kind { q = q.where(w("kind"), .equal, SQLBind(kind.rawValue)) }
        if let status = filter.status { q = q.where(w("status"), .equal, SQLBind(status.rawValue)) }
        if let region = filter.region { q = q.where(w("region_code"), .equal, SQLBind(region)) }
        if let mrc = filter.mrc { q = q.where(w("mrc_code"), .equal, SQLBind(mrc)) }
        if let municipality = filter.municipality { q = q.where(w("municipality_code"), .equal, SQLBind(municipality)) }
        if let ownerID { q = q.where(w("organisation_id"), .equal, SQLBind(ownerID)) }
        let open = visibility.partner ? [WorkVisibility.public.rawValue, WorkVisibility.partners.rawValue] : [WorkVisibility.public.rawValue]
        switch visibility.internalOwners {
        case .all?:
            break
        case .only(let owners)?, .territory(let owners, _)?:
            var readable = owners
            if case .territory(_, let units)? = visibility.internalOwners { readable.formUnion(units) }
            let ids = Array(readable)
            q = q.where { g in
                var g = g.where(w("visibility"), .in, SQLBind.group(open))
                if !ids.isEmpty { g = g.orWhere(w("organisation_id"), .in, SQLBind.group(ids)) }
                return g
            }
        case .assigned?, nil:
            q = q.where(w("visibility"), .in, SQLBind.group(open))
        }
        q = q.orderBy(w("start_s")).orderBy(w("number"))
        if let limit { q = q.limit(limit) }
        return try await q.all().map { forMap ? try WorkRow(map: PlainRow($0)) : try WorkRow(PlainRow($0)) }
    }

    /// The rows' select with the owner's code and name.
    static func select(on db: any Database, columns: [String] = WorkRow.columns) -> SQLSelectBuilder {
        var q = db.sql.select()
        for column in columns { q = q.column(SQLColumn(column, table: "w")) }
        return q.column(SQLAlias(SQLColumn("code", table: "o"), as: SQLIdentifier("owner_code")))
            .column(SQLAlias(SQLColumn("name", table: "o"), as: SQLIdentifier("owner_name")))
            .from(SQLAlias(SQLIdentifier(InterventionModel.schema), as: SQLIdentifier("w")))
            .join(SQLAlias(SQLIdentifier(OrganisationModel.schema), as: SQLIdentifier("o")), method: SQLJoinMethod.inner,
                  on: SQLColumn("organisation_id", table: "w"), .equal, SQLColumn("id", table: "o"))
    }
}
