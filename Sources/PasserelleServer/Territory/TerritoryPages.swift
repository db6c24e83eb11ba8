import Foundation
import PasserelleCore
import Vapor

/// HTML routes of the territory directory. Pages over reference data are cached per language and
/// address until the directory's revision moves.
struct TerritoryPages: Sendable {
    /// Captured when the routes are registered, so a request looks nothing up in the app's storage.
    let territory: TerritoryStore
    let cache: ResponseCache

    static let maxAge = 60

    /// A page from the cache, or rendered and kept.
    func cached(_ req: Request, key: String, render: (TerritoryDirectory) throws -> String) rethrows -> Response {
        let directory = territory.current
        let cacheKey = "page/\(req.language.rawValue)/\(key)"
        return try cache.body(revision: directory.revision, key: cacheKey) {
            CachedBody(body: ByteBuffer(string: try render(directory)), contentType: .html, maxAge: Self.maxAge,
                       language: req.language)
        }.response(for: req)
    }

    @Sendable func home(_ req: Request) throws -> Response {
        cached(req, key: "home") { TerritoryViews.home(Layout(req), directory: $0) }
    }

    @Sendable func regions(_ req: Request) throws -> Response {
        cached(req, key: "regions") { TerritoryViews.regions(Layout(req), directory: $0) }
    }

    @Sendable func region(_ req: Request) throws -> Response {
        let code = req.parameters.get("code") ?? ""
        guard let region = territory.current.region(code) else { throw Problem.notFound() }
        return cached(req, key: "regions/\(code)") { TerritoryViews.region(Layout(req), region, directory: $0) }
    }

    @Sendable func unit(_ req: Request) throws -> Response {
        let code = req.parameters.get("code") ?? ""
        guard let unit = territory.current.unit(code) else { throw Problem.notFound() }
        return cached(req, key: "mrc/\(code)") { d in
            let members = d.municipalities.filter { $0.active && $0.record.territoryUnitCode == code }
            return TerritoryViews.unit(Layout(req), unit, members: members, directory: d)
        }
    }

    @Sendable func municipality(_ req: Request) throws -> Response {
        let code = req.parameters.get("code") ?? ""
        guard let municipality = territory.current.municipality(code) else { throw Problem.notFound() }
        return cached(req, key: "municipalites/\(code)") { TerritoryViews.municipality(Layout(req), municipality, directory: $0) }
    }

    /// The list with its filters. A bad filter re-renders the form with what was typed and a 400.
    @Sendable func municipalities(_ req: Request) throws -> Response {
        let directory = territory.current
        let parameters = QueryParameters(req.url.query)
        var form = TerritoryViews.ListForm(q: parameters["q"] ?? "", region: parameters["region"] ?? "",
                                           mrc: parameters["mrc"] ?? "", designation: parameters["designation"] ?? "",
                                           statut: parameters["statut"] ?? "actif")
        let l = req.localizer
        do {
            let filter = try TerritoryQueries.filter(parameters, in: directory)
            let page = try parameters.integer("page", in: 1...1_000_000, default: 1)
            return cached(req, key: "municipalites?\(filter.canonical)&page=\(page)") { d in
                let result = TerritoryQueries.page(TerritoryQueries.municipalities(filter, in: d), page: page, perPage: 50)
                return TerritoryViews.municipalityList(Layout(req), form: form, page: result, directory: d) { number in
                    Self.listURL(form, page: number)
                }
            }
        } catch let problem as Problem where problem.status == .badRequest {
            form.errors = problem.fields.map { ($0.name, l($0.key, $0.arguments)) }
            let html = TerritoryViews.municipalityList(Layout(req), form: form, page: nil, directory: directory) { _ in "" }
            return .html(html, status: .badRequest)
        }
    }

    static func listURL(_ form: TerritoryViews.ListForm, page: Int) -> String {
        var components = URLComponents()
        components.path = "/municipalites"
        components.queryItems = [("q", form.q), ("region", form.region), ("mrc", form.mrc),
                                 ("designation", form.designation), ("statut", form.statut == "actif" ? "" : form.statut),
                                 ("page", String(page))]
            .filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.string ?? "/municipalites"
    }

    @Sendable func search(_ req: Request) throws -> Response {
        let parameters = QueryParameters(req.url.query)
        let query = parameters["q"] ?? ""
        if query.count > TerritoryQueries.maxQueryLength {
            let l = req.localizer
            let message = l("problem.parameter.too_long", ["name": "q", "max": String(TerritoryQueries.maxQueryLength)])
            let directory = territory.current
            return .html(TerritoryViews.search(Layout(req), query: query, regions: [], units: [], municipalities: [],
                                               totalMunicipalities: 0, directory: directory, error: message),
                         status: .badRequest)
        }
        return cached(req, key: "recherche?\(query)") { d in
            var filter = TerritoryQueries.MunicipalityFilter()
            filter.query = query
            filter.status = .tous
            let found = query.isEmpty ? [] : TerritoryQueries.municipalities(filter, in: d)
            return TerritoryViews.search(Layout(req), query: query,
                                         regions: query.isEmpty ? [] : TerritoryQueries.regions(matching: query, in: d),
                                         units: query.isEmpty ? [] : TerritoryQueries.units(matching: query, in: d),
                                         municipalities: Array(found.prefix(50)), totalMunicipalities: found.count,
                                         directory: d, error: nil)
        }
    }
}
