import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The guichet's reads and checks, taking a database and an actor (never a `Request`): what the
/// pages, the API, Open311 and the other modules ask of requests, testable without HTTP.
enum RequestQueries {
    /// Working days before its expected date when a request counts as due soon.
    static let dueSoonDays = 3

    struct Filter {
        var status = ""
        var unit = ""
        var mine = false
        var q = ""
        var page = 1
        /// Rows a page: the pages' size unless the API asks for another (`per_page`).
        var perPage = RequestPages.pageSize
        /// The assignee's email (a person's queue).
        var agent = ""
        /// `retard` (overdue) or `bientot` (due within `dueSoonDays` working days).
        var due = ""
        var priority = ""
        var type = ""

        /// The list's address with these filters (for links, paging and coming back after an action).
        var query: String {
            let pairs: [(String, String)] = [("statut", status), ("unite", unit), ("moi", mine ? "1" : ""), ("q", q),
                                             ("agent", agent), ("echeance", due), ("priorite", priority), ("type", type)]
            return pairs.filter { !$0.1.isEmpty }
                .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
        }
    }

    /// The requests the person may read, filtered and paged in SQL.
    static func list(_ filter: Filter, types: [RequestTypeModel], actor: AccessActor, workingDays: WorkingDays,
                     on db: any Database) async throws -> (rows: [RequestModel], total: Int)? {
        guard let scope = Policy.readableOwners(actor, service: .requests, on: .today) else { return nil }
        var query = RequestModel.query(on: db)
        switch scope {
        case .all: break
        case .only(let owners): query = query.filter(\.$organisation.$id ~~ owners)
        case .territory(let owners, let units):
            query = query.group(.or) { $0.filter(\.$organisation.$id ~~ owners).filter(\.$unit.$id ~~ units) }
        case .assigned: return nil
        }
        if filter.status == "ouvertes" || filter.status.isEmpty {
            if filter.status == "ouvertes" { query = query.filter(RequestQueues.openFilter) }
        } else if let status = RequestStatus(rawValue: filter.status) {
            query = query.filter(\.$status == status)
        } else {
            throw Problem.invalidParameter("statut", key: "problem.parameter.one_of",
                                           ["allowed": RequestStatus.allCases.map(\.rawValue).joined(separator: ", "),
                                            "value": filter.status])
        }
        if !filter.unit.isEmpty {
            guard let unit = try await OrganisationQueries.find(code: filter.unit, on: db) else {
                throw Problem.invalidParameter("unite", key: "problem.parameter.unknown_code", ["value": filter.unit])
            }
            query = query.filter(\.$unit.$id == (try unit.requireID()))
        }
        if filter.mine, let me = actor.personID { query = query.filter(\.$assignee.$id == me) }
        if !filter.agent.isEmpty {
            guard let person = try await PersonModel.query(on: db).filter(\.$email == PersonModel.normalized(filter.agent))
                .first() else {
                throw Problem.invalidParameter("agent", key: "problem.parameter.unknown_code", ["value": filter.agent])
            }
            query = query.filter(\.$assignee.$id == (try person.requireID()))
        }
        try FormInput.oneOf("echeance", filter.due, ["retard", "bientot"])
        if !filter.due.isEmpty {
            let today = CalendarDate.today
            query = query.filter(\.$status !~ [.closed, .transferred, .merged, .answered, .awaitingMunicipality])
            if filter.due == "retard" {
                query = query.filter(\.$expectedOn < today.iso)
            } else {
                let soon = workingDays.adding(Self.dueSoonDays, to: today)
                query = query.filter(\.$expectedOn >= today.iso).filter(\.$expectedOn <= soon.iso)
            }
        }
        try FormInput.oneOf("priorite", filter.priority, Requests.priorities)
        if !filter.priority.isEmpty { query = query.filter(\.$priority == filter.priority) }
        if !filter.type.isEmpty {
            guard let type = types.first(where: { $0.code == filter.type }) else {
                throw Problem.invalidParameter("type", key: "problem.parameter.unknown_code", ["value": filter.type])
            }
            query = query.filter(\.$type.$id == (try type.requireID()))
        }
        if let search = try await RequestSearch.filter(query: filter.q, internalNotes: actor.isMinistry,
                                                       owners: { if case .only(let o) = scope { o } else { nil } }(), on: db) {
            query = query.filter(search)
        }
        // Counted on `number` (the queue indexes hold it, so the count never reads the table), and
        // only up to the cap, while the page's rows are read.
        let counting = RequestQueues.cappedCountSQL(query)
        async let total = RequestQueues.count(counting, on: db)
        let rows = try await RequestQueues.rows(query.sort(\.$expectedOn).sort(\.$number)
            .range(((filter.page - 1) * filter.perPage)..<(filter.page * filter.perPage)), types: types, on: db)
        return (rows, try await total)
    }

