import Fluent
import Foundation
import PasserelleCore
import Plot
import SQLKit
import Vapor

/// One saved version of a program: its number, the whole program as it was, who saved it, when
/// and why. Version 1 is the program as Passerelle shipped it.
final class GrantProgramVersionModel: Model, @unchecked Sendable {
    static let schema = "grant_program_versions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "program_id") var program: GrantProgramModel
    @Field(key: "number") var number: Int
    /// The workflow's version in this program version: applications that follow it read it here.
    @Field(key: "workflow_version") var workflowVersion: Int
    @Field(key: "snapshot") var snapshotJSON: String
    /// The parts changed from the version before (`terms grid`), empty for the first.
    @Field(key: "changed") var changed: String
    @Field(key: "reason") var reason: String
    @Field(key: "author_name") var authorName: String

    init() {}

    var snapshot: ProgramSnapshot? { try? JSONDecoder().decode(ProgramSnapshot.self, from: Data(snapshotJSON.utf8)) }
}
