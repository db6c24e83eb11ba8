import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// A year of requests from every municipality: 5,000 per unit of scale, filed over the last 365
/// days, in every status, written in bulk (one journal event per run, not per request).
struct RequestDemoGenerator: DemoGenerator {
    var name: String { "demandes" }
    static let perScale = 5_000

    func generate(scale: Int, app: Application) async throws -> String {
        let db = app.db
        let types = try await RequestTypeModel.query(on: db).sort(\.$position).all()
        let municipalities = try await OrganisationModel.query(on: db).filter(\.$kind == .municipality)
            .filter(\.$active == true).all()
        let units = try await OrganisationModel.query(on: db).filter(\.$kind == .ministryUnit).all()
        guard !types.isEmpty, !municipalities.isEmpty, let bcam = units.first(where: { $0.code == "unite-bcam" }) else {
            return "0 demande (types ou organisations manquants)"
        }
        let requester: PersonModel
        if let known = try await PersonModel.query(on: db).filter(\.$email == "demandes@passerelle.demo").first() {
            requester = known
        } else {
            requester = PersonModel(email: "demandes@passerelle.demo", displayName: "Demandes de démonstration", passwordHash: nil)
            try await requester.create(on: db)
        }
        let days = app.workingDays
        let today = CalendarDate.today
        let count = Self.perScale * scale
        let statuses: [RequestStatus] = [.received, .inTriage, .assigned, .inAnalysis, .awaitingMunicipality, .answered,
                                         .closed, .closed, .closed, .closed, .reopened, .transferred, .merged]
        let subjects = ["Limite de vitesse", "Panneau d'arrêt", "Traverse piétonne", "Feu de circulation", "Accotement",
                        "Ponceau", "Trottoir", "Éclairage", "Déneigement", "Nids-de-poule"]
        let streets = ["rue Principale", "route 132", "boulevard Industriel", "chemin du Lac", "rue de l'Église", "rang 2"]
        let columns = ["id", "type_id", "organisation_id", "requester_id", "unit_id", "number", "title", "description", "status",
                       "priority", "filed_on", "expected_on", "language", "search_text", "version", "created_at", "updated_at"]
        let now = Date()
        let made = try await db.transaction { tx -> Int in
            let sql = tx as! any SQLDatabase
            var rows: [[any Encodable & Sendable]] = []
            var steps: [[any Encodable & Sendable]] = []
            // Numbers continue each year's counter.
            var generator = SystemRandomNumberGenerator()
            var counters: [Int: Int] = [:]
            for row in try await sql.raw("SELECT id, last FROM request_counters").all() {
                counters[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "last", as: Int.self)
            }
            for _ in 0..<count {
                let filed = today.adding(days: -Int.random(in: 0...364, using: &generator))
                let type = types.randomElement(using: &generator)!
                let municipality = municipalities.randomElement(using: &generator)!
                let unit = type.routing == "bcam" ? bcam : (units.randomElement(using: &generator) ?? bcam)
                counters[filed.year, default: 0] += 1
                let number = "DM-\(filed.year)-" + String(format: "%06d", counters[filed.year]!)
                let title = subjects.randomElement(using: &generator)! + " — " + streets.randomElement(using: &generator)!
                let details = "Demande de démonstration de \(municipality.name) : \(title.lowercased())."
                let status = statuses.randomElement(using: &generator)!
                let id = UUID()
                rows.append([id, try type.requireID(), try municipality.requireID(), try requester.requireID(), try unit.requireID(),
                             number, title, details, status.rawValue, "normal", filed.iso,
                             days.adding(type.targetDays, to: filed).iso, "fr-CA",
                             Requests.searchable([number, title, details]), 1, now, now])
                steps.append([UUID(), id, RequestStatus.received.rawValue, "file", filed.iso, now])
                if status != .received {
                    let later = min(today, days.adding(Int.random(in: 1...20, using: &generator), to: filed))
                    steps.append([UUID(), id, status.rawValue, "demo", later.iso, now])
                }
            }
            try await bulkInsert(into: RequestModel.schema, columns: columns, rows: rows, on: tx)
            try await bulkInsert(into: RequestStepModel.schema, columns: ["id", "request_id", "status", "event", "on_date",
                                                                         "created_at"], rows: steps, on: tx)
            for (year, last) in counters {
                try await sql.raw("INSERT INTO request_counters (id, last) VALUES (\(bind: year), \(bind: last)) ON CONFLICT (id) DO UPDATE SET last = excluded.last").run()
            }
            try await Audit.record(on: tx, actor: .system("seed-demo"), action: "requests.seed", recordType: "request",
                                   recordID: "*", changes: ["count": .init(before: nil, after: String(count))])
            return count
        }
        return "\(made) demande(s) sur douze mois, de \(municipalities.count) municipalités"
    }
}
