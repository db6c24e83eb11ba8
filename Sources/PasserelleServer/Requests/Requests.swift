import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

extension Application {
    private struct HolidaysKey: StorageKey { typealias Value = HolidayCalendar }
    private struct WorkingDaysKey: StorageKey { typealias Value = WorkingDays }

    /// The holidays: the shipped file, or the one `HOLIDAYS_PATH` names.
    var holidays: HolidayCalendar {
        get { storage[HolidaysKey.self] ?? .quebecPublicService }
        set {
            storage[HolidaysKey.self] = newValue
            storage[WorkingDaysKey.self] = nil
        }
    }

    private struct TodayKey: StorageKey { typealias Value = CalendarDate }

    /// The day in Québec that filing and moves count from: today, unless a test sets it.
    var today: CalendarDate {
        get { storage[TodayKey.self] ?? .today }
        set { storage[TodayKey.self] = newValue }
    }

    /// Working days of the years around today (computed once).
    var workingDays: WorkingDays {
        let year = CalendarDate.today.year
        if let known = storage[WorkingDaysKey.self], known.firstYear <= year - 3, known.lastYear >= year + 5 { return known }
        let days = holidays.days(from: year - 5, through: year + 10)
        storage[WorkingDaysKey.self] = days
        return days
    }

    static func loadHolidays(path: String?) throws -> HolidayCalendar {
        let url: URL
        if let path {
            url = URL(fileURLWithPath: path)
        } else if let shipped = Bundle.module.url(forResource: "holidays", withExtension: "json", subdirectory: "Resources/Calendar") {
            url = shipped
        } else {
            return .quebecPublicService
        }
        return try JSONDecoder().decode(HolidayCalendar.self, from: Data(contentsOf: url))
    }
}

/// Filing, moving and answering municipal requests. Every change is journaled in its transaction.
enum Requests {
    static let priorities = ["normal", "high", "urgent"]

    /// Why a change is refused, with what the caller needs to say it.
    enum Refusal: Error {
        case stale(current: Int)
        case transition(RequestWorkflow.Refusal)
        case notAParty
    }

