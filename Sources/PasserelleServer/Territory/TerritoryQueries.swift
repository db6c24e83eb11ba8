import Fluent
import PasserelleCore
import Vapor

/// Reads of the territory directory, shared by the pages and the API.
enum TerritoryQueries {
    enum Status: String, CaseIterable { case actif, inactif, tous }

    struct MunicipalityFilter: Equatable {
        var query = ""
        var region: String?
        var unit: String?
        var designation: String?
        var status: Status = .actif

        /// The filter's own spelling, for cache keys and links.
        var canonical: String {
            "q=\(query)&region=\(region ?? "")&mrc=\(unit ?? "")&designation=\(designation ?? "")&statut=\(status.rawValue)"
        }
    }

    struct Page<T> {
        let items: [T]
        let total: Int
        let page: Int
        let perPage: Int
        var pageCount: Int { max(1, (total + perPage - 1) / perPage) }
    }

    static let maxQueryLength = 100
    static let maxPerPage = 100

    /// Reads and checks the filter parameters; an unknown or malformed code is a Problem naming it.
    static func filter(_ parameters: QueryParameters, in directory: TerritoryDirectory) throws -> MunicipalityFilter {
        var filter = MunicipalityFilter()
        if let q = parameters["q"] {
            guard q.count <= maxQueryLength else {
                throw Problem.invalidParameter("q", key: "problem.parameter.too_long", ["max": String(maxQueryLength)])
            }
            filter.query = q
        }
        filter.region = try code(parameters, "region", digits: [2], known: { directory.region($0) != nil })
        filter.unit = try code(parameters, "mrc", digits: [2, 3], known: { directory.unit($0) != nil })
        filter.designation = try code(parameters, "designation", digits: [2], known: { directory.designation($0) != nil })
        if let status = parameters["statut"] {
            guard let parsed = Status(rawValue: status) else {
                throw Problem.invalidParameter("statut", key: "problem.parameter.one_of",
                                               ["value": status, "allowed": Status.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            filter.status = parsed
        }
        return filter
    }

    private static func code(_ parameters: QueryParameters, _ name: String, digits: Set<Int>,
                             known: (String) -> Bool) throws -> String? {
        guard let value = parameters[name] else { return nil }
        guard digits.contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Problem.invalidParameter(name, key: "problem.parameter.code_format",
                                           ["value": value, "digits": digits.sorted().map(String.init).joined(separator: "/")])
        }
        guard known(value) else {
            throw Problem.invalidParameter(name, key: "problem.parameter.unknown_code", ["value": value])
        }
        return value
    }

    /// The municipalities a filter selects, best match first when there is a query, else by name.
    static func municipalities(_ filter: MunicipalityFilter, in directory: TerritoryDirectory) -> [TerritoryDirectory.Municipality] {
        let query = SearchQuery(filter.query)
        let code = filter.query.count == 5 && filter.query.allSatisfy(\.isNumber) ? filter.query : nil
        var ranked: [(rank: Int, municipality: TerritoryDirectory.Municipality)] = []
        for m in directory.municipalities {
            switch filter.status {
            case .actif: guard m.active else { continue }
            case .inactif: guard !m.active else { continue }
            case .tous: break
            }
            if let region = filter.region, m.record.regionCode != region { continue }
            if let unit = filter.unit, m.record.territoryUnitCode != unit { continue }
            if let designation = filter.designation, m.record.designationCode != designation { continue }
            if filter.query.isEmpty {
                ranked.append((0, m))
            } else if m.code == code {
                ranked.append((-1, m))
            } else if let rank = m.search.rank(query) {
                ranked.append((rank, m))
            }
        }
        guard !filter.query.isEmpty else { return ranked.map(\.municipality) }
        // Same quality of match: local municipalities first, then the most populous.
        return ranked.sorted { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            if a.municipality.isLocal != b.municipality.isLocal { return a.municipality.isLocal }
            let pa = a.municipality.record.population ?? 0, pb = b.municipality.record.population ?? 0
            if pa != pb { return pa > pb }
            return (a.municipality.search.joined, a.municipality.code) < (b.municipality.search.joined, b.municipality.code)
        }.map(\.municipality)
    }

    static func page<T>(_ items: [T], page: Int, perPage: Int) -> Page<T> {
        let start = min(items.count, (page - 1) * perPage)
        let end = min(items.count, start + perPage)
        return Page(items: Array(items[start..<end]), total: items.count, page: page, perPage: perPage)
    }

    /// Regions and MRC whose names match a query, best first (for the search page).
    static func regions(matching text: String, in directory: TerritoryDirectory) -> [TerritoryDirectory.Region] {
        ranked(directory.regions, text, search: \.search, name: \.record.name)
    }

    static func units(matching text: String, in directory: TerritoryDirectory) -> [TerritoryDirectory.Unit] {
        ranked(directory.units, text, search: \.search, name: \.record.name)
    }

    /// Items whose name matches, best match first, then by name.
    private static func ranked<T>(_ items: [T], _ text: String, search: KeyPath<T, SearchEntry>,
                                  name: KeyPath<T, String>) -> [T] {
        let query = SearchQuery(text)
        return items.compactMap { item in item[keyPath: search].rank(query).map { (item, $0) } }
            .sorted { ($0.1, $0.0[keyPath: name]) < ($1.1, $1.0[keyPath: name]) }.map(\.0)
    }
}

extension Application {
    private struct TerritoryStoreKey: StorageKey { typealias Value = TerritoryStore }

    var territory: TerritoryStore { service(TerritoryStoreKey.self, TerritoryStore.init) }
}
