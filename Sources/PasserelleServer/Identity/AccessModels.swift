import Fluent
import SQLKit
import Foundation
import PasserelleCore

/// A person of a firm acting for a municipality on named services until an end date.
final class MandateModel: Model, @unchecked Sendable {
    static let schema = "mandates"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @Parent(key: "person_id") var person: PersonModel
    /// The municipality the mandataire acts for.
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "granted_by") var grantedBy: UUID

    // data fields
    /// The firm, as the RSÉ wrote it.
    @Field(key: "firm") var firm: String
    /// Space-separated service names.
    @Field(key: "services") var services: String
    /// ISO date, inclusive.
    @Field(key: "ends_on") var endsOn: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    var mandate: Mandate? {
        guard let end = CalendarDate(iso: endsOn) else { return nil }
        let organisationID = $organisation.id
        let set = Set(services.split(separator: " ").compactMap { Service(rawValue: String($0)) })
        return Mandate(municipalityID: organisationID, services: set, endsOn: end, revoked: revokedAt != nil)
    }
}

/// A one-time link sent by mail: an invitation (sets the first password) or a password reset.
/// Only the token's hash is kept; the link works once and expires.
final class OneTimeLinkModel: Model, @unchecked Sendable {
    static let schema = "one_time_links"

    enum Purpose: String, Codable, Sendable { case invitation, reset }

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @Parent(key: "person_id") var person: PersonModel
    @OptionalField(key: "created_by") var createdBy: UUID?

    // data fields
    @Enum(key: "purpose") var purpose: Purpose
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

/// A message waiting for the mail module. Tests and administrators read it here.
final class OutboxMessageModel: Model, @unchecked Sendable {
    static let schema = "outbox_messages"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @OptionalField(key: "person_id") var personID: UUID?

    // data fields
    @Field(key: "recipient") var recipient: String
    @Field(key: "language") var language: String
    /// `invitation`, `reset`, `role_granted`…
    @Field(key: "kind") var kind: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @OptionalField(key: "sent_at") var sentAt: Date?
    /// `pending`, `sending`, `sent`, `dead` (`OutboxSender`).
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    /// Unix seconds.
    @Field(key: "next_attempt_at") var nextAttemptAt: Int64
    @OptionalField(key: "claimed_until") var claimedUntil: Int64?
    @OptionalField(key: "last_error") var lastError: String?

    init() {
        status = OutboxSender.Status.pending.rawValue
        attempts = 0
        nextAttemptAt = 0
    }
}

/// A system's credential: created by a person for one organisation, with scopes; only its hash is
/// kept.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // reference fields
    @Parent(key: "person_id") var person: PersonModel
    @Parent(key: "organisation_id") var organisation: OrganisationModel

    // data fields
    @Field(key: "name") var name: String
    /// `requests:read grants:write`
    @Field(key: "scopes") var scopes: String
    @Field(key: "token_hash") var tokenHash: String
    /// The first characters, to recognise a token in a list without revealing it.
    @Field(key: "prefix") var prefix: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}

    var scopeSet: Set<Scope> { Scope.parse(scopes) ?? [] }
}

/// A provider's subject linked to a person.
final class OIDCIdentityModel: Model, @unchecked Sendable {
    static let schema = "oidc_identities"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "issuer") var issuer: String
    @Field(key: "subject") var subject: String

    init() {}
}

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
