import Foundation

/// Where a municipal request stands.
public enum RequestStatus: String, CaseIterable, Codable, Sendable {
    case received, inTriage, assigned, inAnalysis, awaitingMunicipality, answered, closed, reopened, transferred, merged

    /// Finished for the ministry: nothing runs, nothing is due.
    public var isFinal: Bool { self == .closed || self == .transferred || self == .merged }

    /// The service clock is stopped: the ministry waits for the municipality, or it is over.
    public var clockStopped: Bool { self == .awaitingMunicipality || isFinal || self == .answered }
}

/// Who moves a request: the people who triage (BCAM coordination, a directorate's liaison agents),
/// the people who handle it (the assignee: agent, analyst), the municipality that filed it (or its
/// mandataire), or Passerelle itself (timers).
public enum RequestParty: String, CaseIterable, Codable, Sendable {
    case triage, handler, requester, system
}

/// What happens to a request.
public enum RequestEvent: String, CaseIterable, Codable, Sendable {
    case startTriage, assign, startAnalysis, askMunicipality, municipalityReplies, answer, close, reopen, transfer, merge
}

/// The workflow of a municipal request: which event moves which status, and who may cause it.
/// Every transition the app makes goes through `next`; anything else is refused with the reason.
public enum RequestWorkflow {
    public struct Transition: Sendable, Equatable {
        public let from: Set<RequestStatus>
        public let event: RequestEvent
        public let to: RequestStatus
        public let parties: Set<RequestParty>
    }

    static let open: Set<RequestStatus> = [.received, .inTriage, .assigned, .inAnalysis, .awaitingMunicipality, .reopened]

    public static let transitions: [Transition] = [
        Transition(from: [.received, .reopened], event: .startTriage, to: .inTriage, parties: [.triage]),
        Transition(from: [.received, .inTriage, .assigned, .inAnalysis, .reopened], event: .assign, to: .assigned,
                   parties: [.triage]),
        Transition(from: [.assigned, .reopened], event: .startAnalysis, to: .inAnalysis, parties: [.handler, .triage]),
        Transition(from: [.assigned, .inAnalysis], event: .askMunicipality, to: .awaitingMunicipality,
                   parties: [.handler, .triage]),
        Transition(from: [.awaitingMunicipality], event: .municipalityReplies, to: .inAnalysis, parties: [.requester]),
        Transition(from: [.assigned, .inAnalysis], event: .answer, to: .answered, parties: [.handler, .triage]),
        Transition(from: [.answered], event: .close, to: .closed, parties: [.handler, .triage, .requester, .system]),
        Transition(from: [.answered, .closed], event: .reopen, to: .reopened, parties: [.requester, .triage]),
        Transition(from: open, event: .transfer, to: .transferred, parties: [.triage]),
        Transition(from: open, event: .merge, to: .merged, parties: [.triage]),
    ]

    public enum Refusal: Error, Equatable, Sendable {
        /// The event does not apply to a request in this status.
        case notFrom(RequestStatus, RequestEvent)
        /// This party may not cause this event.
        case notAllowed(RequestParty, RequestEvent)
    }

    /// The status after `event`, or why it is refused.
    public static func next(from status: RequestStatus, on event: RequestEvent, by party: RequestParty)
        -> Result<RequestStatus, Refusal> {
        guard let transition = transitions.first(where: { $0.event == event && $0.from.contains(status) }) else {
            return .failure(.notFrom(status, event))
        }
        guard transition.parties.contains(party) else { return .failure(.notAllowed(party, event)) }
        return .success(transition.to)
    }

    /// The events this party may cause now (the buttons a page shows).
    public static func events(from status: RequestStatus, by party: RequestParty) -> [RequestEvent] {
        transitions.filter { $0.from.contains(status) && $0.parties.contains(party) }.map(\.event)
    }
}

/// The service clock of a request, in Québec working days: it runs from filing, stops while the
/// ministry waits for the municipality, and stops for good when the request is answered or
/// finished. The expected answer date moves by the working days spent waiting.
public struct ServiceClock: Sendable, Equatable {
    /// A status taken on a date.
    public struct Step: Sendable, Equatable {
        public let status: RequestStatus
        public let on: CalendarDate

