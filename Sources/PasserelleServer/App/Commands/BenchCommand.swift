import Foundation
import PasserelleCore
import Vapor

/// `passerelle bench`: named scenarios run in process (no network), one JSON line each. Run it
/// from a release build; docs/PERFORMANCE.md records the figures.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "iterations", help: "Requests per scenario (default 20000)")
        var iterations: Int?
        @Option(name: "scenario", help: "Run only this scenario")
        var scenario: String?
        init() {}
    }

    var help: String { "Runs the benchmark scenarios in process and prints one JSON line each." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepare(app)
        let iterations = max(10, signature.iterations ?? 20_000)
        for scenario in Benchmarks.scenarios where signature.scenario == nil || signature.scenario == scenario.name {
            let result = try await scenario.run(app, iterations)
            context.console.print(result.jsonLine)
        }
    }
}

enum Benchmarks {
    struct Scenario: Sendable {
        let name: String
        let run: @Sendable (Application, Int) async throws -> Result
    }

    struct Result: Encodable {
        let scenario: String
        let iterations: Int
        let ops_per_s: Double
        let p50_us: Double
        let p99_us: Double
        let max_us: Double
        let date: String

        var jsonLine: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
        }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "municipality_search_api") { app, n in
            try await requests(app, n, name: "municipality_search_api", path: "/api/v1/municipalites?q=riviere%20du%20loup")
        },
        Scenario(name: "municipality_search_core") { app, n in
            // The ranking alone over the 1,281 entities, a different query each time.
            let directory = app.territory.current
            let names = directory.municipalities.map { String($0.record.name.prefix(6)) }
            return measure("municipality_search_core", n) { i in
                var filter = TerritoryQueries.MunicipalityFilter()
                filter.query = names[i % names.count]
                precondition(!TerritoryQueries.municipalities(filter, in: directory).isEmpty)
            }
        },
        Scenario(name: "municipality_search_uncached") { app, n in
            let names = app.territory.current.municipalities.map { String($0.record.name.prefix(6)) }
            let directory = app.territory.current
            return try measure("municipality_search_uncached", n) { i in
                var filter = TerritoryQueries.MunicipalityFilter()
                filter.query = names[i % names.count]
                let found = TerritoryQueries.municipalities(filter, in: directory)
                let page = TerritoryQueries.page(found, page: 1, perPage: 20)
                _ = try TerritoryAPI.json(TerritoryDTO.MunicipalityList(
                    total: page.total, page: 1, per_page: 20, items: page.items.map { .init($0, in: directory) }))
            }
        },
        Scenario(name: "municipality_page") { app, n in
            try await requests(app, n, name: "municipality_page", path: "/municipalites/12072")
        },
        Scenario(name: "region_page") { app, n in
            try await requests(app, n, name: "region_page", path: "/regions/01")
        },
        Scenario(name: "first_start") { _, _ in
            // A new empty SQLite file each time: migrate and load the whole territory.
            var samples: [Duration] = []
            for _ in 0..<3 {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-bench-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: folder) }
                let path = folder.appendingPathComponent("first-start.sqlite").path
                let start = ContinuousClock.now
                let fresh = try await Application.make(.testing)
                do {
                    try await configure(fresh, settings: Settings(database: .sqliteFile(path)))
                    try await prepare(fresh)
                } catch {
                    try? await fresh.asyncShutdown()
                    throw error
                }
                samples.append(ContinuousClock.now - start)
                try await fresh.asyncShutdown()
            }
            return result("first_start", samples)
        },
    ]

    static func requests(_ app: Application, _ n: Int, name: String, path: String) async throws -> Result {
        var samples: [Duration] = []
        samples.reserveCapacity(n)
        let responder = app.responder.current
        for _ in 0..<n {
            let request = Request(application: app, method: .GET, url: URI(string: path), on: app.eventLoopGroup.next())
            let start = ContinuousClock.now
            let response = try await responder.respond(to: request).get()
            samples.append(ContinuousClock.now - start)
            guard response.status == .ok else { throw Abort(.internalServerError, reason: "\(path) answered \(response.status)") }
        }
        return result(name, samples)
    }

    static func measure(_ name: String, _ n: Int, _ body: (Int) throws -> Void) rethrows -> Result {
        var samples: [Duration] = []
        samples.reserveCapacity(n)
        for i in 0..<n {
            let start = ContinuousClock.now
            try body(i)
            samples.append(ContinuousClock.now - start)
        }
        return result(name, samples)
    }

    static func result(_ name: String, _ samples: [Duration]) -> Result {
        let sorted = samples.sorted()
        let micro = { (d: Duration) in d.milliseconds * 1000 }
        let total = sorted.reduce(Duration.zero, +)
        return Result(scenario: name, iterations: samples.count,
                      ops_per_s: Double(samples.count) / max(total.milliseconds / 1000, 1e-9),
                      p50_us: micro(sorted[sorted.count / 2]),
                      p99_us: micro(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]),
                      max_us: micro(sorted.last!), date: CalendarDate.today.iso)
    }
}
