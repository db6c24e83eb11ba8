import Fluent
import Foundation
import PasserelleCore
import Vapor

/// A season of planned interventions: the Bas-Saint-Laurent directorate's paving of route 132 in
/// Rivière-du-Loup and the town's sewer replacement a month before it (an opportunity), a festival
/// on the same street during the paving (a conflict), and works of the other demo municipalities
/// and directorates, some of them close to each other. Saved through the same writes as the pages,
/// so the pairs and the journal are the real ones.
struct WorksDemoGenerator: DemoGenerator {
    var name: String { "interventions" }

    struct Planned {
        let owner: String
        let title: String
        let kind: WorkKind
        let visibility: WorkVisibility
        let geometry: Geometry
        let startIn: Int
        let days: Int
        let municipality: String
        let roads: [String]
        let state: RoadState
    }

    static func line(_ lat: Double, _ lon: Double, east: Double, north: Double) -> Geometry {
        .lineString([Position(longitude: lon, latitude: lat), Position(longitude: lon + east / 2, latitude: lat + north / 2),
                     Position(longitude: lon + east, latitude: lat + north)])
    }

    func plan(scale: Int, territory: TerritoryDirectory) -> [Planned] {
        var out: [Planned] = []
        // Rivière-du-Loup: the issue's story.
        let rdl = (47.8290, -69.5420)
        out.append(Planned(owner: "mun-12072", title: "Remplacement de l'égout et de l'aqueduc, rue Lafontaine", kind: .waterSewer,
                           visibility: .public, geometry: Self.line(rdl.0 + 0.00007, rdl.1, east: 0.009, north: 0.0055), startIn: 60,
                           days: 25, municipality: "12072", roads: ["Rue Lafontaine"], state: .closed))
        out.append(Planned(owner: "unite-dgt-est", title: "Pavage de la route 132", kind: .paving, visibility: .public,
                           geometry: Self.line(rdl.0, rdl.1, east: 0.009, north: 0.0055), startIn: 115, days: 12, municipality: "12072",
                           roads: ["Route 132", "Rue Lafontaine"], state: .singleLaneAlternating))
        out.append(Planned(owner: "mun-12072", title: "Festival de la rue Lafontaine", kind: .specialEvent, visibility: .public,
                           geometry: .point(Position(longitude: rdl.1 + 0.0045, latitude: rdl.0 + 0.00277)), startIn: 118, days: 3,
                           municipality: "12072", roads: ["Rue Lafontaine"], state: .closed))
        out.append(Planned(owner: "unite-dgt-est", title: "Inspection du pont de la rivière du Loup", kind: .bridgeStructure,
                           visibility: .partners, geometry: .point(Position(longitude: -69.5250, latitude: 47.8370)), startIn: 40, days: 2,
                           municipality: "12072", roads: ["Route 132"], state: .someLanesClosed))
        // Other demo municipalities, a few works each, every fourth one near the one before.
        for (code, owner) in [("46005", "mun-46005"), ("48028", "mun-48028"), ("12072", "mun-12072")] {
            guard let record = territory.municipality(code)?.record, let lat = record.latitude, let lon = record.longitude else { continue }
            for i in 0..<(3 * max(1, scale)) {
                let kind = WorkKind.allCases[(i * 3 + code.count) % 6]
                let offset = Double(i % 4 == 3 ? i - 1 : i) * 0.004
                let geometry: Geometry = i % 3 == 2
                    ? .polygon([[Position(longitude: lon + offset, latitude: lat - offset), Position(longitude: lon + offset + 0.0008, latitude: lat - offset),
                                 Position(longitude: lon + offset + 0.0008, latitude: lat - offset + 0.0005),
                                 Position(longitude: lon + offset, latitude: lat - offset), ]])
                    : Self.line(lat - offset, lon + offset, east: 0.002, north: 0.001)
                out.append(Planned(owner: owner, title: "\(WorksDemoGenerator.titles[i % WorksDemoGenerator.titles.count]) (\(record.name))",
                                   kind: kind, visibility: i % 5 == 4 ? .internal : .public, geometry: geometry, startIn: 20 + 35 * i,
                                   days: 5 + (i * 7) % 40, municipality: code, roads: ["Rue \(["Principale", "de l'Église", "du Moulin"][i % 3])"],
                                   state: [RoadState.someLanesClosed, .singleLaneAlternating, .open, .closed][i % 4]))
            }
        }
        return out
    }

    static let titles = ["Réfection de la chaussée", "Remplacement des conduites", "Réaménagement de l'intersection",
                         "Feux de circulation", "Enfouissement des réseaux", "Trottoirs et bordures"]

    func generate(scale: Int, app: Application) async throws -> String {
        let territory = app.territory.current
        let codes = Set(plan(scale: scale, territory: territory).map(\.owner))
        let owners = Dictionary(uniqueKeysWithValues: try await OrganisationModel.query(on: app.db).filter(\.$code ~~ codes).all().map { ($0.code, $0) })
        let caller = Caller(application: app, currentUser: nil, auditActor: .system("seed-demo"))
        let today = app.today
        let planned = plan(scale: scale, territory: territory)
        do {
            let made: (Int, Int) = try await app.write { db in
                var works = 0, pairs = 0
                for p in planned {
                    guard let owner = owners[p.owner] else { continue }
                    var input = InterventionInput()
                    input.titre = p.title
                    input.genre = p.kind.rawValue
                    input.statut = p.startIn < 45 ? WorkStatus.scheduled.rawValue : WorkStatus.planned.rawValue
                    input.visibilite = p.visibility.rawValue
                    input.geometrie = p.geometry.geoJSON
                    input.debut = today.adding(days: p.startIn).iso
                    input.fin = today.adding(days: p.startIn + p.days - 1).iso
                    input.voies = p.roads.joined(separator: "\n")
                    input.etat_chaussee = p.state.rawValue
                    input.municipalite = p.municipality
                    input.contact_nom = "Service des travaux publics"
                    let (checked, errors) = input.checked(territory: territory, defaultMunicipality: nil)
                    guard let checked else { throw Abort(.internalServerError, reason: "demo work \(p.title): \(errors)") }
                    let saved = try await Works.insert(checked, owner: owner, as: caller, on: db)
                    Works.commit(saved.work, app)
                    works += 1
                    pairs += saved.pairs.count
                }
                return (works, pairs)
            }
            return "\(made.0) interventions, \(made.1) conflits et occasions"
        } catch {
            try await app.worksDetection.load(on: app.db)
            throw error
        }
    }
}
