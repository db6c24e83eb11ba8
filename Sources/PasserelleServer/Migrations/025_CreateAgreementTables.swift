import Fluent
import Foundation
import PasserelleCore
import SQLKit

struct CreateAgreementTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AgreementModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("version", .int, .required)
            .field("number", .string, .required)
            .field("kind", .string, .required)
            .field("application_id", .uuid, .references(GrantApplicationModel.schema, "id"))
            .field("program_id", .uuid, .references(GrantProgramModel.schema, "id"))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id"))
            .field("title", .string, .required)
            .field("conditions", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("terms", .string, .required)
            .field("state", .string, .required)
            .field("revision", .int, .required)
            .field("ministry_signed_by", .string)
            .field("ministry_signed_at", .datetime)
            .field("municipality_signed_by", .string)
            .field("municipality_signed_at", .datetime)
            .field("paid_cents", .int64, .required)
            .field("in_run_cents", .int64, .required)
            .field("language", .string, .required)
            .unique(on: "number")
            .unique(on: "application_id")
            .create()
        try await database.schema(AgreementRevisionModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("agreement_id", .uuid, .required, .references(AgreementModel.schema, "id"))
            .field("revision", .int, .required)
            .field("title", .string, .required)
            .field("conditions", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("terms", .string, .required)
            .field("reason", .string, .required)
            .field("author_name", .string, .required)
            .unique(on: "agreement_id", "revision")
            .create()
        try await database.schema(PaymentRunModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("version", .int, .required)
            .field("number", .string, .required)
            .field("run_on", .string, .required)
            .field("state", .string, .required)
            .field("count", .int, .required)
            .field("total_cents", .int64, .required)
            .field("prepared_by", .string, .required)
            .field("approved_by_id", .uuid)
            .field("approved_by", .string)
            .field("second_by", .string)
            .unique(on: "number")
            .create()
        try await database.schema(AgreementPaymentModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("agreement_id", .uuid, .required, .references(AgreementModel.schema, "id"))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id"))
            .field("sequence", .int, .required)
            .field("kind", .string, .required)
            .field("due_on", .string, .required)
            .field("planned_on", .string, .required)
            .field("cents", .int64, .required)
            .field("government_year", .string, .required)
            .field("municipal_year", .int, .required)
            .field("release", .string, .required)
            .field("state", .string, .required)
            .field("run_id", .uuid, .references(PaymentRunModel.schema, "id"))
            .field("paid_on", .string)
            .create()
        try await database.schema(AgreementReportModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("version", .int, .required)
            .field("agreement_id", .uuid, .required, .references(AgreementModel.schema, "id"))
            .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id"))
            .field("sequence", .int, .required)
            .field("final", .bool, .required)
            .field("due_on", .string, .required)
            .field("state", .string, .required)
            .field("answers", .string, .required)
            .field("costs_cents", .int64, .required)
            .field("note", .string, .required)
            .field("submitted_at", .datetime)
            .field("submitted_by", .string)
            .field("reviewed_at", .datetime)
            .field("reviewed_by", .string)
            .field("review_note", .string, .required)
            .field("reminded_on", .string)
            .unique(on: "agreement_id", "sequence")
            .create()
        try await database.schema(AgreementCounterModel.schema)
            .field(.id, .int, .identifier(auto: false))
            .field("last", .int, .required)
            .create()
        let sql = database.sql
        for (name, table, columns) in [
            ("grant_agreements_organisation", AgreementModel.schema, ["organisation_id", "state"]),
            ("grant_payments_agreement", AgreementPaymentModel.schema, ["agreement_id", "sequence"]),
            ("grant_payments_organisation", AgreementPaymentModel.schema, ["organisation_id", "state"]),
            ("grant_payments_due", AgreementPaymentModel.schema, ["state", "due_on"]),
            ("grant_payments_run", AgreementPaymentModel.schema, ["run_id"]),
            ("grant_reports_organisation", AgreementReportModel.schema, ["organisation_id", "state", "due_on"]),
            ("grant_reports_due", AgreementReportModel.schema, ["state", "due_on"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [AgreementReportModel.schema, AgreementPaymentModel.schema, PaymentRunModel.schema, AgreementRevisionModel.schema,
                       AgreementModel.schema, AgreementCounterModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
