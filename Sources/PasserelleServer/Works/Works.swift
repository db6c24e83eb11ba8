import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The shared map's writes (PAMAM 4.3): a work saved with its journal event and the pairs the
/// detector finds for it, in one transaction; the live index follows once it has committed.
enum Works {
    enum Refusal: Error, Equatable {
        case stale(current: Int)
        case notOwner
        /// A field that names a record of the SGAF the owner does not have.
        case link(field: String, key: String)
        case externalTaken
        case pairStatus
        case reasonRequired
        case emptyComment
    }

    static func nextNumber(year: Int, on db: any Database) async throws -> String {
        "IV-\(year)-" + String(format: "%06d", try await Writes.next(WorkCounterModel.schema, key: year, on: db))
    }

    /// The people told of a new pair: those of the owner who plan works there.
    static let notified: Set<Role> = [.rse, .contributor(.works), .accessManager(.works), .liaisonAgent, .analyst, .manager]

    /// Checks the links to the SGAF: an application or agreement of the same owner.
    static func checkLinks(_ c: CheckedIntervention, owner: UUID, on db: any Database) async throws {
        // The ministry links a work to any file of the SGAF; anyone else to their own.
        let anyOwner = try await isMinistryUnit(owner, on: db)
        if let number = c.applicationNumber {
            let found = try await GrantApplicationModel.query(on: db).filter(\.$number == number).first()
            guard let found, anyOwner || found.$organisation.id == owner else {
                throw Refusal.link(field: "demande_aide", key: "works.error.application")
            }
        }
        if let number = c.agreementNumber {
            let found = try await AgreementModel.query(on: db).filter(\.$number == number).first()
            guard let found, anyOwner || found.$organisation.id == owner else {
                throw Refusal.link(field: "convention", key: "works.error.agreement")
            }
        }
    }

    static func isMinistryUnit(_ id: UUID, on db: any Database) async throws -> Bool {
        try await OrganisationModel.find(id, on: db)?.kind == .ministryUnit
    }

    static func apply(_ c: CheckedIntervention, to m: InterventionModel, workingDays: WorkingDays) {
        m.title = c.title
        m.details = c.details
        m.kind = c.kind.rawValue
        m.status = c.status.rawValue
        m.visibility = c.visibility.rawValue
        m.geometryJSON = c.geometry.geoJSON
        let box = c.geometry.boundingBox
        (m.minLon, m.minLat, m.maxLon, m.maxLat) = (box.west, box.south, box.east, box.north)
        m.municipalityCode = c.municipality?.code
        m.mrcCode = c.municipality?.record.territoryUnitCode
        m.regionCode = c.municipality?.record.regionCode
        m.roadNames = c.roadNames.joined(separator: "\n")
        m.rtss = c.rtss
        m.startsText = c.period.startText
        m.endsText = c.period.endText
        m.startSeconds = c.period.startSeconds
        m.endSeconds = c.period.endSeconds
        m.firstDay = c.period.firstDay.iso
        m.lastDay = c.period.lastDay.iso
        m.startVerified = c.startVerified
        m.endVerified = c.endVerified
        m.roadState = c.roadState.rawValue
        m.lanesClosed = c.lanesClosed
        m.detour = c.detour
        m.category = CategoryRules.standard.category(firstDay: c.period.firstDay, lastDay: c.period.lastDay, roadState: c.roadState,
                                                     detour: !c.detour.isEmpty, workingDays: workingDays).rawValue
        m.applicationNumber = c.applicationNumber
        m.agreementNumber = c.agreementNumber
        m.contactName = c.contactName
        m.contactEmail = c.contactEmail
        m.contactPhone = c.contactPhone
        m.externalID = c.externalID
    }

    /// What the journal keeps of a work.
    static func snapshot(_ m: InterventionModel) -> [String: String] {
        ["title": m.title, "kind": m.kind, "status": m.status, "visibility": m.visibility, "geometry": m.geometryJSON,
         "starts": m.startsText, "ends": m.endsText, "road_state": m.roadState, "category": m.category,
         "municipality": m.municipalityCode ?? "", "roads": m.roadNames, "detour": m.detour,
         "application": m.applicationNumber ?? "", "agreement": m.agreementNumber ?? "", "external_id": m.externalID ?? ""]
    }

    static func changes(before: [String: String], after: [String: String]) -> [String: AuditChange] {
        var out: [String: AuditChange] = [:]
        for (key, value) in after where before[key] != value {
            out[key] = .init(before: before[key], after: value)
        }
        return out
    }

