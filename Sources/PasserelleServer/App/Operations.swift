import Vapor

enum Operations {
    @Sendable static func health(_ req: Request) -> Response {
        Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"], body: "ok\n")
    }

    /// The one stylesheet, under its fingerprinted name.
    @Sendable static func stylesheet(_ req: Request) throws -> Response {
        guard req.parameters.get("file") == String(Assets.stylesheetURL.dropFirst("/assets/".count)) else {
            throw Problem.notFound()
        }
        return Assets.stylesheetResponse(req)
    }

    @Sendable static func apiGuide(_ req: Request) -> Response { Response.html(GeneralViews.apiGuide(Layout(req))) }

    @Sendable static func sources(_ req: Request) -> Response { Response.html(GeneralViews.sources(Layout(req))) }

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
