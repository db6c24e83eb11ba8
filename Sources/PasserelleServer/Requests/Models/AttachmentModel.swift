import Crypto
import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// A file joined to a request. The bytes live outside the database, named by their SHA-256, so the
/// same file sent twice is kept once; the row keeps the name the person gave and what the content
/// really is.
final class AttachmentModel: Model, @unchecked Sendable {
    static let schema = "request_attachments"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "request_id") var request: RequestModel
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "filename") var filename: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    /// Seen by the municipality (false for a file joined to an internal note).
    @Field(key: "shared") var shared: Bool
    /// The type's file field it answers, if any.
    @OptionalField(key: "field") var field: String?

    init() {}
}
