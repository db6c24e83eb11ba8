import Vapor

/// What the modules give the platform, filled in one block of `configure.swift`: Platform and Web
/// name no module, and a new module says here what it needs from them.
struct ModuleRegistry: Sendable {
    /// The counter tables and the order of appended rows, for the write queue.
    var writeTables = WriteTables()
    /// `seed-demo`'s generators, in dependency order: later ones may use what earlier ones made.
    var demoGenerators: [any DemoGenerator] = []
    /// Errors under a path that a module answers in a format of its own (Open311's XML or JSON).
    var errorRenderers: [ErrorRenderer] = []
}

/// Renders the errors of the requests under `pathPrefix`.
struct ErrorRenderer: Sendable {
    let pathPrefix: String
    let render: @Sendable (any Error, Request) -> Response
}

extension Application {
    private struct ModuleRegistryKey: StorageKey { typealias Value = ModuleRegistry }

    var modules: ModuleRegistry {
        get { storage[ModuleRegistryKey.self] ?? ModuleRegistry() }
        set { storage[ModuleRegistryKey.self] = newValue }
    }
}
