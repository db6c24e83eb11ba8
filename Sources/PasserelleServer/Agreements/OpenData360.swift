import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The ministry's awards as open data, in the 360Giving Data Standard (1.4): a JSON package valid
/// against the official schema, and the same in the standard's flat CSV. Public fields only: the
/// agreement's title, amount, dates, program and recipient (a public body), never the application's
/// answers, budget, documents or people. An award is an agreement signed by both sides.
struct OpenData360: Sendable {
    static let prefix = "360G-mtmdqc-"
    static let funderID = "CA-QC-MTMD"
    static let funderName = "Ministère des Transports et de la Mobilité durable du Québec"

    struct Award: Sendable {
        var number: String
        var title: String
        var kind: String
        var amountCents: Int64
        var paidCents: Int64
        var awardedAt: Date
        var start: CalendarDate?
        var end: CalendarDate?
        var months: Int?
        var organisationCode: String
        var organisationName: String
        var territoryCode: String?
        var programCode: String?
        var programName: String?
        var modified: Date
    }

    static func awards(on db: any Database) async throws -> [Award] {
        let agreements = try await AgreementModel.query(on: db).filter(\.$state ~~ ["in_force", "closed"])
            .with(\.$organisation).with(\.$program).sort(\.$number).all()
        return agreements.map { a in
            let terms = a.terms
            let signed = [a.ministrySignedAt, a.municipalitySignedAt].compactMap { $0 }.max() ?? a.createdAt ?? Date()
            return Award(number: a.number, title: a.title, kind: a.kind, amountCents: a.amountCents, paidCents: a.paidCents, awardedAt: signed,
                         start: terms?.start, end: terms?.end, months: terms?.months, organisationCode: a.organisation.code,
                         organisationName: a.organisation.name, territoryCode: a.organisation.territoryCode,
                         programCode: a.program?.code, programName: a.program?.nameFr, modified: a.updatedAt ?? signed)
        }
    }

    static func dollars(_ cents: Int64) -> Double { Double(cents) / 100 }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func day(_ date: Date) -> String { CalendarDate(date, timeZone: CalendarDate.quebecTimeZone).iso }

    static func description(_ award: Award) -> String {
        (award.kind == "protocole" ? "Protocole d'entente" : "Convention d'aide financière") + " " + award.number
            + (award.programName.map { " — " + $0 } ?? "") + "."
    }

    /// One grant of the package, as the schema names its fields.
    static func grant(_ a: Award, base: String, territory: TerritoryDirectory) -> [String: Any] {
        var grant: [String: Any] = [
            "id": prefix + a.number,
            "title": a.title,
            "description": description(a),
            "currency": "CAD",
            "amountAwarded": dollars(a.amountCents),
            "amountDisbursed": dollars(a.paidCents),
            "awardDate": day(a.awardedAt),
            "recipientOrganization": [["id": "CA-QC-MAMH-" + (a.territoryCode ?? a.organisationCode), "name": a.organisationName]],
            "fundingOrganization": [["id": funderID, "name": funderName]],
            "dateModified": timestamp(a.modified),
            "dataSource": base + "/donnees/aide-financiere.json",
        ]
        if let code = a.programCode, let name = a.programName {
            grant["grantProgramme"] = [["code": code, "title": name, "url": base + "/programmes/" + code]]
        }
        if let start = a.start, let end = a.end, let months = a.months {
            grant["plannedDates"] = [["startDate": start.iso, "endDate": end.iso, "duration": months]]
        }
        if let code = a.territoryCode, let municipality = territory.municipality(code) {
            var location: [String: Any] = ["name": municipality.name, "countryCode": "CA", "geoCode": code,
                                           "geoCodeType": "MAMH municipal geographic code"]
            if let lat = municipality.record.latitude, let lon = municipality.record.longitude {
                location["latitude"] = lat
                location["longitude"] = lon
            }
            grant["beneficiaryLocation"] = [location]
        }
        return grant
    }

    static func package(_ awards: [Award], base: String, territory: TerritoryDirectory) -> [String: Any] {
        [
            "version": "1.4",
            "title": "Aide financière du Ministère aux municipalités",
            "description": "Les conventions d'aide et protocoles d'entente signés, publiés par Passerelle.",
            "grants": awards.map { grant($0, base: base, territory: territory) },
        ]
    }

    @Sendable func json(_ req: Request) async throws -> Response {
        let awards = try await Self.awards(on: req.db)
        let body = try JSONSerialization.data(withJSONObject: Self.package(awards, base: req.application.settings.baseURL,
                                                                           territory: req.application.territory.current),
                                              options: [.sortedKeys, .withoutEscapingSlashes])
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }

    /// The standard's flat form: one row per grant, the columns named as 360Giving's CSV template names them.
    @Sendable func csv(_ req: Request) async throws -> Response {
        let territory = req.application.territory.current
        let base = req.application.settings.baseURL
        var rows: [[String]] = [["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Amount Disbursed", "Award Date",
                                 "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
                                 "Grant Programme:Code", "Grant Programme:Title", "Planned Dates:Start Date", "Planned Dates:End Date",
                                 "Planned Dates:Duration (months)", "Beneficiary Location:Name", "Beneficiary Location:Geographic Code",
                                 "Last Modified", "Data Source"]]
        for a in try await Self.awards(on: req.db) {
            rows.append([Self.prefix + a.number, a.title, Self.description(a), "CAD", MoneyInput.plain(a.amountCents),
                         MoneyInput.plain(a.paidCents), Self.day(a.awardedAt), "CA-QC-MAMH-" + (a.territoryCode ?? a.organisationCode),
                         a.organisationName, Self.funderID, Self.funderName, a.programCode ?? "", a.programName ?? "", a.start?.iso ?? "",
                         a.end?.iso ?? "", a.months.map(String.init) ?? "",
                         a.territoryCode.flatMap { territory.municipality($0)?.name } ?? "", a.territoryCode ?? "",
                         Self.timestamp(a.modified), base + "/donnees/aide-financiere.csv"])
        }
        return CSV.response(rows, filename: "aide-financiere-360giving.csv")
    }
}
