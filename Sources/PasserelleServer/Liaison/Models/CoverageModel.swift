import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// One line of the liaison network: the agent who covers a region, an MRC or a municipality, and
/// the backup who stands in for them. The most specific line covering a municipality wins.
final class CoverageModel: Model, @unchecked Sendable {
    static let schema = "liaison_coverage"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    @Field(key: "scope") var scope: String
    /// The region's code (`01`), the MRC's (`120`) or the municipality's geographic code.
    @Field(key: "code") var code: String
    @Parent(key: "agent_id") var agent: PersonModel
    @OptionalParent(key: "backup_id") var backup: PersonModel?

    init() {}

    var coverageScope: CoverageScope { CoverageScope(rawValue: scope) ?? .region }
}
