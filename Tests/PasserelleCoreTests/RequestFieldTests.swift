@testable import PasserelleCore
import Testing

@Suite struct RequestFieldTests {
    let fields: [RequestField] = [
        .init(code: "route", kind: .text, labelFr: "Route", labelEn: "Road", required: true),
        .init(code: "vitesse", kind: .number, labelFr: "Vitesse", labelEn: "Speed"),
        .init(code: "debut", kind: .date, labelFr: "Début", labelEn: "Start"),
        .init(code: "nature", kind: .choice, labelFr: "Nature", labelEn: "Nature", required: true,
              options: [.init(code: "ajout", fr: "Ajout", en: "Adding"), .init(code: "retrait", fr: "Retrait", en: "Removing")]),
        .init(code: "mesures", kind: .multiple, labelFr: "Mesures", labelEn: "Measures",
              options: [.init(code: "a", fr: "A", en: "A"), .init(code: "b", fr: "B", en: "B"), .init(code: "c", fr: "C", en: "C")]),
        .init(code: "lieu", kind: .location, labelFr: "Lieu", labelEn: "Place"),
        .init(code: "plan", kind: .file, labelFr: "Plan", labelEn: "Plan", required: true),
    ]

    @Test func answersComeOutInOneFormEach() {
        let result = RequestFieldCheck.check(fields, answers: [
            "route": ["  route 132 "], "vitesse": ["1\u{00A0}234,5"], "debut": ["2027-03-26"], "nature": ["retrait"],
            "mesures": ["c", "a", "c"], "lieu": ["47,8356", "-69.5343"], "inconnu": ["ignoré"],
        ], files: ["plan"])
        #expect(result.failures.isEmpty)
        #expect(result.answers == ["route": ["route 132"], "vitesse": ["1234.5"], "debut": ["2027-03-26"], "nature": ["retrait"],
                                   "mesures": ["a", "c"], "lieu": ["47.8356", "-69.5343"]])
        #expect(RequestFieldCheck.check(fields, answers: ["route": ["x"], "nature": ["ajout"], "vitesse": ["50"]], files: ["plan"])
            .answers["vitesse"] == ["50"])
    }

    @Test func eachWrongAnswerIsNamed() {
        let result = RequestFieldCheck.check(fields, answers: [
            "route": [""], "vitesse": ["cinquante"], "debut": ["2027-02-30"], "nature": ["teleportation"],
            "mesures": ["a", "z"], "lieu": ["48.0", "2.35"],
        ])
        #expect(result.failures.map(\.field) == ["route", "vitesse", "debut", "nature", "mesures", "lieu", "plan"])
        #expect(result.failures.map(\.key) == ["request.field.required", "request.field.number", "request.field.date",
                                               "request.field.choice", "request.field.choice", "request.field.location",
                                               "request.field.required"])
        #expect(result.answers.isEmpty)
        // Optional fields left empty are simply absent.
        let empty = RequestFieldCheck.check(fields.filter { !$0.required }, answers: ["lieu": ["", ""], "vitesse": [" "]])
        #expect(empty.failures.isEmpty && empty.answers.isEmpty)
        #expect(RequestFieldCheck.check([fields[0]], answers: ["route": [String(repeating: "x", count: 2_001)]]).failures.map(\.key)
            == ["request.field.text"])
    }

    @Test func codesAreShort() {
        #expect(RequestField.validCode("vitesse_actuelle"))
        #expect(!RequestField.validCode("Vitesse"))
        #expect(!RequestField.validCode("1er"))
        #expect(!RequestField.validCode(""))
        #expect(!RequestField.validCode("école"))
    }
}
