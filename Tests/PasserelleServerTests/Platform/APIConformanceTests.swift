import Fluent
import Foundation
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import Vapor
import VaporTesting

/// Every read operation of `/api/v1`, on a database filled by every module's demo generator, as the
/// ministry's administrator and as a municipality's RSÉ: no server error, and every 200 is what the
/// OpenAPI document says (types, required keys, no unknown key, RFC 3339 dates and date-times).
@Suite struct APIConformanceTests {
    @Test func everyReadOperationSendsWhatTheDocumentSays() async throws {
        try await withPasserelle { app in
            // setup: a year of every module, an administrator, and the RSÉ of a municipality with an agreement
            for generator in app.modules.demoGenerators { _ = try await generator.generate(scale: 1, app: app) }
            let agreement = try #require(try await AgreementModel.query(on: app.db).with(\.$organisation).sort(\.$number).first())
            let own = agreement.organisation.code
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
            try await IdentityFixtures.person("rse@conformite.test", on: app, roles: [(own, .rse)])
            let request = try #require(try await RequestModel.query(on: app.db).sort(\.$number).first())
            let application = try #require(try await GrantApplicationModel.query(on: app.db).sort(\.$number).first())
            let program = try #require(try await GrantProgramModel.query(on: app.db).sort(\.$code).first())
            let call = try #require(try await GrantCallModel.query(on: app.db).sort(\.$code).first())
            let work = try #require(try await InterventionModel.query(on: app.db).filter(\.$visibility == "public").sort(\.$number).first())
            let values: [String: String] = [
                "/api/v1/interventions/:numero": work.number,
                "/api/v1/regions/:code": "01", "/api/v1/mrc/:code": "120", "/api/v1/municipalites/:code": "12072",
                "/api/v1/demandes/:numero": request.number, "/api/v1/demandes-aide/:numero": application.number,
                "/api/v1/conventions/:numero": agreement.number, "/api/v1/programmes/:programme": program.code,
            ]
            let routes = app.routes.all.filter { $0.method == .GET && $0.path.prefix(2).map(\.description) == ["api", "v1"] }
                .filter { $0.path.map(\.description).joined(separator: "/") != "api/v1/openapi.json" }

            // act
            var checked: [String: Int] = [:], failures: [String] = []
            for email in ["admin@mtmd.test", "rse@conformite.test"] {
                let browser = Browser(app)
                try await browser.signIn(email)
                for route in routes {
                    let template = "/" + route.path.map(\.description).joined(separator: "/")
                    let path = "/" + route.path.map { component -> String in
                        switch component {
                        case .constant(let value): return value
                        case .parameter("code") where template.hasPrefix("/api/v1/organisations"): return email.hasPrefix("rse") ? own : "unite-bcam"
                        case .parameter("appel"): return call.code
                        case .parameter: return values[template] ?? "x"
                        default: return "x"
                        }
                    }.joined(separator: "/")
                    let documented = template.replacingOccurrences(of: #":([a-z_]+)"#, with: "{$1}", options: .regularExpression)
                    let response = try await browser.send(.GET, path)
                    if response.status.code >= 500 { failures.append("\(email) GET \(path): \(response.status.code)") }
                    guard response.status == .ok else { continue }
                    guard let schema = OpenAPICheck.responseSchema(get: documented) else {
                        failures.append("GET \(documented) has no 200 schema")
                        continue
                    }
                    guard let value = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) else {
                        failures.append("\(email) GET \(path): not JSON")
                        continue
                    }
                    failures += OpenAPICheck.problems(value, schema, path: "GET \(path)").prefix(5).map { "\(email) \($0)" }
                    checked[documented, default: 0] += 1
                }
            }

            // validate: nothing broken, and (nearly) every operation was read by someone
            #expect(failures == [])
            let read = Set(checked.keys)
            let all = Set(routes.map { "/" + $0.path.map(\.description).joined(separator: "/") }
                .map { $0.replacingOccurrences(of: #":([a-z_]+)"#, with: "{$1}", options: .regularExpression) })
            #expect(all.subtracting(read).isEmpty, "never answered 200: \(all.subtracting(read).sorted())")
            #expect(read.count >= 23)

            // Lists page one way: per_page bounded, the total, and the Link to the others.
            let admin = Browser(app)
            try await admin.signIn("admin@mtmd.test")
            let total = try await AgreementModel.query(on: app.db).count()
            let second = try await admin.send(.GET, "/api/v1/conventions?per_page=1&page=2")
            let secondRows = (try second.json() as? [Any])?.count ?? 0
            #expect(second.status == .ok && secondRows == 1)
            #expect(second.headers.first(name: "X-Total-Count") == String(total))
            let link = second.headers.first(name: .link) ?? ""
            #expect(link.contains("per_page=1&page=1>; rel=\"first\"") && link.contains("page=1>; rel=\"prev\""))
            #expect(total < 3 || link.contains("page=3>; rel=\"next\""))
            for path in ["/api/v1/demandes", "/api/v1/demandes-aide", "/api/v1/conventions", "/api/v1/journal"] {
                #expect(try await admin.send(.GET, path + "?per_page=1000").status == .badRequest, "\(path)?per_page=1000")
                let paged = try await admin.send(.GET, path + "?per_page=2")
                #expect(paged.headers.first(name: .link) != nil, "\(path) gives its Link")
            }
        }
    }

    /// The rules every API call is held to before any handler runs (`APIRules`), and that the pages
    /// are not: an empty or repeated parameter, an unknown `lang`, a malformed `page`, a method the
    /// address does not take.
    @Test func everyCallIsHeldToTheSameParameterRules() async throws {
        try await withPasserelle { app in
            // setup
            let browser = Browser(app)
            func problem(_ path: String, method: HTTPMethod = .GET) async throws -> (Int, String, String?) {
                let response = try await browser.send(method, path)
                let body = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let name = ((body?["errors"] as? [[String: Any]])?.first?["name"] as? String) ?? ""
                return (Int(response.status.code), name, response.headers.first(name: .allow))
            }

            // act and assert: each broken rule is a 400 naming its parameter
            #expect(try await problem("/api/v1/mrc?region=").0 == 400)
            #expect(try await problem("/api/v1/mrc?region=").1 == "region")
            #expect(try await problem("/api/v1/mrc?region=01&region=02").1 == "region")
            #expect(try await problem("/api/v1/mrc?region=01&region=02").0 == 400)
            #expect(try await problem("/api/v1/regions?lang=xx").0 == 400)
            #expect(try await problem("/api/v1/regions?lang=xx").1 == "lang")
            #expect(try await problem("/api/v1/municipalites?page=null").1 == "page")
            // what the rules allow still answers
            #expect(try await problem("/api/v1/mrc?region=01").0 == 200)
            #expect(try await problem("/api/v1/regions?lang=en-CA").0 == 200)
            // a page keeps its leniency: an unknown language there is French
            #expect(try await browser.send(.GET, "/?lang=xx").status == .ok)

            // a method the address does not take: 405 and the ones it does
            let (status, _, allow) = try await problem("/api/v1/regions", method: .DELETE)
            #expect(status == 405)
            #expect(allow == "GET, HEAD")
            let filing = try await problem("/api/v1/organisations/mun-12072/demandes", method: .GET)
            #expect(filing.0 == 405)
            #expect(filing.2 == "POST")
            // an address the API does not have is still a 404
            #expect(try await problem("/api/v1/nulle-part", method: .DELETE).0 == 404)
        }
    }

    /// The paged lists refuse a `page` that is not a whole number instead of reading it as the first.
    @Test func aMalformedPageIsRefusedByEveryPagedList() async throws {
        try await withPasserelle { app in
            // setup
            try await IdentityFixtures.person("admin@mtmd.test", on: app, roles: [("unite-bcam", .administrator)])
            let browser = Browser(app)
            try await browser.signIn("admin@mtmd.test")

            for path in OpenAPIDocument.pagedLists {
                // act
                let response = try await browser.send(.GET, path + "?page=premiere")

                // assert
                #expect(response.status == .badRequest, "\(path)")
            }
        }
    }
}
