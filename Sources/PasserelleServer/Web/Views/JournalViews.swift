import Foundation
import PasserelleCore
import Plot

/// The journal, as tables: the administrator's filtered view and each record's own history.
enum JournalViews {
    static func events(_ l: Localizer, _ events: [AuditEventModel], caption: String) -> BodyNode {
        guard !events.isEmpty else { return .p(.text(l("history.none"))) }
        return UI.table(caption: caption, columns: [
            .init(title: l("journal.sequence"), numeric: true), .init(title: l("journal.when")), .init(title: l("journal.who")),
            .init(title: l("journal.action")), .init(title: l("journal.record")), .init(title: l("journal.changes")),
        ], rows: events.map { event in
            [.text(String(event.sequence)),
             .text(AuditEventModel.date(event.occurredAt).map(l.format.dateTime) ?? event.occurredAt),
             .text(event.actorLabel),
             .code(.text(event.action)),
             .text(event.recordType + " " + event.recordID.prefix(8)),
             changes(event)]
        }, captionHidden: true)
    }

    static func changes(_ event: AuditEventModel) -> BodyNode {
        let changes = event.decodedChanges
        guard !changes.isEmpty else { return .text("—") }
        return H.ul(.class("changes"), .forEach(changes.sorted { $0.key < $1.key }) { key, change in
            H.li(.code(.text(key)), .text(": " + (change.before ?? "∅") + " → " + (change.after ?? "∅")))
        })
    }
}