    struct FilingForm: Content {
        var type: String?
        var title: String?
        var description: String?
        var resolution_number: String?
        var resolution_date: String?
        var latitude: String?
        var longitude: String?
        var pieces: [File]?
        /// The answers to the type's fields (the API's JSON: `{"code": "value"}` or `{"code": ["a", "b"]}`);
        /// HTML forms send `champ_<code>` inputs instead, read by `answers(_:type:)`.
        var answers: [String: FormInput.AnswerValue]?
        /// Set when the form asks for the check-your-answers page (`verifier`) or a saved draft (`brouillon`).
        var etape: String?
    }

    /// Checks a filing field by field; the errors are catalog keys.
    static func validate(_ form: FilingForm, types: [RequestTypeModel], answers: [String: [String]]? = nil,
                         files: Set<String> = [], filer: OrganisationKind? = nil) -> (Requests.Filing?, FormInput.Errors) {
        var errors: FormInput.Errors = []
        let type = types.first { $0.code == form.type }
        if type == nil { errors.append(("type", "request.error.type")) }
        if let type, let filer, !type.filerKinds.contains(filer) { errors.append(("type", "request.error.type_filer")) }
        let title = (form.title ?? "").trimmed
        if title.isEmpty || title.count > 200 { errors.append(("title", "request.error.title")) }
        let details = (form.description ?? "").trimmed
        if details.isEmpty || details.count > 20_000 { errors.append(("description", "request.error.description")) }
        let number = (form.resolution_number ?? "").trimmed
        let dateText = (form.resolution_date ?? "").trimmed
        let resolutionDate = CalendarDate(iso: dateText)
        if type?.resolutionRequired == true {
            if number.isEmpty || number.count > 40 { errors.append(("resolution_number", "request.error.resolution_number")) }
            if resolutionDate == nil { errors.append(("resolution_date", "request.error.resolution_date")) }
        } else if !dateText.isEmpty && resolutionDate == nil {
            errors.append(("resolution_date", "request.error.resolution_date"))
        }
        if let date = resolutionDate, date > .today { errors.append(("resolution_date", "request.error.resolution_future")) }
        let latitudeText = (form.latitude ?? "").trimmed
        let longitudeText = (form.longitude ?? "").trimmed
        var latitude: Double?, longitude: Double?
        if !latitudeText.isEmpty || !longitudeText.isEmpty {
            latitude = Double(latitudeText.replacingOccurrences(of: ",", with: "."))
            longitude = Double(longitudeText.replacingOccurrences(of: ",", with: "."))
            // Québec's bounding box, roughly.
            if latitude.map({ (44.9...62.6).contains($0) }) != true { errors.append(("latitude", "request.error.latitude")) }
            if longitude.map({ (-79.8 ... -57.0).contains($0) }) != true { errors.append(("longitude", "request.error.longitude")) }
        }
        let given = answers ?? (form.answers ?? [:]).mapValues(\.values)
        let checked = RequestFieldCheck.check(type?.fields ?? [], answers: given, files: files)
        for failure in checked.failures {
            guard let field = type?.fields.first(where: { $0.code == failure.field }) else { continue }
            errors.append((FormInput.inputName(field), failure.key))
        }
        guard errors.isEmpty, let type else { return (nil, errors) }
        return (Requests.Filing(type: type, title: title, details: details, resolutionNumber: number.nilIfEmpty,
                                resolutionDate: resolutionDate, latitude: latitude, longitude: longitude,
                                answers: checked.answers), [])
    }
}
