import PasserelleCore
import Plot

extension UI {
    /// One way in: who, what they are, how to reach them.
    struct Contact: Sendable, Equatable {
        var role: String
        var name: String
        var title: String? = nil
        var email: String? = nil
        var phone: String? = nil
        var address: String? = nil
        var hours: String? = nil
    }

    /// A card of contacts: a heading, a line under it, an optional notice (« no agent yet ») and the
    /// contacts in the order given. The liaison card and the directory's entry points use it.
    struct ContactCard: Sendable, Equatable {
        var title: String
        var subtitle: String? = nil
        var notice: String? = nil
        var contacts: [Contact]
    }

    static func contact(_ l: Localizer, _ c: Contact) -> BodyNode {
        H.el("dl", .class("card__entry"),
             H.el("dt", .text(c.role)),
             H.el("dd", .strong(.text(c.name))),
             .unwrap(c.title) { H.el("dd", .text($0)) },
             .unwrap(c.phone) { p in H.el("dd", .text(l("card.phone") + " "), H.a(p, href: "tel:" + p.filter { $0.isNumber || $0 == "+" })) },
             .unwrap(c.email) { e in H.el("dd", .text(l("card.email") + " "), H.a(e, href: "mailto:" + e)) },
             .unwrap(c.address) { H.el("dd", .text($0)) },
             .unwrap(c.hours) { H.el("dd", .text(l("card.hours") + " " + $0)) })
    }

    /// The card as a block; `heading` is the level of its title (2 on its own page, 3 inside a list).
    static func contactCard(_ l: Localizer, _ card: ContactCard, heading: Int = 2) -> BodyNode {
        .div(.class("card"),
             heading == 2 ? .h2(.text(card.title)) : .h3(.text(card.title)),
             .unwrap(card.subtitle) { .p(.text($0)) },
             .unwrap(card.notice) { .p(.text($0)) },
             .group(card.contacts.map { contact(l, $0) }))
    }
}
