import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Financial aid for demos and benchmarks: for each program with calls (PAFFSR, TAPU, FIRM), an
/// envelope for this fiscal year and the last, last year's call decided (funded in rank order
/// until the envelope runs out, the rest wait-listed or refused) and this year's call open, with
/// applications from eligible municipalities scored by two evaluators; the transit program's
/// envelope; the formula program's envelope. 2,000 applications per unit of scale up to 10 (a
/// ministry's calls do not grow with the number of requests), written in bulk in one transaction
/// with one journal event per run.
struct GrantDemoGenerator: DemoGenerator {
    var name: String { "aide financière" }
    static let perScale = 2_000

    static let projects = [
        "Traverse surélevée devant l'école", "Saillies de trottoir au cœur du village", "Réaménagement d'une intersection",
        "Afficheurs de vitesse pédagogiques", "Trottoir vers le parc municipal", "Piste cyclable vers la gare",
        "Sentier polyvalent en bordure de rivière", "Éclairage d'une traverse piétonne", "Zone scolaire à 30 km/h",
        "Corridor scolaire sécurisé", "Bande cyclable sur la rue principale", "Carrefour giratoire d'entrée de ville",
    ]

    /// A row of `grant_applications` to insert.
    struct Row {
        var id = UUID()
        var number: String
        var program: UUID
        var call: UUID
        var organisation: UUID
        var phase: String
        var title: String
        var budget: GrantBudget
        var score: Int64?
        var parts: [Int64]
        var submittedAt: Date?
        var scores: [[Int]]
    }

