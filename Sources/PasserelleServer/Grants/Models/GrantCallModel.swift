import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// A call for projects: opens and closes at an instant (Québec time shown), within an envelope.
final class GrantCallModel: Model, @unchecked Sendable {
    static let schema = "grant_calls"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int
    /// Stable: `paffsr-2026`.
    @Field(key: "code") var code: String
    @Parent(key: "program_id") var program: GrantProgramModel
    @Parent(key: "envelope_id") var envelope: GrantEnvelopeModel
    @Field(key: "title_fr") var titleFr: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "opens_at") var opensAt: Date
    @Field(key: "closes_at") var closesAt: Date

    init() {}

    func title(_ language: Language) -> String { language == .enCA ? titleEn : titleFr }
    func isOpen(at instant: Date) -> Bool { opensAt <= instant && instant < closesAt }
}
