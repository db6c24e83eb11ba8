import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// A year of requests from every municipality: 5,000 per unit of scale, filed over the last 365
/// days and numbered in the order they were filed. What a year looks like: old requests are mostly
/// closed (many rated), recent ones spread over triage, analysis and waiting; each goes to the unit
/// its type and region say, and the assigned ones to an analyst of that unit (`scale / 4` demo
/// analysts per unit, at least two). Written in bulk, in one transaction, a chunk at a time, with
/// one journal event per run.
struct RequestDemoGenerator: DemoGenerator {
    var name: String { "demandes" }
    static let perScale = 5_000
    static let chunk = 10_000

    /// Statuses by the request's age, with their weights.
    static func statuses(ageInDays age: Int) -> [(RequestStatus, Int)] {
        if age > 120 {
            return [(.closed, 90), (.answered, 3), (.transferred, 3), (.merged, 2), (.awaitingMunicipality, 1), (.inAnalysis, 1)]
        }
        if age > 30 {
            return [(.closed, 55), (.answered, 15), (.inAnalysis, 10), (.awaitingMunicipality, 8), (.assigned, 5),
                    (.transferred, 3), (.merged, 2), (.reopened, 2)]
        }
        return [(.received, 15), (.inTriage, 15), (.assigned, 25), (.inAnalysis, 25), (.awaitingMunicipality, 10),
                (.answered, 5), (.closed, 5)]
    }

    static func pick<T>(_ weighted: [(T, Int)], using generator: inout some RandomNumberGenerator) -> T {
        var roll = Int.random(in: 0..<weighted.reduce(0) { $0 + $1.1 }, using: &generator)
        for (value, weight) in weighted {
            if roll < weight { return value }
            roll -= weight
        }
        return weighted[weighted.count - 1].0
    }

