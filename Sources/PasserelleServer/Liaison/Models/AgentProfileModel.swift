import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// How a liaison agent is reached, beyond their address: phone and title, as the cards show them.
final class AgentProfileModel: Model, @unchecked Sendable {
    static let schema = "liaison_agents"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "phone") var phone: String
    /// « Agente de liaison — Bas-Saint-Laurent ».
    @Field(key: "title") var title: String

    init() {}
}
