import Crypto
import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

struct CreateAttachmentTable: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AttachmentModel.schema)
            .id()
            .field("request_id", .uuid, .required, .references(RequestModel.schema, "id", onDelete: .cascade))
            .field("uploaded_by", .uuid)
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("shared", .bool, .required)
            .field("created_at", .datetime)
            .create()
        try await database.sql.create(index: "request_attachments_request").on(AttachmentModel.schema)
            .column("request_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AttachmentModel.schema).delete()
    }
}