    /// The outcome of a save: the work, the pairs it now has, those it made (to tell their owners).
    struct Saved: Sendable {
        let work: InterventionModel
        let pairs: [WorkPairModel]
        let created: Bool
    }

    /// A new work of `owner`.
    static func create(_ c: CheckedIntervention, owner: OrganisationModel, as caller: Caller) async throws -> Saved {
        let saved: Saved = try await caller.application.write { db in try await insert(c, owner: owner, as: caller, on: db) }
        commit(saved.work, caller.application)
        return saved
    }

    /// Changes a work taken with its version (409 when someone saved it in between).
    static func update(_ m: InterventionModel, with c: CheckedIntervention, version: Int, as caller: Caller) async throws -> Saved {
        guard version == m.version else { throw Refusal.stale(current: m.version) }
        let saved: Saved = try await caller.application.write { db in try await modify(m, with: c, version: version, as: caller, on: db) }
        commit(saved.work, caller.application)
        return saved
    }

    /// The insert itself, in the caller's transaction (an import runs many in one).
    static func insert(_ c: CheckedIntervention, owner: OrganisationModel, as caller: Caller, on db: any Database) async throws -> Saved {
        let ownerID = try owner.requireID()
        let app = caller.application
        try await checkLinks(c, owner: ownerID, on: db)
        if let external = c.externalID, try await InterventionModel.query(on: db).filter(\.$organisation.$id == ownerID)
            .filter(\.$externalID == external).first() != nil { throw Refusal.externalTaken }
        let m = InterventionModel()
        m.id = UUID()
        m.version = 1
        m.$organisation.id = ownerID
        m.$organisation.value = owner
        m.number = try await nextNumber(year: CalendarDate.today.year, on: db)
        apply(c, to: m, workingDays: app.workingDays)
        try await m.create(on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "works.create", recordType: "intervention",
                               recordID: m.number, changes: changes(before: [:], after: snapshot(m).merging(["owner": owner.code]) { $1 }))
        let pairs = try await syncPairs(m, as: caller, on: db)
        return Saved(work: m, pairs: pairs, created: true)
    }

    /// The change itself, in the caller's transaction.
    static func modify(_ m: InterventionModel, with c: CheckedIntervention, version: Int, as caller: Caller,
                       on db: any Database) async throws -> Saved {
        let app = caller.application
        try await checkLinks(c, owner: m.$organisation.id, on: db)
        if let external = c.externalID, external != m.externalID,
           try await InterventionModel.query(on: db).filter(\.$organisation.$id == m.$organisation.id)
            .filter(\.$externalID == external).first() != nil { throw Refusal.externalTaken }
        let before = snapshot(m)
        apply(c, to: m, workingDays: app.workingDays)
        let updated = try await db.sql.update(InterventionModel.schema)
            .set("version", to: SQLBind(version + 1)).set("updated_at", to: SQLBind(Date()))
            .set("title", to: SQLBind(m.title)).set("description", to: SQLBind(m.details)).set("kind", to: SQLBind(m.kind))
            .set("status", to: SQLBind(m.status)).set("visibility", to: SQLBind(m.visibility))
            .set("geometry", to: SQLBind(m.geometryJSON)).set("min_lon", to: SQLBind(m.minLon)).set("min_lat", to: SQLBind(m.minLat))
            .set("max_lon", to: SQLBind(m.maxLon)).set("max_lat", to: SQLBind(m.maxLat))
            .set("municipality_code", to: SQLBind(m.municipalityCode)).set("mrc_code", to: SQLBind(m.mrcCode))
            .set("region_code", to: SQLBind(m.regionCode)).set("road_names", to: SQLBind(m.roadNames)).set("rtss", to: SQLBind(m.rtss))
            .set("starts_text", to: SQLBind(m.startsText)).set("ends_text", to: SQLBind(m.endsText))
            .set("start_s", to: SQLBind(m.startSeconds)).set("end_s", to: SQLBind(m.endSeconds))
            .set("first_day", to: SQLBind(m.firstDay)).set("last_day", to: SQLBind(m.lastDay))
            .set("start_verified", to: SQLBind(m.startVerified)).set("end_verified", to: SQLBind(m.endVerified))
            .set("road_state", to: SQLBind(m.roadState)).set("lanes_closed", to: SQLBind(m.lanesClosed)).set("detour", to: SQLBind(m.detour))
            .set("category", to: SQLBind(m.category)).set("application_number", to: SQLBind(m.applicationNumber))
            .set("agreement_number", to: SQLBind(m.agreementNumber)).set("contact_name", to: SQLBind(m.contactName))
            .set("contact_email", to: SQLBind(m.contactEmail)).set("contact_phone", to: SQLBind(m.contactPhone))
            .set("external_id", to: SQLBind(m.externalID))
            .where("id", .equal, SQLBind(try m.requireID())).where("version", .equal, SQLBind(version))
            .returning("id").all()
        guard !updated.isEmpty else { throw Refusal.stale(current: version + 1) }
        m.version = version + 1
        try await Audit.record(on: db, actor: caller.auditActor, action: "works.update", recordType: "intervention",
                               recordID: m.number, changes: changes(before: before, after: snapshot(m)))
        let pairs = try await syncPairs(m, as: caller, on: db)
        return Saved(work: m, pairs: pairs, created: false)
    }

