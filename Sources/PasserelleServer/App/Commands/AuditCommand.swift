import Fluent
import PasserelleCore
import Vapor

/// `passerelle audit verify`: walks the journal's hash chain, checks it against the
/// checkpoints written outside the database, and names the first broken link (exit 1).
struct AuditCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
    var help: String { "The audit journal." }
}

struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "lang", help: "Language of the report: fr-CA (default) or en-CA")
        var lang: String?
        init() {}
    }

    var help: String { "Checks that no audit event was changed, removed or inserted." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepare(app)
        let l = Localizer(signature.lang.flatMap { Language(code: $0) } ?? .default)
        let outcome = try await app.auditVerification.run(app)
        if let broken = outcome.broken {
            context.console.error(broken.message(l))
            throw broken
        }
        context.console.print(l("audit.verify.intact", ["count": String(outcome.events ?? 0)]))
        if let path = app.settings.auditCheckpointPath, let last = try? AuditCheckpoints.lastLine(path) {
            context.console.print(l("audit.verify.anchored", ["sequence": String(last.sequence), "at": last.at]))
        }
    }
}
