import Fluent
import Foundation
import PasserelleCore
import SQLKit
import Vapor

/// Followers and their notices. The requester follows from filing, an assignee from assignment;
/// anyone who reads a request may follow or stop following it. Each notice goes through the
/// outbox in the follower's language, never to the person who acted, and only to those who may
/// still read the request then (a person who left the municipality hears nothing more); internal
/// notes reach the ministry's followers only.
enum RequestFollowers {
    enum Notice: String { case status, message, note }

    static func follow(_ model: RequestModel, person: UUID, on db: any Database) async throws {
        let id = try model.requireID()
        guard try await RequestFollowerModel.query(on: db).filter(\.$request.$id == id).filter(\.$person.$id == person)
            .count() == 0 else { return }
        let follower = RequestFollowerModel()
        follower.$request.id = id
        follower.$person.id = person
        try await follower.create(on: db)
    }

    static func unfollow(_ model: RequestModel, person: UUID, on db: any Database) async throws {
        try await RequestFollowerModel.query(on: db).filter(\.$request.$id == model.requireID())
            .filter(\.$person.$id == person).delete()
    }

    static func isFollowing(_ model: RequestModel, person: UUID?, on db: any Database) async throws -> Bool {
        guard let person else { return false }
        return try await RequestFollowerModel.query(on: db).filter(\.$request.$id == model.requireID())
            .filter(\.$person.$id == person).count() > 0
    }

    /// Queues one message per follower who should hear of it; returns how many were queued.
    @discardableResult
    static func notify(_ model: RequestModel, _ notice: Notice, text: String?, as caller: Caller, on db: any Database)
        async throws -> Int {
        let followers = try await RequestFollowerModel.query(on: db).filter(\.$request.$id == model.requireID())
            .with(\.$person).all().map(\.person)
        var queued = 0
        for person in followers where person.active && person.id != caller.currentUser?.personID {
            let (memberships, mandates) = try await Sessions.grants(of: try person.requireID(), on: db)
            let actor = AccessActor(personID: person.id, memberships: memberships, mandates: mandates)
            guard Policy.allows(actor, .read, Resource(service: .requests, ownerID: model.$organisation.id), on: .today) else {
                continue
            }
            if notice == .note && !actor.isMinistry { continue }
            let l = Localizer(Language(rawValue: person.language) ?? .frCA)
            try await Outbox.enqueue(on: db, to: person, kind: "request_\(notice.rawValue)", arguments: [
                "number": model.number, "title": model.title,
                "status": l("request.status.\(model.status.rawValue)"),
                "text": text.map { String($0.prefix(2000)) } ?? "",
                "link": Outbox.link(caller.application, "/demandes/\(model.number)"),
            ])
            queued += 1
        }
        return queued
    }
}
