import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The SGAF's scenarios: ranking a call of 20,000 applications scored on 10 criteria (made by the
/// scenario itself the first time), and applications submitted through the API by many systems.
extension Benchmarks {
    static let grantScenarios: [Scenario] = [
        Scenario(name: "grants_ranking") { app, n in
            let call = try await rankingCall(app, applications: 20_000, criteria: 10)
            var samples: [Duration] = []
            var funded = 0
            for _ in 0..<n {
                let start = ContinuousClock.now
                let ranking = try await Grants.ranking(call, on: app.db)
                samples.append(ContinuousClock.now - start)
                funded = ranking.lastFunded
                guard ranking.ranked.count == 20_000 else { throw Abort(.internalServerError, reason: "ranked \(ranking.ranked.count)") }
            }
            FileHandle.standardError.write(Data("grants_ranking: 20000 ranked, \(funded) above the line\n".utf8))
            return result("grants_ranking", samples)
        },
        Scenario(name: "grants_ranking_api") { app, n in
            _ = try await rankingCall(app, applications: 20_000, criteria: 10)
            let cookie = try await session(app, email: "programmes@passerelle.demo")
            return try await requests(app, n, name: "grants_ranking_api", paths: ["/api/v1/appels/bench-classement/classement"],
                                      headers: ["Cookie": "\(Sessions.cookieName)=\(cookie)"])
        },
        Scenario(name: "grants_submit_api") { app, n in
            // 64 systems at once, each application with its two documents, submitted at once (`deposer`).
            let call = try await openCall(app)
            let secret = try await token(app, organisation: "mun-12072", role: .contributor(.grants), scopes: "grants:write")
            let pdf = Data("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8).base64EncodedString()
            let body = """
                {"appel":"\(call)","titre":"Traverse surélevée rue Lafontaine","resume":"Une traverse devant l'école.",
                "reponses":{"site":"Rue Lafontaine","collisions":3},"couts":[{"libelle":"Travaux","montant_cents":8000000}],
                "documents":[{"exigence":"resolution","nom":"resolution.pdf","contenu_base64":"\(pdf)"},
                {"exigence":"plans","nom":"plans.pdf","contenu_base64":"\(pdf)"}],"deposer":true}
                """
            return try await concurrentRequests(app, n, clients: 64, name: "grants_submit_api", method: .POST,
                                                path: "/api/v1/organisations/mun-12072/demandes-aide", body: body,
                                                headers: ["Authorization": "Bearer \(secret)", "Content-Type": "application/json"],
                                                expect: .created)
        },
    ]

    /// An open PAFFSR call: the demo's, or one made for the bench.
    static func openCall(_ app: Application) async throws -> String {
        let now = app.now
        if let open = try await GrantCallModel.query(on: app.db).filter(\.$opensAt <= now).filter(\.$closesAt > now).all()
            .first(where: { $0.code.hasPrefix("paffsr") }) { return open.code }
        guard let program = try await GrantProgramModel.query(on: app.db).filter(\.$code == "paffsr").first() else {
            throw Abort(.internalServerError, reason: "paffsr is missing")
        }
        let envelope = GrantEnvelopeModel()
        envelope.$program.id = try program.requireID()
        envelope.fiscalYear = "bench-\(UUID().uuidString.prefix(8))"
        envelope.region = ""
        envelope.totalCents = 1_000_000_000_00
        envelope.committedCents = 0
        envelope.approvedCents = 0
        envelope.version = 1
        try await envelope.create(on: app.db)
        let call = GrantCallModel()
        call.code = "bench-depot-\(UUID().uuidString.prefix(8).lowercased())"
        call.$program.id = try program.requireID()
        call.$envelope.id = try envelope.requireID()
        call.titleFr = "Appel du banc d'essai"
        call.titleEn = "Bench call"
        call.opensAt = now.addingTimeInterval(-3600)
        call.closesAt = now.addingTimeInterval(86_400)
        call.version = 1
        try await call.create(on: app.db)
        return call.code
    }

    /// The call `bench-classement`: a program of `criteria` criteria and `applications` evaluated
    /// applications with their consolidated scores (made once, in bulk).
    static func rankingCall(_ app: Application, applications: Int, criteria: Int) async throws -> GrantCallModel {
        if let call = try await GrantCallModel.query(on: app.db).filter(\.$code == "bench-classement").with(\.$program).with(\.$envelope).first() {
            return call
        }
        let grid = ScoringGrid(criteria: (1...criteria).map {
            Criterion(code: "c\($0)", nameFr: "Critère \($0)", nameEn: "Criterion \($0)", weight: 100 / criteria, maxScore: 10)
        })
        let organisations = try await OrganisationModel.query(on: app.db).filter(\.$kind == .municipality).limit(500).all()
        let person = try await benchPerson(app)
        try await app.db.transaction { db in
            let sql = db.sql
            let program = GrantProgramModel()
            program.code = "bench-classement"
            program.nameFr = "Programme du banc d'essai"
            program.nameEn = "Bench program"
            (program.objectivesFr, program.objectivesEn, program.rulesFr, program.rulesEn) = ("—", "—", "—", "—")
            program.allocation = .competitive
            program.termsJSON = GrantProgramModel.json(AidTerms(rateBasisPoints: 5000, ceilingCents: 1_000_000_00))
            program.eligibilityJSON = GrantProgramModel.json(EligibilityRules(kinds: [.municipality]))
            program.gridJSON = GrantProgramModel.json(grid)
            program.fieldsJSON = "[]"
            program.workflowJSON = GrantProgramModel.json(GrantWorkflow.standard)
            (program.eligibleCostsFr, program.eligibleCostsEn) = ("—", "—")
            program.active = false
            program.version = 1
            try await program.create(on: db)
            let envelope = GrantEnvelopeModel()
            envelope.$program.id = try program.requireID()
            envelope.fiscalYear = "2026-2027"
            envelope.region = ""
            envelope.totalCents = 500_000_000_00
            envelope.committedCents = 0
            envelope.approvedCents = 0
            envelope.version = 1
            try await envelope.create(on: db)
            let call = GrantCallModel()
            call.code = "bench-classement"
            call.$program.id = try program.requireID()
            call.$envelope.id = try envelope.requireID()
            call.titleFr = "Classement du banc d'essai"
            call.titleEn = "Bench ranking"
            call.opensAt = Date().addingTimeInterval(-86_400 * 60)
            call.closesAt = Date().addingTimeInterval(-86_400 * 30)
            call.version = 1
            try await call.create(on: db)
            var generator = SystemRandomNumberGenerator()
            let now = Date()
            for chunk in stride(from: 0, to: applications, by: 400) {
                var insert = sql.insert(into: GrantApplicationModel.schema).columns(
                    "id", "created_at", "updated_at", "version", "number", "program_id", "call_id", "organisation_id", "applicant_id",
                    "via_mandate", "language", "phase", "workflow_version", "title", "summary", "answers", "budget", "eligible_cents",
                    "requested_cents", "screening", "score", "score_parts", "submitted_at", "reopened", "search_text")
                for index in chunk..<min(chunk + 400, applications) {
                    // Two evaluators' scores, often equal between files: ties are broken by the rules.
                    let scores = (0..<2).map { _ in (0..<criteria).map { _ in Int.random(in: 3...10, using: &generator) } }
                    let parts = grid.parts(scores) ?? []
                    let cents = Int64.random(in: 50...500, using: &generator) * 100_000
                    insert = insert.values(
                        SQLBind(UUID()), SQLBind(now), SQLBind(now), SQLBind(1), SQLBind("AF-BENCH-" + String(format: "%06d", index)),
                        SQLBind(try program.requireID()), SQLBind(try call.requireID()),
                        SQLBind(try organisations[index % organisations.count].requireID()), SQLBind(try person.requireID()),
                        SQLBind(false), SQLBind("fr-CA"), SQLBind("evaluated"), SQLBind(1), SQLBind("Projet \(index)"), SQLBind("—"),
                        SQLBind("{}"), SQLBind("{}"), SQLBind(cents * 2), SQLBind(cents), SQLBind("[]"), SQLBind(parts.reduce(0, +)),
                        SQLBind("[" + parts.map(String.init).joined(separator: ",") + "]"),
                        SQLBind(call.opensAt.addingTimeInterval(Double(index % 5_000) * 60)), SQLBind("[]"), SQLBind("projet \(index)"))
                }
                try await insert.run()
            }
        }
        guard let call = try await GrantCallModel.query(on: app.db).filter(\.$code == "bench-classement").with(\.$program).with(\.$envelope).first()
        else { throw Abort(.internalServerError, reason: "bench call missing") }
        return call
    }
}
