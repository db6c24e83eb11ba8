import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The open feeds of the shared map, public works only: Open511 v1 (discovery, jurisdiction,
/// events in XML or JSON, the RTSS segment in an extension element) and a WZDx 4.2 WorkZoneFeed
/// (one data source per owner; polygons left out, as the schema accepts lines and points only).
struct WorksFeeds: Sendable {
    static let namespace = "https://passerelle.quebec/open511"

    /// Open511's jurisdiction id: a domain (the public address's host, `passerelle.quebec` without one).
    static func jurisdiction(_ app: Application) -> String {
        let host = URL(string: app.settings.baseURL)?.host ?? ""
        return host.contains(".") && !host.allSatisfy({ $0.isNumber || $0 == "." }) ? host.lowercased() : "passerelle.quebec"
    }

    static func base(_ app: Application) -> String {
        let url = app.settings.baseURL
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// XML unless JSON is asked for (`format=json` or an Accept header that names it).
    static func wantsJSON(_ req: Request) throws -> Bool {
        if let format = req.query[String.self, at: "format"] {
            try FormInput.oneOf("format", format, ["json", "xml"])
            return format == "json"
        }
        return req.headers.accept.contains { $0.mediaType == .json }
    }

    static func xml(_ body: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/xml; charset=utf-8")
        headers.replaceOrAdd(name: "Open511-Version", value: "v1")
        return Response(status: .ok, headers: headers, body: .init(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body))
    }

    static func json(_ text: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        headers.replaceOrAdd(name: "Open511-Version", value: "v1")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    static func e(_ s: String) -> String { H.escapeText(s) }

    @Sendable func discovery(_ req: Request) throws -> Response {
        let base = Self.base(req.application), id = Self.jurisdiction(req.application)
        if try Self.wantsJSON(req) {
            var out = "{\"meta\":{\"version\":\"v1\"},\"jurisdictions\":[{\"id\":"
            JSONText.quote(id, &out)
            out += ",\"name\":\"Passerelle\",\"url\":"
            JSONText.quote("\(base)/open511/jurisdiction", &out)
            out += "}],\"services\":[{\"service_type_url\":\"http://open511.org/services/events/\",\"url\":"
            JSONText.quote("\(base)/open511/events", &out)
            out += ",\"supported_versions\":[\"v1\"]}]}"
            return Self.json(out)
        }
        return Self.xml("""
            <open511 version="v1" xml:lang="fr"><jurisdictions><jurisdiction><id>\(Self.e(id))</id><name>Passerelle</name>\
            <link rel="self" href="\(Self.e(base))/open511/jurisdiction"/></jurisdiction></jurisdictions>\
            <services><service><link rel="service_type" href="http://open511.org/services/events/"/>\
            <link rel="self" href="\(Self.e(base))/open511/events"/><supported_versions><supported_version>v1</supported_version>\
            </supported_versions></service></services></open511>
            """)
    }

    @Sendable func jurisdiction(_ req: Request) throws -> Response {
        let base = Self.base(req.application), id = Self.jurisdiction(req.application)
        let email = H.escapeText(req.application.settings.open511Email)
        if try Self.wantsJSON(req) {
            var out = "{\"meta\":{\"version\":\"v1\"},\"jurisdictions\":[{\"id\":"
            JSONText.quote(id, &out)
            out += ",\"name\":\"Passerelle\",\"email\":\"\(email)\",\"timezone\":\"America/Toronto\",\"url\":"
            JSONText.quote("\(base)/open511/jurisdiction", &out)
            out += ",\"geography_url\":"
            JSONText.quote("\(base)/open511/jurisdiction/geography", &out)
            out += ",\"license_url\":\"https://creativecommons.org/licenses/by/4.0/\"}]}"
            return Self.json(out)
        }
        return Self.xml("""
            <open511 version="v1" xml:lang="fr"><jurisdictions><jurisdiction><id>\(Self.e(id))</id><name>Passerelle</name>\
            <email>\(email)</email><timezone>America/Toronto</timezone>\
            <link rel="self" href="\(Self.e(base))/open511/jurisdiction"/>\
            <link rel="geography" href="\(Self.e(base))/open511/jurisdiction/geography"/>\
            <link rel="license" href="https://creativecommons.org/licenses/by/4.0/"/></jurisdiction></jurisdictions></open511>
            """)
    }

    /// Québec's extent as the jurisdiction's geography.
    @Sendable func geography(_ req: Request) throws -> Response {
        let e = Geometry.quebecExtent
        let ring = [(e.west, e.south), (e.east, e.south), (e.east, e.north), (e.west, e.north), (e.west, e.south)]
        if try Self.wantsJSON(req) {
            let coords = ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
            return Self.json("{\"meta\":{\"version\":\"v1\"},\"geographies\":[{\"type\":\"Polygon\",\"coordinates\":[[\(coords)]]}]}")
        }
        let list = ring.map { "\($0.1) \($0.0)" }.joined(separator: " ")
        return Self.xml("""
            <open511 version="v1" xmlns:gml="http://www.opengis.net/gml"><geographies><geography>\
            <gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>\(list)</gml:posList>\
            </gml:LinearRing></gml:exterior></gml:Polygon></geography></geographies></open511>
            """)
    }

    /// The events' filters (Open511's): `status` (ACTIVE by default, ARCHIVED, ALL), `bbox`,
    /// `in_effect_on` (a date, or `start,end`), `updated` (with `>`, `>=`, `<`, `<=`), `event_type`,
    /// `severity`, `road_name`, `limit` (50, at most 500) and `offset`.
    struct EventQuery {
        var statuses: Set<String> = ["ACTIVE"]
        var bbox: (Double, Double, Double, Double)?
        var inEffect: (Int64, Int64)?
        var updated: (String, Date)?
        var types: Set<String>?
        var severities: Set<String>?
        var roadName: String?
        var limit = 50
        var offset = 0
    }

    static func eventQuery(_ req: Request) throws -> EventQuery {
        var q = EventQuery()
        func list(_ name: String, _ allowed: [String]) throws -> Set<String>? {
            guard let text = req.query[String.self, at: name] else { return nil }
            let values = text.split(separator: ",").map { String($0).uppercased() }
            for v in values { try FormInput.oneOf(name, v, allowed) }
            return Set(values)
        }
        if let s = try list("status", ["ACTIVE", "ARCHIVED", "ALL"]) { q.statuses = s.contains("ALL") ? ["ACTIVE", "ARCHIVED"] : s }
        q.types = try list("event_type", ["CONSTRUCTION", "SPECIAL_EVENT", "INCIDENT", "WEATHER_CONDITION", "ROAD_CONDITION"])
        q.severities = try list("severity", ["MINOR", "MODERATE", "MAJOR", "UNKNOWN"])
        if let b = req.query[String.self, at: "bbox"] {
            let n = b.split(separator: ",").compactMap { Double($0) }
            guard n.count == 4, n[0] <= n[2], n[1] <= n[3] else {
                throw Problem.invalidParameter("bbox", key: "problem.parameter.bbox", ["value": b])
            }
            q.bbox = (n[0], n[1], n[2], n[3])
        }
        if let t = req.query[String.self, at: "in_effect_on"] {
            let parts = t.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            func instant(_ s: String, end: Bool) -> Int64? {
                if s == "now" { return Int64(Date().timeIntervalSince1970) }
                if let d = CalendarDate(iso: s) { return WorkPeriod.localMidnight(end ? d.adding(days: 1) : d) - (end ? 1 : 0) }
                return (try? Date(s, strategy: Date.ISO8601FormatStyle())).map { Int64($0.timeIntervalSince1970) }
            }
            guard parts.count <= 2, let a = instant(parts[0], end: false), let b = instant(parts.last!, end: parts.count == 2) ?? nil,
                  a <= b else { throw Problem.invalidParameter("in_effect_on", key: "problem.parameter.in_effect_on", ["value": t]) }
            q.inEffect = (a, parts.count == 1 ? a : b)
        }
        if let u = req.query[String.self, at: "updated"] {
            let op = ["<=", ">=", "<", ">"].first { u.hasPrefix($0) } ?? ">="
            let rest = u.hasPrefix(op) ? String(u.dropFirst(op.count)) : u
            guard let date = try? Date(rest, strategy: Date.ISO8601FormatStyle()) else {
                throw Problem.invalidParameter("updated", key: "problem.parameter.updated", ["value": u])
            }
            q.updated = (op, date)
        }
        if let r = req.query[String.self, at: "road_name"] { q.roadName = r.lowercased() }
        if let l = req.query[String.self, at: "limit"] {
            guard let n = Int(l), (1...500).contains(n) else {
                throw Problem.invalidParameter("limit", key: "problem.parameter.integer_range", ["min": "1", "max": "500", "value": l])
            }
            q.limit = n
        }
        if let o = req.query[String.self, at: "offset"] {
            guard let n = Int(o), n >= 0, n <= 1_000_000 else {
                throw Problem.invalidParameter("offset", key: "problem.parameter.integer_range", ["min": "0", "max": "1000000", "value": o])
            }
            q.offset = n
        }
        return q
    }

    /// Public works that match, in number order (stable pages).
    static func events(_ q: EventQuery, on db: any Database) async throws -> (rows: [WorkRow], more: Bool) {
        func w(_ column: String) -> SQLColumn { SQLColumn(column, table: "w") }
        var query = WorksQueries.select(on: db).where(w("visibility"), .equal, SQLBind(WorkVisibility.public.rawValue))
        let archived = [WorkStatus.done.rawValue, WorkStatus.cancelled.rawValue]
        if q.statuses == ["ACTIVE"] { query = query.where(w("status"), .notIn, SQLBind.group(archived)) }
        if q.statuses == ["ARCHIVED"] { query = query.where(w("status"), .in, SQLBind.group(archived)) }
        if let b = q.bbox {
            query = query.where(w("max_lon"), .greaterThanOrEqual, SQLBind(b.0)).where(w("min_lon"), .lessThanOrEqual, SQLBind(b.2))
                .where(w("max_lat"), .greaterThanOrEqual, SQLBind(b.1)).where(w("min_lat"), .lessThanOrEqual, SQLBind(b.3))
        }
        if let (a, b) = q.inEffect { query = query.where(w("end_s"), .greaterThan, SQLBind(a)).where(w("start_s"), .lessThanOrEqual, SQLBind(b)) }
        if let types = q.types {
            query = query.where(w("kind"), .in, SQLBind.group(WorkKind.allCases.filter { types.contains($0.open511.type) }.map(\.rawValue)))
        }
        if let severities = q.severities {
            query = query.where(w("road_state"), .in,
                                SQLBind.group(RoadState.allCases.filter { severities.contains($0.open511Severity) }.map(\.rawValue)))
        }
        if let (op, date) = q.updated {
            let binary: SQLBinaryOperator = switch op {
            case ">": .greaterThan
            case "<": .lessThan
            case "<=": .lessThanOrEqual
            default: .greaterThanOrEqual
            }
            query = query.where(w("updated_at"), binary, SQLBind(date))
        }
        query = query.orderBy(w("number"))
        if let road = q.roadName {
            let rows = try await query.all().map { try WorkRow(PlainRow($0)) }
                .filter { $0.roadNameList.contains { $0.lowercased().contains(road) } }
            return (Array(rows.dropFirst(q.offset).prefix(q.limit)), rows.count > q.offset + q.limit)
        }
        let rows = try await query.limit(q.limit + 1).offset(q.offset).all().map { try WorkRow(PlainRow($0)) }
        return (Array(rows.prefix(q.limit)), rows.count > q.limit)
    }

    @Sendable func eventsFeed(_ req: Request) async throws -> Response {
        let q = try Self.eventQuery(req)
        let (rows, more) = try await Self.events(q, on: req.db)
        let app = req.application
        let base = Self.base(app), jurisdiction = Self.jurisdiction(app)
        var params = req.url.query.map { q in
            q.split(separator: "&").filter { !$0.hasPrefix("offset=") }.joined(separator: "&")
        } ?? ""
        if !params.isEmpty { params += "&" }
        let next = more ? "\(base)/open511/events?\(params)offset=\(q.offset + q.limit)" : nil
        let previous = q.offset > 0 ? "\(base)/open511/events?\(params)offset=\(max(0, q.offset - q.limit))" : nil
        return try Self.wantsJSON(req)
            ? Self.json(Self.eventsJSON(rows, base: base, jurisdiction: jurisdiction, offset: q.offset, next: next, previous: previous))
            : Self.xml(Self.eventsXML(rows, base: base, jurisdiction: jurisdiction, offset: q.offset, next: next, previous: previous))
    }

    /// One public event, by the path its self link gives.
    @Sendable func event(_ req: Request) async throws -> Response {
        guard req.parameters.get("jurisdiction") == Self.jurisdiction(req.application), let number = req.parameters.get("numero"),
              let m = try await InterventionModel.query(on: req.db).with(\.$organisation).filter(\.$number == number)
                .filter(\.$visibility == WorkVisibility.public.rawValue).first() else { throw Problem.notFound() }
        let base = Self.base(req.application), jurisdiction = Self.jurisdiction(req.application)
        return try Self.wantsJSON(req)
            ? Self.json(Self.eventsJSON([WorkRow(m)], base: base, jurisdiction: jurisdiction, offset: 0, next: nil, previous: nil))
            : Self.xml(Self.eventsXML([WorkRow(m)], base: base, jurisdiction: jurisdiction, offset: 0, next: nil, previous: nil))
    }

    static func timestamp(_ d: Date?) -> String { utc(Int64((d ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970.rounded(.down))) }

    /// Open511's schedule: intervals in local time, without offset.
    static func interval(_ m: WorkRow) -> String {
        func local(_ s: Int64) -> String {
            let offset = Int64(WorkPeriod.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(s))))
            return String(clock(s + offset).prefix(16))
        }
        return local(m.startSeconds) + "/" + local(m.endSeconds)
    }

    /// `YYYY-MM-DDTHH:MM:SS` of seconds since 1970 (no time zone applied): what a feed writes
    /// thousands of times, without a formatter.
    static func clock(_ seconds: Int64) -> String {
        let day = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds - Int64(day) * 86_400)
        let date = CalendarDate(dayNumber: day)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date.iso)T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))"
    }

    /// RFC 3339 in UTC.
    static func utc(_ seconds: Int64) -> String { clock(seconds) + "Z" }

    static func gml(_ g: Geometry) -> String {
        let srs = "srsName=\"urn:ogc:def:crs:EPSG::4326\""
        func list(_ ps: [Position]) -> String { ps.map { "\($0.latitude) \($0.longitude)" }.joined(separator: " ") }
        switch g {
        case .point(let p): return "<gml:Point \(srs)><gml:pos>\(p.latitude) \(p.longitude)</gml:pos></gml:Point>"
        case .lineString(let l): return "<gml:LineString \(srs)><gml:posList>\(list(l))</gml:posList></gml:LineString>"
        case .multiLineString(let ls):
            return "<gml:MultiLineString \(srs)>" + ls.map { "<gml:lineStringMember><gml:LineString><gml:posList>\(list($0))</gml:posList></gml:LineString></gml:lineStringMember>" }.joined() + "</gml:MultiLineString>"
        case .polygon(let rings):
            let exterior = "<gml:exterior><gml:LinearRing><gml:posList>\(list(rings[0]))</gml:posList></gml:LinearRing></gml:exterior>"
            let interiors = rings.dropFirst().map { "<gml:interior><gml:LinearRing><gml:posList>\(list($0))</gml:posList></gml:LinearRing></gml:interior>" }.joined()
            return "<gml:Polygon \(srs)>\(exterior)\(interiors)</gml:Polygon>"
        }
    }

    static func eventsXML(_ rows: [WorkRow], base: String, jurisdiction: String, offset: Int, next: String?, previous: String?) -> String {
        var out = "<open511 version=\"v1\" xml:lang=\"fr\" xmlns:gml=\"http://www.opengis.net/gml\" xmlns:psr=\"\(namespace)\"><events>"
        out.reserveCapacity(rows.count * 1_200)
        for m in rows {
            guard let g = m.geometry else { continue }
            let kind = m.workKind.open511
            out += "<event><link rel=\"self\" href=\"\(e(base))/open511/events/\(e(jurisdiction))/\(e(m.number))\"/>"
            out += "<link rel=\"jurisdiction\" href=\"\(e(base))/open511/jurisdiction\"/>"
            out += "<id>\(e(jurisdiction))/\(e(m.number))</id><status>\(m.workStatus.open511Status)</status>"
            out += "<headline>\(e(m.title))</headline>"
            if !m.details.isEmpty { out += "<description>\(e(m.details))</description>" }
            out += "<event_type>\(kind.type)</event_type>"
            if let sub = kind.subtype { out += "<event_subtypes><event_subtype>\(sub)</event_subtype></event_subtypes>" }
            out += "<severity>\(m.workRoadState.open511Severity)</severity>"
            out += "<certainty>\(m.startVerified ? "LIKELY" : "POSSIBLE")</certainty>"
            out += "<created>\(timestamp(m.createdAt))</created><updated>\(timestamp(m.updatedAt ?? m.createdAt))</updated>"
            if !m.detour.isEmpty { out += "<detour>\(e(m.detour))</detour>" }
            out += "<geography>\(gml(g))</geography>"
            let roads = m.roadNameList
            if !roads.isEmpty {
                out += "<roads>"
                for road in roads {
                    out += "<road><name>\(e(road))</name><direction>BOTH</direction><state>\(m.workRoadState.open511)</state></road>"
                }
                out += "</roads>"
            }
            out += "<timezone>America/Toronto</timezone><schedule><intervals><interval>\(interval(m))</interval></intervals></schedule>"
            out += "<psr:owner>\(e(m.ownerCode))</psr:owner><psr:number>\(e(m.number))</psr:number>"
            if let rtss = m.rtss { out += "<psr:rtss>\(e(rtss))</psr:rtss>" }
            out += "</event>"
        }
        out += "</events><pagination><offset>\(offset)</offset>"
        if let next { out += "<link rel=\"next\" href=\"\(H.escapeAttribute(next))\"/>" }
        if let previous { out += "<link rel=\"previous\" href=\"\(H.escapeAttribute(previous))\"/>" }
        out += "</pagination></open511>"
        return out
    }

    static func eventsJSON(_ rows: [WorkRow], base: String, jurisdiction: String, offset: Int, next: String?, previous: String?) -> String {
        var out = "{\"meta\":{\"version\":\"v1\"},\"events\":["
        out.reserveCapacity(rows.count * 1_000)
        var first = true
        for m in rows {
            guard m.geometry != nil else { continue }
            if !first { out += "," }
            first = false
            let kind = m.workKind.open511
            out += "{\"url\":"; JSONText.quote("\(base)/open511/events/\(jurisdiction)/\(m.number)", &out)
            out += ",\"jurisdiction_url\":"; JSONText.quote("\(base)/open511/jurisdiction", &out)
            out += ",\"id\":"; JSONText.quote("\(jurisdiction)/\(m.number)", &out)
            out += ",\"status\":\"\(m.workStatus.open511Status)\",\"headline\":"; JSONText.quote(m.title, &out)
            if !m.details.isEmpty { out += ",\"description\":"; JSONText.quote(m.details, &out) }
            out += ",\"event_type\":\"\(kind.type)\""
            if let sub = kind.subtype { out += ",\"event_subtypes\":[\"\(sub)\"]" }
            out += ",\"severity\":\"\(m.workRoadState.open511Severity)\",\"certainty\":\"\(m.startVerified ? "LIKELY" : "POSSIBLE")\""
            out += ",\"created\":\"\(timestamp(m.createdAt))\",\"updated\":\"\(timestamp(m.updatedAt ?? m.createdAt))\""
            if !m.detour.isEmpty { out += ",\"detour\":"; JSONText.quote(m.detour, &out) }
            out += ",\"geography\":" + m.geometryJSON
            let roads = m.roadNameList
            if !roads.isEmpty {
                out += ",\"roads\":[" + roads.map { road in
                    var r = "{\"name\":"
                    JSONText.quote(road, &r)
                    return r + ",\"direction\":\"BOTH\",\"state\":\"\(m.workRoadState.open511)\"}"
                }.joined(separator: ",") + "]"
            }
            out += ",\"timezone\":\"America/Toronto\",\"schedule\":{\"intervals\":[\"\(interval(m))\"]}"
            out += ",\"+owner\":"; JSONText.quote(m.ownerCode, &out)
            if let rtss = m.rtss { out += ",\"+rtss\":"; JSONText.quote(rtss, &out) }
            out += "}"
        }
        out += "],\"pagination\":{\"offset\":\(offset)"
        if let next { out += ",\"next_url\":"; JSONText.quote(next, &out) }
        if let previous { out += ",\"previous_url\":"; JSONText.quote(previous, &out) }
        out += "}}"
        return out
    }

    // MARK: - WZDx 4.2

    /// A WZDx 4.2 WorkZoneFeed of the public works under way or to come: lines as they are, points
    /// as a MultiPoint of one, polygons left out (the schema accepts neither polygons nor their
    /// outline as a work zone). Special events are not work zones.
    @Sendable func wzdx(_ req: Request) async throws -> Response {
        func w(_ column: String) -> SQLColumn { SQLColumn(column, table: "w") }
        let rows = try await WorksQueries.select(on: req.db).where(w("visibility"), .equal, SQLBind(WorkVisibility.public.rawValue))
            .where(w("status"), .notIn, SQLBind.group([WorkStatus.done.rawValue, WorkStatus.cancelled.rawValue, WorkStatus.idea.rawValue]))
            .where(w("kind"), .notEqual, SQLBind(WorkKind.specialEvent.rawValue))
            .where(w("end_s"), .greaterThan, SQLBind(Int64(Date().timeIntervalSince1970))).orderBy(w("number"))
            .all().map { try WorkRow(PlainRow($0)) }
        return Response(status: .ok, headers: ["Content-Type": "application/geo+json; charset=utf-8"],
                        body: .init(string: Self.wzdxFeed(rows, now: Date())))
    }

    static func wzdxFeed(_ rows: [WorkRow], now: Date) -> String {
        var sources: [String: String] = [:]
        var features: [String] = []
        for m in rows {
            guard let g = m.geometry else { continue }
            let geometry: String
            switch g {
            case .point(let p): geometry = "{\"type\":\"MultiPoint\",\"coordinates\":[[\(p.longitude),\(p.latitude)]]}"
            case .lineString: geometry = m.geometryJSON
            case .multiLineString(let lines):
                // One line a feature in WZDx: the longest stands for the work.
                let longest = lines.max { $0.count < $1.count } ?? lines[0]
                geometry = Geometry.lineString(longest).geoJSON
            case .polygon: continue
            }
            let source = m.ownerID.uuidString.lowercased()
            sources[source] = m.ownerName
            var f = "{\"id\":"
            JSONText.quote(Self.uuid(for: m), &f)
            f += ",\"type\":\"Feature\",\"properties\":{\"core_details\":{\"event_type\":\"work-zone\",\"data_source_id\":\"\(source)\""
            f += ",\"road_names\":[" + (m.roadNameList.isEmpty ? [m.title] : m.roadNameList).map { name in
                var s = ""
                JSONText.quote(name, &s)
                return s
            }.joined(separator: ",") + "]"
            f += ",\"direction\":\"undefined\",\"name\":"
            JSONText.quote(m.number, &f)
            f += ",\"description\":"
            JSONText.quote(m.title, &f)
            f += ",\"update_date\":\"\(timestamp(m.updatedAt ?? m.createdAt))\"}"
            f += ",\"start_date\":\"\(utc(m.startSeconds))\""
            f += ",\"end_date\":\"\(utc(m.endSeconds))\""
            f += ",\"is_start_date_verified\":\(m.startVerified),\"is_end_date_verified\":\(m.endVerified)"
            f += ",\"is_start_position_verified\":false,\"is_end_position_verified\":false"
            f += ",\"location_method\":\"other\",\"vehicle_impact\":\"\(m.workRoadState.wzdxVehicleImpact)\""
            if let work = m.workKind.wzdxTypeOfWork { f += ",\"types_of_work\":[{\"type_name\":\"\(work)\"}]" }
            f += "},\"geometry\":" + geometry + "}"
            features.append(f)
        }
        var out = "{\"type\":\"FeatureCollection\",\"feed_info\":{\"update_date\":\"\(timestamp(now))\",\"version\":\"4.2\""
        out += ",\"publisher\":\"Passerelle\",\"license\":\"https://creativecommons.org/publicdomain/zero/1.0/\",\"data_sources\":["
        out += sources.keys.sorted().map { id in
            var s = "{\"data_source_id\":\"\(id)\",\"organization_name\":"
            JSONText.quote(sources[id]!, &s)
            return s + ",\"update_date\":\"\(timestamp(now))\"}"
        }.joined(separator: ",")
        out += "]},\"features\":[" + features.joined(separator: ",") + "]}"
        return out
    }

    /// A stable UUID for a work's road event (WZDx recommends UUIDs): its id.
    static func uuid(for m: WorkRow) -> String { m.id.uuidString.lowercased() }
}
