import Fluent
import SQLKit
import Foundation
import PasserelleCore

/// One authorization request in flight: the state (hashed), the nonce and the PKCE verifier. Used
/// once, within ten minutes.
final class OIDCStateModel: Model, @unchecked Sendable {
    static let schema = "oidc_states"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "state_hash") var stateHash: String
    @Field(key: "nonce") var nonce: String
    @Field(key: "code_verifier") var codeVerifier: String
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
