import Fluent
import NIOConcurrencyHelpers
import NIOCore
import PasserelleCore
import Vapor

/// Builds the app: read top to bottom, it is the table of contents of Passerelle.
public func configure(_ app: Application, settings: Settings) async throws {
    app.settings = settings

    // what each module gives the platform: counter tables, row order, error formats, demo data
    do {
        app.modules = ModuleRegistry(
            writeTables: WriteTables(
                counters: [RequestCounterModel.schema, GrantCounterModel.schema, AgreementCounterModel.schema, WorkCounterModel.schema],
                order: [RequestModel.schema, RequestStepModel.schema, RequestFollowerModel.schema, AttachmentModel.schema]),
            demoGenerators: [TerritoryDemoGenerator(), PeopleDemoGenerator(), RequestDemoGenerator(),
                             GrantDemoGenerator(), AgreementDemoGenerator(), WorksDemoGenerator()],
            errorRenderers: [ErrorRenderer(pathPrefix: "/open311/", render: Open311.errorResponse)])
    }

    // server
    do {
        app.http.server.configuration.hostname = settings.hostname
        app.http.server.configuration.port = settings.port
        app.routes.defaultMaxBodySize = ByteCount(stringLiteral: settings.maxBodySize)
        app.http.server.configuration.serverName = nil
        // Passerelle records its own request metrics (/metrics); Vapor's would build label strings
        // for every request for a metrics backend that is not there.
        app.http.server.configuration.reportMetrics = false
        // No route takes a compressed upload.
        app.http.server.configuration.requestDecompression = .disabled
    }

    // database
    do {
        // SQLite's calls block a thread each, and a writer waiting for the lock (busy timeout)
        // holds its thread while it waits: a pool of its own, larger than the process-wide one (one
        // thread per core), keeps waiting writers from starving the one that holds the lock.
        if case .postgres = settings.database {} else {
            app.threadPool = NIOThreadPool(numberOfThreads: 8)
        }
        try app.configureDatabase(settings.database, poolTimeout: settings.poolTimeoutSeconds)
        let writer = app.writerDatabase ?? { [unowned app] in app.db }
        if case .postgres = settings.database {
            app.writes = WriteQueue(grouped: true, releasesSavepoints: true, pipelined: true, tables: app.modules.writeTables,
                                    database: writer)
        } else {
            app.writes = WriteQueue(grouped: true, tables: app.modules.writeTables, database: writer)
        }
    }

    // middleware: one platform middleware replaces Vapor's error and logging middleware, and reads
    // the session cookie
    do {
        app.middleware = .init()
        app.middleware.use(PlatformMiddleware(metrics: app.httpMetrics, behindTLS: settings.behindTLS, authenticate: Sessions.attach))
    }

    // migrations, in order
    do {
        app.migrations.add(CreateAuditJournal())
        app.migrations.add(CreateTerritoryTables())
        app.migrations.add(LoadShippedTerritory())
        app.migrations.add(CreateIdentityTables())
        app.migrations.add(SyncOrganisations())
        app.migrations.add(CreateAccessTables())
        app.migrations.add(CreateRequestTables())
        app.migrations.add(CreateAttachmentTable())
        app.migrations.add(CreateRequestSearch())
        app.migrations.add(AddOutboxDelivery())
        app.migrations.add(CreateRequestFollowers())
        app.migrations.add(CreateStandardAnswers())
        app.migrations.add(CreateRequestQueueIndexes())
        app.migrations.add(RequestFieldsMigration())
        app.migrations.add(CreateRequestDrafts())
        app.migrations.add(RefoldRequestSearchText())
        app.migrations.add(CreateRequestGroupIndex())
        app.migrations.add(AddRequestStageTargets())
        app.migrations.add(CreateLiaisonTables())
        app.migrations.add(CreateRequestStats { [unowned app] in app.workingDays })
        app.migrations.add(CreateGrantTables())
        app.migrations.add(LoadGrantPrograms())
        app.migrations.add(CreateGrantProgramVersions())
        app.migrations.add(AddProgramIndicators())
        app.migrations.add(CreateAgreementTables())
        app.migrations.add(CoverPaymentsByOrganisation())
        app.migrations.add(IndexPaymentsInRuns())
        app.migrations.add(AddSchedulePlans())
        app.migrations.add(CreateRequestWords())
        app.migrations.add(AddOrganisationBilingualStatus())
        app.migrations.add(CreateWorksTables())
    }

    // working days
    do {
        app.holidays = try Application.loadHolidays(path: settings.holidaysPath)
    }

    // routes
    do {
        try routes(app)
        app.apiMethods = APIMethods(app.routes.all)
    }

    // commands
    do {
        app.asyncCommands.use(PasserelleServeCommand(), as: "serve", isDefault: true)
        app.asyncCommands.use(ImportTerritoryCommand(), as: "import-territory")
        app.asyncCommands.use(SeedDemoCommand(), as: "seed-demo")
        app.asyncCommands.use(BenchCommand(), as: "bench")
        app.asyncCommands.use(AuditCommands(), as: "audit")
        app.asyncCommands.use(AdminCommands(), as: "admin")
        app.asyncCommands.use(BackupCommand(), as: "backup")
        app.asyncCommands.use(RestoreCommand(), as: "restore")
        app.asyncCommands.use(ImportInterventionsCommand(), as: "import-interventions")
        app.asyncCommands.use(WorksCommands(), as: "works")
    }
}

