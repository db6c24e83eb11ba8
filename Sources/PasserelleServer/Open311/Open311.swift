import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Open311 GeoReport v2 at `/open311/v2`, the standard municipal systems already speak: discovery,
/// services and their definitions (the request types and their questions), filing (`POST
/// requests`, the `api_key` an API token of the municipality), `GET requests` with the spec's
/// filters, one request, `tokens`, and the `servicerequestupdates` extension. JSON and XML from
/// the same tree; errors in the spec's format (`[{"code": 403, "description": "…"}]`).
///
/// Deviations, documented at `/api`: reading requests needs an `api_key` too, and answers only
/// the token's organisation's requests (a municipality sees only its own); a request without a
/// location is accepted (the municipality is its place); a type's file questions cannot be answered.
struct Open311: Sendable {
    static let jurisdiction = "transports.gouv.qc.ca"
    static let prefix = ["open311", "v2"]

    /// Raised for anything the spec answers with its error list.
    struct Failure: Error {
        let status: HTTPResponseStatus
        let description: String
    }

    // MARK: reading

    @Sendable func document(_ req: Request) async throws -> Response {
        guard let (name, format) = Open311Format.split(req.parameters.get("document") ?? "") else {
            throw Problem.notFound()
        }
        switch name {
        case "discovery": return format.response(discovery(req), root: "discovery")
        case "services": return format.response(try await services(req), root: "services")
        case "requests", "servicerequestupdates":
            // Reading requests needs the token, like filing: checked here, since the route is shared.
            try await RouteGuard.check(req, policy: .apiKey(.read, .requests))
            return name == "requests"
                ? format.response(try await list(req), root: "service_requests")
                : format.response(try await updates(req), root: "service_request_updates")
        default: throw Problem.notFound()
        }
    }

    func discovery(_ req: Request) -> Open311Value {
        let base = req.application.settings.baseURL + "/open311/v2"
        return .object([
            ("changeset", .string("2026-12-01T00:00:00-05:00")),
            ("contact", .string(req.localizer("open311.contact"))),
            ("key_service", .string(req.application.settings.baseURL + "/mon-compte/jetons")),
            ("endpoints", .array(item: "endpoint", [.object([
                ("specification", .string("http://wiki.open311.org/GeoReport_v2")),
                ("url", .string(base)),
                ("changeset", .string("2026-12-01T00:00:00-05:00")),
                ("type", .string("production")),
                ("formats", .array(item: "format", [.string("application/json"), .string("text/xml")])),
            ])])),
        ])
    }

    func services(_ req: Request) async throws -> Open311Value {
        let l = req.localizer
        let types = try await req.application.requestTypes.all(on: req.db).filter(\.active)
        return .array(item: "service", types.map { type in
            .object([
                ("service_code", .string(type.code)),
                ("service_name", .string(type.name(l.language))),
                ("description", .string(type.description(l.language))),
                ("metadata", .bool(!Self.attributes(type, l).isEmpty)),
                ("type", .string("realtime")),
                ("keywords", .text(type.measure.map { "PAMAM \($0)" })),
                ("group", .string(l("type.routing.\(type.routing)"))),
            ])
        })
    }

