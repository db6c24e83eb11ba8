import Fluent
import PasserelleCore
import Vapor

/// `passerelle audit verify`: walks the journal's hash chain and names the first broken link.
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
        switch try await Audit.verify(on: app.db) {
        case .success(let count):
            context.console.print(l("audit.verify.intact", ["count": String(count)]))
        case .failure(let broken):
            context.console.error(l("audit.verify.broken", ["sequence": String(broken.sequence),
                                                            "id": broken.id?.uuidString ?? "—", "reason": l(broken.key)]))
            throw broken
        }
    }
}
