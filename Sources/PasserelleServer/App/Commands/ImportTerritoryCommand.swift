import Foundation
import PasserelleCore
import Vapor

/// `passerelle import-territory PATH`: refreshes the directory from a newer Répertoire file (or a
/// folder holding the four territory files). Upsert by code; an entity no longer listed is made
/// inactive with today's date, never deleted; all or nothing.
struct ImportTerritoryCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "The Répertoire CSV file, or a folder holding the territory files")
        var path: String

        @Option(name: "lang", help: "Language of the report: fr-CA (default) or en-CA")
        var lang: String?

        init() {}
    }

    var help: String { "Imports a newer MAMH Répertoire file: added, changed and delisted entities are reported." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let l = Localizer(signature.lang.flatMap { Language(code: $0) } ?? .default)
        let console = context.console
        try await prepare(app)
        let files: TerritoryFileSet
        do {
            files = try TerritoryFileSet.read(path: signature.path)
        } catch {
            console.error(message(for: error, l))
            throw ImportFailed()
        }
        let showProgress = isatty(STDOUT_FILENO) == 1
        let bar = showProgress ? console.progressBar(title: l("import.progress")) : nil
        bar?.start(refreshRate: 100)
        do {
            let report = try await app.db.transaction { tx in
                let report = try await TerritoryImport.apply(files, source: signature.path, on: tx, today: .today,
                                                             actor: .system("import-territory")) { fraction in
                    bar?.activity.currentProgress = fraction
                }
                // The organisations follow the territory in the same transaction.
                try await OrganisationQueries.sync(try await TerritoryDirectory.load(from: tx),
                                                   actor: .system("import-territory"), on: tx)
                return report
            }
            bar?.succeed()
            try await app.territory.refresh(from: app.db)
            app.organisationCache.removeAll()
            console.print(summary(report, l))
            for line in details(report, l) { console.print(line) }
        } catch {
            bar?.fail()
            console.error(message(for: error, l))
            throw ImportFailed()
        }
    }

    struct ImportFailed: Error, CustomStringConvertible {
        var description: String { "import-territory: nothing was changed" }
    }

    func summary(_ report: TerritoryImportReport, _ l: Localizer) -> String {
        l("import.summary", ["revision": String(report.revision), "added": String(report.added.count),
                             "changed": String(report.changed.count), "reactivated": String(report.reactivated.count),
                             "delisted": String(report.delisted.count)])
    }

    func details(_ report: TerritoryImportReport, _ l: Localizer) -> [String] {
        report.added.map { "+ \($0)" }
            + report.changed.map { "~ \($0.code) : " + $0.columns.map(\.rawValue).joined(separator: ", ") }
            + report.reactivated.map { "↺ \($0)" }
            + report.delisted.map { "- \($0) " + l("import.delisted_on", ["date": l.format.dateInSentence(.today)]) }
    }

    func message(for error: any Error, _ l: Localizer) -> String {
        switch error {
        case TerritoryImportError.fileNotFound(let path):
            return l("import.error.not_found", ["path": path])
        case TerritoryImportError.notUTF8(let path):
            return l("import.error.not_utf8", ["path": path])
        case TerritoryImportError.invalid(let file, let problems):
            return ([l("import.error.invalid", ["file": file, "count": String(problems.count)])]
                + problems.prefix(50).map { "  " + $0.message(l.catalog) }
                + (problems.count > 50 ? [l("import.error.more", ["count": String(problems.count - 50)])] : []))
                .joined(separator: "\n")
        default:
            return l("import.error.other", ["error": String(describing: error)])
        }
    }
}
