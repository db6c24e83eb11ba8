import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

enum LiaisonQueries {
    /// Where an organisation of the territory sits (a municipality, an MRC); nil for the others.
    static func place(of organisation: OrganisationModel, in territory: TerritoryDirectory) -> Place? {
        guard let code = organisation.territoryCode else { return nil }
        switch organisation.kind {
        case .municipality:
            guard let m = territory.municipality(code) else { return nil }
            return Place(municipality: code, mrc: m.record.territoryUnitCode, region: m.record.regionCode)
        case .mrc:
            return Place(municipality: nil, mrc: code, region: territory.unit(code)?.record.regionCode)
        case .ministryUnit, .partner:
            return nil
        }
    }

    /// The whole network, with its people.
    static func lines(on db: any Database) async throws -> [CoverageModel] {
        try await CoverageModel.query(on: db).with(\.$agent).with(\.$backup).all()
    }

    static func profiles(on db: any Database) async throws -> [UUID: AgentProfileModel] {
        Dictionary(try await AgentProfileModel.query(on: db).all().map { ($0.$person.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The directorate whose regions include this one.
    static func directorate(forRegion region: String?) -> OrganisationQueries.Configured.Entry? {
        guard let region else { return nil }
        return (try? OrganisationQueries.configuredCached())?.first {
            $0.kind == .ministryUnit && $0.code.hasPrefix("unite-dgt") && $0.regions.contains(region)
        } ?? (try? OrganisationQueries.configuredCached())?.first {
            // The Secrétariat à la région métropolitaine serves Montréal's region.
            $0.kind == .ministryUnit && $0.regions.contains(region)
        }
    }

    static func office(_ entry: OrganisationQueries.Configured.Entry) -> EntryPoints.Office {
        .init(code: entry.code, name: entry.name, contact: entry.contact)
    }

    static var bcam: EntryPoints.Office {
        let entry = (try? OrganisationQueries.configuredCached())?.first { $0.code == "unite-bcam" }
        return .init(code: "unite-bcam", name: entry?.name ?? "BCAM", contact: entry?.contact)
    }

    static func contact(_ person: PersonModel?, _ profiles: [UUID: AgentProfileModel]) -> EntryPoints.Contact? {
        guard let person, let id = person.id, person.active else { return nil }
        let profile = profiles[id]
        return .init(name: person.displayName, email: person.email, phone: profile?.phone, title: profile?.title)
    }

    /// The entry points of one organisation, from lines read already (a page of many cards reads them once).
    static func entryPoints(for organisation: OrganisationModel, territory: TerritoryDirectory, lines: [CoverageModel],
                            profiles: [UUID: AgentProfileModel]) -> EntryPoints {
        let place = place(of: organisation, in: territory)
        let coverage = lines.compactMap { line -> Coverage<UUID>? in
            guard let id = line.id else { return nil }
            return Coverage(scope: line.coverageScope, code: line.code, agent: id, backup: nil)
        }
        let covering = place.flatMap { LiaisonNetwork.covering($0, in: coverage) }
        let line = covering.flatMap { c in lines.first { $0.id == c.agent } }
        return EntryPoints(
            organisation: organisation,
            regionName: place?.region.flatMap { territory.region($0)?.record.name },
            agent: contact(line?.agent, profiles),
            backup: contact(line?.backup ?? nil, profiles),
            coveredBy: covering?.scope,
            directorate: directorate(forRegion: place?.region).map(office),
            bcam: bcam)
    }

    static func entryPoints(for organisation: OrganisationModel, territory: TerritoryDirectory,
                            on db: any Database) async throws -> EntryPoints {
        entryPoints(for: organisation, territory: territory, lines: try await lines(on: db), profiles: try await profiles(on: db))
    }

    /// The card as vCards, one per entry point, in the reader's language.
    static func vcards(_ points: EntryPoints, _ l: Localizer) -> String {
        var cards: [VCard] = []
        let note = l("card.vcard_note", ["organisation": points.organisation.name])
        for (person, role) in [(points.agent, l("card.agent")), (points.backup, l("card.backup"))] {
            guard let person else { continue }
            cards.append(VCard(formattedName: person.name, organisation: l("card.ministry"), title: person.title ?? role,
                               email: person.email, phone: person.phone, note: note))
        }
        for office in [points.directorate, points.bcam].compactMap({ $0 }) {
            let c = office.contact
            cards.append(VCard(formattedName: office.name, organisation: l("card.ministry"), unit: office.name,
                               email: c?.email, phone: c?.phone,
                               address: c.map { ($0.street, $0.city, "QC", $0.postalCode) }, note: note, kind: .office))
        }
        return cards.map(\.text).joined()
    }

    /// The people who may cover a territory: active, with a liaison-agent role.
    static func agents(on db: any Database) async throws -> [PersonModel] {
        let ids = try await MembershipModel.query(on: db).filter(\.$role == "liaison_agent").all().map(\.$person.id)
        return try await PersonModel.query(on: db).filter(\.$id ~~ Set(ids)).filter(\.$active == true).sort(\.$displayName).all()
    }

    /// The organisations of a region (its municipalities and MRC).
    static func organisationIDs(inRegion code: String, territory: TerritoryDirectory, on db: any Database) async throws -> [UUID] {
        let municipalities = territory.municipalities.filter { $0.record.regionCode == code }.map(\.code)
        let units = territory.units.filter { $0.record.regionCode == code }.map(\.record.code)
        return try await OrganisationModel.query(on: db).filter(\.$territoryCode ~~ Set(municipalities + units)).all().compactMap(\.id)
    }

    static func meetings(_ filter: MeetingPages.Filter, from: Date, to: Date, territory: TerritoryDirectory, on db: any Database) async throws -> [MeetingModel] {
        let query = MeetingModel.query(on: db).filter(\.$startsAt >= from).filter(\.$startsAt < to)
            .with(\.$organisation).with(\.$agent).sort(\.$startsAt)
        if let agent = filter.agent { query.filter(\.$agent.$id == (try agent.requireID())) }
        if let region = filter.region {
            query.filter(\.$organisation.$id ~~ (try await organisationIDs(inRegion: region.record.code, territory: territory, on: db)))
        }
        return try await query.all()
    }
}
