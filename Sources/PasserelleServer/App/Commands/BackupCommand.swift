import Foundation
import PasserelleCore
import Vapor

/// `passerelle backup PATH`: a consistent copy while the server runs (see `Backups`).
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "Where to write the copy (must not exist)")
        var path: String
        @Option(name: "lang", help: "Language of the report: fr-CA (default) or en-CA")
        var lang: String?
        init() {}
    }

    var help: String { "Writes a consistent copy of the database while the server runs." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let l = Localizer(signature.lang.flatMap { Language(code: $0) } ?? .default)
        try await prepare(app)
        let events = try await AuditEventModel.query(on: app.db).count()
        do {
            let bytes = try await Backups.backup(app, to: signature.path)
            context.console.print(l("cli.backup.done", ["path": signature.path, "size": l.format.integer(bytes / 1024),
                                                        "events": l.format.integer(events)]))
        } catch let failure as Backups.Failure {
            context.console.error(l(failure.key, failure.arguments))
            throw failure
        }
    }
}

/// `passerelle restore PATH`: puts a copy back on a stopped instance, migrates it if it is older
/// than this version, and verifies the journal (exit 1 when it is broken).
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "The copy to put back")
        var path: String
        @Option(name: "lang", help: "Language of the report: fr-CA (default) or en-CA")
        var lang: String?
        init() {}
    }

    var help: String { "Puts a backup back in place of the database (stop the server first), then verifies the journal." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let l = Localizer(signature.lang.flatMap { Language(code: $0) } ?? .default)
        do {
            try Backups.restore(app.settings, from: signature.path)
        } catch let failure as Backups.Failure {
            context.console.error(l(failure.key, failure.arguments))
            throw failure
        }
        try await prepare(app)
        // The chain alone: the instance's checkpoints go on past the copy's head. They are kept aside
        // (a restore is a rewind the operator chose) and a new file starts from the restored head.
        switch try await Audit.verify(on: app.db) {
        case .success(let count):
            if let path = app.settings.auditCheckpointPath, FileManager.default.fileExists(atPath: path) {
                let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
                try FileManager.default.moveItem(atPath: path, toPath: path + ".avant-restauration-" + stamp)
            }
            try await AuditCheckpoints.write(app)
            context.console.print(l("cli.restore.done", ["path": signature.path, "events": l.format.integer(count)]))
        case .failure(let broken):
            context.console.error(broken.message(l))
            throw broken
        }
    }
}
