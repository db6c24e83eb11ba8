import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// The one-municipality view adds up an organisation's payments by government year and state: an
/// index that holds those columns and the amounts answers it without reading the table (a
/// municipality has about a thousand payments among a million).
struct CoverPaymentsByOrganisation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "grant_payments_organisation").run()
        try await sql.create(index: "grant_payments_organisation_years").on(AgreementPaymentModel.schema)
            .column("organisation_id").column("government_year").column("state").column("cents").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "grant_payments_organisation_years").run()
        try await sql.create(index: "grant_payments_organisation").on(AgreementPaymentModel.schema)
            .column("organisation_id").column("state").run()
    }
}
