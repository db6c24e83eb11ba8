import Foundation
@testable import PasserelleCore
import Testing

@Suite struct LiaisonCoreTests {
    @Test func theMostSpecificLineCovers() {
        let lines: [Coverage<String>] = [
            .init(scope: .region, code: "01", agent: "émile", backup: "léa"),
            .init(scope: .mrc, code: "120", agent: "zoé", backup: nil),
            .init(scope: .municipality, code: "12005", agent: "marc", backup: "zoé"),
        ]
        let rdl = Place(municipality: "12072", mrc: "120", region: "01")
        #expect(LiaisonNetwork.covering(rdl, in: lines)?.agent == "zoé")
        #expect(LiaisonNetwork.covering(Place(municipality: "12005", mrc: "120", region: "01"), in: lines)?.agent == "marc")
        #expect(LiaisonNetwork.covering(Place(municipality: "10043", mrc: "100", region: "01"), in: lines)?.agent == "émile")
        #expect(LiaisonNetwork.covering(Place(municipality: "66023", mrc: "66", region: "06"), in: lines) == nil)
        // An MRC's own organisation: its line, else its region's.
        #expect(LiaisonNetwork.covering(Place(municipality: nil, mrc: "100", region: "01"), in: lines)?.agent == "émile")
    }

    @Test func vCardTextIsEscapedAndFolded() {
        let card = VCard(formattedName: "Zoé Gagnon", organisation: "Ministère", unit: "DGT; Est", title: "Agente, liaison",
                         email: "zoe@example.org", phone: "418 555-0199",
                         address: ("92, 2e Rue Ouest", "Rimouski", "QC", "G5L 8E6"),
                         note: String(repeating: "é", count: 60) + "\nfin")
        let text = card.text
        #expect(text.hasPrefix("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoé Gagnon\r\nN:Gagnon;Zoé;;;\r\n"))
        #expect(text.contains("ORG:Ministère;DGT\\; Est\r\n"))
        #expect(text.contains("TITLE:Agente\\, liaison\r\n"))
        #expect(text.contains("ADR;TYPE=WORK:;;92\\, 2e Rue Ouest;Rimouski;QC;G5L 8E6;Canada\r\n"))
        #expect(text.hasSuffix("END:VCARD\r\n"))
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        // Folded without cutting a character: unfolding gives the note back.
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("NOTE:" + String(repeating: "é", count: 60) + "\\nfin\r\n"))
        #expect(VCard.split("Marie-Ève de la Fontaine") == ("Fontaine", "Marie-Ève de la"))
    }

    @Test func calendarFeedsUseQuebecTime() {
        let start = ISO8601DateFormatter().date(from: "2026-07-08T17:30:00Z")!  // 13 h 30, daylight time
        let feed = ICalendar(name: "Rencontres", events: [
            .init(uid: "a@passerelle", start: start, end: start.addingTimeInterval(5_400), summary: "Rivière-du-Loup; route 185",
                  location: "Hôtel de ville", description: "Émile\nLéa", stamp: start),
        ]).text
        #expect(feed.contains("DTSTART;TZID=America/Toronto:20260708T133000\r\n"))
        #expect(feed.contains("DTEND;TZID=America/Toronto:20260708T150000\r\n"))
        #expect(feed.contains("DTSTAMP:20260708T173000Z\r\n"))
        #expect(feed.contains("SUMMARY:Rivière-du-Loup\\; route 185\r\n"))
        #expect(feed.contains("DESCRIPTION:Émile\\nLéa\r\n"))
        #expect(feed.contains("BEGIN:VTIMEZONE\r\nTZID:America/Toronto\r\n"))
        #expect(feed.hasSuffix("END:VCALENDAR\r\n"))
    }
}
