import Fluent
import Foundation
import PasserelleCore
import Vapor

/// `passerelle import-interventions FILE`: a GeoJSON FeatureCollection or a CSV with WKT, checked
/// whole first (errors by feature number), then written all or nothing, with a progress bar on a
/// terminal. Re-importing an `id_externe` its owner already has updates that work.
struct ImportInterventionsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A GeoJSON FeatureCollection (.geojson, .json) or a CSV with a geometrie_wkt column")
        var file: String
        @Option(name: "lang", help: "Language of the report: fr-CA (default) or en-CA")
        var lang: String?
        init() {}
    }

    var help: String { "Imports planned interventions from GeoJSON or CSV (WKT): all or nothing." }

    struct ImportFailed: Error, CustomStringConvertible {
        var description: String { "import-interventions: nothing was changed" }
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let console = context.console
        let l = Localizer(signature.lang.flatMap { Language(code: $0) } ?? .default)
        try await prepare(app)
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            console.error(l("works.import.unreadable", ["path": signature.file]))
            throw ImportFailed()
        }
        let csv = signature.file.lowercased().hasSuffix(".csv")
        do {
            let features = try WorksImport.read(data, csv: csv)
            let checked = try await WorksImport.check(features, app: app)
            let bar = isatty(STDOUT_FILENO) == 1 ? console.progressBar(title: l("works.import.progress")) : nil
            bar?.start(refreshRate: 100)
            let (created, updated) = try await WorksImport.apply(checked, app: app) { fraction in bar?.activity.currentProgress = fraction }
            bar?.succeed()
            console.print(l("works.import.done", ["created": l.format.integer(created), "updated": l.format.integer(updated)]))
        } catch let failed as WorksImport.Failed {
            for p in failed.problems.prefix(200) {
                let message = l(p.key)
                console.error(p.feature == 0 ? message : l("works.import.problem", ["feature": String(p.feature), "field": p.field, "message": message]))
            }
            if failed.problems.count > 200 { console.error(l("works.import.more", ["count": String(failed.problems.count - 200)])) }
            console.error(l("works.import.nothing_changed"))
            throw ImportFailed()
        }
    }
}

/// `passerelle works conflicts --distance 50 [--within-days 365]`: every pair among the works that
/// count (the batch detector over the live index), and the time it took.
struct WorksCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["conflicts": WorksConflictsCommand()] }
    var help: String { "The shared map of planned interventions." }
}

struct WorksConflictsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "distance", help: "Metres between two works at most (default 50)")
        var distance: Double?
        @Option(name: "within-days", help: "Days between two works for an opportunity (default 365; 0: those that overlap or touch)")
        var withinDays: Int?
        @Option(name: "lang", help: "Language of the report: fr-CA (default) or en-CA")
        var lang: String?
        init() {}
    }

    var help: String { "Counts the conflicts and opportunities among the works, and the time taken." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepare(app)
        let l = Localizer(signature.lang.flatMap { Language(code: $0) } ?? .default)
        let distance = signature.distance ?? 50
        guard distance > 0, distance <= 10_000, (signature.withinDays ?? 0) >= 0 else {
            context.console.error(l("works.conflicts.bad_options"))
            throw Abort(.badRequest)
        }
        let rule = PairRule(distance: distance, opportunityDays: signature.withinDays ?? 365)
        let start = ContinuousClock.now
        let pairs = app.worksDetection.allPairs(rule: rule)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let conflicts = pairs.filter(\.2).count
        context.console.print(l("works.conflicts.report", [
            "works": l.format.integer(app.worksDetection.count), "pairs": l.format.integer(pairs.count),
            "conflicts": l.format.integer(conflicts), "opportunities": l.format.integer(pairs.count - conflicts),
            "distance": l.format.integer(Int(distance)), "ms": String(format: "%.1f", ms),
        ]))
    }
}
