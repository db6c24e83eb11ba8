import Fluent
import Foundation
import PasserelleCore
import SQLKit

/// The programs Passerelle ships (`Resources/Grants/programs.json`): the road-safety fund
/// (PAFFSR), active transport (TAPU), transit aid, the metropolitan fund (FIRM) and a formula
/// program. Their amounts are examples to adjust; their structure is the programs'.
enum GrantCatalog {
    struct Seed: Codable {
        var code: String
        var nameFr: String
        var nameEn: String
        var objectivesFr: String
        var objectivesEn: String
        var rulesFr: String
        var rulesEn: String
        var measure: String?
        var allocation: AllocationMode
        var indicator: String?
        var terms: AidTerms
        var eligibility: EligibilityRules
        var grid: ScoringGrid
        var fields: [RequestField]
        /// The accountability report's indicators.
        var indicators: [RequestField]?
        var eligibleCostsFr: String
        var eligibleCostsEn: String
    }

    static func seeds() throws -> [Seed] {
        guard let url = Bundle.module.url(forResource: "programs", withExtension: "json", subdirectory: "Resources/Grants") else {
            return []
        }
        return try JSONDecoder().decode([Seed].self, from: Data(contentsOf: url))
    }
}
