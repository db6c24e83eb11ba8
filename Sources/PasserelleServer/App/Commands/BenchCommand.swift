import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

/// `passerelle bench`: named scenarios run in process (no network), one JSON line each. Run it
/// from a release build; docs/PERFORMANCE.md records the figures.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "iterations", help: "Requests per scenario (default 20000)")
        var iterations: Int?
        @Option(name: "scenario", help: "Run only this scenario (or `requests`: the guichet's, on a seeded database; `grants`: the SGAF's; `agreements`: agreements and payments; `works`: the shared map)")
        var scenario: String?
        init() {}
    }

    var help: String { "Runs the benchmark scenarios in process and prints one JSON line each." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepare(app)
        let iterations = max(10, signature.iterations ?? 20_000)
        // The guichet's scenarios need seeded requests: they run when named, or with `--scenario requests`.
        let chosen = signature.scenario == "requests" ? Benchmarks.requestScenarios
            : signature.scenario == nil ? Benchmarks.scenarios
            : signature.scenario == "grants" ? Benchmarks.grantScenarios
            : signature.scenario == "agreements" ? Benchmarks.agreementScenarios
            : signature.scenario == "works" ? Benchmarks.worksScenarios
            : (Benchmarks.scenarios + Benchmarks.requestScenarios + Benchmarks.grantScenarios + Benchmarks.agreementScenarios
               + Benchmarks.worksScenarios)
                .filter { $0.name == signature.scenario }
        guard !chosen.isEmpty else { throw Abort(.badRequest, reason: "unknown scenario \(signature.scenario ?? "")") }
        for scenario in chosen {
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
        Scenario(name: "municipality_search_api_token") { app, n in
            // The same read with an API token: what authentication costs a system.
            let secret = try await benchToken(app)
            return try await requests(app, n, name: "municipality_search_api_token",
                                      path: "/api/v1/municipalites?q=riviere%20du%20loup",
                                      headers: ["Authorization": "Bearer \(secret)"])
        },
        Scenario(name: "me_api_token") { app, n in
            // A read that needs the credential (not public data).
            let secret = try await benchToken(app)
            return try await requests(app, n, name: "me_api_token", path: "/api/v1/moi",
                                      headers: ["Authorization": "Bearer \(secret)"])
        },
        Scenario(name: "audited_write") { app, n in
            // One change and its audit event in one transaction, one writer after the other.
            let person = try await benchPerson(app)
            var samples: [Duration] = []
            samples.reserveCapacity(n)
            for i in 0..<n {
                let start = ContinuousClock.now
                try await auditedWrite(app, person: try person.requireID(), index: i)
                samples.append(ContinuousClock.now - start)
            }
            return result("audited_write", samples)
        },
        Scenario(name: "audited_write_concurrent") { app, n in
            // The same, from eight writers at once: throughput over the wall clock.
            try await concurrentWrites(app, n, writers: 8, name: "audited_write_concurrent")
        },
        Scenario(name: "audited_write_concurrent_64") { app, n in
            // Sixty-four writers: a server with that many changes in flight.
            try await concurrentWrites(app, n, writers: 64, name: "audited_write_concurrent_64")
        },
        Scenario(name: "database_round_trip") { app, n in
            // One `SELECT 1`: the floor under every query (a hop to the database's threads and back).
            var samples: [Duration] = []
            samples.reserveCapacity(n)
            let sql = app.db.sql
            for _ in 0..<n {
                let start = ContinuousClock.now
                try await sql.raw("SELECT 1").run()
                samples.append(ContinuousClock.now - start)
            }
            return result("database_round_trip", samples)
        },
        Scenario(name: "transaction_floor") { app, n in
            // An empty write transaction: BEGIN, one UPDATE of one row, COMMIT.
            var samples: [Duration] = []
            samples.reserveCapacity(n)
            for _ in 0..<n {
                let start = ContinuousClock.now
                try await app.db.transaction { db in
                    try await db.sql.raw("UPDATE audit_chain_head SET sequence = sequence WHERE id = 1").run()
                }
                samples.append(ContinuousClock.now - start)
            }
            return result("transaction_floor", samples)
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

    /// What a module's write looks like: one record changed (its version bumped) and its audit
    /// event, in one transaction.
    static func auditedWrite(_ app: Application, person: UUID, index: Int) async throws {
        try await app.write { db in
            let name = "Banc d'essai \(index)"
            try await db.sql.raw("""
                UPDATE \(ident: PersonModel.schema) SET display_name = \(bind: name), version = version + 1 WHERE id = \(bind: person)
                """).run()
            try await Audit.record(on: db, actor: .system("bench"), action: "person.update", recordType: "person",
                                   recordID: person.uuidString, changes: ["display_name": .init(before: nil, after: name)])
        }
    }

    static func concurrentWrites(_ app: Application, _ n: Int, writers: Int, name: String) async throws -> Result {
        let people = try await (0..<writers).asyncMap { _ in try await benchPerson(app).requireID() }
        let start = ContinuousClock.now
        let samples = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for (w, person) in people.enumerated() {
                let share = n / writers + (w < n % writers ? 1 : 0)
                group.addTask {
                    var samples: [Duration] = []
                    for i in 0..<share {
                        let begun = ContinuousClock.now
                        try await auditedWrite(app, person: person, index: i)
                        samples.append(ContinuousClock.now - begun)
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }
        }
        let elapsed = ContinuousClock.now - start
        // Latencies per change as its writer saw them; throughput over the wall clock.
        let latencies = result(name, samples)
        return Result(scenario: name, iterations: n, ops_per_s: Double(n) / max(elapsed.milliseconds / 1000, 1e-9),
                      p50_us: latencies.p50_us, p99_us: latencies.p99_us, max_us: latencies.max_us,
                      date: CalendarDate.today.iso)
    }

    /// A person of the bench, new each run.
    static func benchPerson(_ app: Application) async throws -> PersonModel {
        let person = PersonModel(email: "banc-\(UUID().uuidString.prefix(8).lowercased())@passerelle.bench",
                                 displayName: "Banc d'essai", passwordHash: nil)
        try await person.create(on: app.db)
        return person
    }

    /// An API token of a reader of Rivière-du-Loup, made for the run.
    static func benchToken(_ app: Application) async throws -> String {
        try await token(app, organisation: "mun-12072", role: .reader(.requests), scopes: "requests:read")
    }

    static func requests(_ app: Application, _ n: Int, name: String, path: String, headers: HTTPHeaders = [:])
        async throws -> Result {
        try await requests(app, n, name: name, paths: [path], headers: headers)
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
