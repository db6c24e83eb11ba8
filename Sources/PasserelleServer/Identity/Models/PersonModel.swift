import Fluent
import Foundation
import PasserelleCore

final class PersonModel: Model, @unchecked Sendable {
    static let schema = "people"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int

    // data fields
    /// Lower case, trimmed: one account per address.
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    /// Bcrypt; nil until the person sets a password (invitation) or for single sign-on only.
    @OptionalField(key: "password_hash") var passwordHash: String?
    @Field(key: "language") var language: String
    @Field(key: "active") var active: Bool

    init() {}

    init(email: String, displayName: String, passwordHash: String?, language: Language = .frCA) {
        self.email = PersonModel.normalized(email)
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.language = language.rawValue
        self.active = true
        self.version = 1
    }

    static func normalized(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