/// Everything that must hold before the first request: the schema migrated (and, on an empty
/// database, the territory loaded), SQLite connections tuned, the directory read into memory.
public func prepare(_ app: Application, migrate: Bool = true) async throws {
    try await app.prepareSQLiteConnections()
    if migrate { try await app.autoMigrate() }
    app.startSQLiteCheckpoints()
    try await app.territory.refresh(from: app.db)
    try await app.worksDetection.load(on: app.db)
}

extension Application {
    var databasePoolSize: Int {
        // The readers' pools, and the writer's own connection.
        let loops = eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 }
        switch settings.database {
        case .postgres: return loops * 4 + 1
        default: return loops + 1
        }
    }

    /// Keeps this instance's copy of the territory in step with the database, for when another
    /// instance (or `import-territory`) changed it.
    func startTerritoryRefresh() {
        let seconds = Int64(settings.territoryRefreshSeconds)
        let app = self
        repeatEvery(.seconds(seconds), after: .seconds(seconds)) {
            do {
                if try await app.territory.refresh(from: app.db) {
                    app.logger.info("territory directory reloaded", metadata: ["revision": "\(app.territory.current.revision)"])
                }
            } catch {
                app.logger.warning("territory refresh failed: \(error)")
            }
        }
    }
}

extension Application {
    /// Runs `work` every `delay` while the application lives (`RepeatedJob`).
    func repeatEvery(_ delay: TimeAmount, after initialDelay: TimeAmount, _ work: @escaping @Sendable () async -> Void) {
        let loop = eventLoopGroup.any()
        let job = RepeatedJob()
        job.started(loop.scheduleRepeatedAsyncTask(initialDelay: initialDelay, delay: delay) { _ in job.run(on: loop, work) })
        lifecycle.use(job)
    }
}

/// A job run every so often while the application lives (the outbox, checkpoints, refreshes). Its
/// shutdown stops the next runs and waits for the one under way: NIO's cancellation does not, and
/// a run that began just before went on while the databases closed (a SQLite connection it opened
/// then was never closed, which stops a debug build).
final class RepeatedJob: LifecycleHandler, Sendable {
    private struct State {
        var task: RepeatedTask?
        var running: EventLoopFuture<Void>?
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())

    func started(_ task: RepeatedTask) {
        state.withLockedValue { $0.task = task }
    }

    func run(on loop: any EventLoop, _ work: @escaping @Sendable () async -> Void) -> EventLoopFuture<Void> {
        state.withLockedValue { state in
            guard !state.stopped else { return loop.makeSucceededVoidFuture() }
            let run = loop.makeFutureWithTask(work)
            state.running = run
            return run
        }
    }

    func shutdownAsync(_ application: Application) async {
        let (task, running) = state.withLockedValue { state in
            state.stopped = true
            return (state.task, state.running)
        }
        task?.cancel()
        try? await running?.get()
    }
}
