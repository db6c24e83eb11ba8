import Vapor

/// `passerelle serve` (the default): migrate and load on first start, then Vapor's server.
struct PasserelleServeCommand: AsyncCommand {
    typealias Signature = ServeCommand.Signature

    var help: String { "Migrates the database if needed, loads the territory on first start, and serves HTTP." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let start = ContinuousClock.now
        try await prepare(app)
        app.logger.info("ready", metadata: [
            "territory_revision": "\(app.territory.current.revision)",
            "municipalities": "\(app.territory.current.municipalities.count)",
            "prepare_ms": "\(Int((ContinuousClock.now - start).milliseconds))",
        ])
        app.startTerritoryRefresh()
        app.startWorksRefresh()
        OutboxSender.start(app)
        ReportReminders.start(app)
        app.startAuditCheckpoints()
        try await app.servers.asyncCommand.run(using: context, signature: signature)
        // The head as it is at shutdown, so that nothing written up to now can be taken back unseen.
        do { try await AuditCheckpoints.write(app) } catch { app.logger.error("audit checkpoint at shutdown failed: \(error)") }
    }
}
