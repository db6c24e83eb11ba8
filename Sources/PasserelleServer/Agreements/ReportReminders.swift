import Fluent
import Foundation
import NIOCore
import PasserelleCore
import SQLKit
import Vapor

/// Reminders of accountability reports: a report expected within 14 days, or late, is recalled
/// to the organisation's people who act for it in financial aid (its RSÉ and its financial-aid
/// contributors), through the outbox in their language, at most once a week per report.
enum ReportReminders {
    static let ahead = 14
    static let every = 7

    /// Queues today's reminders; returns how many reports were recalled.
    @discardableResult
    static func run(today: CalendarDate, app: Application) async throws -> Int {
        try await app.write { db in
            let reports = try await AgreementReportModel.query(on: db).filter(\.$state ~~ ["expected", "changes_requested"])
                .filter(\.$dueOn <= today.adding(days: ahead).iso).with(\.$agreement).all()
                .filter { r in r.agreement.state == "in_force" && (r.remindedOn.flatMap { CalendarDate(iso: $0) }.map { $0.adding(days: every) <= today } ?? true) }
            guard !reports.isEmpty else { return 0 }
            let organisations = Set(reports.map(\.organisationID))
            let memberships = try await MembershipModel.query(on: db).filter(\.$organisation.$id ~~ organisations).with(\.$person).all()
                .filter { m in m.person.active && m.decodedRole.map { [Role.rse, .contributor(.grants), .accessManager(.grants)].contains($0) } == true }
            for report in reports {
                for membership in memberships where membership.$organisation.id == report.organisationID {
                    let l = Localizer(Language(rawValue: membership.person.language) ?? .frCA)
                    let due = CalendarDate(iso: report.dueOn)
                    try await Outbox.enqueue(on: db, to: membership.person, kind: "agreement_report_due", arguments: [
                        "number": report.agreement.number, "title": report.agreement.title,
                        "report": l(report.isFinal ? "agreements.report.final" : "agreements.report.milestone").lowercased(),
                        "due": due.map { l.format.date($0) } ?? report.dueOn,
                        "link": Outbox.link(app, "/conventions/\(report.agreement.number)#rapports"),
                    ])
                }
                try await db.sql.update(AgreementReportModel.schema).set("reminded_on", to: SQLBind(today.iso))
                    .where("id", .equal, SQLBind(try report.requireID())).run()
            }
            try await Audit.record(on: db, actor: .system("agreements.reminders"), action: "agreements.report.remind", recordType: "agreement",
                                   recordID: "reminders", changes: ["reports": .init(before: nil, after: reports.map { "\($0.agreement.number)/\($0.sequence)" }
                                       .joined(separator: " "))])
            return reports.count
        }
    }

    /// Looks for reminders every hour while the server runs (a report is recalled at most once a week).
    static func start(_ app: Application) {
        app.repeatEvery(.hours(1), after: .seconds(30)) {
            do { try await run(today: app.today, app: app) } catch { app.logger.warning("report reminders failed: \(error)") }
        }
    }
}
