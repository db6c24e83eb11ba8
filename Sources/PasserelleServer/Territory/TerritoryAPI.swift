import Foundation
import PasserelleCore
import Vapor

/// `/api/v1` routes of the territory directory. Every answer is built from the in-memory directory
/// and kept, encoded, in the response cache until the directory's revision moves.
struct TerritoryAPI: Sendable {
    /// Captured when the routes are registered, so a request looks nothing up in the app's storage.
    let territory: TerritoryStore
    let cache: ResponseCache

    static let maxAge = 300

    @Sendable func regions(_ req: Request) throws -> Response {
        let directory = territory.current
        return try cache.body(revision: directory.revision, key: "api/regions") {
            try Self.json(directory.regions.map(TerritoryDTO.Region.init))
        }.response(for: req)
    }

    @Sendable func region(_ req: Request) throws -> Response {
        let directory = territory.current
        let code = try Self.pathCode(req, digits: [2])
        guard let region = directory.region(code) else { throw Problem.notFound() }
        return try cache.body(revision: directory.revision, key: "api/regions/\(code)") {
            try Self.json(TerritoryDTO.RegionDetail(
                region: .init(region),
                mrc: region.unitCodes.compactMap { directory.unit($0) }.map { .init($0, in: directory) }))
        }.response(for: req)
    }

    @Sendable func units(_ req: Request) throws -> Response {
        let directory = territory.current
        let parameters = QueryParameters(req.url.query)
        let region = try parameters["region"].map { value -> String in
            guard directory.region(value) != nil else {
                throw Problem.invalidParameter("region", key: "problem.parameter.unknown_code", ["value": value])
            }
            return value
        }
        return try cache.body(revision: directory.revision, key: "api/mrc?\(region ?? "")") {
            try Self.json(directory.units.filter { region == nil || $0.record.regionCode == region }
                .map { TerritoryDTO.Unit($0, in: directory) })
        }.response(for: req)
    }

    @Sendable func unit(_ req: Request) throws -> Response {
        let directory = territory.current
        let code = try Self.pathCode(req, digits: [2, 3])
        guard let unit = directory.unit(code) else { throw Problem.notFound() }
        return try cache.body(revision: directory.revision, key: "api/mrc/\(code)") {
            let members = directory.municipalities.filter { $0.active && $0.record.territoryUnitCode == code }
            return try Self.json(TerritoryDTO.UnitDetail(mrc: .init(unit, in: directory),
                                                    municipalites: members.map { .init($0, in: directory) }))
        }.response(for: req)
    }

    /// Keyed by the raw query string: a repeated search costs one dictionary lookup, and its
    /// parameters are read and checked only the first time (a bad one is never cached).
    @Sendable func municipalities(_ req: Request) throws -> Response {
        let directory = territory.current
        let key = "api/municipalites?" + (req.url.query ?? "")
        return try cache.body(revision: directory.revision, key: key) {
            let parameters = QueryParameters(req.url.query)
            let filter = try TerritoryQueries.filter(parameters, in: directory)
            let page = try parameters.integer("page", in: 1...1_000_000, default: 1)
            let perPage = try parameters.integer("per_page", in: 1...TerritoryQueries.maxPerPage, default: 20)
            let result = TerritoryQueries.page(TerritoryQueries.municipalities(filter, in: directory),
                                               page: page, perPage: perPage)
            var headers = HTTPHeaders()
            headers.add(name: "X-Total-Count", value: String(result.total))
            headers.add(name: .link, value: Self.links(filter, result))
            return try Self.json(TerritoryDTO.MunicipalityList(total: result.total, page: page, per_page: perPage,
                                                          items: result.items.map { .init($0, in: directory) }),
                            headers: headers)
        }.response(for: req)
    }

    @Sendable func municipality(_ req: Request) throws -> Response {
        let directory = territory.current
        let code = try Self.pathCode(req, digits: [5])
        guard let municipality = directory.municipality(code) else { throw Problem.notFound() }
        return try cache.body(revision: directory.revision, key: "api/municipalites/\(code)") {
            try Self.json(TerritoryDTO.Municipality(municipality, in: directory))
        }.response(for: req)
    }

    /// A code in the path: digits only, of the expected length, else a 400 naming the parameter.
    static func pathCode(_ req: Request, digits: Set<Int>) throws -> String {
        let code = req.parameters.get("code") ?? ""
        guard digits.contains(code.count), code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Problem.invalidParameter("code", key: "problem.parameter.code_format",
                                           ["value": code, "digits": digits.sorted().map(String.init).joined(separator: "/")])
        }
        return code
    }

    /// RFC 8288 links to the first, previous, next and last pages.
    static func links<T>(_ filter: TerritoryQueries.MunicipalityFilter, _ page: TerritoryQueries.Page<T>) -> String {
        func url(_ number: Int) -> String {
            var items = [URLQueryItem]()
            if !filter.query.isEmpty { items.append(.init(name: "q", value: filter.query)) }
            if let region = filter.region { items.append(.init(name: "region", value: region)) }
            if let unit = filter.unit { items.append(.init(name: "mrc", value: unit)) }
            if let designation = filter.designation { items.append(.init(name: "designation", value: designation)) }
            if filter.status != .actif { items.append(.init(name: "statut", value: filter.status.rawValue)) }
            items.append(.init(name: "page", value: String(number)))
            items.append(.init(name: "per_page", value: String(page.perPage)))
            var components = URLComponents()
            components.path = "/api/v1/municipalites"
            components.queryItems = items
            return components.string ?? components.path
        }
        var links = ["<\(url(1))>; rel=\"first\"", "<\(url(page.pageCount))>; rel=\"last\""]
        if page.page > 1 { links.append("<\(url(min(page.page - 1, page.pageCount)))>; rel=\"prev\"") }
        if page.page < page.pageCount { links.append("<\(url(page.page + 1))>; rel=\"next\"") }
        return links.joined(separator: ", ")
    }

    static func json(_ value: some Encodable, headers: HTTPHeaders = [:]) throws -> CachedBody {
        let data = try JSONResponse.encoder.encode(value)
        return CachedBody(body: ByteBuffer(data: data), contentType: .json, extraHeaders: headers, maxAge: maxAge)
    }
}