    /// Once committed: the live index takes the work's new shape (or lets it go).
    static func commit(_ m: InterventionModel, _ app: Application) {
        // `place` moves the revision the public map's cached answers are keyed by, counted or not.
        let counts = WorksDetection.counts(m.workStatus, endSeconds: m.endSeconds)
        app.worksDetection.place(m.id!, geometry: counts ? m.geometry : nil, start: m.startSeconds, end: m.endSeconds)
    }

    /// The pairs of a work after its save: new ones recorded (and both owners told), those that no
    /// longer hold set aside, those that hold again taken back.
    static func syncPairs(_ m: InterventionModel, as caller: Caller, on db: any Database) async throws -> [WorkPairModel] {
        let id = try m.requireID()
        let detection = caller.application.worksDetection
        var found: [UUID: Bool] = [:]
        if WorksDetection.counts(m.workStatus, endSeconds: m.endSeconds), let geometry = m.geometry {
            for match in detection.matches(for: id, geometry: geometry, start: m.startSeconds, end: m.endSeconds) {
                found[match.work] = match.overlapping
            }
        }
        let others = found.isEmpty ? [] : try await InterventionModel.query(on: db).filter(\.$id ~~ Set(found.keys)).all()
            .filter { WorksDetection.counts($0.workStatus, endSeconds: $0.endSeconds) }
        let existing = try await WorkPairModel.query(on: db).group(.or) { $0.filter(\.$first.$id == id).filter(\.$second.$id == id) }.all()
        var byOther: [UUID: WorkPairModel] = [:]
        for pair in existing { byOther[pair.$first.id == id ? pair.$second.id : pair.$first.id] = pair }
        var result: [WorkPairModel] = []
        var fresh: [(WorkPairModel, InterventionModel)] = []
        for other in others {
            let otherID = try other.requireID()
            let overlapping = found[otherID] ?? false
            let gap = overlapping ? 0 : Int((max(m.startSeconds, other.startSeconds) - min(m.endSeconds, other.endSeconds)) / 86_400)
            let kind = overlapping ? "conflict" : "opportunity"
            if let pair = byOther.removeValue(forKey: otherID) {
                if pair.kind != kind || pair.gapDays != gap || !pair.active {
                    let wasActive = pair.active
                    pair.kind = kind
                    pair.gapDays = gap
                    pair.active = true
                    pair.version += 1
                    try await pair.update(on: db)
                    try await Audit.record(on: db, actor: caller.auditActor, action: wasActive ? "works.pair.change" : "works.pair.detect",
                                           recordType: "work_pair", recordID: pair.id!.uuidString,
                                           changes: ["kind": .init(before: nil, after: kind), "gap_days": .init(before: nil, after: String(gap))])
                }
                result.append(pair)
                continue
            }
            let pair = WorkPairModel()
            pair.id = UUID()
            pair.version = 1
            let (a, b) = id.uuidString < otherID.uuidString ? (m, other) : (other, m)
            pair.$first.id = try a.requireID()
            pair.$second.id = try b.requireID()
            pair.firstOwnerID = a.$organisation.id
            pair.secondOwnerID = b.$organisation.id
            pair.kind = kind
            pair.gapDays = gap
            pair.status = WorkPairModel.Status.new.rawValue
            pair.reason = ""
            pair.active = true
            try await pair.create(on: db)
            try await Audit.record(on: db, actor: caller.auditActor, action: "works.pair.detect", recordType: "work_pair",
                                   recordID: pair.id!.uuidString, changes: [
                                       "kind": .init(before: nil, after: kind), "first": .init(before: nil, after: a.number),
                                       "second": .init(before: nil, after: b.number), "gap_days": .init(before: nil, after: String(gap)),
                                   ])
            result.append(pair)
            fresh.append((pair, other))
        }
        for pair in byOther.values where pair.active {
            pair.active = false
            pair.version += 1
            try await pair.update(on: db)
            try await Audit.record(on: db, actor: caller.auditActor, action: "works.pair.clear", recordType: "work_pair",
                                   recordID: pair.id!.uuidString, changes: ["active": .init(before: "true", after: "false")])
        }
        try await notify(fresh, work: m, app: caller.application, on: db)
        return result
    }

