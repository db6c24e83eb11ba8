import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// Loads the shipped programs (with SQL: the model may gain columns in later migrations).
struct LoadGrantPrograms: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
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
        try await database.sql.delete(from: GrantProgramModel.schema).run()
    }
}
