import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// A request's attachments: files of the store joined to the request, shared with the municipality or internal.
enum Attachments {
    /// Writes the files (once per content) and their rows; runs the scan command on each first.
    static func store(_ files: [(File, FileKind)], for model: RequestModel, shared: Bool, field: String? = nil, as caller: Caller,
                      on db: any Database) async throws -> [AttachmentModel] {
        var blobs: [FileStore.Blob] = []
        for (file, kind) in files { blobs.append(try await FileStore.save(file, kind: kind, field: field, app: caller.application)) }
        return try await join(blobs, to: model, shared: shared, as: caller, on: db)
    }

    /// The rows that join stored files to a request, journaled.
    static func join(_ blobs: [FileStore.Blob], to model: RequestModel, shared: Bool, as caller: Caller, on db: any Database)
        async throws -> [AttachmentModel] {
        var stored: [AttachmentModel] = []
        for blob in blobs {
            let kind = FileKind(rawValue: blob.kind) ?? .pdf
            let attachment = AttachmentModel()
            attachment.$request.id = try model.requireID()
            attachment.uploadedBy = caller.currentUser?.personID
            attachment.filename = blob.filename
            attachment.contentType = kind.contentType
            attachment.size = blob.size
            attachment.sha256 = blob.sha256
            attachment.shared = shared
            attachment.field = blob.field
            attachment.id = UUID()
            attachment.createdAt = Date()
            // Written with the batch at the commit (its request may be a new one, written then too).
            try await Writes.insert(into: AttachmentModel.schema, columns: [
                "id", "created_at", "request_id", "uploaded_by", "filename", "content_type", "size", "sha256", "shared", "field",
            ], values: [
                SQLBind(attachment.id), SQLBind(attachment.createdAt), SQLBind(attachment.$request.id), SQLBind(attachment.uploadedBy),
                SQLBind(attachment.filename), SQLBind(attachment.contentType), SQLBind(attachment.size), SQLBind(attachment.sha256),
                SQLBind(attachment.shared), SQLBind(attachment.field),
            ], on: db)
            try await Audit.record(on: db, actor: caller.auditActor, action: "requests.attach", recordType: "request",
                                   recordID: model.number, changes: ["attachment": .init(before: nil,
                                       after: "\(blob.filename) (\(kind.rawValue), \(blob.size) o, sha256 \(blob.sha256.prefix(12)))")])
            stored.append(attachment)
        }
        return stored
    }
}
