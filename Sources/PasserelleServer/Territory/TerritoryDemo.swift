import Fluent
import Vapor

/// The territory is real reference data, not fake: the generator makes sure it is loaded and says
/// what there is. It does not multiply with the scale (there is one Québec).
struct TerritoryDemoGenerator: DemoGenerator {
    var name: String { "territoire" }

    func generate(scale: Int, app: Application) async throws -> String {
        try await app.territory.refresh(from: app.db)
        let d = app.territory.current
        return "\(d.regions.count) régions, \(d.units.count) MRC et territoires équivalents, \(d.municipalities.count) entités"
    }
}
