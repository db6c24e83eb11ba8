import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// The SGAF's mail, through the outbox in the same transaction as the change, in each
/// recipient's language: the applicant hears of every change of phase of their application (a
/// receipt when they submit, with the screening's result); an evaluator hears of the files given
/// to them (one message for a batch); finance officers whose limit covers an approval awaiting
/// its second signature hear of it. No one hears of their own change, except the receipt, and
/// no one who may no longer read the application.
extension Grants {
    /// Tells the applicant of their application's phase. `receipt` for a submission: sent even
    /// though they made it.
    static func notifyApplicant(_ model: GrantApplicationModel, program: GrantProgramModel, note: String? = nil,
                                failures: [Eligibility.Failure] = [], receipt: Bool = false, as caller: Caller,
                                on db: any Database) async throws {
        let personID = model.$applicant.id
        let acted = personID == caller.currentUser?.personID
        if acted && !receipt { return }
        // The person who acted is known without a query (a change runs in the serialised write path).
        let person: Outbox.Recipient
        if acted, let user = caller.currentUser {
            person = Outbox.Recipient(user)
        } else {
            guard let found = try await PersonModel.find(personID, on: db), found.active else { return }
            person = Outbox.Recipient(found)
        }
        if !acted {
            let (memberships, mandates) = try await Sessions.grants(of: personID, on: db)
            let reader = AccessActor(personID: personID, memberships: memberships, mandates: mandates)
            guard Policy.allows(reader, .read, Resource(service: .grants, ownerID: model.$organisation.id), on: caller.application.today)
            else { return }
        }
        let l = Localizer(Language(rawValue: person.language) ?? .frCA)
        var text = note ?? ""
        if !failures.isEmpty {
            text = failures.map { "– " + l($0.key, GrantViews.localized(l, $0.arguments)) }.joined(separator: "\n")
        }
        try await Outbox.enqueue(on: db, to: person, kind: receipt ? "grant_receipt" : "grant_status", arguments: [
            "number": model.number, "title": model.title, "program": program.name(l.language),
            "status": program.workflow.phase(model.phase)?.name(l.language) ?? model.phase,
            "text": String(text.prefix(2000)),
            "link": Outbox.link(caller.application, "/aide/\(model.number)"),
        ])
    }

    /// Tells an evaluator of the files just given to them: one file by its number, several in one message.
    static func notifyEvaluator(_ personID: UUID, files: [(number: String, title: String)], as caller: Caller, on db: any Database)
        async throws {
        guard !files.isEmpty, personID != caller.currentUser?.personID,
              let person = try await PersonModel.find(personID, on: db), person.active else { return }
        if files.count == 1 {
            try await Outbox.enqueue(on: db, to: person, kind: "grant_assigned", arguments: [
                "number": files[0].number, "title": files[0].title, "link": Outbox.link(caller.application, "/aide/\(files[0].number)"),
            ])
        } else {
            let shown = files.prefix(50).map { "– \($0.number) \($0.title)" }.joined(separator: "\n")
            try await Outbox.enqueue(on: db, to: person, kind: "grant_assigned_many", arguments: [
                "count": String(files.count), "list": shown + (files.count > 50 ? "\n…" : ""),
                "link": Outbox.link(caller.application, "/aide?a_evaluer=1"),
            ])
        }
    }

    /// Tells the finance officers who may give the second approval (another person, a limit that covers the amount).
    static func notifySecondApprovers(_ model: GrantApplicationModel, amountCents: Int64, as caller: Caller, on db: any Database)
        async throws {
        let officers = try await MembershipModel.query(on: db).filter(\.$role == "finance_officer")
            .filter(\.$spendingLimitCents >= amountCents).with(\.$person).all()
        var told: Set<UUID> = []
        for membership in officers {
            let person = membership.person
            guard let id = person.id, person.active, id != caller.currentUser?.personID, told.insert(id).inserted else { continue }
            let l = Localizer(Language(rawValue: person.language) ?? .frCA)
            try await Outbox.enqueue(on: db, to: person, kind: "grant_second_approval", arguments: [
                "number": model.number, "title": model.title, "amount": l.format.money(Money(cents: amountCents)),
                "by": caller.currentUser?.displayName ?? "",
                "link": Outbox.link(caller.application, "/aide/\(model.number)#decision"),
            ])
        }
    }
}
