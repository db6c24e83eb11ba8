import Fluent
import PasserelleCore
import Vapor

/// A module's generator of realistic fake data for demos and benchmarks. Each module registers
/// its own; `seed-demo --scale N` runs them in order.
protocol DemoGenerator: Sendable {
    /// Short name printed in the report (`territoire`, `demandes`…).
    var name: String { get }
    /// Fills the database for `scale` (1 = a ministry's ordinary year) and says what it made.
    func generate(scale: Int, app: Application) async throws -> String
}

struct SeedDemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "scale", help: "How much data: 1 is a ministry's ordinary year (default 1)")
        var scale: Int?
        @Flag(name: "allow-production", help: "Fill a production instance all the same (its demo accounts still cannot sign in)")
        var allowProduction: Bool
        init() {}
    }

    var help: String { "Fills the database with realistic fake data for demos and benchmarks (never in production unless told)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let scale = signature.scale ?? 1
        guard (1...1000).contains(scale) else {
            context.console.error("--scale: 1 … 1000")
            throw Abort(.badRequest, reason: "invalid scale")
        }
        let app = context.application
        guard app.environment != .production || signature.allowProduction else {
            context.console.error(Localizer(.default)("cli.seed.production"))
            throw Abort(.forbidden, reason: "seed-demo refused in production")
        }
        try await prepare(app)
        for generator in app.modules.demoGenerators {
            let made = try await generator.generate(scale: scale, app: app)
            context.console.print("\(generator.name): \(made)")
        }
    }
}