        public init(_ status: RequestStatus, on: CalendarDate) {
            self.status = status
            self.on = on
        }
    }

    public let filedOn: CalendarDate
    /// Working days the type allows for an answer.
    public let targetDays: Int
    /// Of those, the working days triage may take (the rest is the analysis stage's).
    public let triageDays: Int
    public let steps: [Step]

    public init(filedOn: CalendarDate, targetDays: Int, triageDays: Int = 0, steps: [Step]) {
        self.filedOn = filedOn
        self.targetDays = targetDays
        self.triageDays = min(max(triageDays, 0), targetDays)
        self.steps = steps.sorted { $0.on < $1.on }
    }

    /// Working days spent in each status up to `today`.
    public func spent(on today: CalendarDate, in days: WorkingDays) -> [RequestStatus: Int] {
        var spent: [RequestStatus: Int] = [:]
        var status = RequestStatus.received
        var since = filedOn
        for step in steps + [Step(status, on: today)] {
            let end = min(step.on, today)
            spent[status, default: 0] += days.count(from: since, to: end)
            status = step.status
            since = max(since, end)
        }
        return spent
    }

    /// Working days the clock ran up to `today`, and the working days it stood still waiting for
    /// the municipality.
    public func elapsed(on today: CalendarDate, in days: WorkingDays) -> (running: Int, paused: Int) {
        var running = 0, paused = 0
        for (status, span) in spent(on: today, in: days) {
            if status == .awaitingMunicipality { paused += span } else if !status.clockStopped { running += span }
        }
        return (running, paused)
    }

    /// The stages the service standard sets a target for: triage (until someone is assigned,
    /// again after a reopening) and analysis (until the answer).
    public enum Stage: String, CaseIterable, Sendable {
        case triage, analysis

        /// The stage a status counts in, if its time counts at all.
        public init?(_ status: RequestStatus) {
            switch status {
            case .received, .inTriage, .reopened: self = .triage
            case .assigned, .inAnalysis: self = .analysis
            case .awaitingMunicipality, .answered, .closed, .transferred, .merged: return nil
            }
        }
    }

    /// How one stage stands against its target.
    public struct StageReport: Sendable, Equatable {
        public let stage: Stage
        /// Working days spent in the stage so far.
        public let used: Int
        public let target: Int
        /// The request is in this stage now.
        public let current: Bool

        public var overdue: Bool { used > target }
    }

    /// Each stage's working days against its target, in order.
    public func stages(on today: CalendarDate, in days: WorkingDays) -> [StageReport] {
        let spent = spent(on: today, in: days)
        let now = (steps.last?.status).flatMap(Stage.init) ?? (steps.isEmpty ? .triage : nil)
        return Stage.allCases.map { stage in
            let used = spent.filter { Stage($0.key) == stage }.map(\.value).reduce(0, +)
            let target = stage == .triage ? triageDays : targetDays - triageDays
            return StageReport(stage: stage, used: used, target: target, current: now == stage)
        }
    }

    /// The date the answer is expected: the target counted from filing, pushed back by every
    /// working day spent waiting for the municipality.
    public func expectedOn(on today: CalendarDate, in days: WorkingDays) -> CalendarDate {
        days.adding(targetDays + elapsed(on: today, in: days).paused, to: filedOn)
    }

    public enum Standing: String, Sendable { case onTime, dueSoon, overdue, stopped }

    /// On time, due within `soon` working days, or overdue; stopped once answered or finished, or
    /// while waiting.
    public func standing(on today: CalendarDate, in days: WorkingDays, soon: Int = 2) -> Standing {
        if let last = steps.last?.status, last.clockStopped { return .stopped }
        let expected = expectedOn(on: today, in: days)
        if today > expected { return .overdue }
        return days.count(from: today, to: expected) <= soon ? .dueSoon : .onTime
    }
}
