import Fluent
import SQLKit

/// Whether an organisation has the status of section 29.1 of the Charter of the French language
/// (a municipality recognised as bilingual): its people see the pages in English when their
/// browser asks for it. Every organisation starts without it; an administrator sets it.
struct AddOrganisationBilingualStatus: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OrganisationModel.schema)
            .field("bilingual_status", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OrganisationModel.schema).deleteField("bilingual_status").update()
    }
}
