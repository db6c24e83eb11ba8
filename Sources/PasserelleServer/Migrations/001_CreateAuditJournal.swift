import Crypto
import Fluent
import PasserelleCore
import Foundation
import SQLKit

struct CreateAuditJournal: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEventModel.schema)
            .id()
            .field("sequence", .int, .required)
            .field("occurred_at", .string, .required)
            .field("actor_person_id", .uuid)
            .field("actor_organisation_id", .uuid)
            .field("actor_session_id", .uuid)
            .field("actor_token_id", .uuid)
            .field("actor_label", .string, .required)
            .field("action", .string, .required)
            .field("record_type", .string, .required)
            .field("record_id", .string, .required)
            .field("changes", .string, .required)
            .field("request_id", .string)
            .field("client_address", .string)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "sequence")
            .create()
        // The journal is read by record, by person, by organisation and by date.
        let sql = database.sql
        for (name, columns) in [("audit_events_record", ["record_type", "record_id"]),
                                ("audit_events_person", ["actor_person_id"]),
                                ("audit_events_organisation", ["actor_organisation_id"]),
                                ("audit_events_occurred_at", ["occurred_at"])] {
            var index = sql.create(index: name).on(AuditEventModel.schema)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
        try await database.schema(AuditChainHeadModel.schema)
            .field(.id, .int, .identifier(auto: false))
            .field("sequence", .int, .required)
            .field("hash", .string, .required)
            .create()
        try await AuditChainHeadModel(id: 1, sequence: 0, hash: AuditChainHeadModel.genesis).create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditChainHeadModel.schema).delete()
        try await database.schema(AuditEventModel.schema).delete()
    }
}
