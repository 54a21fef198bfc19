import Foundation
import TrisamContracts

/// One rule firing for one person.
public struct RuleFinding: Codable, Sendable, Equatable {
    /// The rule id, e.g. `grey-zone` (stable, kebab-case).
    public var rule: String
    public var severity: FlagSeverity
    /// The rule's Swedish title.
    public var title: String
    /// One Swedish sentence about this person: why they are stuck and which agency should act.
    public var explanation: String
    /// The agencies that should act.
    public var agencies: [Agency]
    /// Ids of the events that made the rule fire (at most 200).
    public var evidence: [String]
    /// When the condition began (for age), derived from event times and dates.
    public var since: Date

    public init(
        rule: String, severity: FlagSeverity, title: String, explanation: String, agencies: [Agency], evidence: [String], since: Date
    ) {
        self.rule = rule
        self.severity = severity
        self.title = title
        self.explanation = explanation
        self.agencies = agencies
        self.evidence = evidence
        self.since = since
    }
}

/// The result of evaluating every enabled rule for one person at one moment.
public struct RuleEvaluation: Sendable, Equatable {
    /// At most one finding per rule id, in catalogue order.
    public var findings: [RuleFinding]
    /// The earliest future moment at which the result can change without a new event (a threshold
    /// passes), or nil. The service re-evaluates the person then.
    public var nextCheck: Date?

    public init(findings: [RuleFinding], nextCheck: Date?) {
        self.findings = findings
        self.nextCheck = nextCheck
    }
}

/// A rule as coordinators read it in the catalogue.
public struct RuleDescription: Codable, Sendable, Equatable {
    public var id: String
    /// Swedish title.
    public var title: String
    /// Swedish: what it means and why it matters.
    public var explanation: String
    public var severity: FlagSeverity
    /// Where the reports describe it, e.g. `002:L83` (seed report and line).
    public var source: String

    public init(id: String, title: String, explanation: String, severity: FlagSeverity, source: String) {
        self.id = id
        self.title = title
        self.explanation = explanation
        self.severity = severity
        self.source = source
    }
}
