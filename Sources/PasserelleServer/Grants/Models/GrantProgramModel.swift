import Fluent
import Foundation
import NIOConcurrencyHelpers
import PasserelleCore
import SQLKit

/// A financial-aid program (PAFFSR, TAPU…): its rules, its terms, its form, its grid and its
/// workflow, each a versioned piece of data.
final class GrantProgramModel: Model, @unchecked Sendable {
    static let schema = "grant_programs"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "version") var version: Int

    /// Stable: `paffsr`.
    @Field(key: "code") var code: String
    @Field(key: "name_fr") var nameFr: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "objectives_fr") var objectivesFr: String
    @Field(key: "objectives_en") var objectivesEn: String
    @Field(key: "rules_fr") var rulesFr: String
    @Field(key: "rules_en") var rulesEn: String
    /// The PAMAM measure (`5.1`) or the mandate it serves.
    @OptionalField(key: "measure") var measure: String?
    @Enum(key: "allocation") var allocation: AllocationMode
    /// For a formula program: the indicator (`population`).
    @OptionalField(key: "indicator") var indicator: String?
    /// JSON of `AidTerms`, `EligibilityRules`, `ScoringGrid`, `[RequestField]`, `GrantWorkflow`.
    @Field(key: "terms") var termsJSON: String
    @Field(key: "eligibility") var eligibilityJSON: String
    @Field(key: "grid") var gridJSON: String
    @Field(key: "fields") var fieldsJSON: String
    @Field(key: "workflow") var workflowJSON: String
    /// The eligible costs, as the program lists them (one per line).
    @Field(key: "eligible_costs_fr") var eligibleCostsFr: String
    @Field(key: "eligible_costs_en") var eligibleCostsEn: String
    @Field(key: "active") var active: Bool
    /// JSON of the report's indicators (`[RequestField]`).
    @Field(key: "indicators") var indicatorsJSON: String

    /// A program asks for no indicators until its editor adds some (the column is required).
    init() {
        indicatorsJSON = "[]"
    }

    var indicators: [RequestField] {
        (try? JSONDecoder().decode([RequestField].self, from: Data(indicatorsJSON.utf8))) ?? []
    }

    private let memo = NIOLockedValueBox<Decoded?>(nil)
    struct Decoded {
        let key: String
        let terms: AidTerms
        let eligibility: EligibilityRules
        let grid: ScoringGrid
        let fields: [RequestField]
        let workflow: GrantWorkflow
    }

    /// Every program's data decoded, by its JSON: shared by the model instances each request loads.
    private static let decodedPrograms = NIOLockedValueBox<[String: Decoded]>([:])

    /// The program's data decoded once while its JSON does not change.
    var decoded: Decoded {
        let key = termsJSON + eligibilityJSON + gridJSON + fieldsJSON + workflowJSON
        if let known = memo.withLockedValue({ $0 }), known.key == key { return known }
        if let shared = Self.decodedPrograms.withLockedValue({ $0[key] }) {
            memo.withLockedValue { $0 = shared }
            return shared
        }
        let decoder = JSONDecoder()
        let value = Decoded(
            key: key,
            terms: (try? decoder.decode(AidTerms.self, from: Data(termsJSON.utf8))) ?? AidTerms(rateBasisPoints: 0, ceilingCents: 0),
            eligibility: (try? decoder.decode(EligibilityRules.self, from: Data(eligibilityJSON.utf8))) ?? EligibilityRules(kinds: []),
            grid: (try? decoder.decode(ScoringGrid.self, from: Data(gridJSON.utf8))) ?? ScoringGrid(criteria: []),
            fields: (try? decoder.decode([RequestField].self, from: Data(fieldsJSON.utf8))) ?? [],
            workflow: (try? decoder.decode(GrantWorkflow.self, from: Data(workflowJSON.utf8))) ?? .standard)
        memo.withLockedValue { $0 = value }
        Self.decodedPrograms.withLockedValue { known in
            if known.count > 200 { known.removeAll() }
            known[key] = value
        }
        return value
    }

    var terms: AidTerms { decoded.terms }
    var eligibility: EligibilityRules { decoded.eligibility }
    var grid: ScoringGrid { decoded.grid }
    var fields: [RequestField] { decoded.fields }
    var workflow: GrantWorkflow { decoded.workflow }

    func name(_ language: Language) -> String { language == .enCA ? nameEn : nameFr }
    func objectives(_ language: Language) -> String { language == .enCA ? objectivesEn : objectivesFr }
    func rules(_ language: Language) -> String { language == .enCA ? rulesEn : rulesFr }
    func eligibleCosts(_ language: Language) -> [String] {
        (language == .enCA ? eligibleCostsEn : eligibleCostsFr).split(separator: "\n").map(String.init)
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}

extension GrantProgramModel {
    /// A phase by its name in the program's workflow (its code when the workflow no longer has it).
    func phaseName(_ phase: String, _ language: Language) -> String {
        workflow.phase(phase)?.name(language) ?? phase
    }

    /// How a phase is shown at a glance, wherever an application is listed.
    static func phaseStatus(_ phase: String) -> UI.TagStatus {
        switch phase {
        case "approved": .success
        case "refused", "ineligible", "withdrawn": .error
        case "changes_requested", "pending_approval", "waitlisted": .warning
        case "draft": .neutral
        default: .info
        }
    }
}
