import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit
import Vapor

/// Adds the type catalog's fields and filers, the requests' answers, and the field a file answers.
struct RequestFieldsMigration: AsyncMigration {
    static func json(_ answers: [String: [String]]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(answers)) ?? Data("{}".utf8), as: UTF8.self)
    }

    func prepare(on database: any Database) async throws {
        try await database.schema(RequestTypeModel.schema)
            .field("fields", .string, .required, .sql(.default("[]")))
            .update()
        try await database.schema(RequestTypeModel.schema)
            .field("filers", .string, .required, .sql(.default("municipality mrc")))
            .update()
        try await database.schema(RequestModel.schema).field("answers", .string, .required, .sql(.default("{}"))).update()
        try await database.schema(AttachmentModel.schema).field("field", .string).update()
        // In SQL, not through the model: later migrations add columns the model already names.
        let sql = database.sql
        for (code, fields) in RequestTypeCatalog.fields {
            let type = RequestTypeModel()
            type.fields = fields
            try await sql.update(RequestTypeModel.schema).set("fields", to: SQLBind(type.fieldsJSON))
                .where("code", .equal, SQLBind(code)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AttachmentModel.schema).deleteField("field").update()
        try await database.schema(RequestModel.schema).deleteField("answers").update()
        try await database.schema(RequestTypeModel.schema).deleteField("filers").update()
        try await database.schema(RequestTypeModel.schema).deleteField("fields").update()
    }
}
