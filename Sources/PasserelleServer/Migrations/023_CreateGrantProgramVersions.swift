import Fluent
import Foundation
import PasserelleCore
import Plot
import SQLKit
import Vapor

/// The versions table, and version 1 of every program already there.
struct CreateGrantProgramVersions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(GrantProgramVersionModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("program_id", .uuid, .required, .references(GrantProgramModel.schema, "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("workflow_version", .int, .required)
            .field("snapshot", .string, .required)
            .field("changed", .string, .required)
            .field("reason", .string, .required)
            .field("author_name", .string, .required)
            .unique(on: "program_id", "number")
            .create()
        let sql = database.sql
        let rows = try await sql.select()
            .columns("id", "version", "name_fr", "name_en", "objectives_fr", "objectives_en", "rules_fr", "rules_en", "eligible_costs_fr",
                     "eligible_costs_en", "measure", "active", "terms", "eligibility", "grid", "fields", "workflow")
            .from(GrantProgramModel.schema).all()
        for row in rows {
            let p = GrantProgramModel()
            p.nameFr = try row.decode(column: "name_fr", as: String.self)
            p.nameEn = try row.decode(column: "name_en", as: String.self)
            p.objectivesFr = try row.decode(column: "objectives_fr", as: String.self)
            p.objectivesEn = try row.decode(column: "objectives_en", as: String.self)
            p.rulesFr = try row.decode(column: "rules_fr", as: String.self)
            p.rulesEn = try row.decode(column: "rules_en", as: String.self)
            p.eligibleCostsFr = try row.decode(column: "eligible_costs_fr", as: String.self)
            p.eligibleCostsEn = try row.decode(column: "eligible_costs_en", as: String.self)
            p.measure = try row.decode(column: "measure", as: String?.self)
            p.active = try row.decode(column: "active", as: Bool.self)
            p.termsJSON = try row.decode(column: "terms", as: String.self)
            p.eligibilityJSON = try row.decode(column: "eligibility", as: String.self)
            p.gridJSON = try row.decode(column: "grid", as: String.self)
            p.fieldsJSON = try row.decode(column: "fields", as: String.self)
            p.workflowJSON = try row.decode(column: "workflow", as: String.self)
            let snapshot = ProgramSnapshot(p)
            try await sql.insert(into: GrantProgramVersionModel.schema)
                .columns("id", "created_at", "program_id", "number", "workflow_version", "snapshot", "changed", "reason", "author_name")
                .values(SQLBind(UUID()), SQLBind(Date()), SQLBind(try row.decode(column: "id", as: UUID.self)),
                        SQLBind(try row.decode(column: "version", as: Int.self)), SQLBind(snapshot.workflow.version),
                        SQLBind(GrantProgramModel.json(snapshot)), SQLBind(""), SQLBind(""), SQLBind("Passerelle"))
                .run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(GrantProgramVersionModel.schema).delete()
    }
}
