import Fluent
import Foundation
import PasserelleCore

/// One load of the territory files: the first one and every `import-territory` after it.
/// The highest revision tells each app instance whether its copy of the directory is current.
final class TerritoryRevisionModel: Model, @unchecked Sendable {
    static let schema = "territory_revisions"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "revision") var revision: Int
    @Field(key: "source") var source: String
    @Field(key: "added") var added: Int
    @Field(key: "changed") var changed: Int
    @Field(key: "delisted") var delisted: Int

    init() {}

    init(revision: Int, source: String, added: Int, changed: Int, delisted: Int) {
        self.revision = revision
        self.source = source
        self.added = added
        self.changed = changed
        self.delisted = delisted
    }
}
