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
}
