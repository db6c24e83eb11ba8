import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// `/accueil`, where a signed-in person lands. A municipality's people see their requests — what
/// waits for their answer first, then the open ones by expected date, and the closed ones still to
/// be rated. Ministry staff see their own queue (overdue and due soon counted), and those who triage
/// see what waits for it in their units.
struct PortalHome: Sendable {
    static let rows = 50

    struct Municipal {
        var organisations: [OrganisationModel]
        var awaiting: [RequestModel]
        var open: [RequestModel]
        var openTotal: Int
        var toRate: [RequestModel]
        var canFile: Bool
        var drafts: [RequestDraftModel]
        /// The entry points of each municipality or MRC the person belongs to or acts for.
        var cards: [EntryPoints] = []
        /// The latest applications for financial aid of the organisations (their status and letter).
        var grants: [GrantApplicationModel] = []
        /// New conflicts and opportunities of the shared map that touch the organisations.
        var newWorkPairs = 0
    }

    struct Ministry {
        var mine: [RequestModel]
        var mineTotal: Int
        var overdue: Int
        var dueSoon: Int
        /// Per unit the person triages for: the unit, new requests, requests in triage.
        var triage: [(unit: OrganisationModel, received: Int, inTriage: Int)]
        /// New conflicts and opportunities of the shared map the person follows.
        var newWorkPairs = 0
    }

    @Sendable func home(_ req: Request) async throws -> Response {
        guard let user = req.currentUser else { throw SignInRequired() }
        let actor = req.accessActor
        let days = req.application.workingDays
        let today = req.application.today
        let response: Response
        if actor.isMinistry {
            let base = { RequestModel.query(on: req.db).filter(\.$assignee.$id == user.personID).filter(RequestQueues.openFilter) }
            let waiting: [RequestStatus] = [.answered, .awaitingMunicipality]
            let soon = days.adding(RequestQueries.dueSoonDays, to: today)
            var triage: [(OrganisationModel, Int, Int)] = []
            let triaged = actor.memberships.filter { [.administrator, .bcamCoordinator, .liaisonAgent].contains($0.role) }
            for unit in try await OrganisationModel.query(on: req.db).filter(\.$id ~~ triaged.map(\.organisationID))
                .filter(\.$kind == .ministryUnit).sort(\.$name).all() {
                let inUnit = { RequestModel.query(on: req.db).filter(\.$unit.$id == (try unit.requireID())) }
                triage.append((unit, try await inUnit().filter(\.$status == .received).count(\.$number),
                               try await inUnit().filter(\.$status == .inTriage).count(\.$number)))
            }
            var view = Ministry(
                mine: try await base().with(\.$type).with(\.$organisation).sort(\.$expectedOn).sort(\.$number)
                    .range(..<Self.rows).all(),
                mineTotal: try await base().count(\.$number),
                overdue: try await base().filter(\.$status !~ waiting).filter(\.$expectedOn < today.iso).count(\.$number),
                dueSoon: try await base().filter(\.$status !~ waiting).filter(\.$expectedOn >= today.iso)
                    .filter(\.$expectedOn <= soon.iso).count(\.$number),
                triage: triage)
            view.newWorkPairs = try await WorksQueries.pairs(actor, status: .new, on: req.db).count
            response = Response.html(PortalViews.ministry(Layout(req), user: user, view, days: days))
        } else {
            let owners: Set<UUID>
            switch Policy.readableOwners(actor, service: .requests, on: today) {
            case .only(let ids): owners = ids
            case .all, .territory, .assigned: owners = []  // not a municipal reader: nothing of anyone's
            case nil: owners = []
            }
            let organisations = try await OrganisationModel.query(on: req.db).filter(\.$id ~~ owners).sort(\.$name).all()
            let base = { RequestModel.query(on: req.db).filter(\.$organisation.$id ~~ owners) }
            let view = Municipal(
                organisations: organisations,
                awaiting: try await base().filter(\.$status == .awaitingMunicipality).with(\.$type).with(\.$organisation)
                    .sort(\.$expectedOn).all(),
                open: try await base().filter(RequestQueues.openFilter).filter(\.$status != .awaitingMunicipality)
                    .with(\.$type).with(\.$organisation).sort(\.$expectedOn).sort(\.$number).range(..<Self.rows).all(),
                openTotal: try await base().filter(RequestQueues.openFilter).count(\.$number),
                toRate: try await base().filter(\.$status == .closed).filter(\.$rating == nil)
                    .filter(\.$requester.$id == user.personID).with(\.$type).sort(\.$number, .descending).range(..<5).all(),
                canFile: owners.contains { req.allows(.create, Resource(service: .requests, ownerID: $0)) },
                drafts: try await RequestDrafts.mine(req))
            var withCards = view
            withCards.newWorkPairs = try await WorksQueries.pairs(actor, status: .new, on: req.db).count
            if case .only(let grantOwners) = Policy.readableOwners(actor, service: .grants, on: today) {
                withCards.grants = try await GrantApplicationModel.query(on: req.db).filter(\.$organisation.$id ~~ grantOwners)
                    .with(\.$program).sort(\.$updatedAt, .descending).range(..<10).all()
            }
            let mine = Set(actor.memberships.map(\.organisationID)).union(actor.mandates.filter { $0.isInForce(on: today) }.map(\.municipalityID))
            let places = try await OrganisationModel.query(on: req.db).filter(\.$id ~~ mine).filter(\.$kind ~~ [.municipality, .mrc])
                .sort(\.$name).all()
            if !places.isEmpty {
                let lines = try await LiaisonQueries.lines(on: req.db)
                let profiles = try await LiaisonQueries.profiles(on: req.db)
                withCards.cards = places.map {
                    LiaisonQueries.entryPoints(for: $0, territory: req.application.territory.current, lines: lines, profiles: profiles)
                }
            }
            response = Response.html(PortalViews.municipal(Layout(req), user: user, withCards, days: days))
        }
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
