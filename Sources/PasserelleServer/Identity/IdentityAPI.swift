import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The identity API: who am I, an organisation's people, the journal. Same policy as the pages.
struct IdentityAPI: Sendable {

    static func codes(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        let rows = try await OrganisationModel.query(on: db).filter(\.$id ~~ Set(ids)).all()
        return Dictionary(rows.compactMap { o in o.id.map { ($0, o.code) } }, uniquingKeysWith: { a, _ in a })
    }

    @Sendable func me(_ req: Request) async throws -> Response {
        guard let user = req.currentUser else { throw SignInRequired() }
        let actor = user.accessActor
        let codes = try await Self.codes(actor.memberships.map(\.organisationID) + actor.mandates.map(\.municipalityID)
                                             + [user.tokenOrganisationID].compactMap { $0 }, on: req.db)
        let today = CalendarDate.today
        let body = MeDTO(
            id: user.personID, courriel: user.email, nom: user.displayName, langue: user.language,
            roles: actor.memberships.map { m in
                let (name, service, limit) = MembershipModel.columns(of: m.role)
                return MembershipDTO(organisation: codes[m.organisationID] ?? "", role: name, service: service,
                                     limite_depenses_cents: limit)
            },
            mandats: actor.mandates.map { m in
                MandateDTO(organisation: codes[m.municipalityID] ?? "", services: m.services.map(\.rawValue).sorted(),
                           fin: m.endsOn.iso, en_vigueur: m.isInForce(on: today))
            },
            jeton: user.tokenID.map { TokenDTO(id: $0, organisation: codes[user.tokenOrganisationID ?? UUID()] ?? "",
                                               portees: (user.scopes ?? []).map(\.description).sorted()) })
        return try JSONResponse.json(body)
    }

    /// The organisation's people and their roles there (scoped in SQL to the organisation).
    @Sendable func people(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        let memberships = try await MembershipModel.query(on: req.db).filter(\.$organisation.$id == organisation.requireID())
            .with(\.$person).all()
        var byPerson: [UUID: (PersonModel, [String])] = [:]
        for m in memberships {
            guard let id = m.person.id else { continue }
            let role = [m.role, m.service].compactMap { $0 }.joined(separator: ":")
            byPerson[id, default: (m.person, [])].1.append(role)
        }
        let rows = byPerson.values.sorted { $0.0.email < $1.0.email }.map { person, roles in
            PersonDTO(id: person.id!, courriel: person.email, nom: person.displayName, actif: person.active, roles: roles.sorted())
        }
        if !rows.isEmpty {
            try await req.write { db in
                try await Audit.record(on: db, actor: req.auditActor, action: "person.list_read", recordType: "organisation",
                                       recordID: try organisation.requireID().uuidString,
                                       changes: ["people": .init(before: nil, after: String(rows.count))])
            }
        }
        return try JSONResponse.json(rows)
    }

    @Sendable func journal(_ req: Request) async throws -> Response {
        var filter = try AdminPages.journalFilter(req)
        let perPage = try Pagination.perPage(req, default: AdminPages.pageSize)
        let (events, total) = try await AdminPages.journalEvents(&filter, on: req.db, pageSize: perPage)
        if let first = filter.errors.first {
            throw Problem.invalidParameter(first.field, key: first.message)
        }
        let response = try JSONResponse.json(events.map { e in
            EventDTO(sequence: e.sequence, quand: e.occurredAt, qui: e.actorLabel, personne: e.actorPersonID,
                     organisation: e.actorOrganisationID, session: e.actorSessionID, jeton: e.actorTokenID, action: e.action,
                     type: e.recordType, enregistrement: e.recordID, changements: e.decodedChanges, requete: e.requestID,
                     adresse: e.clientAddress, hash: e.hash)
        })
        Pagination.decorate(response, req, page: filter.page, perPage: perPage, total: total)
        return response
    }
}
