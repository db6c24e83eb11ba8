import Foundation
@testable import PasserelleCore
import Testing

@Suite struct PolicyTests {
    let abercorn = UUID()
    let actonVale = UUID()
    let bcam = UUID()
    let today = CalendarDate(year: 2026, month: 11, day: 21)!

    func person(_ memberships: [Membership], mandates: [Mandate] = []) -> AccessActor {
        AccessActor(personID: UUID(), memberships: memberships, mandates: mandates)
    }

    func municipal(_ role: Role, of organisation: UUID) -> AccessActor {
        person([Membership(organisationID: organisation, kind: .municipality, role: role)])
    }

    @Test func anyoneReadsPublicDataAndNobodyElseWithoutSigningIn() {
        #expect(Policy.allows(.anonymous, .read, .publicData, on: today))
        #expect(Policy.decide(.anonymous, .update, .publicData, on: today) == .deny(.notSignedIn))
        #expect(Policy.decide(.anonymous, .read, Resource(service: .requests, ownerID: abercorn), on: today) == .deny(.notSignedIn))
    }

    @Test func aMunicipalityNeverSeesAnothersRecords() {
        let request = Resource(service: .requests, ownerID: actonVale)
        for role in [Role.rse, .accessManager(.requests), .contributor(.requests), .reader(.requests)] {
            let actor = municipal(role, of: abercorn)
            for action in Action.allCases {
                #expect(Policy.decide(actor, action, request, on: today) == .deny(.otherOrganisation), "\(role) \(action)")
            }
        }
    }

    @Test func municipalRolesArePerService() {
        let request = Resource(service: .requests, ownerID: abercorn)
        let grant = Resource(service: .grants, ownerID: abercorn)
        let contributor = municipal(.contributor(.requests), of: abercorn)
        #expect(Policy.allows(contributor, .create, request, on: today))
        #expect(!Policy.allows(contributor, .manageAccess, request, on: today))
        #expect(Policy.decide(contributor, .read, grant, on: today) == .deny(.missingRole))
        let reader = municipal(.reader(.grants), of: abercorn)
        #expect(Policy.allows(reader, .read, grant, on: today))
        #expect(!Policy.allows(reader, .update, grant, on: today))
        let manager = municipal(.accessManager(.works), of: abercorn)
        #expect(Policy.allows(manager, .manageAccess, Resource(service: .works, ownerID: abercorn), on: today))
        let rse = municipal(.rse, of: abercorn)
        #expect(Policy.allows(rse, .manageAccess, Resource(ownerID: abercorn), on: today))
        #expect(!Policy.allows(rse, .administer, Resource(ownerID: abercorn), on: today))
    }

    @Test func aMandateEndsOnItsDateOrWhenRevoked() {
        let request = Resource(service: .requests, ownerID: abercorn)
        let mandate = Mandate(municipalityID: abercorn, services: [.requests], endsOn: today)
        let firm = person([], mandates: [mandate])
        #expect(Policy.allows(firm, .create, request, on: today))
        #expect(Policy.decide(firm, .read, request, on: CalendarDate(year: 2026, month: 11, day: 22)!) == .deny(.mandateEnded))
        let revoked = person([], mandates: [Mandate(municipalityID: abercorn, services: [.requests], endsOn: today, revoked: true)])
        #expect(Policy.decide(revoked, .read, request, on: today) == .deny(.mandateEnded))
        #expect(Policy.decide(firm, .read, Resource(service: .grants, ownerID: abercorn), on: today) == .deny(.missingRole))
        #expect(Policy.decide(firm, .manageAccess, request, on: today) == .deny(.missingRole))
    }

    @Test func ministryStaffReadEverywhereAndWriteInTheirServices() {
        let agent = person([Membership(organisationID: bcam, kind: .ministryUnit, role: .liaisonAgent)])
        #expect(Policy.allows(agent, .read, Resource(service: .grants, ownerID: actonVale), on: today))
        #expect(Policy.allows(agent, .update, Resource(service: .requests, ownerID: actonVale), on: today))
        #expect(!Policy.allows(agent, .update, Resource(service: .grants, ownerID: actonVale), on: today))
        #expect(!Policy.allows(agent, .manageAccess, Resource(ownerID: actonVale), on: today))
        #expect(!Policy.allows(agent, .readJournal, Resource(), on: today))
        let finance = person([Membership(organisationID: bcam, kind: .ministryUnit, role: .financeOfficer(spendingLimitCents: 5_000_000))])
        #expect(Policy.allows(finance, .update, Resource(service: .grants, ownerID: actonVale), on: today))
        let manager = person([Membership(organisationID: bcam, kind: .ministryUnit, role: .manager)])
        #expect(Policy.allows(manager, .readJournal, Resource(), on: today))
        #expect(!Policy.allows(manager, .update, Resource(service: .requests, ownerID: actonVale), on: today))
        let admin = person([Membership(organisationID: bcam, kind: .ministryUnit, role: .administrator)])
        for action in Action.allCases {
            #expect(Policy.allows(admin, action, Resource(service: .works, ownerID: actonVale), on: today))
        }
    }
}
