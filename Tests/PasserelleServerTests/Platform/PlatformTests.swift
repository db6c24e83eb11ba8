import Foundation
import NIOConcurrencyHelpers
@testable import PasserelleCore
@testable import PasserelleServer
import Testing
import VaporTesting

@Suite struct PlatformTests {
    /// The application's shutdown waits for a repeated job's run under way (the outbox, the SQLite
    /// checkpoint), so no run uses a database being closed; and no run starts after it.
    @Test func shutdownWaitsForTheRepeatedJobUnderWay() async throws {
        let app = try await Application.make(.testing)
        let runs = NIOLockedValueBox((started: 0, finished: 0))
        app.repeatEvery(.milliseconds(10), after: .milliseconds(1)) {
            runs.withLockedValue { $0.started += 1 }
            try? await Task.sleep(for: .milliseconds(300))
            runs.withLockedValue { $0.finished += 1 }
        }
        while runs.withLockedValue({ $0.started }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await app.asyncShutdown()
        let atShutdown = runs.withLockedValue { $0 }
        #expect(atShutdown.started >= 1)
        #expect(atShutdown.finished == atShutdown.started)
        try await Task.sleep(for: .milliseconds(50))
        #expect(runs.withLockedValue { $0.started } == atShutdown.started)
    }

    @Test func healthAndReadiness() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/healthz") { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string == "ok\n")
            }
            try await app.testing().test(.GET, "/readyz") { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string == "ready\n")
            }
        }
    }

    @Test func metricsCountRequestsByRoute() async throws {
        try await withPasserelle { app in
            for _ in 0..<3 {
                try await app.testing().test(.GET, "/api/v1/municipalites/12072") { _ in }
            }
            try await app.testing().test(.GET, "/api/v1/municipalites/abc") { _ in }
            try await app.testing().test(.GET, "/metrics") { res async throws in
                let text = res.body.string
                #expect(text.contains(#"http_requests_total{method="GET",route="/api/v1/municipalites/:code",status="200"} 3"#))
                #expect(text.contains(#"http_requests_total{method="GET",route="/api/v1/municipalites/:code",status="400"} 1"#))
                #expect(text.contains("http_request_duration_seconds_bucket"))
                #expect(text.contains("db_up 1"))
                #expect(text.contains("territory_revision 1"))
            }
        }
    }

    @Test func callerRequestIdIsEchoedAndNonsenseReplaced() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/healthz", headers: ["X-Request-Id": "abc-123"]) { res async throws in
                #expect(res.headers.first(name: "X-Request-Id") == "abc-123")
            }
            try await app.testing().test(.GET, "/healthz", headers: ["X-Request-Id": "<script>"]) { res async throws in
                #expect(res.headers.first(name: "X-Request-Id") != "<script>")
            }
        }
    }

    @Test func wrongMethodIsAProblemNotA500() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.POST, "/api/v1/municipalites", body: ByteBuffer(string: "{}")) { res async throws in
                #expect(res.status.code < 500)
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            }
            try await app.testing().test(.DELETE, "/api/v1/regions/01") { res async throws in #expect(res.status.code < 500) }
        }
    }

    @Test func theSchemaCheckNamesWhatAResponseDoesNotMatch() throws {
        // setup: a contact with a number for a name, no address, and a key the schema does not have
        let sent = Data(#"{"nom": 12, "telephone": null, "surnom": "Mimi"}"#.utf8)
        let good = Data(#"{"nom": "Léa Bouchard", "courriel": "lea@mtmd.test", "titre": null}"#.utf8)

        // act
        let problems = Set(OpenAPICheck.problems(sent, against: "LiaisonContact").map { String($0.split(separator: ":")[0]) })

        // validate
        #expect(problems == ["$.nom", "$.courriel", "$.surnom"])
        #expect(OpenAPICheck.problems(good, against: "LiaisonContact") == [])
    }

    @Test func openAPIIsVersion31AndCoversEveryAPIRoute() async throws {
        try await withPasserelle { app in
            try await app.testing().test(.GET, "/api/v1/openapi.json") { res async throws in
                #expect(res.status == .ok)
                let document = try res.object()
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                let routes = app.routes.all.filter { $0.path.prefix(2).map(\.description) == ["api", "v1"] }
                #expect(routes.count >= 7)
                for route in routes {
                    let path = "/" + route.path.map { component -> String in
                        let text = component.description
                        return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
                    }.joined(separator: "/")
                    let operation = paths[path]?[route.method.rawValue.lowercased()] as? [String: Any]
                    #expect(operation != nil, "\(route.method) \(path) is missing from openapi.json")
                    #expect(operation?["responses"] != nil, "\(path) has no responses")
                }
            }
        }
    }

    @Test func settingsComeFromTheEnvironment() throws {
        let defaults = try Settings.fromEnvironment(.development, values: [:])
        #expect(defaults.database == .sqliteFile("var/passerelle.sqlite"))
        #expect(defaults.port == 8080 && defaults.hostname == "127.0.0.1")
        #expect(defaults.jsonLogs == false)
        let production = try Settings.fromEnvironment(.production, values: [
            "DATABASE_URL": "postgres://u:p@localhost:5432/p", "PORT": "9000", "LOG_LEVEL": "debug"])
        #expect(production.database == .postgres(url: "postgres://u:p@localhost:5432/p", searchPath: nil))
        #expect(production.port == 9000 && production.logLevel == .debug && production.jsonLogs)
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(.development, values: ["PORT": "http"]) }
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(.development, values: ["LOG_LEVEL": "loud"]) }
        #expect(defaults.sqliteBusyTimeoutMilliseconds == 5_000)
        #expect(try Settings.fromEnvironment(.development, values: ["SQLITE_BUSY_TIMEOUT_MS": "30000"]).sqliteBusyTimeoutMilliseconds == 30_000)
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(.development, values: ["SQLITE_BUSY_TIMEOUT_MS": "-1"]) }
        #expect(defaults.sqliteMmapBytes == 0)
        #expect(try Settings.fromEnvironment(.development, values: ["SQLITE_MMAP_BYTES": "268435456"]).sqliteMmapBytes == 268_435_456)
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(.development, values: ["SQLITE_MMAP_BYTES": "beaucoup"]) }
        #expect(DatabaseDialect.sqlitePragmas(busyTimeout: 5_000, mmapBytes: 1_024).contains("PRAGMA mmap_size = 1024"))
    }

    @Test func queryParametersDecodeLikeABrowserSends() throws {
        let p = QueryParameters("q=rivi%C3%A8re+du%20loup&q=second&empty=&blank=+++&bad=%ZZ%4&per_page=20&flag")
        #expect(p["q"] == "rivière du loup")
        #expect(p["empty"] == nil && p["blank"] == nil && p["flag"] == nil && p["missing"] == nil)
        #expect(p["bad"] == "%ZZ%4")
        #expect(p["per_page"] == "20")
        #expect(QueryParameters("x=%FF")["x"] == "\u{FFFD}")
        #expect(QueryParameters(nil).values.isEmpty)
        #expect(try p.integer("per_page", in: 1...100, default: 5) == 20)
        #expect(try p.integer("page", in: 1...100, default: 5) == 5)
        #expect(throws: Problem.self) { try p.integer("q", in: 1...100, default: 5) }
    }

    @Test func cacheIsDroppedWhenTheRevisionMoves() throws {
        let cache = ResponseCache(capacity: 2)
        var made = 0
        let make = { () -> CachedBody in
            made += 1
            return CachedBody(body: ByteBuffer(string: "\(made)"), contentType: .json, maxAge: 1)
        }
        _ = cache.body(revision: 1, key: "a", make: make)
        _ = cache.body(revision: 1, key: "a", make: make)
        #expect(made == 1)
        _ = cache.body(revision: 2, key: "a", make: make)
        #expect(made == 2)
        _ = cache.body(revision: 2, key: "b", make: make)
        _ = cache.body(revision: 2, key: "c", make: make)
        #expect(cache.count <= 2)
    }

    @Test func benchScenariosRunAndReportPercentiles() async throws {
        try await withPasserelle { app in
            for scenario in Benchmarks.scenarios where scenario.name != "first_start" {
                let result = try await scenario.run(app, 20)
                #expect(result.iterations == 20)
                #expect(result.p50_us <= result.p99_us && result.p99_us <= result.max_us)
                let line = try JSONSerialization.jsonObject(with: Data(result.jsonLine.utf8)) as? [String: Any]
                #expect(line?["scenario"] as? String == scenario.name)
            }
        }
    }
}

