import PasserelleCore
import Vapor

/// What the API holds its callers to before any handler runs, so that every operation answers a
/// malformed call the same way (docs/API.md, "Conventions"):
/// - a query parameter given empty is an error, not a filter left out: leave it out instead;
/// - a query parameter is given once;
/// - `lang` is one of the languages the document lists;
/// - a method the address does not take is a 405 naming those it does (`Allow`), not a 404.
enum APIRules {
    /// The languages `lang` may name, as the OpenAPI document lists them.
    static let languages: Set<String> = ["fr-CA", "en-CA", "fr", "en"]

    /// The problem with the query string of an API call, or nil when it is acceptable.
    static func problem(query: String?) -> Problem? {
        guard let query, !query.isEmpty else { return nil }
        var names = Set<String>()
        for pair in query.split(separator: "&") {
            let name = QueryParameters(String(pair)).values.keys.first ?? ""
            if !name.isEmpty, !names.insert(name).inserted {
                return Problem.invalidParameter(name, key: "problem.parameter.repeated")
            }
        }
        let parameters = QueryParameters(query)
        for (name, value) in parameters.values.sorted(by: { $0.key < $1.key }) where !name.isEmpty {
            if parameters[name] == nil {
                return Problem.invalidParameter(name, key: "problem.parameter.empty")
            }
            if name == "lang", !languages.contains(value) {
                return Problem.invalidParameter(name, key: "problem.parameter.one_of",
                                                ["value": value, "allowed": languages.sorted().joined(separator: ", ")])
            }
        }
        return nil
    }
}

/// The methods each API address takes, read from the routes once they are all registered.
struct APIMethods: Sendable {
    private let routes: [(path: [PathComponent], method: HTTPMethod)]

    init(_ routes: [Route]) {
        self.routes = routes.filter { $0.path.first == .constant("api") }.map { ($0.path, $0.method) }
    }

    /// The methods the address takes, empty when it names no API resource.
    func allowed(path: String) -> [HTTPMethod] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        // As the router: at each segment a constant wins over a parameter, so only the most
        // specific matching patterns answer (`/interventions/genres`, not `/interventions/:numero`).
        let matching = routes.filter { Self.matches($0.path, parts) }
        let specificity = { (path: [PathComponent]) in path.map { if case .constant = $0 { 1 } else { 0 } } }
        guard let best = matching.map({ specificity($0.path) }).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [] }
        var methods: [HTTPMethod] = []
        for route in matching where specificity(route.path) == best && !methods.contains(route.method) {
            methods.append(route.method)
        }
        if methods.contains(.GET), !methods.contains(.HEAD) { methods.append(.HEAD) }
        return methods
    }

    private static func matches(_ pattern: [PathComponent], _ parts: [Substring]) -> Bool {
        if pattern.last == .catchall { return parts.count >= pattern.count - 1 && zip(pattern, parts).allSatisfy { matches($0, $1) } }
        return pattern.count == parts.count && zip(pattern, parts).allSatisfy { matches($0, $1) }
    }

    private static func matches(_ component: PathComponent, _ part: Substring) -> Bool {
        switch component {
        case .constant(let text): text == part
        case .parameter, .anything, .catchall: true
        }
    }
}

extension Application {
    private struct APIMethodsKey: StorageKey { typealias Value = APIMethods }

    /// Set once the routes are registered (`configure`).
    var apiMethods: APIMethods {
        get { storage[APIMethodsKey.self] ?? APIMethods([]) }
        set { storage[APIMethodsKey.self] = newValue }
    }
}
