import Foundation

/// The territory a liaison agent covers: a whole administrative region, an MRC (or equivalent
/// territory), or a single municipality.
public enum CoverageScope: String, CaseIterable, Codable, Sendable, Comparable {
    case region, mrc, municipality

    /// The more specific scope wins: a municipality named on its own, then its MRC, then its region.
    var specificity: Int {
        switch self {
        case .region: 0
        case .mrc: 1
        case .municipality: 2
        }
    }

    public static func < (a: CoverageScope, b: CoverageScope) -> Bool { a.specificity < b.specificity }
}

/// One line of the liaison network: who covers a territory, and who stands in for them.
public struct Coverage<Person: Hashable & Sendable>: Sendable, Equatable {
    public let scope: CoverageScope
    /// The region's code (`01`), the MRC's code (`120`) or the municipality's geographic code.
    public let code: String
    public let agent: Person
    public let backup: Person?

    public init(scope: CoverageScope, code: String, agent: Person, backup: Person?) {
        self.scope = scope
        self.code = code
        self.agent = agent
        self.backup = backup
    }
}

/// Where a municipality sits: what the network is looked up by.
public struct Place: Sendable, Equatable {
    public let municipality: String?
    public let mrc: String?
    public let region: String?

    public init(municipality: String?, mrc: String?, region: String?) {
        self.municipality = municipality
        self.mrc = mrc
        self.region = region
    }
}

public enum LiaisonNetwork {
    /// The line that covers a place: its own, else its MRC's, else its region's.
    public static func covering<Person>(_ place: Place, in lines: [Coverage<Person>]) -> Coverage<Person>? {
        let wanted: [(CoverageScope, String?)] = [(.municipality, place.municipality), (.mrc, place.mrc), (.region, place.region)]
        for (scope, code) in wanted {
            guard let code else { continue }
            if let line = lines.first(where: { $0.scope == scope && $0.code == code }) { return line }
        }
        return nil
    }
}
