import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The guichet's scenarios, meant for a database seeded with `seed-demo --scale 200` (a million
/// requests): filing through the API from many systems at once, a unit's and a person's queue
/// page, and full-text searches.
extension Benchmarks {
    static let requestScenarios: [Scenario] = [
        Scenario(name: "request_file_api") { app, n in
            // 64 systems filing at once through `POST /api/v1/organisations/{code}/demandes`
            // (`BENCH_CLIENTS` sets another number: with n at once, each waits n / throughput on average).
            let clients = ProcessInfo.processInfo.environment["BENCH_CLIENTS"].flatMap { Int($0) }.map { max(1, $0) } ?? 64
            let secret = try await token(app, organisation: "mun-12072", role: .contributor(.requests), scopes: "requests:write")
            let body = #"{"type":"question-programme","titre":"Admissibilité au PAFFSR","description":"Le projet de trottoir de la rue Lafontaine est-il admissible ?"}"#
            return try await concurrentRequests(app, n, clients: clients, name: "request_file_api", method: .POST,
                                                path: "/api/v1/organisations/mun-12072/demandes", body: body,
                                                headers: ["Authorization": "Bearer \(secret)", "Content-Type": "application/json"],
                                                expect: .created)
        },
        Scenario(name: "capacity_dashboard") { app, n in
            // The capacity dashboard (twelve weeks, charts and tables), for all units and for three.
            let cookie = try await session(app, email: "coordination@passerelle.demo")
            let paths = ["/capacite", "/capacite?unite=unite-bcam", "/capacite?unite=unite-dgt-est", "/capacite?unite=unite-dgt-sud"]
            return try await requests(app, n, name: "capacity_dashboard", paths: paths, headers: ["Cookie": "\(Sessions.cookieName)=\(cookie)"])
        },
        Scenario(name: "capacity_report") { app, n in
            // The yearly report: twelve months and the twelve before, for all units and for two.
            let cookie = try await session(app, email: "coordination@passerelle.demo")
            let paths = ["/capacite/bilan", "/capacite/bilan?unite=unite-bcam", "/capacite/bilan?unite=unite-dgt-capitale"]
            return try await requests(app, n, name: "capacity_report", paths: paths, headers: ["Cookie": "\(Sessions.cookieName)=\(cookie)"])
        },
        Scenario(name: "open311_requests") { app, n in
            // Municipal systems reading their last 90 days through Open311, twenty municipalities in turn.
            let codes = ["mun-12072", "mun-10043", "mun-66023", "mun-23027", "mun-43027", "mun-94068", "mun-37067", "mun-58227",
                         "mun-81017", "mun-65005", "mun-25213", "mun-46080", "mun-71083", "mun-52007", "mun-99060", "mun-79088",
                         "mun-30025", "mun-67025", "mun-54048", "mun-22045"]
            var paths: [String] = []
            for code in codes {
                guard (try? await OrganisationModel.query(on: app.db).filter(\.$code == code).first()) != nil else { continue }
                let secret = try await token(app, organisation: code, role: .reader(.requests), scopes: "requests:read")
                paths.append("/open311/v2/requests.json?api_key=\(secret)")
            }
            return try await requests(app, n, name: "open311_requests", paths: paths, headers: [:])
        },
        Scenario(name: "request_queue_page") { app, n in
            // A directorate's open requests, 50 a page, as the HTML page a coordinator reads.
            let cookie = try await session(app, email: "coordination@passerelle.demo")
            let units = ["unite-bcam", "unite-dgt-est", "unite-dgt-sud", "unite-dgt-capitale", "unite-srm", "unite-dgt-couronne"]
            return try await requests(app, n, name: "request_queue_page", paths: units.map { "/demandes?unite=\($0)&statut=ouvertes" },
                                      headers: ["Cookie": "\(Sessions.cookieName)=\(cookie)"])
        },
        Scenario(name: "request_queue_person_api") { app, n in
            // An analyst's own queue through the API.
            let secret = try await token(app, organisation: "unite-bcam", role: .bcamCoordinator, scopes: "requests:read")
            let agents = try await PersonModel.query(on: app.db).filter(\.$email =~ "analyste.").all().map(\.email)
            guard !agents.isEmpty else { throw Abort(.internalServerError, reason: "run seed-demo first") }
            return try await requests(app, n, name: "request_queue_person_api",
                                      paths: agents.map { "/api/v1/demandes?agent=\($0)&statut=ouvertes" },
                                      headers: ["Authorization": "Bearer \(secret)"])
        },
        Scenario(name: "request_search_api") { app, n in
            // Ministry staff searching a municipality and a subject (« rimouski ponceau »), or a number.
            let secret = try await token(app, organisation: "unite-bcam", role: .bcamCoordinator, scopes: "requests:read")
            let names = app.territory.current.municipalities.filter(\.active).map(\.record.name)
            let words = ["ponceau", "trottoir", "eclairage", "vitesse", "pietonne", "glissiere", "drainage", "cyclable"]
            let paths = (0..<500).map { i -> String in
                let q = i % 5 == 4 ? "DM-\(CalendarDate.today.year)-\(String(format: "%06d", 1 + i * 37))"
                    : names[(i * 7) % names.count] + " " + words[i % words.count]
                return "/api/v1/demandes?q=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q)
            }
            return try await requests(app, n, name: "request_search_api", paths: paths, headers: ["Authorization": "Bearer \(secret)"])
        },
        Scenario(name: "request_search_municipal_api") { app, n in
            // A municipality searching its own requests.
            let secret = try await token(app, organisation: "mun-12072", role: .reader(.requests), scopes: "requests:read")
            let words = ["ponceau", "trottoir", "eclairage", "vitesse", "pietonne", "principale", "route 132", "lac"]
            return try await requests(app, n, name: "request_search_municipal_api",
                                      paths: words.map { "/api/v1/demandes?q=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) },
                                      headers: ["Authorization": "Bearer \(secret)"])
        },
    ]

    /// A person of the bench with one role in an organisation, and an API token with these scopes.
    static func token(_ app: Application, organisation code: String, role: Role, scopes: String) async throws -> String {
        let person = try await benchPerson(app)
        guard let organisation = try await OrganisationModel.query(on: app.db).filter(\.$code == code).first() else {
            throw Abort(.internalServerError, reason: "\(code) is missing")
        }
        try await MembershipModel(personID: try person.requireID(), organisationID: try organisation.requireID(), role: role)
            .create(on: app.db)
        let secret = "psr_" + RandomToken.make()
        let token = APITokenModel()
        token.$person.id = try person.requireID()
        token.$organisation.id = try organisation.requireID()
        token.name = "bench"
        token.scopes = scopes
        token.tokenHash = Sessions.hash(secret)
        token.prefix = String(secret.prefix(10))
        token.expiresAt = Date().addingTimeInterval(3600)
        try await token.create(on: app.db)
        return secret
    }

    /// A session cookie for a demo account.
    static func session(_ app: Application, email: String) async throws -> String {
        guard let person = try await PersonModel.query(on: app.db).filter(\.$email == email).first() else {
            throw Abort(.internalServerError, reason: "\(email) is missing: run seed-demo first")
        }
        let request = Request(application: app, method: .GET, url: URI(string: "/"), on: app.eventLoopGroup.next())
        return try await Sessions.open(for: person, request: request, on: app.db)
    }

    /// GETs cycling through the paths, one after the other.
    static func requests(_ app: Application, _ n: Int, name: String, paths: [String], headers: HTTPHeaders) async throws -> Result {
        var samples: [Duration] = []
        samples.reserveCapacity(n)
        let responder = app.responder.current
        for i in 0..<n {
            let path = paths[i % paths.count]
            let request = Request(application: app, method: .GET, url: URI(string: path), headers: headers,
                                  on: app.eventLoopGroup.next())
            let start = ContinuousClock.now
            let response = try await responder.respond(to: request).get()
            samples.append(ContinuousClock.now - start)
            guard response.status == .ok else { throw Abort(.internalServerError, reason: "\(path) answered \(response.status)") }
        }
        // BENCH_PER_PATH=1: each path's own p50 and p99 too (on standard error), to see which one costs.
        if ProcessInfo.processInfo.environment["BENCH_PER_PATH"] != nil, paths.count > 1 {
            for (index, path) in paths.enumerated() {
                let own = stride(from: index, to: samples.count, by: paths.count).map { samples[$0] }.sorted()
                guard !own.isEmpty else { continue }
                FileHandle.standardError.write(Data("\(name) \(path.prefix(60)): p50 \(own[own.count / 2]) p99 \(own[min(own.count - 1, own.count * 99 / 100)])\n".utf8))
            }
        }
        return result(name, samples)
    }

    /// The same request from `clients` callers at once: throughput over the wall clock, latency as
    /// each caller saw it.
    static func concurrentRequests(_ app: Application, _ n: Int, clients: Int, name: String, method: HTTPMethod, path: String,
                                   body: String, headers: HTTPHeaders, expect: HTTPResponseStatus) async throws -> Result {
        let responder = app.responder.current
        let start = ContinuousClock.now
        let samples = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for c in 0..<clients {
                let share = n / clients + (c < n % clients ? 1 : 0)
                group.addTask {
                    var samples: [Duration] = []
                    samples.reserveCapacity(share)
                    for _ in 0..<share {
                        let request = Request(application: app, method: method, url: URI(string: path), headers: headers,
                                              collectedBody: ByteBuffer(string: body), on: app.eventLoopGroup.next())
                        let begun = ContinuousClock.now
                        let response = try await responder.respond(to: request).get()
                        samples.append(ContinuousClock.now - begun)
                        guard response.status == expect else {
                            throw Abort(.internalServerError, reason: "\(path) answered \(response.status): \(response.body.string ?? "")")
                        }
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }
        }
        let elapsed = ContinuousClock.now - start
        let latencies = result(name, samples)
        return Result(scenario: name, iterations: n, ops_per_s: Double(n) / max(elapsed.milliseconds / 1000, 1e-9),
                      p50_us: latencies.p50_us, p99_us: latencies.p99_us, max_us: latencies.max_us, date: CalendarDate.today.iso)
    }
}
