import Foundation

/// What a program pays: a share of the eligible costs up to a ceiling, and, when the program sets
/// one, a limit on the total public aid a project may stack (« cumul des aides »).
public struct AidTerms: Codable, Sendable, Equatable {
    /// Basis points of the eligible costs: 5000 is 50 %.
    public var rateBasisPoints: Int
    public var ceilingCents: Int64
    /// Basis points of the eligible costs that all public aid together may reach; nil: no limit.
    public var stackingLimitBasisPoints: Int?

    public init(rateBasisPoints: Int, ceilingCents: Int64, stackingLimitBasisPoints: Int? = nil) {
        self.rateBasisPoints = rateBasisPoints
        self.ceilingCents = ceilingCents
        self.stackingLimitBasisPoints = stackingLimitBasisPoints
    }

    /// The most the program may give: the rate of the eligible costs (rounded down to the cent),
    /// at most the ceiling, at most what other public aid leaves under the stacking limit, and
    /// never more than the costs the other funding leaves unpaid. Never below zero.
    public func maximumAid(eligibleCosts: Money, otherPublicFunding: Money = Money(cents: 0),
                           otherFunding: Money = Money(cents: 0)) -> Money {
        let costs = max(eligibleCosts.cents, 0)
        var aid = min(Self.share(costs, rateBasisPoints), ceilingCents)
        if let limit = stackingLimitBasisPoints {
            aid = min(aid, Self.share(costs, limit) - otherPublicFunding.cents)
        }
        aid = min(aid, costs - otherPublicFunding.cents - otherFunding.cents)
        return Money(cents: max(aid, 0))
    }

    /// `cents × basisPoints / 10 000`, rounded down, without overflow.
    static func share(_ cents: Int64, _ basisPoints: Int) -> Int64 {
        let product = cents.multipliedFullWidth(by: Int64(basisPoints))
        return Int64(10_000).dividingFullWidth(product).quotient
    }
}

/// One line of an application's budget table.
public struct BudgetLine: Codable, Sendable, Equatable {
    public var label: String
    public var cents: Int64
    /// For a funding line: public money (another program, another government), counted in the stacking limit.
    public var isPublic: Bool

    public init(label: String, cents: Int64, isPublic: Bool = false) {
        self.label = label
        self.cents = cents
        self.isPublic = isPublic
    }
}

/// An application's budget: its eligible costs, the other funding, the aid requested.
public struct GrantBudget: Codable, Sendable, Equatable {
    public var costs: [BudgetLine]
    public var funding: [BudgetLine]
    public var requestedCents: Int64

    public init(costs: [BudgetLine] = [], funding: [BudgetLine] = [], requestedCents: Int64 = 0) {
        self.costs = costs
        self.funding = funding
        self.requestedCents = requestedCents
    }

    public var eligibleCosts: Money { Money(cents: costs.reduce(0) { $0 + $1.cents }) }
    public var publicFunding: Money { Money(cents: funding.filter(\.isPublic).reduce(0) { $0 + $1.cents }) }
    public var privateFunding: Money { Money(cents: funding.filter { !$0.isPublic }.reduce(0) { $0 + $1.cents }) }

    /// The most this budget may ask of a program with these terms.
    public func maximum(_ terms: AidTerms) -> Money {
        terms.maximumAid(eligibleCosts: eligibleCosts, otherPublicFunding: publicFunding, otherFunding: privateFunding)
    }
}

/// A document a program requires with every application.
public struct DocumentRequirement: Codable, Sendable, Equatable {
    public var code: String
    public var nameFr: String
    public var nameEn: String

    public init(code: String, nameFr: String, nameEn: String) {
        self.code = code
        self.nameFr = nameFr
        self.nameEn = nameEn
    }

    public func name(_ language: Language) -> String { language == .enCA ? nameEn : nameFr }
}

/// Who may apply to a program.
public struct EligibilityRules: Codable, Sendable, Equatable {
    /// Kinds of organisation (municipality, mrc, partner).
    public var kinds: [OrganisationKind]
    /// Administrative region codes (`01`…`17`); empty: every region.
    public var regions: [String]
    /// The smallest project, in eligible costs.
    public var minimumCostsCents: Int64
    public var documents: [DocumentRequirement]

    public init(kinds: [OrganisationKind], regions: [String] = [], minimumCostsCents: Int64 = 0,
                documents: [DocumentRequirement] = []) {
        self.kinds = kinds
        self.regions = regions
        self.minimumCostsCents = minimumCostsCents
        self.documents = documents
    }
}

/// The facts about an applicant that eligibility reads.
public struct ApplicantFacts: Sendable, Equatable {
    public var name: String
    public var kind: OrganisationKind
    public var region: String?

    public init(name: String, kind: OrganisationKind, region: String?) {
        self.name = name
        self.kind = kind
        self.region = region
    }
}

/// Automatic eligibility screening: every rule that fails, each with its reason (a catalog key and
/// its arguments), never only the first.
public enum Eligibility {
    public struct Failure: Equatable, Sendable {
        /// `kind`, `region`, `costs`, `document`.
        public let rule: String
        public let key: String
        public let arguments: [String: String]

