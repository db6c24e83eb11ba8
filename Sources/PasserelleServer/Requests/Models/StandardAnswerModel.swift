import Fluent
import Foundation
import PasserelleCore
import Plot
import Vapor

/// A standard answer: a bilingual template with fields, edited by administrators, inserted into a
/// request's reply in the request's language (`/demandes/{numero}?modele=code`).
final class StandardAnswerModel: Model, @unchecked Sendable {
    static let schema = "standard_answers"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "code") var code: String
    @Field(key: "title_fr") var titleFR: String
    @Field(key: "title_en") var titleEN: String
    @Field(key: "body_fr") var bodyFR: String
    @Field(key: "body_en") var bodyEN: String
    @Field(key: "active") var active: Bool

    init() {}

    func title(_ language: PasserelleCore.Language) -> String { language == .enCA ? titleEN : titleFR }
}
