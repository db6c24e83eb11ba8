import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

struct CreateRequestFollowers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RequestFollowerModel.schema)
            .id()
            .field("created_at", .datetime)
            .field("request_id", .uuid, .required, .references(RequestModel.schema, "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(PersonModel.schema, "id", onDelete: .cascade))
            .unique(on: "request_id", "person_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RequestFollowerModel.schema).delete()
    }
}