    /// The type's questions as service attributes (file questions left out: Open311 files no
    /// documents), with the council resolution where the type requires one.
    static func attributes(_ type: RequestTypeModel, _ l: Localizer) -> [Open311Value] {
        var list: [Open311Value] = []
        var order = 0
        func attribute(code: String, datatype: String, required: Bool, label: String, help: String?,
                       values: [(String, String)] = []) {
            order += 1
            var pairs: [(String, Open311Value)] = [
                ("variable", .bool(true)), ("code", .string(code)), ("datatype", .string(datatype)), ("required", .bool(required)),
                ("datatype_description", .text(help)), ("order", .integer(order)), ("description", .string(label)),
            ]
            if !values.isEmpty {
                pairs.append(("values", .array(item: "value", values.map { .object([("key", .string($0.0)), ("name", .string($0.1))]) })))
            }
            list.append(.object(pairs))
        }
        for field in type.fields {
            let help = field.help(l.language).isEmpty ? nil : field.help(l.language)
            switch field.kind {
            case .text: attribute(code: field.code, datatype: "text", required: field.required, label: field.label(l.language), help: help)
            case .number: attribute(code: field.code, datatype: "number", required: field.required, label: field.label(l.language), help: help)
            case .date: attribute(code: field.code, datatype: "datetime", required: field.required, label: field.label(l.language),
                                  help: help ?? l("open311.date_help"))
            case .choice, .multiple:
                attribute(code: field.code, datatype: field.kind == .choice ? "singlevaluelist" : "multivaluelist",
                          required: field.required, label: field.label(l.language), help: help,
                          values: field.options.map { ($0.code, $0.label(l.language)) })
            case .location, .file: continue
            }
        }
        if type.resolutionRequired {
            attribute(code: "resolution_number", datatype: "string", required: true, label: l("request.resolution_number"),
                      help: nil)
            attribute(code: "resolution_date", datatype: "datetime", required: true, label: l("request.resolution_date"),
                      help: l("open311.date_help"))
        }
        return list
    }

    @Sendable func definition(_ req: Request) async throws -> Response {
        guard let (code, format) = Open311Format.split(req.parameters.get("service") ?? "") else { throw Problem.notFound() }
        let l = req.localizer
        guard let type = try await req.application.requestTypes.all(on: req.db).first(where: { $0.code == code && $0.active }) else {
            throw Failure(status: .notFound, description: l("open311.error.service", ["code": code]))
        }
        return format.response(.object([("service_code", .string(type.code)),
                                        ("attributes", .array(item: "attribute", Self.attributes(type, l)))]),
                               root: "service_definition")
    }

    /// A date and time of the spec's parameters (ISO 8601 with an offset, or a plain date).
    static func parseDate(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        if let day = CalendarDate(iso: text) { return day.instant(hour: 0, minute: 0) }
        return nil
    }

    /// A request as the spec gives it. Statuses: open, or closed once answered or finished; the
    /// detailed status is in `status_notes`.
    struct Row {
        let number: String
        let serviceCode: String
        let serviceName: String
        let status: RequestStatus
        let title: String
        let details: String
        let unit: String
        let organisation: String
        let created: Date
        let updated: Date?
        let expectedOn: String
        let latitude: Double?
        let longitude: Double?
        let transferReason: String?
        let mergedInto: String?
    }

    static func value(_ row: Row, _ l: Localizer) -> Open311Value {
        let closed = [.answered, .closed, .transferred, .merged].contains(row.status)
        var notes = l("request.status.\(row.status.rawValue)")
        if let reason = row.transferReason { notes += " — " + reason }
        if let into = row.mergedInto { notes += " — " + l("open311.merged", ["number": into]) }
        let expected = CalendarDate(iso: row.expectedOn).map {
            CalendarDate.quebecCalendar.date(from: DateComponents(year: $0.year, month: $0.month, day: $0.day, hour: 17))!
        }
        return .object([
            ("service_request_id", .string(row.number)),
            ("status", .string(closed ? "closed" : "open")),
            ("status_notes", .string(notes)),
            ("service_name", .string(row.serviceName)),
            ("service_code", .string(row.serviceCode)),
            // Filed through Open311, the details are the whole description (its first line the title):
            // given back as they came. Filed through the pages, the title heads the details.
            ("description", .string(String((row.details.hasPrefix(row.title) ? row.details : row.title + "\n\n" + row.details).prefix(4000)))),
            ("agency_responsible", .string(row.unit)),
            ("service_notice", .text(expected.map { _ in l("open311.notice", ["date": CalendarDate(iso: row.expectedOn).map(l.format.date) ?? row.expectedOn]) })),
            ("requested_datetime", .string(datetime(row.created))),
            ("updated_datetime", .text(row.updated.map(datetime))),
            ("expected_datetime", .text(expected.map(datetime))),
            ("address", .string(row.organisation + ", QC")),
            ("address_id", .null),
            ("zipcode", .null),
            ("lat", row.latitude.map(Open311Value.number) ?? .null),
            ("long", row.longitude.map(Open311Value.number) ?? .null),
            ("media_url", .null),
        ])
    }

