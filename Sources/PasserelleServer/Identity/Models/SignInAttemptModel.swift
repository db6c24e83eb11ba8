import Fluent
import Foundation
import PasserelleCore

/// One attempt to sign in, kept to throttle guessing per account and per address.
final class SignInAttemptModel: Model, @unchecked Sendable {
    static let schema = "sign_in_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "client_address") var clientAddress: String
    @Field(key: "attempted_at") var attemptedAt: Date
    @Field(key: "succeeded") var succeeded: Bool

    init() {}

    init(email: String, clientAddress: String, attemptedAt: Date, succeeded: Bool) {
        self.email = email
        self.clientAddress = clientAddress
        self.attemptedAt = attemptedAt
        self.succeeded = succeeded
    }
}
