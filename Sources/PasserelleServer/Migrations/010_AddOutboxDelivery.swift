import Fluent
import Foundation
import SQLKit
import Vapor

/// Delivery state on the outbox: status, attempts, when to try next, the lease of a claim, the
/// last error. Times are Unix seconds (the same comparison on both databases).
struct AddOutboxDelivery: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessageModel.schema)
            .field("status", .string, .required, .sql(.default("pending")))
            .update()
        try await database.schema(OutboxMessageModel.schema)
            .field("attempts", .int, .required, .sql(.default(0)))
            .update()
        try await database.schema(OutboxMessageModel.schema)
            .field("next_attempt_at", .int64, .required, .sql(.default(0)))
            .update()
        try await database.schema(OutboxMessageModel.schema).field("claimed_until", .int64).update()
        try await database.schema(OutboxMessageModel.schema).field("last_error", .string).update()
        // Messages already sent by hand before this existed stay sent.
        try await database.sql.raw("UPDATE outbox_messages SET status = 'sent' WHERE sent_at IS NOT NULL").run()
        try await database.sql.create(index: "outbox_due").on(OutboxMessageModel.schema)
            .column("status").column("next_attempt_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "outbox_due").run()
        for field in ["last_error", "claimed_until", "next_attempt_at", "attempts", "status"] {
            try await database.schema(OutboxMessageModel.schema).deleteField(.string(field)).update()
        }
    }
}