    /// Reads requests with SQL (a page of a thousand through Fluent would decode each model by reflection).
    static func rows(_ req: Request, where build: (SQLSelectBuilder) -> SQLSelectBuilder, limit: Int) async throws -> [Row] {
        let sql = req.db.sql
        let language = req.localizer.language
        let select = sql.select()
            .column(SQLColumn("number", table: "r")).column(SQLColumn("status", table: "r")).column(SQLColumn("title", table: "r"))
            .column(SQLColumn("description", table: "r")).column(SQLColumn("created_at", table: "r"))
            .column(SQLColumn("updated_at", table: "r")).column(SQLColumn("expected_on", table: "r"))
            .column(SQLColumn("latitude", table: "r")).column(SQLColumn("longitude", table: "r"))
            .column(SQLColumn("transfer_reason", table: "r")).column(SQLColumn("merged_into", table: "r"))
            .column(SQLAlias(SQLColumn("code", table: "t"), as: SQLIdentifier("type_code")))
            .column(SQLAlias(SQLColumn(language == .enCA ? "name_en" : "name_fr", table: "t"), as: SQLIdentifier("type_name")))
            .column(SQLAlias(SQLColumn("name", table: "u"), as: SQLIdentifier("unit_name")))
            .column(SQLAlias(SQLColumn("name", table: "o"), as: SQLIdentifier("organisation_name")))
            .from(SQLAlias(SQLIdentifier(RequestModel.schema), as: SQLIdentifier("r")))
            .join(SQLAlias(SQLIdentifier(RequestTypeModel.schema), as: SQLIdentifier("t")), method: SQLJoinMethod.inner,
                  on: SQLColumn("type_id", table: "r"), .equal, SQLColumn("id", table: "t"))
            .join(SQLAlias(SQLIdentifier(OrganisationModel.schema), as: SQLIdentifier("u")), method: SQLJoinMethod.inner,
                  on: SQLColumn("unit_id", table: "r"), .equal, SQLColumn("id", table: "u"))
            .join(SQLAlias(SQLIdentifier(OrganisationModel.schema), as: SQLIdentifier("o")), method: SQLJoinMethod.inner,
                  on: SQLColumn("organisation_id", table: "r"), .equal, SQLColumn("id", table: "o"))
        // Each cell read by its type (`PlainRow`): a list is up to a thousand rows of fifteen cells.
        return try await build(select).limit(limit).all().map(PlainRow.init).map { row in
            Row(number: try row.string("number"),
                serviceCode: try row.string("type_code"),
                serviceName: try row.string("type_name"),
                status: RequestStatus(rawValue: try row.string("status")) ?? .received,
                title: try row.string("title"),
                details: try row.string("description"),
                unit: try row.string("unit_name"),
                organisation: try row.string("organisation_name"),
                created: try row.optionalDate("created_at") ?? Date(timeIntervalSince1970: 0),
                updated: try row.optionalDate("updated_at"),
                expectedOn: try row.string("expected_on"),
                latitude: try row.optionalDouble("latitude"),
                longitude: try row.optionalDouble("longitude"),
                transferReason: try row.optionalString("transfer_reason"),
                mergedInto: try row.optionalString("merged_into"))
        }
    }

    /// The token's organisation, whose requests it reads (nil: a ministry token reads them all).
    static func owner(_ req: Request) -> UUID? {
        req.accessActor.isMinistry ? nil : req.currentUser?.tokenOrganisationID
    }

