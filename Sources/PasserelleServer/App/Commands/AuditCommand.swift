import Fluent
import Vapor

/// `passerelle audit verify`: walks the journal's hash chain and names the first broken link.
struct AuditCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
    var help: String { "The audit journal." }
}

struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String { "Checks that no audit event was changed, removed or inserted." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepare(app)
        switch try await Audit.verify(on: app.db) {
        case .success(let count):
            context.console.print("audit: \(count) événement(s), chaîne intacte / \(count) event(s), chain intact")
        case .failure(let broken):
            context.console.error("audit: chaîne rompue à l'\(broken) / chain broken at \(broken)")
            throw broken
        }
    }
}
