import Fluent
import Vapor

func routes(_ app: Application) throws {
    // operations
    app.get("healthz") { _ in
        Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"], body: "ok\n")
    }.policy(.open)
    app.get("readyz", use: Operations.ready).policy(.open)
    app.get("metrics", use: Operations.metrics).policy(.open)
    app.get("assets", ":file") { req -> Response in
        guard req.parameters.get("file") == String(Assets.stylesheetURL.dropFirst("/assets/".count)) else {
            throw Problem.notFound()
        }
        return Assets.stylesheetResponse(req)
    }.policy(.open)

    // API
    let api = app.grouped("api", "v1")
    api.get("openapi.json", use: OpenAPIDocument.serve).policy(.open)
    TerritoryAPI(territory: app.territory, cache: app.responseCache).register(api)
    IdentityAPI().register(api)

    // pages
    TerritoryPages(territory: app.territory, cache: app.responseCache).register(app)
    IdentityPages().register(app)
    AccountPages().register(app)
    OrganisationPages().register(app)
    AdminPages().register(app)
    StandardAnswerPages().register(app)
    OIDCPages().register(app)
    RequestPages(maxUploadMB: app.settings.attachmentMaxMB).register(app, api: api)
    PortalHome().register(app)
    RequestTypePages().register(app)
    LiaisonPages().register(app)
    MeetingPages().register(app)
    PartnerPages().register(app)
    Open311().register(app)
    CapacityPages().register(app)
    GrantPages(maxUploadMB: app.settings.attachmentMaxMB).register(app, api: api)
    AgreementPages().register(app)
    AgreementAPI().register(api)
    app.get("api") { req in Response.html(GeneralViews.apiGuide(Layout(req))) }.policy(.open)
    app.get("sources") { req in Response.html(GeneralViews.sources(Layout(req))) }.policy(.open)
}

enum Operations {
    /// Ready when the database answers.
    @Sendable static func ready(_ req: Request) async throws -> Response {
        do {
            try await DatabaseDialect.ping(req.db)
            return Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"],
                            body: "ready\n")
        } catch {
            req.logger.warning("readiness check failed: \(error)")
            return Response(status: .serviceUnavailable,
                            headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"],
                            body: "database unreachable\n")
        }
    }

    /// Prometheus text format: request counts and durations by route, the database round trip and
    /// pool size, the territory directory's revision.
    @Sendable static func metrics(_ req: Request) async throws -> Response {
        let app = req.application
        let start = ContinuousClock.now
        let reachable = (try? await DatabaseDialect.ping(req.db)) != nil
        let ping = ContinuousClock.now - start
        let metrics = app.httpMetrics
        metrics.gauge("db_up", help: "1 when the database answered the scrape's ping").set(reachable ? 1.0 : 0.0)
        metrics.gauge("db_ping_seconds", help: "Round trip of SELECT 1 during the scrape").set(Double(ping.milliseconds) / 1000)
        metrics.gauge("db_pool_max_connections", help: "Connections the pool may open").set(Double(app.databasePoolSize))
        metrics.gauge("territory_revision", help: "Revision of the territory directory this instance serves")
            .set(Double(app.territory.current.revision))
        metrics.gauge("response_cache_entries", help: "Responses held in this instance's cache")
            .set(Double(app.responseCache.count))
        var buffer: [UInt8] = []
        metrics.registry.emit(into: &buffer)
        return Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(buffer: ByteBuffer(bytes: buffer)))
    }
}