    /// `start_date` and `end_date` (by default the `back` seconds to now), refused when unreadable or reversed.
    static func range(_ req: Request, back: TimeInterval) throws -> (Date, Date) {
        let l = req.localizer
        let now = Date()
        var dates = (start: now.addingTimeInterval(-back), end: now)
        for name in ["start_date", "end_date"] {
            guard let text = req.query[String.self, at: name] else { continue }
            guard let date = parseDate(text) else { throw Failure(status: .badRequest, description: l("open311.error.date", ["name": name])) }
            if name == "start_date" { dates.start = date } else { dates.end = date }
        }
        guard dates.start <= dates.end else { throw Failure(status: .badRequest, description: l("open311.error.range")) }
        return dates
    }

    /// `GET requests`: by ids, or by service codes, dates (90 days back by default) and status;
    /// newest first; at most 1,000 (the spec's default).
    func list(_ req: Request) async throws -> Open311Value {
        let l = req.localizer
        let owner = Self.owner(req)
        let ids = (req.query[String.self, at: "service_request_id"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !ids.isEmpty {
            guard ids.count <= 100 else { throw Failure(status: .badRequest, description: l("open311.error.too_many_ids")) }
            let rows = try await Self.rows(req, where: { q in
                var q = q.where(SQLColumn("number", table: "r"), .in, SQLBind.group(ids))
                if let owner { q = q.where(SQLColumn("organisation_id", table: "r"), .equal, SQLBind(owner)) }
                return q
            }, limit: 100)
            return .array(item: "request", rows.map { Self.value($0, l) })
        }
        let (start, end) = try Self.range(req, back: 90 * 86_400)
        let status = req.query[String.self, at: "status"]
        guard status == nil || status == "open" || status == "closed" else {
            throw Failure(status: .badRequest, description: l("open311.error.status"))
        }
        let codes = (req.query[String.self, at: "service_code"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let zone = CalendarDate.quebecTimeZone
        let rows = try await Self.rows(req, where: { q in
            var q = q.where(SQLColumn("filed_on", table: "r"), .greaterThanOrEqual, SQLBind(CalendarDate(start, timeZone: zone).iso))
                .where(SQLColumn("filed_on", table: "r"), .lessThanOrEqual, SQLBind(CalendarDate(end, timeZone: zone).iso))
            if let owner { q = q.where(SQLColumn("organisation_id", table: "r"), .equal, SQLBind(owner)) }
            if !codes.isEmpty { q = q.where(SQLColumn("code", table: "t"), .in, SQLBind.group(codes)) }
            if let status {
                let closed = ["answered", "closed", "transferred", "merged"]
                q = q.where(SQLColumn("status", table: "r"), status == "closed" ? .in : .notIn, SQLBind.group(closed))
            }
            return q.orderBy(SQLOrderBy(expression: SQLColumn("filed_on", table: "r"), direction: SQLDirection.descending))
                .orderBy(SQLOrderBy(expression: SQLColumn("number", table: "r"), direction: SQLDirection.descending))
        }, limit: 1_000)
        return .array(item: "request", rows.filter { $0.created >= start.addingTimeInterval(-1) && $0.created <= end.addingTimeInterval(1) }
            .map { Self.value($0, l) })
    }

    /// The request of this number, if the token's organisation may read it.
    static func find(_ number: String, _ req: Request) async throws -> Row {
        let owner = Self.owner(req)
        let rows = try await Self.rows(req, where: { q in
            var q = q.where(SQLColumn("number", table: "r"), .equal, SQLBind(number))
            if let owner { q = q.where(SQLColumn("organisation_id", table: "r"), .equal, SQLBind(owner)) }
            return q
        }, limit: 1)
        guard let row = rows.first else {
            throw Failure(status: .notFound, description: req.localizer("open311.error.request", ["id": number]))
        }
        return row
    }

    @Sendable func one(_ req: Request) async throws -> Response {
        guard let (number, format) = Open311Format.split(req.parameters.get("request") ?? "") else { throw Problem.notFound() }
        let row = try await Self.find(number, req)
        return format.response(.array(item: "request", [Self.value(row, req.localizer)]), root: "service_requests")
    }

    /// Requests get their id at once: a token is the id itself.
    @Sendable func token(_ req: Request) async throws -> Response {
        guard let (token, format) = Open311Format.split(req.parameters.get("token") ?? "") else { throw Problem.notFound() }
        let row = try await Self.find(token, req)
        return format.response(.array(item: "request", [.object([("service_request_id", .string(row.number)), ("token", .string(token))])]),
                               root: "service_requests")
    }

    /// The `servicerequestupdates` extension: each status change of the token's requests between
    /// `start_date` and `end_date` (the last 24 hours by default), oldest first, at most 1,000.
    func updates(_ req: Request) async throws -> Open311Value {
        let l = req.localizer
        let now = Date()
        let (start, end) = try Self.range(req, back: 86_400)
        let sql = req.db.sql
        var query = sql.select()
            .column(SQLColumn("id", table: "s")).column(SQLColumn("status", table: "s")).column(SQLColumn("created_at", table: "s"))
            .column(SQLColumn("number", table: "r"))
            .from(SQLAlias(SQLIdentifier(RequestStepModel.schema), as: SQLIdentifier("s")))
            .join(SQLAlias(SQLIdentifier(RequestModel.schema), as: SQLIdentifier("r")), method: SQLJoinMethod.inner,
                  on: SQLColumn("request_id", table: "s"), .equal, SQLColumn("id", table: "r"))
            .where(SQLColumn("created_at", table: "s"), .greaterThanOrEqual, SQLBind(start))
            .where(SQLColumn("created_at", table: "s"), .lessThanOrEqual, SQLBind(end))
        if let owner = Self.owner(req) { query = query.where(SQLColumn("organisation_id", table: "r"), .equal, SQLBind(owner)) }
        let rows = try await query.orderBy(SQLColumn("created_at", table: "s")).limit(1_000).all()
        return .array(item: "request_update", try rows.map(PlainRow.init).map { row in
            let status = RequestStatus(rawValue: try row.string("status")) ?? .received
            let closed = [.answered, .closed, .transferred, .merged].contains(status)
            return .object([
                ("update_id", .string(try row.uuid("id").uuidString)),
                ("service_request_id", .string(try row.string("number"))),
                ("status", .string(closed ? "closed" : "open")),
                ("updated_datetime", .string(Self.datetime(try row.optionalDate("created_at") ?? now))),
                ("description", .string(l("request.status.\(status.rawValue)"))),
                ("media_url", .null),
            ])
        })
    }

    // MARK: filing

    /// `POST requests.json`: the form's fields, `attribute[code]` answers (`attribute[code][]` for
    /// several), the description's first line as the title. The token's organisation files.
    @Sendable func file(_ req: Request) async throws -> Response {
        guard let (name, format) = Open311Format.split(req.parameters.get("document") ?? ""), name == "requests" else {
            throw Problem.notFound()
        }
        let l = req.localizer
        let organisation = try await req.currentUser?.tokenOrganisationID.asyncFlatMap { try await OrganisationModel.find($0, on: req.db) }
        guard let organisation else { throw Failure(status: .forbidden, description: l("open311.error.api_key")) }
        let pairs = Self.pairs(req.body.string ?? "")
        func first(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }
        if let jurisdiction = first("jurisdiction_id"), !jurisdiction.isEmpty, jurisdiction != Self.jurisdiction {
            throw Failure(status: .notFound, description: l("open311.error.jurisdiction", ["id": jurisdiction]))
        }
        let code = first("service_code") ?? ""
        let types = try await req.application.requestTypes.all(on: req.db).filter(\.active)
        guard let type = types.first(where: { $0.code == code }) else {
            throw Failure(status: .notFound, description: l("open311.error.service", ["code": code]))
        }
        var answers: [String: [String]] = [:]
        for (key, value) in pairs where key.hasPrefix("attribute[") {
            let inner = key.dropFirst("attribute[".count)
            guard let close = inner.firstIndex(of: "]") else { continue }
            answers[String(inner[..<close]), default: []].append(value)
        }
        let description = (first("description") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let title = String(description.split(separator: "\n").first.map { String($0) }?.prefix(120) ?? "")
        var form = RequestQueries.FilingForm()
        form.type = code
        form.title = title
        form.description = description
        form.resolution_number = answers.removeValue(forKey: "resolution_number")?.first
        form.resolution_date = answers.removeValue(forKey: "resolution_date")?.first.map { text in
            Self.parseDate(text).map { CalendarDate($0, timeZone: CalendarDate.quebecTimeZone).iso } ?? text
        }
        form.latitude = first("lat")
        form.longitude = first("long")
        // Dates of the type's questions may come as date-times: their day in Québec is kept.
        for field in type.fields where field.kind == .date {
            answers[field.code] = answers[field.code]?.map { text in
                Self.parseDate(text).map { CalendarDate($0, timeZone: CalendarDate.quebecTimeZone).iso } ?? text
            }
        }
        let (filing, errors) = RequestQueries.validate(form, types: types, answers: answers, filer: organisation.kind)
        guard let filing else {
            let text = errors.map { error -> String in
                let field = error.field.hasPrefix("champ_") ? "attribute[\(error.field.dropFirst("champ_".count))]" : error.field
                return field + " : " + l(error.message)
            }.joined(separator: " ; ")
            throw Failure(status: .badRequest, description: text)
        }
        let unit = try await Requests.unit(for: filing.type, organisation: organisation, territory: req.application.territory.current,
                                           organisations: req.application.organisationCache, on: req.db)
        let model = try await req.write { db in
            try await Requests.file(filing, for: organisation, as: req.caller, on: db, unit: unit)
        }
        let notice = l("open311.notice", ["date": CalendarDate(iso: model.expectedOn).map(l.format.date) ?? model.expectedOn])
        return format.response(.array(item: "request", [.object([
            ("service_request_id", .string(model.number)), ("service_notice", .string(notice)), ("account_id", .null),
        ])]), root: "service_requests", status: .created)
    }

    /// The pairs of a form body, every value of a repeated name kept, in order.
    static func pairs(_ body: String) -> [(String, String)] {
        body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                (String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding) ?? String(s)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    // MARK: errors

    /// « 2026-11-21T14:30:00-05:00 »: an instant in Québec time, with its offset. Written by hand:
    /// a formatter made for each of a thousand rows cost more than the query.
    static func datetime(_ date: Date) -> String {
        let c = CalendarDate.quebecCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = CalendarDate.quebecTimeZone.secondsFromGMT(for: date) / 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = offset < 0 ? "-" : "+"
        return "\(c.year ?? 0)-\(two(c.month ?? 1))-\(two(c.day ?? 1))T\(two(c.hour ?? 0)):\(two(c.minute ?? 0)):\(two(c.second ?? 0))"
            + "\(sign)\(two(abs(offset) / 60)):\(two(abs(offset) % 60))"
    }

    /// Any error on an Open311 path, in the spec's form: a list of `{code, description}`, as JSON
    /// or XML like the path asked. A missing or wrong api_key is a 403.
    static func errorResponse(for error: any Error, request: Request) -> Response {
        let l = request.localizer
        let status: HTTPResponseStatus
        let description: String
        if let failure = error as? Failure {
            status = failure.status
            description = failure.description
        } else if error is SignInRequired {
            status = .forbidden
            description = l("open311.error.api_key")
        } else {
            let problem = Problem.from(error)
            if problem.status.code >= 500 {
                request.logger.error("\(String(reflecting: error))", metadata: ["request_id": .string(request.requestID)])
            }
            status = problem.status == .unauthorized ? .forbidden : problem.status
            description = status == .forbidden ? l("open311.error.api_key")
                : problem.fields.first.map { l($0.key, $0.arguments) } ?? l(problem.key, problem.arguments)
        }
        return Open311Format.of(request).response(
            .array(item: "error", [.object([("code", .integer(Int(status.code))), ("description", .string(description))])]),
            root: "errors", status: status)
    }
}