/// The HTML written without Plot's tree must be the markup Plot writes, and as safe.
@Suite struct HTMLWriterTests {
    @Test func writesWhatPlotWritesAndEscapesWhatPeopleType() {
        let typed = #"<script>alert("x")</script> & l'été"#
        var w = HTMLWriter()
        w.element("a", ["href": "/demandes/\(typed)", "class": nil], text: typed)
        w.void("input", ["type": "checkbox", "value": typed, "checked": nil])
        w.tag(typed, .warning)
        let plot = BodyNode.group(H.a(typed, href: "/demandes/\(typed)"),
                                  H.void("input", [.named("type", "checkbox"), .named("value", typed), .named("checked", nil)]),
                                  UI.tag(typed, .warning)).render()
        #expect(w.html == plot)
        #expect(!w.html.contains("<script>"))
        #expect(w.html.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; l'été</a>"))
        #expect(w.html.contains(#"value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; l&#39;été""#))
    }

    @Test func anEmptyOptionValueIsWrittenSoTheOptionDoesNotSendItsLabel() {
        let html = UI.select(name: "statut", label: "Statut", options: [("", "Tous"), ("recue", "Reçue <1>")], selected: "recue").render()
        #expect(html.contains(#"<option value="">Tous</option>"#))
        #expect(html.contains(#"<option value="recue" selected>Reçue &lt;1&gt;</option>"#))
    }
}