    func generate(scale requested: Int, app: Application) async throws -> String {
        let scale = min(requested, 10)
        let db = app.db
        let programs = try await GrantProgramModel.query(on: db).all()
        guard !programs.isEmpty else { return "0 demande (programmes manquants)" }
        let territory = app.territory.current
        let municipalities = try await OrganisationModel.query(on: db).filter(\.$kind == .municipality).filter(\.$active == true).all()
        let applicant = try await person("aide@passerelle.demo", "Demandes d'aide de démonstration", on: db)
        let evaluators = [try await person("evaluation@passerelle.demo", "Évelyne Évaluation", on: db),
                          try await person("evaluation2@passerelle.demo", "Édouard Évaluation", on: db)]
        let now = app.now
        let today = app.today
        let thisYear = GovernmentFiscalYear(containing: today)
        let competitive = programs.filter { $0.allocation == .competitive }.sorted { $0.code < $1.code }
        let total = Self.perScale * scale
        let counterStart = try await db.sql.select().column("last").from(GrantCounterModel.schema)
            .where("id", .equal, SQLBind(today.year)).first()?.decode(column: "last", as: Int.self) ?? 0
        let (made, calls) = try await db.transaction { tx -> (Int, Int) in
            let sql = tx.sql
            var generator = SystemRandomNumberGenerator()
            var counter = counterStart
            var made = 0
            var calls = 0
            for program in programs {
                for year in [thisYear.previous, thisYear] {
                    if try await GrantEnvelopeModel.query(on: tx).filter(\.$program.$id == program.requireID())
                        .filter(\.$fiscalYear == year.description).filter(\.$region == "").first() != nil { continue }
                    let envelope = GrantEnvelopeModel()
                    envelope.$program.id = try program.requireID()
                    envelope.fiscalYear = year.description
                    envelope.region = ""
                    envelope.totalCents = program.allocation == .formula ? 20_000_000_00 : program.allocation == .continuous ? 30_000_000_00
                        : Int64(scale) * (program.code == "paffsr" ? 25_000_000_00 : 12_000_000_00)
                    envelope.committedCents = 0
                    envelope.approvedCents = 0
                    envelope.version = 1
                    try await envelope.create(on: tx)
                    guard program.allocation == .competitive else { continue }
                    let current = year == thisYear
                    let call = GrantCallModel()
                    call.code = "\(program.code)-\(year.startYear)"
                    if try await GrantCallModel.query(on: tx).filter(\.$code == call.code).first() != nil { continue }
                    call.$program.id = try program.requireID()
                    call.$envelope.id = try envelope.requireID()
                    call.titleFr = "Appel de projets \(year) — \(program.nameFr)"
                    call.titleEn = "\(year) call for projects — \(program.nameEn)"
                    call.opensAt = current ? now.addingTimeInterval(-20 * 86_400) : now.addingTimeInterval(-365 * 86_400)
                    call.closesAt = current ? now.addingTimeInterval(25 * 86_400) : now.addingTimeInterval(-300 * 86_400)
                    call.version = 1
                    try await call.create(on: tx)
                    calls += 1
                    // This call's share of the applications.
                    let share = total / competitive.count / 2
                    let eligible = municipalities.filter { m in
                        program.eligibility.regions.isEmpty || OrganisationQueries.region(of: m, in: territory).map(program.eligibility.regions.contains) == true
                    }
                    guard !eligible.isEmpty else { continue }
                    var rows: [Row] = []
                    let grid = program.grid
                    for index in 0..<share {
                        counter += 1
                        let organisation = eligible.randomElement(using: &generator)!
                        let costs = Int64.random(in: 3_000_000...60_000_000, using: &generator) / 100 * 100
                        var budget = GrantBudget(costs: [BudgetLine(label: "Travaux", cents: costs * 9 / 10),
                                                         BudgetLine(label: "Honoraires professionnels", cents: costs - costs * 9 / 10)])
                        budget.requestedCents = budget.maximum(program.terms).cents
                        let phase: String
                        if current {
                            phase = RequestDemoGenerator.pick([("draft", 10), ("in_evaluation", 35), ("evaluated", 55)], using: &generator)
                        } else {
                            phase = "evaluated"
                        }
                        let scored = phase == "evaluated" || (phase == "in_evaluation" && index % 2 == 0)
                        let quality = Int.random(in: 2...9, using: &generator)
                        let scores: [[Int]] = scored ? (0..<(phase == "evaluated" ? 2 : 1)).map { _ in
                            grid.criteria.map { c in min(c.maxScore, max(0, quality * c.maxScore / 10 + Int.random(in: -2...2, using: &generator))) }
                        } : []
                        let parts = grid.parts(scores) ?? []
                        rows.append(Row(number: "AF-\(today.year)-" + String(format: "%06d", counter), program: try program.requireID(),
                                        call: try call.requireID(), organisation: try organisation.requireID(), phase: phase,
                                        title: Self.projects.randomElement(using: &generator)! + " — " + organisation.name,
                                        budget: budget, score: phase == "evaluated" ? parts.reduce(0, +) : nil, parts: parts,
                                        submittedAt: phase == "draft" ? nil : call.opensAt.addingTimeInterval(Double(index % 40) * 86_400 / 2 + Double(index)),
                                        scores: scores))
                    }
                    // Last year's call decided in rank order within its envelope.
                    var decisions: [(UUID, String, Int64)] = []
                    if !current {
                        let ranked = Ranking.rank(rows.map { Ranking.Entry(number: $0.number, score: $0.score ?? 0, parts: $0.parts,
                                                                           submittedAt: Int64(($0.submittedAt ?? now).timeIntervalSince1970 * 1000),
                                                                           requestedCents: $0.budget.requestedCents) },
                                                  availableCents: envelope.totalCents)
                        let byNumber = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1.number, $0) })
                        var approved: Int64 = 0
                        for r in ranked {
                            let i = byNumber[r.entry.number]!
                            if r.funded {
                                rows[i].phase = "approved"
                                approved += r.entry.requestedCents
                                decisions.append((rows[i].id, "approve", r.entry.requestedCents))
                            } else if r.rank <= ranked.count * 3 / 4 {
                                rows[i].phase = "waitlisted"
                                decisions.append((rows[i].id, "waitlist", 0))
                            } else {
                                rows[i].phase = "refused"
                                decisions.append((rows[i].id, "refuse", 0))
                            }
                        }
                        try await sql.update(GrantEnvelopeModel.schema).set("approved_cents", to: SQLBind(approved))
                            .where("id", .equal, SQLBind(try envelope.requireID())).run()
                    }
                    try await insert(rows, applicant: try applicant.requireID(), evaluators: evaluators.map { try $0.requireID() },
                                     grid: grid, decisions: decisions, decider: (try evaluators[0].requireID(), "Direction des programmes"),
                                     envelope: try envelope.requireID(), on: sql)
                    made += rows.count
                }
            }
            try await sql.raw("""
                INSERT INTO grant_counters (id, last) VALUES (\(bind: today.year), \(bind: counter))
                ON CONFLICT (id) DO UPDATE SET last = \(bind: counter)
                """).run()
            try await Audit.record(on: tx, actor: .system("seed-demo"), action: "grants.seed", recordType: "grant_application",
                                   recordID: "demo", changes: ["applications": .init(before: nil, after: String(made)),
                                                               "calls": .init(before: nil, after: String(calls))])
            return (made, calls)
        }
        return "\(made) demandes d'aide, \(calls) appels de projets"
    }

    /// The rows, their evaluators, scores and decisions, 400 applications per statement.
    func insert(_ rows: [Row], applicant: UUID, evaluators: [UUID], grid: ScoringGrid, decisions: [(UUID, String, Int64)],
                decider: (UUID, String), envelope: UUID, on sql: any SQLDatabase) async throws {
        let now = Date()
        for chunk in stride(from: 0, to: rows.count, by: 400).map({ Array(rows[$0..<min($0 + 400, rows.count)]) }) {
            var insert = sql.insert(into: GrantApplicationModel.schema).columns(
                "id", "created_at", "updated_at", "version", "number", "program_id", "call_id", "organisation_id", "applicant_id",
                "via_mandate", "language", "phase", "workflow_version", "title", "summary", "answers", "budget", "eligible_cents",
                "requested_cents", "screening", "score", "score_parts", "submitted_at", "reopened", "search_text")
            var evaluatorRows: [[any SQLExpression]] = []
            var scoreRows: [[any SQLExpression]] = []
            for row in chunk {
                insert = insert.values(
                    SQLBind(row.id), SQLBind(now), SQLBind(now), SQLBind(1), SQLBind(row.number), SQLBind(row.program), SQLBind(row.call),
                    SQLBind(row.organisation), SQLBind(applicant), SQLBind(false), SQLBind("fr-CA"), SQLBind(row.phase), SQLBind(1),
                    SQLBind(row.title), SQLBind("Projet de démonstration."), SQLBind("{}"), SQLBind(GrantProgramModel.json(row.budget)),
                    SQLBind(row.budget.eligibleCosts.cents), SQLBind(row.budget.requestedCents), SQLBind("[]"),
                    SQLBind(row.score), SQLBind(row.parts.isEmpty ? nil : "[" + row.parts.map(String.init).joined(separator: ",") + "]"),
                    SQLBind(row.submittedAt), SQLBind("[]"), SQLBind(Requests.searchable([row.number, row.title])))
                for (e, scores) in row.scores.enumerated() {
                    evaluatorRows.append([SQLBind(UUID()), SQLBind(now), SQLBind(row.id), SQLBind(evaluators[e % evaluators.count]), SQLBind(now)])
                    for (c, criterion) in grid.criteria.enumerated() {
                        scoreRows.append([SQLBind(UUID()), SQLBind(now), SQLBind(row.id), SQLBind(evaluators[e % evaluators.count]),
                                          SQLBind(criterion.code), SQLBind(scores[c]), SQLBind("")])
                    }
                }
            }
            try await insert.run()
            if !evaluatorRows.isEmpty {
                var query = sql.insert(into: GrantEvaluatorModel.schema).columns("id", "created_at", "application_id", "person_id", "completed_at")
                for values in evaluatorRows { query = query.values(values) }
                try await query.run()
            }
            for part in stride(from: 0, to: scoreRows.count, by: 1_000) {
                var query = sql.insert(into: GrantScoreModel.schema).columns("id", "updated_at", "application_id", "person_id", "criterion", "score", "comment")
                for values in scoreRows[part..<min(part + 1_000, scoreRows.count)] { query = query.values(values) }
                try await query.run()
            }
        }
        for part in stride(from: 0, to: decisions.count, by: 500) {
            var query = sql.insert(into: GrantDecisionModel.schema).columns(
                "id", "created_at", "application_id", "kind", "amount_cents", "reasons", "state", "decided_by", "decided_by_name", "envelope_id")
            for (id, kind, amount) in decisions[part..<min(part + 500, decisions.count)] {
                query = query.values(SQLBind(UUID()), SQLBind(now), SQLBind(id), SQLBind(kind), SQLBind(amount),
                                     SQLBind(kind == "refuse" ? "Le projet n'a pas obtenu une note suffisante." : ""), SQLBind("final"),
                                     SQLBind(decider.0), SQLBind(decider.1), SQLBind(kind == "approve" ? envelope : nil))
            }
            try await query.run()
        }
    }

    func person(_ email: String, _ name: String, on db: any Database) async throws -> PersonModel {
        if let known = try await PersonModel.query(on: db).filter(\.$email == email).first() { return known }
        let person = PersonModel(email: email, displayName: name, passwordHash: nil)
        try await person.create(on: db)
        return person
    }
}
