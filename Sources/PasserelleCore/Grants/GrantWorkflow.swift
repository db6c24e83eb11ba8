import Foundation

/// An application's workflow, as data a program carries (after Hypha): phases with stable ids and
/// the events that move between them, each allowed to some actors only. A program keeps the
/// version it was published with; an application records the version it follows, so that changing
/// a program's workflow never moves an application already under way.
public struct GrantWorkflow: Codable, Sendable, Equatable {
    public enum Actor: String, Codable, Sendable, CaseIterable {
        /// The applicant (a member of the applying body or its mandataire).
        case applicant
        case programManager = "program_manager"
        case evaluator
        case financeOfficer = "finance_officer"
        /// Passerelle itself (the eligibility screening, the last score).
        case system
    }

    public struct Phase: Codable, Sendable, Equatable {
        /// Stable: `in_evaluation`. Applications store it; a new version may rename a phase, never re-use its id.
        public var id: String
        public var nameFr: String
        public var nameEn: String
        public var isFinal: Bool
        /// The applicant may change the application (a draft, or the fields asked in a request for changes).
        public var applicantEdits: Bool

        public init(id: String, nameFr: String, nameEn: String, isFinal: Bool = false, applicantEdits: Bool = false) {
            self.id = id
            self.nameFr = nameFr
            self.nameEn = nameEn
            self.isFinal = isFinal
            self.applicantEdits = applicantEdits
        }

        public func name(_ language: Language) -> String { language == .enCA ? nameEn : nameFr }
    }

    public struct Transition: Codable, Sendable, Equatable {
        public var event: String
        public var from: [String]
        public var to: String
        public var by: [Actor]

        public init(_ event: String, from: [String], to: String, by: [Actor]) {
            self.event = event
            self.from = from
            self.to = to
            self.by = by
        }
    }

    public enum Refusal: Error, Equatable, Sendable {
        case unknownEvent
        case notFromPhase
        case notAllowed
    }

    public var code: String
    public var version: Int
    public var initial: String
    public var phases: [Phase]
    public var transitions: [Transition]

    public init(code: String, version: Int, initial: String, phases: [Phase], transitions: [Transition]) {
        self.code = code
        self.version = version
        self.initial = initial
        self.phases = phases
        self.transitions = transitions
    }

    public func phase(_ id: String) -> Phase? { phases.first { $0.id == id } }

    /// Where an event takes an application, if this actor may send it from this phase.
    public func next(from phase: String, on event: String, by actor: Actor) -> Result<String, Refusal> {
        let matching = transitions.filter { $0.event == event }
        guard !matching.isEmpty else { return .failure(.unknownEvent) }
        let fromHere = matching.filter { $0.from.contains(phase) }
        guard !fromHere.isEmpty else { return .failure(.notFromPhase) }
        guard let transition = fromHere.first(where: { $0.by.contains(actor) }) else { return .failure(.notAllowed) }
        return .success(transition.to)
    }

    /// The events an actor may send from a phase.
    public func events(from phase: String, by actor: Actor) -> [String] {
        transitions.filter { $0.from.contains(phase) && $0.by.contains(actor) }.map(\.event)
    }

    /// What is wrong with the workflow itself: phases repeated, transitions to or from unknown
    /// phases, an initial phase that does not exist, events leaving a final phase.
    public var problems: [String] {
        var found: [String] = []
        let ids = phases.map(\.id)
        if Set(ids).count != ids.count { found.append("phases repeated") }
        if phase(initial) == nil { found.append("initial phase \(initial) unknown") }
        for t in transitions {
            for id in t.from + [t.to] where phase(id) == nil { found.append("\(t.event): phase \(id) unknown") }
            for id in t.from where phase(id)?.isFinal == true { found.append("\(t.event) leaves final phase \(id)") }
        }
        return found
    }

    /// The standard workflow of a competitive call (version 1). Phase ids are stable.
    public static let standard = GrantWorkflow(code: "standard", version: 1, initial: "draft", phases: [
        Phase(id: "draft", nameFr: "Brouillon", nameEn: "Draft", applicantEdits: true),
        Phase(id: "submitted", nameFr: "Déposée", nameEn: "Submitted"),
        Phase(id: "ineligible", nameFr: "Non admissible", nameEn: "Ineligible", isFinal: true),
        Phase(id: "changes_requested", nameFr: "Modifications demandées", nameEn: "Changes requested", applicantEdits: true),
        Phase(id: "in_evaluation", nameFr: "En évaluation", nameEn: "Under evaluation"),
        Phase(id: "evaluated", nameFr: "Évaluée", nameEn: "Evaluated"),
        Phase(id: "pending_approval", nameFr: "En attente d'une deuxième approbation", nameEn: "Awaiting a second approval"),
        Phase(id: "approved", nameFr: "Acceptée", nameEn: "Approved", isFinal: true),
        Phase(id: "refused", nameFr: "Refusée", nameEn: "Refused", isFinal: true),
        Phase(id: "waitlisted", nameFr: "En liste d'attente", nameEn: "Wait-listed"),
        Phase(id: "withdrawn", nameFr: "Retirée", nameEn: "Withdrawn", isFinal: true),
    ], transitions: [
        Transition("submit", from: ["draft"], to: "submitted", by: [.applicant]),
        Transition("screen_pass", from: ["submitted"], to: "in_evaluation", by: [.system]),
        Transition("screen_fail", from: ["submitted"], to: "ineligible", by: [.system]),
        Transition("request_changes", from: ["submitted", "in_evaluation", "evaluated"], to: "changes_requested",
                   by: [.programManager]),
        Transition("resubmit", from: ["changes_requested"], to: "submitted", by: [.applicant]),
        Transition("evaluate", from: ["in_evaluation"], to: "evaluated", by: [.system, .programManager]),
        Transition("approve", from: ["in_evaluation", "evaluated", "waitlisted"], to: "approved",
                   by: [.programManager, .financeOfficer]),
        Transition("approve_pending", from: ["in_evaluation", "evaluated", "waitlisted"], to: "pending_approval",
                   by: [.programManager, .financeOfficer]),
        Transition("second_approval", from: ["pending_approval"], to: "approved", by: [.financeOfficer]),
        Transition("refuse", from: ["in_evaluation", "evaluated", "waitlisted", "pending_approval"], to: "refused",
                   by: [.programManager, .financeOfficer]),
        Transition("waitlist", from: ["in_evaluation", "evaluated"], to: "waitlisted", by: [.programManager]),
        Transition("withdraw", from: ["draft", "submitted", "changes_requested", "in_evaluation", "evaluated", "waitlisted"],
                   to: "withdrawn", by: [.applicant]),
    ])
}
