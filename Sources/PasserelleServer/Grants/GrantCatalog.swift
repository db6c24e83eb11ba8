import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// The programs Passerelle ships (`Resources/Grants/programs.json`): the road-safety fund
/// (PAFFSR), active transport (TAPU), transit aid, the metropolitan fund (FIRM) and a formula
/// program. Their amounts are examples to adjust; their structure is the programs'.
enum GrantCatalog {
    struct Seed: Codable {
        var code: String
        var nameFr: String
        var nameEn: String
        var objectivesFr: String
        var objectivesEn: String
        var rulesFr: String
        var rulesEn: String
        var measure: String?
        var allocation: AllocationMode
        var indicator: String?
        var terms: AidTerms
        var eligibility: EligibilityRules
        var grid: ScoringGrid
        var fields: [RequestField]
        /// The accountability report's indicators.
        var indicators: [RequestField]?
        var eligibleCostsFr: String
        var eligibleCostsEn: String
    }

    static func seeds() throws -> [Seed] {
        guard let url = Bundle.module.url(forResource: "programs", withExtension: "json", subdirectory: "Resources/Grants") else {
            return []
        }
        return try JSONDecoder().decode([Seed].self, from: Data(contentsOf: url))
    }
}

/// Loads the shipped programs (with SQL: the model may gain columns in later migrations).
struct LoadGrantPrograms: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for seed in try GrantCatalog.seeds() {
            try await sql.insert(into: GrantProgramModel.schema)
                .columns("id", "created_at", "version", "code", "name_fr", "name_en", "objectives_fr", "objectives_en", "rules_fr",
                         "rules_en", "measure", "allocation", "indicator", "terms", "eligibility", "grid", "fields", "workflow",
                         "eligible_costs_fr", "eligible_costs_en", "active")
                .values(SQLBind(UUID()), SQLBind(Date()), SQLBind(1), SQLBind(seed.code), SQLBind(seed.nameFr), SQLBind(seed.nameEn),
                        SQLBind(seed.objectivesFr), SQLBind(seed.objectivesEn), SQLBind(seed.rulesFr), SQLBind(seed.rulesEn),
                        SQLBind(seed.measure), SQLBind(seed.allocation.rawValue), SQLBind(seed.indicator),
                        SQLBind(GrantProgramModel.json(seed.terms)), SQLBind(GrantProgramModel.json(seed.eligibility)),
                        SQLBind(GrantProgramModel.json(seed.grid)), SQLBind(GrantProgramModel.json(seed.fields)),
                        SQLBind(GrantProgramModel.json(GrantWorkflow.standard)), SQLBind(seed.eligibleCostsFr),
                        SQLBind(seed.eligibleCostsEn), SQLBind(true))
                .run()
        }
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).delete(from: GrantProgramModel.schema).run()
    }
}

/// The indicators each program's accountability reports ask (km of bike lanes built, collisions
/// before and after…), as questions of the request module's kinds; the shipped programs get theirs.
struct AddProgramIndicators: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(GrantProgramModel.schema).field("indicators", .string, .required, .sql(.default("[]"))).update()
        let sql = database as! any SQLDatabase
        for seed in try GrantCatalog.seeds() {
            try await sql.update(GrantProgramModel.schema).set("indicators", to: SQLBind(GrantProgramModel.json(seed.indicators ?? [])))
                .where("code", .equal, SQLBind(seed.code)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(GrantProgramModel.schema).deleteField("indicators").update()
    }
}
