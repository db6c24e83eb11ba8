import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// A municipality's entry points at the ministry (PAMAM 2.2, « carte de visite territoriale »):
/// its liaison agent and the agent's backup, its territorial directorate, and the BCAM. Computed
/// from the network each time it is shown, so that a change of territory changes every card at once.
struct EntryPoints: Sendable {
    struct Contact: Sendable {
        let name: String
        let email: String
        let phone: String?
        let title: String?
    }

    struct Office: Sendable {
        let code: String
        let name: String
        let contact: OrganisationQueries.Configured.Contact?
    }

    let organisation: OrganisationModel
    /// The place's name and region, as the card heads them.
    let regionName: String?
    let agent: Contact?
    let backup: Contact?
    /// Which line of the network covers it (scope and code), if any.
    let coveredBy: CoverageScope?
    let directorate: Office?
    let bcam: Office

    /// The card as people read it, in the reader's language: the agent (or why there is none), the
    /// backup, the directorate and the BCAM.
    func card(_ l: Localizer) -> UI.ContactCard {
        func person(_ role: String, _ c: Contact) -> UI.Contact {
            UI.Contact(role: role, name: c.name, title: c.title, email: c.email, phone: c.phone)
        }
        return UI.ContactCard(
            title: l("card.title_for", ["organisation": organisation.name]),
            subtitle: regionName.map { l("card.region", ["region": $0]) },
            notice: agent == nil ? l("card.no_agent") : nil,
            contacts: [agent.map { person(l("card.agent"), $0) }, backup.map { person(l("card.backup"), $0) },
                       directorate.map { $0.contact(role: l("card.directorate")) }, bcam.contact(role: l("card.bcam"))].compactMap { $0 })
    }
}

extension EntryPoints.Office {
    /// The office as one contact of a card, its address and hours with it.
    func contact(role: String) -> UI.Contact {
        UI.Contact(role: role, name: name, email: contact?.email, phone: contact?.phone,
                   address: contact.map { "\($0.street), \($0.city) (Québec) \($0.postalCode)" }, hours: contact?.hours)
    }
}