    /// Mail to the people of both owners of each new pair.
    static func notify(_ pairs: [(WorkPairModel, InterventionModel)], work m: InterventionModel, app: Application,
                       on db: any Database) async throws {
        guard !pairs.isEmpty else { return }
        let owners = Set(pairs.flatMap { [$0.0.firstOwnerID, $0.0.secondOwnerID] })
        let people = try await MembershipModel.query(on: db).filter(\.$organisation.$id ~~ owners).with(\.$person).all()
            .filter { $0.person.active && $0.decodedRole.map { notified.contains($0) } == true }
        for (pair, other) in pairs {
            var told: Set<UUID> = []
            for membership in people where [pair.firstOwnerID, pair.secondOwnerID].contains(membership.$organisation.id) {
                guard told.insert(membership.$person.id).inserted else { continue }
                let l = Localizer(Language(rawValue: membership.person.language) ?? .frCA)
                try await Outbox.enqueue(on: db, to: membership.person, kind: pair.isConflict ? "works_conflict" : "works_opportunity",
                                         arguments: [
                                             "first": "\(m.number) — \(m.title)", "second": "\(other.number) — \(other.title)",
                                             "gap": l.format.integer(pair.gapDays),
                                             "link": Outbox.link(app, "/interventions/paires/\(pair.id!.uuidString)"),
                                         ])
            }
        }
    }

    // MARK: - Pairs

    /// A pair's status, by a person of either owner: `dismissed` needs a reason.
    static func setStatus(_ pair: WorkPairModel, to status: WorkPairModel.Status, reason: String, version: Int,
                          as caller: Caller) async throws {
        guard version == pair.version else { throw Refusal.stale(current: pair.version) }
        if status == .dismissed && reason.isEmpty { throw Refusal.reasonRequired }
        let before = pair.status
        try await caller.application.write { db in
            let updated = try await db.sql.update(WorkPairModel.schema)
                .set("status", to: SQLBind(status.rawValue)).set("reason", to: SQLBind(status == .dismissed ? reason : ""))
                .set("version", to: SQLBind(version + 1)).set("updated_at", to: SQLBind(Date()))
                .where("id", .equal, SQLBind(try pair.requireID())).where("version", .equal, SQLBind(version))
                .returning("id").all()
            guard !updated.isEmpty else { throw Refusal.stale(current: version + 1) }
            try await Audit.record(on: db, actor: caller.auditActor, action: "works.pair.status", recordType: "work_pair",
                                   recordID: pair.id!.uuidString, changes: [
                                       "status": .init(before: before, after: status.rawValue),
                                       "reason": .init(before: nil, after: status == .dismissed ? reason : nil),
                                   ])
        }
        pair.status = status.rawValue
        pair.reason = status == .dismissed ? reason : ""
        pair.version = version + 1
    }

    static func comment(on pair: WorkPairModel, body: String, as caller: Caller) async throws {
        guard !body.isEmpty, body.count <= 5_000 else { throw Refusal.emptyComment }
        guard let person = caller.currentUser?.personID else { throw Refusal.notOwner }
        try await caller.application.write { db in
            let comment = WorkPairCommentModel()
            comment.id = UUID()
            comment.$pair.id = try pair.requireID()
            comment.$person.id = person
            comment.body = body
            try await comment.create(on: db)
            try await Audit.record(on: db, actor: caller.auditActor, action: "works.pair.comment", recordType: "work_pair",
                                   recordID: pair.id!.uuidString, changes: ["comment": .init(before: nil, after: body)])
        }
    }
}
