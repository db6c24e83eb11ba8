import Fluent
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PasserelleCore
@testable import PasserelleServer
import Testing
import Vapor
import VaporTesting

/// Open311 GeoReport v2: every response checked against the spec's JSON schemas (by
/// jsonschema under scripts/with-python-checks.sh; their required fields here always), the XML
/// form well formed and saying the same, errors in the spec's format.
@Suite struct Open311Tests {
    static let rdl = "mun-12072"

    /// An API token of a municipality, made the way its people make one.
    static func token(_ app: Application, email: String, organisation: String, scope: String,
                      role: Role = .contributor(.requests)) async throws -> String {
        try await IdentityFixtures.person(email, on: app, roles: [(organisation, role)])
        let browser = Browser(app)
        try await browser.signIn(email)
        let csrf = try await browser.csrf(at: "/mon-compte/jetons")
        let created = try await browser.send(.POST, "/mon-compte/jetons", form: [
            "name": "311", "organisation": organisation, "scopes[]": scope, "days": "30", "_csrf": csrf])
        return try #require(AccessibilityCheck.matches(#"(psr_[A-Za-z0-9_-]+)"#, in: created.body.string).first)
    }

    static func form(_ pairs: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
            .joined(separator: "&"))
    }

    static func post(_ app: Application, _ path: String, _ pairs: [(String, String)]) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: form(pairs))
    }

    /// Checks a JSON response against a schema, and its XML twin (same path in .xml) against it.
    static func check(_ app: Application, json path: String, schema: String, xmlPath: String? = nil, method: HTTPMethod = .GET,
                      body: [(String, String)]? = nil) async throws -> (status: HTTPStatus, json: Any) {
        let response = body.map { b in { try await post(app, path, b) } } ?? { try await app.testing().sendRequest(method, path) }
        let json = try await response()
        let parsed = try JSONSerialization.jsonObject(with: Data(json.body.string.utf8), options: [.fragmentsAllowed])
        try requiredFieldsPresent(parsed, schema: schema)
        var xmlFile: URL?
        if let xmlPath {
            let xml = try await app.testing().sendRequest(.GET, xmlPath)
            #expect(xml.headers.contentType?.description.hasPrefix("text/xml") == true)
            #expect(XMLCheck.wellFormed(xml.body.string), "\(xmlPath) is not well-formed XML")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("open311-\(UUID().uuidString).xml")
            try xml.body.string.write(to: file, atomically: true, encoding: .utf8)
            xmlFile = file
        }
        try PythonCheck.run("open311", input: json.body.string, expect: [schema] + (xmlFile.map { [$0.path] } ?? []))
        if let xmlFile { try? FileManager.default.removeItem(at: xmlFile) }
        return (json.status, parsed)
    }

    /// The schema's required fields are in every item (the full check is jsonschema's, in CI).
    static func requiredFieldsPresent(_ document: Any, schema name: String) throws {
        guard name != "none" else { return }
        let folder = Fixtures.sourcesFolder.appendingPathComponent("Tests/Fixtures/open311-georeport-v2")
        func load(_ file: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(file))) as! [String: Any]
        }
        var schema = try load(name + ".json")
        var items: [Any] = [document]
        if schema["type"] as? String == "array", let ref = (schema["items"] as? [String: Any])?["$ref"] as? String {
            items = document as? [Any] ?? []
            schema = try load(ref)
        }
        for item in items {
            let object = item as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] {
                #expect(object[key] != nil, "\(name): \(key) missing")
            }
        }
    }

    @Test func servicesDefinitionsFilingAndReading() async throws {
        try await withPasserelle { app in
            let discovery = try await Self.check(app, json: "/open311/v2/discovery.json", schema: "none",
                                                 xmlPath: "/open311/v2/discovery.xml").json as? [String: Any]
            #expect((discovery?["endpoints"] as? [[String: Any]])?.first?["specification"] as? String == "http://wiki.open311.org/GeoReport_v2")

            let services = try await Self.check(app, json: "/open311/v2/services.json", schema: "services",
                                                xmlPath: "/open311/v2/services.xml").json as? [[String: Any]] ?? []
            #expect(services.count == RequestTypeCatalog.entries.count)
            #expect(services.first { $0["service_code"] as? String == "signalisation" }?["service_name"] as? String == "Signalisation")
            let definition = try await Self.check(app, json: "/open311/v2/services/signalisation.json", schema: "service-definition",
                                                  xmlPath: "/open311/v2/services/signalisation.xml").json as? [String: Any]
            let attributes = definition?["attributes"] as? [[String: Any]] ?? []
            let codes = attributes.compactMap { $0["code"] as? String }
            #expect(codes.contains("nature") && codes.contains("resolution_number") && codes.contains("resolution_date"))
            #expect(attributes.first { $0["code"] as? String == "nature" }?["datatype"] as? String == "singlevaluelist")
            // An unknown service: 404 in the spec's error format, in both forms.
            let unknown = try await Self.check(app, json: "/open311/v2/services/inconnu.json", schema: "none",
                                               xmlPath: "/open311/v2/services/inconnu.xml")
            #expect(unknown.status == .notFound)
            #expect((unknown.json as? [[String: Any]])?.first?["code"] as? Int == 404)

            let key = try await Self.token(app, email: "ti@rdl.test", organisation: Self.rdl, scope: "requests:write")
            let reader = try await Self.token(app, email: "lecture@rdl.test", organisation: Self.rdl, scope: "requests:read")
            let other = try await Self.token(app, email: "ti@rimouski.test", organisation: "mun-10043", scope: "requests:write")
            let signage: [(String, String)] = [
                ("service_code", "signalisation"), ("lat", "47.8361"), ("long", "-69.5366"),
                ("description", "Panneau d'arrêt caché\nPar un arbre, rue Lafontaine."),
                ("attribute[nature]", "modification"), ("attribute[element]", "Panneau d'arrêt"), ("attribute[resolution_number]", "2026-11-245"),
                ("attribute[resolution_date]", "2026-11-03"),
            ]
            // Without a key, with a wrong one, with a read-only one: 403, the spec's format.
            for pairs in [signage, signage + [("api_key", "psr_faux")], signage + [("api_key", reader)]] {
                let refused = try await Self.post(app, "/open311/v2/requests.json", pairs)
                #expect(refused.status == .forbidden)
                let body = try JSONSerialization.jsonObject(with: Data(refused.body.string.utf8)) as? [[String: Any]]
                #expect(body?.first?["code"] as? Int == 403 && (body?.first?["description"] as? String)?.contains("api_key") == true)
                try PythonCheck.run("open311", input: refused.body.string, expect: ["none"])
            }
            let refusedXML = try await Self.post(app, "/open311/v2/requests.xml", signage)
            #expect(refusedXML.status == .forbidden && refusedXML.body.string.contains("<errors><error><code>403</code>"))
            // Unknown service: 404; a missing resolution: 400 naming the attribute; nothing filed.
            let wrongService = try await Self.post(app, "/open311/v2/requests.json", [("api_key", key), ("service_code", "nope"), ("description", "x")])
            #expect(wrongService.status == .notFound)
            let missing = try await Self.post(app, "/open311/v2/requests.json",
                                              signage.filter { !$0.0.hasPrefix("attribute[resolution") } + [("api_key", key)])
            #expect(missing.status == .badRequest && missing.body.string.contains("resolution_number"))
            #expect(try await RequestModel.query(on: app.db).count() == 0)

            let filed = try await Self.check(app, json: "/open311/v2/requests.json", schema: "none", body: signage + [("api_key", key)])
            #expect(filed.status == .created, "\(filed.json)")
            let id = try #require(((filed.json as? [[String: Any]])?.first?["service_request_id"]) as? String)
            let model = try #require(try await RequestModel.query(on: app.db).filter(\.$number == id).with(\.$organisation).first())
            #expect(model.organisation.code == Self.rdl && model.title == "Panneau d'arrêt caché" && model.resolutionNumber == "2026-11-245")
            #expect(model.answers["nature"] == ["modification"])
            // Filed without a location: accepted, the municipality is its place.
            let question = try await Self.post(app, "/open311/v2/requests.json", [
                ("api_key", key), ("service_code", "question-programme"), ("description", "Admissibilité d'un trottoir au TAPU ?")])
            #expect(question.status == .created)

            // Reading: the token's own requests, by the spec's filters, in both forms.
            let list = try await Self.check(app, json: "/open311/v2/requests.json?api_key=\(reader)", schema: "requests",
                                            xmlPath: "/open311/v2/requests.xml?api_key=\(reader)").json as? [[String: Any]] ?? []
            #expect(list.count == 2 && list.allSatisfy { $0["status"] as? String == "open" })
            let first = try #require(list.first { $0["service_request_id"] as? String == id })
            #expect(first["lat"] as? Double == 47.8361 && first["status_notes"] as? String == "Reçue")
            // A description comes back as it was sent: one line once, two lines as two.
            #expect(first["description"] as? String == "Panneau d'arrêt caché\nPar un arbre, rue Lafontaine.")
            #expect(list.first { $0["service_request_id"] as? String != id }?["description"] as? String == "Admissibilité d'un trottoir au TAPU ?")
            let bySignage = try await Self.check(app, json: "/open311/v2/requests.json?api_key=\(reader)&service_code=signalisation&status=open",
                                                 schema: "requests").json as? [[String: Any]] ?? []
            #expect(bySignage.count == 1)
            #expect((try await Self.check(app, json: "/open311/v2/requests.json?api_key=\(reader)&status=closed", schema: "requests").json
                as? [Any])?.isEmpty == true)
            let byID = try await Self.check(app, json: "/open311/v2/requests/\(id).json?api_key=\(reader)", schema: "requests",
                                            xmlPath: "/open311/v2/requests/\(id).xml?api_key=\(reader)").json as? [[String: Any]]
            #expect(byID?.first?["service_code"] as? String == "signalisation")
            let token = try await Self.check(app, json: "/open311/v2/tokens/\(id).json?api_key=\(reader)", schema: "none").json
            #expect((token as? [[String: Any]])?.first?["service_request_id"] as? String == id)
            let updates = try await Self.check(app, json: "/open311/v2/servicerequestupdates.json?api_key=\(reader)", schema: "none",
                                               xmlPath: "/open311/v2/servicerequestupdates.xml?api_key=\(reader)").json as? [[String: Any]]
            #expect(updates?.count == 2 && updates?.allSatisfy { $0["status"] as? String == "open" } == true)
            // Bad filters are 400s in the spec's form.
            #expect(try await app.testing().sendRequest(.GET, "/open311/v2/requests.json?api_key=\(reader)&start_date=hier").status == .badRequest)
            #expect(try await app.testing().sendRequest(.GET, "/open311/v2/requests.json?api_key=\(reader)&status=pending").status == .badRequest)
            #expect(try await app.testing().sendRequest(.GET, "/open311/v2/requests.json").status == .forbidden)

            // Another municipality sees none of it: not in its list, not by id, not by token.
            let elsewhere = try await Self.check(app, json: "/open311/v2/requests.json?api_key=\(other)", schema: "requests").json as? [Any]
            #expect(elsewhere?.isEmpty == true)
            #expect(try await app.testing().sendRequest(.GET, "/open311/v2/requests/\(id).json?api_key=\(other)").status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/open311/v2/tokens/\(id).json?api_key=\(other)").status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/open311/v2/servicerequestupdates.json?api_key=\(other)").body.string == "[]")
        }
    }
}

extension Open311Tests {
    /// Instants in Québec time with their offset, daylight time or not; JSON and XML text escaped.
    @Test func datesAndTextAreWrittenAsTheSpecReadsThem() {
        let iso = ISO8601DateFormatter()
        #expect(Open311.datetime(iso.date(from: "2026-07-08T17:30:05Z")!) == "2026-07-08T13:30:05-04:00")
        #expect(Open311.datetime(iso.date(from: "2026-12-08T04:05:00Z")!) == "2026-12-07T23:05:00-05:00")
        let value = Open311Value.object([("t", .string("a \"b\" <c> & d\n\u{01}")), ("n", .null), ("l", .array(item: "x", [.integer(1)]))])
        #expect(value.json == #"{"t":"a \"b\" <c> & d\n\u0001","n":null,"l":[1]}"#)
        #expect(value.xml(root: "r").contains("<r><t>a &quot;b&quot; &lt;c&gt; &amp; d\n</t><n/><l><x>1</x></l></r>"))
        #expect(XMLCheck.wellFormed(value.xml(root: "r")))
    }
}