        public init(rule: String, key: String, arguments: [String: String]) {
            self.rule = rule
            self.key = key
            self.arguments = arguments
        }
    }

    public static func screen(_ rules: EligibilityRules, applicant: ApplicantFacts, coApplicants: [ApplicantFacts] = [],
                              eligibleCosts: Money, documents: Set<String>, language: Language = .frCA) -> [Failure] {
        var failures: [Failure] = []
        let kindNames = rules.kinds.map { "grants.kind.\($0.rawValue)" }
        for party in [applicant] + coApplicants {
            if !rules.kinds.contains(party.kind) {
                failures.append(Failure(rule: "kind", key: "grants.eligibility.kind",
                                        arguments: ["name": party.name, "kind": "grants.kind.\(party.kind.rawValue)",
                                                    "kinds": kindNames.joined(separator: ",")]))
            }
            if !rules.regions.isEmpty && !(party.region.map(rules.regions.contains) ?? false) {
                failures.append(Failure(rule: "region", key: "grants.eligibility.region",
                                        arguments: ["name": party.name, "region": party.region ?? "—",
                                                    "regions": rules.regions.joined(separator: ", ")]))
            }
        }
        if eligibleCosts.cents < max(rules.minimumCostsCents, 1) {
            failures.append(Failure(rule: "costs", key: "grants.eligibility.costs",
                                    arguments: ["minimum": String(max(rules.minimumCostsCents, 1))]))
        }
        for document in rules.documents where !documents.contains(document.code) {
            failures.append(Failure(rule: "document", key: "grants.eligibility.document",
                                    arguments: ["document": document.name(language)]))
        }
        return failures
    }
}

/// One criterion of a program's scoring grid.
public struct Criterion: Codable, Sendable, Equatable {
    /// Stable within its grid: `securite`.
    public var code: String
    public var nameFr: String
    public var nameEn: String
    /// Its share of the consolidated score, in points of 100 (the weights of a grid add up to 100).
    public var weight: Int
    /// The highest score an evaluator may give (scores run from 0).
    public var maxScore: Int

    public init(code: String, nameFr: String, nameEn: String, weight: Int, maxScore: Int) {
        self.code = code
        self.nameFr = nameFr
        self.nameEn = nameEn
        self.weight = weight
        self.maxScore = maxScore
    }

    public func name(_ language: Language) -> String { language == .enCA ? nameEn : nameFr }
}

/// A program's scoring grid. Each evaluator scores every criterion; the consolidated score is, for
/// each criterion, the evaluators' mean as a share of its maximum times its weight, summed — out
/// of 100, kept in ten-thousandths of a point (`1_000_000` is 100) so that ranking never rounds.
public struct ScoringGrid: Codable, Sendable, Equatable {
    public var criteria: [Criterion]

    public init(criteria: [Criterion]) { self.criteria = criteria }

    public static let unit: Int64 = 10_000

    /// Problems of the grid itself, as catalog keys: weights not adding to 100, a maximum below 1, a code repeated.
    public var problems: [String] {
        var found: [String] = []
        if criteria.isEmpty { found.append("grants.grid.empty") }
        if !criteria.isEmpty && criteria.reduce(0, { $0 + $1.weight }) != 100 { found.append("grants.grid.weights") }
        if criteria.contains(where: { $0.maxScore < 1 || $0.weight < 0 }) { found.append("grants.grid.maximum") }
        if Set(criteria.map(\.code)).count != criteria.count { found.append("grants.grid.codes") }
        return found
    }

    /// Each criterion's part of the consolidated score, in ten-thousandths of a point, from every
    /// evaluator's scores (one array per evaluator, in the grid's order). Nil without any score.
    public func parts(_ scores: [[Int]]) -> [Int64]? {
        let complete = scores.filter { $0.count == criteria.count }
        guard !complete.isEmpty else { return nil }
        let n = Int64(complete.count)
        return criteria.enumerated().map { index, criterion in
            let sum = complete.reduce(Int64(0)) { $0 + Int64(min(max($1[index], 0), criterion.maxScore)) }
            return sum * Int64(criterion.weight) * Self.unit / (n * Int64(criterion.maxScore))
        }
    }

    /// A score within its criterion's range.
    public func accepts(_ score: Int, at index: Int) -> Bool {
        index < criteria.count && (0...criteria[index].maxScore).contains(score)
    }
}

/// Ranking a call's applications within its envelope (PAMAM 5.1: prioritising the road-safety fund's
/// projects): the highest consolidated score first, and the cut line where the money runs out.
///
/// Ties are broken, in order, by: (1) the parts of the score in the grid's order (the first
/// criterion is the program's priority); (2) the earlier submission; (3) the smaller amount
/// requested; (4) the file number. The order is therefore total and the same on every run.
public enum Ranking {
    public struct Entry: Sendable, Equatable {
        public var number: String
        public var score: Int64
        public var parts: [Int64]
        /// Milliseconds since 1970.
        public var submittedAt: Int64
        public var requestedCents: Int64