    /// Lower case without accents, words (letters and digits) separated by one space: what the
    /// full-text indexes read, and what a scoped search matches word by word (`RequestSearch`).
    /// Text in ASCII, French letters and French punctuation (nearly every request) is folded byte by
    /// byte; anything else by Foundation (`searchableByFoundation`), whose folding and splitting into
    /// characters were a fortieth of a filing's CPU. A test checks that both give the same text.
    static func searchable(_ parts: [String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.utf8.count } + parts.count)
        var pendingSpace = false
        for part in parts {
            for scalar in part.unicodeScalars {
                let v = scalar.value
                let folded: UInt8
                switch v {
                case 0x30...0x39, 0x61...0x7A: folded = UInt8(v)
                case 0x41...0x5A: folded = UInt8(v + 0x20)
                case 0...0x7F, 0xA0, 0xAB, 0xBB, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x202F:
                    pendingSpace = !out.isEmpty
                    continue
                case 0xC0...0xFF:
                    guard let base = latin1Base[Int(v - 0xC0)] else { return searchableByFoundation(parts) }
                    folded = base
                default:
                    return searchableByFoundation(parts)
                }
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append(folded)
            }
            pendingSpace = !out.isEmpty
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The unaccented lower-case letter of each character from U+00C0 to U+00FF; nil for the others
    /// (Æ, Ð, ×, Ø, Þ, ß, æ, ð, ÷, ø, þ), which Foundation folds.
    private static let latin1Base: [UInt8?] = Array("aaaaaa_ceeeeiiii_nooooo__uuuuy__aaaaaa_ceeeeiiii_nooooo__uuuuy_y".utf8)
        .map { $0 == UInt8(ascii: "_") ? nil : $0 }

    static func searchableByFoundation(_ parts: [String]) -> String {
        parts.joined(separator: " ").folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_CA"))
            .lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
    }

    /// The next number of the year, `DM-2026-000123`: one counter row per year, taken under its lock.
    static func nextNumber(year: Int, on db: any Database) async throws -> String {
        // In a group-commit batch the year's count is read once and written at the commit.
        let last = try await Writes.next(RequestCounterModel.schema, key: year, on: db)
        let digits = String(last)
        return "DM-\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The unit that receives a new request: the BCAM, or the directorate covering the
    /// municipality's region when the type says so.
    static func unit(for type: RequestTypeModel, organisation: OrganisationModel, territory: TerritoryDirectory,
                     organisations: OrganisationCache, on db: any Database) async throws -> OrganisationModel {
        var code = "unite-bcam"
        if type.routing == "directorate", let region = OrganisationQueries.region(of: organisation, in: territory),
           let directorate = try OrganisationQueries.configuredCached().first(where: { $0.kind == .ministryUnit
               && $0.code.hasPrefix("unite-dgt") && $0.regions.contains(region) }) {
            code = directorate.code
        }
        guard let unit = try await organisations.find(code: code, on: db) else {
            throw Abort(.internalServerError, reason: "unit \(code) is missing")
        }
        return unit
    }

    struct Filing {
        var type: RequestTypeModel
        var title: String
        var details: String
        var priority = "normal"
        var resolutionNumber: String?
        var resolutionDate: CalendarDate?
        var latitude: Double?
        var longitude: Double?
        /// The checked answers to the type's fields.
        var answers: [String: [String]] = [:]
    }

    /// Files a request for the organisation; returns it with its number. `unit`: the receiving unit
    /// when the caller found it before the write (a read kept off the writer's connection).
    static func file(_ filing: Filing, for organisation: OrganisationModel, as caller: Caller, on db: any Database,
                     today day: CalendarDate? = nil, unit known: OrganisationModel? = nil) async throws -> RequestModel {
        guard let user = caller.currentUser else { throw SignInRequired() }
        let app = caller.application
        let today = day ?? app.today
        let unit: OrganisationModel
        if let known { unit = known } else {
            unit = try await Self.unit(for: filing.type, organisation: organisation, territory: app.territory.current,
                                       organisations: app.organisationCache, on: db)
        }
        let model = RequestModel()
        model.number = try await nextNumber(year: today.year, on: db)
        model.$type.id = try filing.type.requireID()
        model.$organisation.id = try organisation.requireID()
        model.$requester.id = user.personID
        model.$unit.id = try unit.requireID()
        model.title = filing.title
        model.details = filing.details
        model.status = .received
        model.priority = filing.priority
        model.filedOn = today.iso
        model.expectedOn = app.workingDays.adding(filing.type.targetDays, to: today).iso
        model.language = caller.language.rawValue
        model.resolutionNumber = filing.resolutionNumber
        model.resolutionDate = filing.resolutionDate?.iso
        model.latitude = filing.latitude
        model.longitude = filing.longitude
        model.answers = filing.answers
        // Written answers are searched with the rest.
        let written = filing.type.fields.filter { $0.kind == .text }.compactMap { filing.answers[$0.code]?.first }
        model.searchText = searchable([model.number, filing.title, filing.details] + written)
        model.version = 1
        // Written with SQL: Fluent's reflective encoding cost more than the inserts themselves.
        // Time-ordered: a new request's key lands at the end of the primary key's index (a random
        // one dirties a page of it anywhere, and each such page is written to the log at the commit).
        let id = UUID.timeOrdered()
        let now = Date()
        model.id = id
        model.createdAt = now
        model.updatedAt = now
        // Nothing reads the new rows back in the change that files: they are written with the
        // batch's others at the commit (`Writes.insert`), the request first.
        try await Writes.insert(into: RequestModel.schema, columns: [
            "id", "type_id", "organisation_id", "requester_id", "unit_id", "number", "title", "description", "status",
            "priority", "filed_on", "expected_on", "language", "resolution_number", "resolution_date", "latitude",
            "longitude", "search_text", "search_internal", "answers", "version", "created_at", "updated_at",
        ], values: [
            SQLBind(id), SQLBind(model.$type.id), SQLBind(model.$organisation.id), SQLBind(model.$requester.id),
            SQLBind(model.$unit.id), SQLBind(model.number), SQLBind(model.title), SQLBind(model.details),
            SQLBind(model.status.rawValue), SQLBind(model.priority), SQLBind(model.filedOn), SQLBind(model.expectedOn),
            SQLBind(model.language), SQLBind(model.resolutionNumber), SQLBind(model.resolutionDate), SQLBind(model.latitude),
            SQLBind(model.longitude), SQLBind(model.searchText), SQLBind(model.searchInternal), SQLBind(model.answersJSON),
            SQLBind(1), SQLBind(now), SQLBind(now),
        ], on: db)
        try await Writes.insert(into: RequestStepModel.schema, columns: Self.stepColumns,
                                values: stepValues(id, .received, event: "file", on: today, person: user.personID), on: db)
        try await RequestStats.count(RequestStats.key(.filed, on: today, unit: model.$unit.id, type: model.$type.id), on: db)
        try await RequestStats.count(RequestStats.key(.pending, on: today, unit: model.$unit.id, type: model.$type.id), on: db)
        // A new request has no follower yet: its requester is the first.
        try await Writes.insert(into: RequestFollowerModel.schema, columns: ["id", "request_id", "person_id", "created_at"],
                                values: [SQLBind(UUID.timeOrdered()), SQLBind(id), SQLBind(user.personID), SQLBind(now)], on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "requests.file", recordType: "request",
                               recordID: model.number, changes: [
                                   "type": .init(before: nil, after: filing.type.code),
                                   "organisation": .init(before: nil, after: organisation.code),
                                   "unit": .init(before: nil, after: unit.code),
                                   "title": .init(before: nil, after: filing.title),
                                   "expected_on": .init(before: nil, after: model.expectedOn),
                                   "resolution": .init(before: nil, after: filing.resolutionNumber),
                                   "answers": .init(before: nil, after: filing.answers.isEmpty ? nil : model.answersJSON),
                               ])
        return model
    }

    static let stepColumns = ["id", "request_id", "status", "event", "on_date", "person_id", "created_at"]

    static func stepValues(_ request: UUID, _ status: RequestStatus, event: String, on day: CalendarDate, person: UUID?)
        -> [any SQLExpression] {
        [SQLBind(UUID.timeOrdered()), SQLBind(request), SQLBind(status.rawValue), SQLBind(event), SQLBind(day.iso), SQLBind(person),
         SQLBind(Date())]
    }

    /// Records a step at once (the change that moves a request reads its steps back).
    static func step(_ model: RequestModel, _ status: RequestStatus, event: String, on day: CalendarDate, person: UUID?,
                     db: any Database) async throws {
        try await db.sql.insert(into: RequestStepModel.schema).columns(stepColumns)
            .values(stepValues(try model.requireID(), status, event: event, on: day, person: person))
            .run()
    }

    /// Which party the signed-in person is for this request, if any.
    static func party(of caller: Caller, for model: RequestModel) -> RequestParty? {
        guard let user = caller.currentUser else { return nil }
        let actor = caller.accessActor
        let unitID = model.$unit.id
        for membership in actor.memberships where membership.role.isMinistry {
            switch membership.role {
            case .administrator, .bcamCoordinator: return .triage
            case .liaisonAgent where membership.organisationID == unitID: return .triage
            default: continue
            }
        }
        if model.$assignee.id == user.personID && actor.isMinistry { return .handler }
        if actor.memberships.contains(where: { $0.role == .analyst || $0.role == .liaisonAgent }) { return .handler }
        if !actor.isMinistry && caller.allows(.update, Resource(service: .requests, ownerID: model.$organisation.id)) {
            return .requester
        }
        return nil
    }

    /// The service clock of a request, from its steps.
    static func clock(_ model: RequestModel, type: RequestTypeModel, steps: [RequestStepModel]) -> ServiceClock {
        ServiceClock(filedOn: CalendarDate(iso: model.filedOn) ?? .today, targetDays: type.targetDays, triageDays: type.triageDays,
                     steps: steps.compactMap { s in CalendarDate(iso: s.onDate).map { ServiceClock.Step(s.status, on: $0) } })
    }

    /// Moves a request by an event, if the workflow and the version allow it.
    static func move(_ model: RequestModel, _ event: RequestEvent, version: Int, note: String?, assignee: PersonModel? = nil,
                     mergeInto: RequestModel? = nil, as caller: Caller, on db: any Database,
                     today day: CalendarDate? = nil) async throws {
        let today = day ?? caller.application.today
        guard version == model.version else { throw Refusal.stale(current: model.version) }
        guard let party = party(of: caller, for: model) else { throw Refusal.notAParty }
        let next: RequestStatus
        switch RequestWorkflow.next(from: model.status, on: event, by: party) {
        case .success(let status): next = status
        case .failure(let refusal): throw Refusal.transition(refusal)
        }
        let before = model.status
        let unitBefore = model.$unit.id
        // Taken with its version: a concurrent change in between makes this one affect no row.
        let sql = db.sql
        var update = sql.update(RequestModel.schema)
            .set("status", to: SQLBind(next.rawValue)).set("version", to: SQLBind(version + 1))
        var changes: [String: AuditChange] = ["status": .init(before: before.rawValue, after: next.rawValue)]
        if event == .assign, let assignee {
            update = update.set("assignee_id", to: SQLBind(try assignee.requireID()))
            changes["assignee"] = .init(before: model.$assignee.id?.uuidString, after: assignee.email)
            model.$assignee.id = try assignee.requireID()
            // The request follows its assignee's unit (the BCAM routes it to a directorate so).
            if let unit = try await MembershipModel.query(on: db).filter(\.$person.$id == assignee.requireID())
                .join(OrganisationModel.self, on: \MembershipModel.$organisation.$id == \OrganisationModel.$id)
                .filter(OrganisationModel.self, \.$kind == .ministryUnit).first()?.$organisation.id,
               unit != model.$unit.id {
                update = update.set("unit_id", to: SQLBind(unit))
                changes["unit"] = .init(before: model.$unit.id.uuidString, after: unit.uuidString)
                model.$unit.id = unit
            }
        }
        if event == .transfer {
            update = update.set("transfer_reason", to: SQLBind(note))
            changes["transfer_reason"] = .init(before: nil, after: note)
            model.transferReason = note
        }
        if event == .merge, let mergeInto {
            update = update.set("merged_into", to: SQLBind(mergeInto.number))
            changes["merged_into"] = .init(before: nil, after: mergeInto.number)
            model.mergedInto = mergeInto.number
        }
        let updated = try await update
            .where("id", .equal, SQLBind(try model.requireID())).where("version", .equal, SQLBind(version))
            .returning("id").all()
        guard !updated.isEmpty else { throw Refusal.stale(current: version + 1) }
        model.status = next
        model.version = version + 1
        try await step(model, next, event: event.rawValue, on: today, person: caller.currentUser?.personID, db: db)
        // The expected date moves by the working days spent waiting.
        let type = try await model.$type.get(on: db)
        let steps = try await RequestStepModel.query(on: db).filter(\.$request.$id == model.requireID()).all()
        let serviceClock = clock(model, type: type, steps: steps)
        let expected = serviceClock.expectedOn(on: today, in: caller.application.workingDays).iso
        if expected != model.expectedOn {
            changes["expected_on"] = .init(before: model.expectedOn, after: expected)
            try await sql.update(RequestModel.schema).set("expected_on", to: SQLBind(expected))
                .where("id", .equal, SQLBind(try model.requireID())).run()
            model.expectedOn = expected
        }
        try await RequestStats.moved(model, from: before, unit: unitBefore, to: next, clock: serviceClock, steps: steps, expectedOn: model.expectedOn, today: today,
                                     days: caller.application.workingDays, on: db)
        if let note, !note.isEmpty {
            try await addMessage(model, kind: "message", body: note, as: caller, on: db, notify: false)
        }
        if event == .assign, let assignee {
            try await RequestFollowers.follow(model, person: try assignee.requireID(), on: db)
        }
        try await RequestFollowers.notify(model, .status, text: note, as: caller, on: db)
        try await Audit.record(on: db, actor: caller.auditActor, action: "requests.\(event.rawValue)", recordType: "request",
                               recordID: model.number, changes: changes)
    }

    /// A message to or from the municipality, or an internal note.
    static func addMessage(_ model: RequestModel, kind: String, body: String, as caller: Caller, on db: any Database,
                           notify: Bool = true) async throws {
        let message = RequestMessageModel()
        message.$request.id = try model.requireID()
        message.authorID = caller.currentUser?.personID
        message.authorLabel = caller.currentUser?.displayName ?? "—"
        message.kind = kind
        message.body = body
        try await message.create(on: db)
        // Messages are searched by everyone who reads the request, notes by the ministry only.
        let column = kind == "message" ? "search_text" : "search_internal"
        let text = searchable([kind == "message" ? model.searchText : model.searchInternal, body])
        try await db.sql.update(RequestModel.schema).set(SQLIdentifier(column), to: SQLBind(text))
            .where("id", .equal, SQLBind(try model.requireID())).run()
        if kind == "message" { model.searchText = text } else { model.searchInternal = text }
        if notify { try await RequestFollowers.notify(model, kind == "message" ? .message : .note, text: body, as: caller, on: db) }
        try await Audit.record(on: db, actor: caller.auditActor, action: "requests.\(kind)", recordType: "request",
                               recordID: model.number, changes: [kind: .init(before: nil, after: String(body.prefix(500)))])
        // One coordinated answer: what the ministry writes on a file reaches every request merged into it.
        if kind == "message", caller.accessActor.isMinistry {
            for grouped in try await RequestModel.query(on: db).filter(\.$mergedInto == model.number).all() {
                let l = Localizer(Language(rawValue: grouped.language) ?? .frCA)
                try await addMessage(grouped, kind: "message", body: l("request.group.relayed", ["number": model.number]) + "\n\n" + body,
                                     as: caller, on: db, notify: true)
            }
        }
    }

    /// The requests merged into this one (its co-requesters' files), with their organisation.
    static func grouped(_ model: RequestModel, on db: any Database) async throws -> [RequestModel] {
        try await RequestModel.query(on: db).filter(\.$mergedInto == model.number).with(\.$organisation).sort(\.$number).all()
    }
}
