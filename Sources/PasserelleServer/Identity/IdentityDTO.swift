import Fluent
import Foundation
import PasserelleCore
import Vapor

/// What `IdentityAPI` sends and receives: its JSON shapes, one naming convention (French, snake_case), dates RFC 3339.
extension IdentityAPI {
    struct MembershipDTO: Content {
        let organisation: String
        let role: String
        let service: String?
        let limite_depenses_cents: Int64?
    }

    struct MandateDTO: Content {
        let organisation: String
        let services: [String]
        let fin: String
        let en_vigueur: Bool
    }

    struct MeDTO: Content {
        let id: UUID
        let courriel: String
        let nom: String
        let langue: String
        let roles: [MembershipDTO]
        let mandats: [MandateDTO]
        let jeton: TokenDTO?
    }

    struct TokenDTO: Content {
        let id: UUID
        let organisation: String
        let portees: [String]
    }

    struct PersonDTO: Content {
        let id: UUID
        let courriel: String
        let nom: String
        let actif: Bool
        let roles: [String]
    }

    struct EventDTO: Content {
        let sequence: Int
        let quand: String
        let qui: String
        let personne: UUID?
        let organisation: UUID?
        let session: UUID?
        let jeton: UUID?
        let action: String
        let type: String
        let enregistrement: String
        let changements: [String: AuditChange]
        let requete: String?
        let adresse: String?
        let hash: String
    }
}