@Suite struct CatalogTests {
    @Test func bothCatalogsHaveTheSameKeys() {
        let fr = Set(Catalog.of(.frCA).messages.keys)
        let en = Set(Catalog.of(.enCA).messages.keys)
        #expect(fr.subtracting(en).isEmpty, "missing from en-CA: \(fr.subtracting(en).sorted())")
        #expect(en.subtracting(fr).isEmpty, "missing from fr-CA: \(en.subtracting(fr).sorted())")
        for (key, text) in Catalog.of(.frCA).messages {
            #expect(!text.isEmpty, "\(key) is empty")
        }
    }

    /// Every literal that looks like a catalog key (namespace.name, with a namespace the catalog
    /// uses) must be in both catalogs.
    @Test func everyKeyUsedInTheCodeIsInBothCatalogs() throws {
        let catalog = Catalog.of(.frCA).messages
        let english = Catalog.of(.enCA).messages
        let namespaces = Set(catalog.keys.compactMap { $0.split(separator: ".").first.map(String.init) })
        let sources = Fixtures.sourcesFolder.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 20)
        var used: Set<String> = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for key in AccessibilityCheck.matches(#""([a-z_]+(?:\.[a-z0-9_]+)+)""#, in: text)
            where namespaces.contains(String(key.split(separator: ".")[0])) {
                used.insert(key)
            }
        }
        #expect(used.count > 100)
        for key in used.sorted() {
            #expect(catalog[key] != nil, "\(key) missing from fr-CA")
            #expect(english[key] != nil, "\(key) missing from en-CA")
        }
        // Keys built at run time.
        for reason in ["unterminatedQuote", "quoteInUnquotedField", "textAfterClosingQuote"] {
            #expect(catalog["import.problem.csv_\(reason)"] != nil)
        }
        for reason in ["missing", "order", "content", "cut"] {
            #expect(catalog["audit.broken.\(reason)"] != nil && english["audit.broken.\(reason)"] != nil)
        }
        for status in TerritoryQueries.Status.allCases {
            #expect(catalog["filter.status.\(status.rawValue)"] != nil)
        }
    }
}