        public init(number: String, score: Int64, parts: [Int64], submittedAt: Int64, requestedCents: Int64) {
            self.number = number
            self.score = score
            self.parts = parts
            self.submittedAt = submittedAt
            self.requestedCents = requestedCents
        }
    }

    public struct Ranked: Sendable, Equatable {
        public var entry: Entry
        public var rank: Int
        /// What this one and all above it ask together.
        public var cumulativeCents: Int64
        /// Above the cut line: the envelope pays it in full.
        public var funded: Bool
        /// The tie-break rule (1–4) that put it below the one before it with the same score; nil when the scores differ.
        public var tieBrokenBy: Int?

        public init(entry: Entry, rank: Int, cumulativeCents: Int64, funded: Bool, tieBrokenBy: Int?) {
            self.entry = entry
            self.rank = rank
            self.cumulativeCents = cumulativeCents
            self.funded = funded
            self.tieBrokenBy = tieBrokenBy
        }
    }

    /// The rule that orders two entries: 0 by score, 1–4 by the tie-break rules; nil if identical.
    public static func rule(_ a: Entry, _ b: Entry) -> (rule: Int, aFirst: Bool)? {
        if a.score != b.score { return (0, a.score > b.score) }
        for (x, y) in zip(a.parts, b.parts) where x != y { return (1, x > y) }
        if a.submittedAt != b.submittedAt { return (2, a.submittedAt < b.submittedAt) }
        if a.requestedCents != b.requestedCents { return (3, a.requestedCents < b.requestedCents) }
        if a.number != b.number { return (4, a.number < b.number) }
        return nil
    }

    public static func precedes(_ a: Entry, _ b: Entry) -> Bool { rule(a, b)?.aFirst ?? false }

    /// The ranking and its cut line: entries are paid in order while the envelope holds their whole
    /// amount; the first that does not fit and every one after it fall below the line (a ranking
    /// is not filled in from below: wait-listed projects are decided in rank order).
    public static func rank(_ entries: [Entry], availableCents: Int64) -> [Ranked] {
        let sorted = entries.sorted(by: precedes)
        var result: [Ranked] = []
        result.reserveCapacity(sorted.count)
        var cumulative: Int64 = 0
        var open = true
        for (index, entry) in sorted.enumerated() {
            cumulative += entry.requestedCents
            if cumulative > availableCents { open = false }
            var tie: Int?
            if index > 0, let found = rule(sorted[index - 1], entry), found.rule > 0 { tie = found.rule }
            result.append(Ranked(entry: entry, rank: index + 1, cumulativeCents: cumulative, funded: open, tieBrokenBy: tie))
        }
        return result
    }
}

/// Formula allocations: an envelope shared among every eligible recipient in proportion to an
/// indicator (population, kilometres of road), by the largest-remainder method so that the shares
/// add up to the envelope to the cent. Each recipient first gets the floor when the envelope allows it.
public enum Formula {
    public static func allocate(totalCents: Int64, indicators: [(id: String, value: Int64)], floorCents: Int64 = 0) -> [String: Int64] {
        let recipients = indicators.filter { $0.value > 0 }
        guard !recipients.isEmpty, totalCents > 0 else { return Dictionary(uniqueKeysWithValues: indicators.map { ($0.id, 0) }) }
        var result = Dictionary(uniqueKeysWithValues: indicators.map { ($0.id, Int64(0)) })
        let floor = floorCents * Int64(recipients.count) <= totalCents ? floorCents : 0
        let shared = totalCents - floor * Int64(recipients.count)
        let weight = recipients.reduce(Int64(0)) { $0 + $1.value }
        var remainders: [(id: String, value: Int64, remainder: Int64)] = []
        var given: Int64 = 0
        for recipient in recipients {
            let (quotient, remainder) = weight.dividingFullWidth(shared.multipliedFullWidth(by: recipient.value))
            result[recipient.id] = floor + quotient
            given += quotient
            remainders.append((recipient.id, recipient.value, remainder))
        }
        // The cents left go one each to the largest remainders (then the largest indicator, then the id).
        remainders.sort { ($0.remainder, $0.value, $1.id) > ($1.remainder, $1.value, $0.id) }
        for index in 0..<Int(shared - given) { result[remainders[index].id, default: 0] += 1 }
        return result
    }
}

/// Spending authority: an approval above the deciding officer's limit waits for a second approval
/// by another officer whose limit covers the amount.
public enum SpendingAuthority {
    public static func needsSecondApproval(amountCents: Int64, limitCents: Int64) -> Bool { amountCents > limitCents }
    public static func mayGiveSecondApproval(amountCents: Int64, limitCents: Int64) -> Bool { amountCents <= limitCents }

    /// The largest limit among a person's finance-officer roles (zero without one).
    public static func limit(of roles: [Role]) -> Int64 {
        roles.reduce(Int64(0)) { best, role in
            if case .financeOfficer(let limit) = role { return max(best, limit) }
            return best
        }
    }
}