    func generate(scale: Int, app: Application) async throws -> String {
        let db = app.db
        let types = try await RequestTypeModel.query(on: db).sort(\.$position).all()
        let municipalities = try await OrganisationModel.query(on: db).filter(\.$kind == .municipality)
            .filter(\.$active == true).all()
        let units = try await OrganisationModel.query(on: db).filter(\.$kind == .ministryUnit).all()
        guard !types.isEmpty, !municipalities.isEmpty, let bcam = units.first(where: { $0.code == "unite-bcam" }) else {
            return "0 demande (types ou organisations manquants)"
        }
        let requester = try await demoPerson("demandes@passerelle.demo", "Demandes de démonstration", on: db)
        // The unit each municipality's directorate-routed requests go to.
        let directory = app.territory.current
        var directorateOf: [UUID: OrganisationModel] = [:]
        let directorates = try OrganisationQueries.configured().filter { $0.code.hasPrefix("unite-dgt") || $0.code == "unite-srm" }
        for municipality in municipalities {
            let region = OrganisationQueries.region(of: municipality, in: directory)
            let code = directorates.first { region.map($0.regions.contains) == true }?.code
            directorateOf[try municipality.requireID()] = units.first { $0.code == code } ?? bcam
        }
        // Analysts per unit: the demo's own people, and the demo accounts already there.
        let perUnit = max(2, scale / 4)
        var analysts: [UUID: [UUID]] = [:]
        for unit in units where unit.code == "unite-bcam" || directorates.contains(where: { $0.code == unit.code }) {
            let slug = unit.code.replacingOccurrences(of: "unite-", with: "")
            for n in 1...perUnit {
                let person = try await demoPerson("analyste.\(slug).\(n)@passerelle.demo", "Analyste \(n) (\(unit.name))", on: db)
                let id = try person.requireID()
                if try await MembershipModel.query(on: db).filter(\.$person.$id == id).first() == nil {
                    try await MembershipModel(personID: id, organisationID: try unit.requireID(), role: .analyst).create(on: db)
                }
            }
        }
        for membership in try await MembershipModel.query(on: db).filter(\.$organisation.$id ~~ units.compactMap(\.id)).all()
        where membership.decodedRole.map({ [Role.analyst, .liaisonAgent].contains($0) }) == true {
            analysts[membership.$organisation.id, default: []].append(membership.$person.id)
        }

        let days = app.workingDays
        let today = app.today
        let count = Self.perScale * scale
        let subjects = ["Limite de vitesse", "Panneau d'arrêt", "Traverse piétonne", "Feu de circulation", "Accotement",
                        "Ponceau", "Trottoir", "Éclairage", "Déneigement", "Nids-de-poule", "Glissière de sécurité",
                        "Corridor scolaire", "Piste cyclable", "Intersection dangereuse", "Drainage", "Entrée charretière"]
        let streets = ["rue Principale", "route 132", "boulevard Industriel", "chemin du Lac", "rue de l'Église", "rang 2",
                       "route 117", "rue Saint-Jean", "avenue du Parc", "montée des Érables", "chemin de la Rivière", "route 20"]
        let requestColumns = ["id", "type_id", "organisation_id", "requester_id", "unit_id", "assignee_id", "number", "title",
                              "description", "status", "priority", "filed_on", "expected_on", "language", "rating",
                              "search_text", "version", "created_at", "updated_at"]
        let stepColumns = ["id", "request_id", "status", "event", "on_date", "created_at"]
        let assignedStatuses: Set<RequestStatus> = [.assigned, .inAnalysis, .awaitingMunicipality, .answered, .closed, .reopened]
        let now = Date()
        var generator = SystemRandomNumberGenerator()
        // Filing days first, in order, so that numbers follow the calendar.
        let ages = (0..<count).map { _ in Int.random(in: 0...364, using: &generator) }.sorted(by: >)
        let (directorateFor, analystsOf) = (directorateOf, analysts)
        let made = try await db.transaction { tx -> Int in
            var generator = SystemRandomNumberGenerator()
            let sql = tx.sql
            var counters: [Int: Int] = [:]
            // The capacity figures of what is generated, counted as the app would have counted them.
            var stats: [RequestStats.Key: Int] = [:]
            for row in try await sql.raw("SELECT id, last FROM request_counters").all() {
                counters[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "last", as: Int.self)
            }
            for start in stride(from: 0, to: count, by: Self.chunk) {
                var rows: [[any Encodable & Sendable]] = []
                var steps: [[any Encodable & Sendable]] = []
                rows.reserveCapacity(Self.chunk)
                for age in ages[start..<min(count, start + Self.chunk)] {
                    let filed = today.adding(days: -age)
                    let type = types.randomElement(using: &generator)!
                    let municipality = municipalities.randomElement(using: &generator)!
                    let status = Self.pick(Self.statuses(ageInDays: age), using: &generator)
                    let early = status == .received || status == .inTriage
                    let unit = type.routing == "bcam" || early ? bcam : directorateFor[try municipality.requireID()] ?? bcam
                    let assignee: UUID? = assignedStatuses.contains(status)
                        ? analystsOf[try unit.requireID()]?.randomElement(using: &generator) : nil
                    counters[filed.year, default: 0] += 1
                    let number = "DM-\(filed.year)-" + String(format: "%06d", counters[filed.year]!)
                    let title = subjects.randomElement(using: &generator)! + " — "
                        + String(Int.random(in: 1...2_500, using: &generator)) + ", " + streets.randomElement(using: &generator)!
                    let details = "Demande de démonstration de \(municipality.name) : \(title.lowercased())."
                    let priority = Self.pick([("normal", 85), ("high", 12), ("urgent", 3)], using: &generator)
                    let language = Self.pick([("fr-CA", 92), ("en-CA", 8)], using: &generator)
                    let rating: Int? = status == .closed && Bool.random(using: &generator)
                        ? Self.pick([(5, 45), (4, 30), (3, 13), (2, 7), (1, 5)], using: &generator) : nil
                    let id = UUID()
                    rows.append([id, try type.requireID(), try municipality.requireID(), try requester.requireID(),
                                 try unit.requireID(), assignee, number, title, details, status.rawValue, priority, filed.iso,
                                 days.adding(type.targetDays, to: filed).iso, language, rating,
                                 Requests.searchable([number, title, details]), 1, now, now])
                    steps.append([UUID(), id, RequestStatus.received.rawValue, "file", filed.iso, now])
                    let unitID = try unit.requireID(), typeID = try type.requireID()
                    stats[RequestStats.key(.filed, on: filed, unit: unitID, type: typeID), default: 0] += 1
                    if RequestStats.isPending(status) {
                        stats[RequestStats.key(.pending, on: filed, unit: unitID, type: typeID), default: 0] += 1
                    }
                    if status != .received {
                        let later = min(today, days.adding(Int.random(in: 1...20, using: &generator), to: filed))
                        steps.append([UUID(), id, status.rawValue, "demo", later.iso, now])
                        let expected = CalendarDate(iso: days.adding(type.targetDays, to: filed).iso) ?? later
                        if status == .answered || status == .closed {
                            let onTime = later <= expected ? 1 : 0
                            let spent = days.count(from: filed, to: later)
                            stats[RequestStats.key(.answered, value: onTime, on: later, unit: unitID, type: typeID), default: 0] += 1
                            stats[RequestStats.key(.answerDays, value: spent, on: later, unit: unitID, type: typeID), default: 0] += 1
                            if let assignee {
                                stats[RequestStats.key(.agentAnswered, value: onTime, on: later, unit: unitID, type: typeID,
                                                       person: assignee), default: 0] += 1
                            }
                        }
                        if status.isFinal {
                            stats[RequestStats.key(.closed, on: later, unit: unitID, type: typeID), default: 0] += 1
                            stats[RequestStats.key(.closeDays, value: days.count(from: filed, to: later), on: later, unit: unitID,
                                                   type: typeID), default: 0] += 1
                        }
                        if let rating {
                            stats[RequestStats.key(.rating, value: rating, on: later, unit: unitID, type: typeID), default: 0] += 1
                        }
                    }
                }
                try await bulkInsert(into: RequestModel.schema, columns: requestColumns, rows: rows, on: tx)
                try await bulkInsert(into: RequestStepModel.schema, columns: stepColumns, rows: steps, on: tx)
            }
            try await RequestStats.add(stats, on: tx)
            for (year, last) in counters {
                try await sql.raw("""
                    INSERT INTO request_counters (id, last) VALUES (\(bind: year), \(bind: last))
                    ON CONFLICT (id) DO UPDATE SET last = excluded.last
                    """).run()
            }
            try await Audit.record(on: tx, actor: .system("seed-demo"), action: "requests.seed", recordType: "request",
                                   recordID: "*", changes: ["count": .init(before: nil, after: String(count))])
            return count
        }
        // Fresh statistics, so that the planners know the new shape of the table; on PostgreSQL a
        // vacuum too, so that the visibility map lets counts read the indexes alone (what
        // autovacuum would do a little later).
        try await db.sql.raw(DatabaseDialect(db) == .postgres ? "VACUUM ANALYZE" : "ANALYZE").run()
        return "\(made) demande(s) sur douze mois, de \(municipalities.count) municipalités"
    }

    /// A demo person without a password (they cannot sign in), made once.
    func demoPerson(_ email: String, _ name: String, on db: any Database) async throws -> PersonModel {
        if let known = try await PersonModel.query(on: db).filter(\.$email == email).first() { return known }
        let person = PersonModel(email: email, displayName: name, passwordHash: nil)
        try await person.create(on: db)
        return person
    }
}
