import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// A document joined to an application, answering one of the program's requirements.
final class GrantDocumentModel: Model, @unchecked Sendable {
    static let schema = "grant_documents"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "application_id") var application: GrantApplicationModel
    /// The requirement's code (`resolution`, `plans`).
    @Field(key: "requirement") var requirement: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "filename") var filename: String
    @Field(key: "kind") var kind: String
    @Field(key: "size") var size: Int
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?

    init() {}
}
