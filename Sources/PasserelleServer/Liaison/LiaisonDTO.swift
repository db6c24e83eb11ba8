import Foundation
import PasserelleCore
import Vapor

/// What `LiaisonAPI` sends: French snake_case keys, like the rest of the API.
extension LiaisonAPI {
    /// A person of the network: a liaison agent or their backup.
    struct ContactDTO: Content, Equatable {
        let nom: String
        let courriel: String
        let telephone: String?
        let titre: String?

        init(_ c: EntryPoints.Contact) {
            (nom, courriel, telephone, titre) = (c.name, c.email, c.phone, c.title)
        }
    }

    /// A ministry office: a territorial directorate or the BCAM, with its address and hours.
    struct OfficeDTO: Content, Equatable {
        let code: String
        let nom: String
        let courriel: String?
        let telephone: String?
        let adresse: String?
        let heures: String?

        init(_ o: EntryPoints.Office) {
            (code, nom, courriel, telephone, heures) = (o.code, o.name, o.contact?.email, o.contact?.phone, o.contact?.hours)
            adresse = o.contact.map { "\($0.street), \($0.city) (Québec) \($0.postalCode)" }
        }
    }

    /// An organisation's entry points at the ministry, as its card shows them.
    struct EntryPointsDTO: Content, Equatable {
        let organisation: String
        let nom: String
        let region: String?
        /// Which line of the network covers it: `region`, `mrc` or `municipality`; nil when none does.
        let couverture: String?
        let agent: ContactDTO?
        let remplacant: ContactDTO?
        let direction: OfficeDTO?
        let bcam: OfficeDTO

        init(_ p: EntryPoints) {
            (organisation, nom, region, couverture) = (p.organisation.code, p.organisation.name, p.regionName, p.coveredBy?.rawValue)
            (agent, remplacant) = (p.agent.map(ContactDTO.init), p.backup.map(ContactDTO.init))
            (direction, bcam) = (p.directorate.map(OfficeDTO.init), OfficeDTO(p.bcam))
        }
    }

    /// One line of the network: a territory and who covers it.
    struct LineDTO: Content, Equatable {
        let portee: String
        let code: String
        let territoire: String?
        let agent: ContactDTO?
        let remplacant: ContactDTO?
        let version: Int
    }
}
