@testable import PasserelleCore
import Testing

@Suite struct FormattingTests {
    let fr = Formatter(.frCA)
    let en = Formatter(.enCA)
    let nbsp = "\u{00A0}"

    @Test func frenchDatesReadAsInASentence() {
        let date = CalendarDate(year: 2026, month: 11, day: 21)!
        #expect(fr.dateInSentence(date) == "le 21\(nbsp)novembre 2026")
        #expect(fr.date(CalendarDate(year: 2026, month: 12, day: 1)!) == "1er\(nbsp)décembre 2026")
        #expect(fr.date(CalendarDate(year: 2027, month: 8, day: 15)!) == "15\(nbsp)août 2027")
        #expect(en.date(date) == "November\(nbsp)21, 2026")
        #expect(en.dateInSentence(date) == "on November\(nbsp)21, 2026")
    }

    @Test func timesUseTheQuebecH() {
        #expect(fr.time(hour: 14, minute: 30) == "14\(nbsp)h\(nbsp)30")
        #expect(fr.time(hour: 9, minute: 0) == "9\(nbsp)h")
        #expect(fr.time(hour: 9, minute: 5) == "9\(nbsp)h\(nbsp)05")
        #expect(en.time(hour: 14, minute: 30) == "2:30\(nbsp)p.m.")
        #expect(en.time(hour: 0, minute: 0) == "12\(nbsp)a.m.")
        #expect(en.time(hour: 12, minute: 15) == "12:15\(nbsp)p.m.")
    }

    @Test func numbersGroupWithNoBreakSpaces() {
        #expect(fr.integer(1_234_567) == "1\(nbsp)234\(nbsp)567")
        #expect(fr.integer(999) == "999")
        #expect(fr.integer(-1_000) == "-1\(nbsp)000")
        #expect(en.integer(1_234_567) == "1,234,567")
        #expect(fr.decimal(1234.567, places: 2) == "1\(nbsp)234,57")
        #expect(en.decimal(0.5, places: 2) == "0.50")
        #expect(fr.decimal(-0.001, places: 2) == "0,00")
    }

    @Test func moneyIsExactAndFrenchFirst() {
        #expect(fr.money(Money(cents: 123_456)) == "1\(nbsp)234,56\(nbsp)$")
        #expect(fr.money(Money(cents: 5)) == "0,05\(nbsp)$")
        #expect(fr.money(Money(cents: -100_000)) == "-1\(nbsp)000,00\(nbsp)$")
        #expect(en.money(Money(cents: 123_456)) == "$1,234.56")
        #expect(fr.money(Money(cents: 999_999_999_999)) == "9\(nbsp)999\(nbsp)999\(nbsp)999,99\(nbsp)$")
    }

    @Test(arguments: [
        ("1 234,56 $", 123_456), ("1234.56", 123_456), ("$1,234.56", 123_456), ("1\u{00A0}234,56\u{00A0}$", 123_456),
        ("1 234", 123_400), ("0,5", 50), ("-12,30", -1230), ("1.234.567,89", 123_456_789), ("12", 1200),
    ] as [(String, Int64)])
    func moneyParsesWhatPeopleType(input: String, cents: Int64) {
        #expect(Money(parsing: input)?.cents == cents, "\(input)")
    }

    @Test(arguments: ["", "abc", "1,2345", "12,34,56", "1.2.3", "$", "1e5", "12 345 678 901 234 567"])
    func moneyRefusesWhatIsAmbiguous(input: String) {
        #expect(Money(parsing: input) == nil, "\(input)")
    }
}

@Suite struct CalendarDateTests {
    @Test func parsesOnlyRealDates() {
        #expect(CalendarDate(iso: "2026-11-21")?.iso == "2026-11-21")
        #expect(CalendarDate(iso: "2024-02-29") != nil)
        #expect(CalendarDate(iso: "2026-02-29") == nil)
        #expect(CalendarDate(iso: "2100-02-29") == nil)
        #expect(CalendarDate(iso: "2000-02-29") != nil)
        #expect(CalendarDate(iso: "2026-13-01") == nil)
        #expect(CalendarDate(iso: "2026-1-01") == nil)
        #expect(CalendarDate(iso: "0001-01-01") != nil)
        #expect(CalendarDate(iso: "２０２６-11-21") == nil)
    }

    @Test func ordersAndCodesAsISO() throws {
        let a = CalendarDate(year: 2026, month: 3, day: 31)!
        let b = CalendarDate(year: 2026, month: 4, day: 1)!
        #expect(a < b)
        let json = try JSONEncoder().encode([a])
        #expect(String(decoding: json, as: UTF8.self) == "[\"2026-03-31\"]")
        #expect(try JSONDecoder().decode([CalendarDate].self, from: json) == [a])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data("[\"2026-02-30\"]".utf8)) }
    }
}

@Suite struct LanguageTests {
    @Test(arguments: [
        ("fr-CA,fr;q=0.9,en;q=0.8", Language.frCA), ("en-US,en;q=0.9", .enCA), ("de-DE,en;q=0.5", .enCA),
        ("en;q=0.4,fr;q=0.6", .frCA), ("fr;q=0", nil), ("de", nil), ("*", nil),
    ] as [(String, Language?)])
    func acceptLanguageIsNegotiated(header: String, expected: Language?) {
        #expect(Language.negotiate(acceptLanguage: header) == expected, "\(header)")
    }

    @Test func catalogFillsPlaceholdersAndShowsMissingKeys() {
        let l = Localizer(.frCA)
        #expect(l("pagination.page", ["number": "3"]) == "Page 3")
        #expect(l("no.such.key") == "⟦no.such.key⟧")
    }
}

import Foundation

@Suite struct CatalogFillTests {
    @Test func placeholdersAreFilledInOnePass() {
        #expect(Catalog.fill("De {a} à {b}, {a} encore", ["a": "Lévis", "b": "{a}"]) == "De Lévis à {a}, Lévis encore")
        #expect(Catalog.fill("Sans {inconnu} ni fin {", ["a": "x"]) == "Sans {inconnu} ni fin {")
        #expect(Catalog.fill("{n}", ["n": "1 234,56 $"]) == "1 234,56 $")
        #expect(Catalog.fill("aucun", [:]) == "aucun")
    }
}
