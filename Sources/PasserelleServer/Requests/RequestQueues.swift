import Fluent
import FluentSQL
import Foundation
import PasserelleCore
import SQLKit

/// What makes a queue page fast with a million requests: the open requests of a unit or of a
/// person, in the order the queue shows them (expected date, then number), read from a partial
/// index of the open requests only.
///
/// The indexes' condition is `status NOT IN ('closed', 'transferred', 'merged')`. A query uses
/// them only when its own condition says the same thing with the same constants (a bound
/// parameter proves nothing to SQLite's planner), so `openFilter` writes it as a literal.
enum RequestQueues {
    /// The statuses after which a request is no longer in anyone's queue.
    static let finished: [RequestStatus] = [.closed, .transferred, .merged]

    static let condition = "status NOT IN ('closed', 'transferred', 'merged')"

    /// Lists count their rows up to this many; past it they say « plus de 10 000 ».
    static let countCap = 10_000

    /// The statement that counts the query's rows up to `cap + 1` only: a queue of 120,000 open
    /// requests costs what one of 10,001 does. Built from the query as it is now, so that a page can
    /// run it while it reads its rows (on PostgreSQL, a round trip saved).
    static func cappedCountSQL(_ query: QueryBuilder<RequestModel>, cap: Int = countCap) -> SQLQueryString {
        let limited = query.copy().field(\.$number).range(..<(cap + 1))
        let select = SQLQueryConverter(delegate: PlainConverterDelegate()).convert(limited.query)
        return "SELECT COUNT(*) AS n FROM (\(select)) AS capped"
    }

    /// Runs `cappedCountSQL`'s statement.
    static func count(_ statement: SQLQueryString, on db: any Database) async throws -> Int {
        let row = try await db.sql.raw(statement).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// A page of requests read straight into models, with their type, organisation and unit: Fluent's
    /// decoding reflects on every model, which costs more than the query itself, and each cell is read
    /// by its type (`PlainRow`). `query` carries the filters, the order and the range.
    static func rows(_ query: QueryBuilder<RequestModel>, types: [RequestTypeModel], on db: any Database) async throws -> [RequestModel] {
        let columns = ["id", "number", "title", "description", "status", "priority", "filed_on", "expected_on", "language",
                       "resolution_number", "resolution_date", "latitude", "longitude", "version", "type_id", "organisation_id",
                       "unit_id", "assignee_id", "merged_into", "rating"]
        let page = query.copy()
        page.query.fields = columns.map { .path([FieldKey(stringLiteral: $0)], schema: RequestModel.schema) }
        let select = SQLQueryConverter(delegate: PlainConverterDelegate()).convert(page.query)
        let sql = db.sql
        let rows = try await sql.raw("\(select)").all()
        let typesByID = Dictionary(types.compactMap { t in t.id.map { ($0, t) } }, uniquingKeysWith: { a, _ in a })
        var models: [RequestModel] = []
        models.reserveCapacity(rows.count)
        // Fluent names the columns it selects `requests_<column>`.
        let c = { (name: String) in "\(RequestModel.schema)_\(name)" }
        for row in rows.map(PlainRow.init) {
            let m = RequestModel()
            m.id = try row.uuid(c("id"))
            m.number = try row.string(c("number"))
            m.title = try row.string(c("title"))
            m.details = try row.string(c("description"))
            m.status = RequestStatus(rawValue: try row.string(c("status"))) ?? .received
            m.priority = try row.string(c("priority"))
            m.filedOn = try row.string(c("filed_on"))
            m.expectedOn = try row.string(c("expected_on"))
            m.language = try row.string(c("language"))
            m.resolutionNumber = try row.optionalString(c("resolution_number"))
            m.resolutionDate = try row.optionalString(c("resolution_date"))
            m.latitude = try row.optionalDouble(c("latitude"))
            m.longitude = try row.optionalDouble(c("longitude"))
            m.version = try row.int(c("version"))
            m.$type.id = try row.uuid(c("type_id"))
            m.$organisation.id = try row.uuid(c("organisation_id"))
            m.$unit.id = try row.uuid(c("unit_id"))
            m.$assignee.id = try row.optionalUUID(c("assignee_id"))
            m.mergedInto = try row.optionalString(c("merged_into"))
            m.rating = try row.optionalInt(c("rating"))
            if let type = typesByID[m.$type.id] { m.$type.value = type }
            models.append(m)
        }
        // The organisations and units of the page, in one read.
        let ids = Array(Set(models.flatMap { [$0.$organisation.id, $0.$unit.id] }))
        var organisations: [UUID: OrganisationModel] = [:]
        if !ids.isEmpty {
            for row in try await sql.select().columns("id", "code", "kind", "name").from(OrganisationModel.schema)
                .where("id", .in, SQLBind.group(ids)).all().map(PlainRow.init) {
                let o = OrganisationModel(code: try row.string("code"), kind: OrganisationKind(rawValue: try row.string("kind")) ?? .municipality,
                                          name: try row.string("name"))
                o.id = try row.uuid("id")
                organisations[o.id!] = o
            }
        }
        for m in models {
            if let o = organisations[m.$organisation.id] { m.$organisation.value = o }
            if let u = organisations[m.$unit.id] { m.$unit.value = u }
        }
        return models
    }

    /// Enough of a converter delegate for reads (no schema, no nested fields).
    struct PlainConverterDelegate: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
    }

    /// The open requests, in the words of the partial indexes.
    static var openFilter: DatabaseQuery.Filter {
        .sql(unsafeRaw: "\"\(RequestModel.schema)\".\(condition)")
    }
}
