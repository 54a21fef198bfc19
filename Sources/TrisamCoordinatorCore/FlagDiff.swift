import Foundation
import TrisamContracts

/// Pure: compares a person's rule findings with the flags open for them and says which flags to
/// raise, update and resolve, with the flag events to publish. Flag ids are derived from the
/// person, the rule and how many times that rule was raised for the person before, so replaying
/// the same events yields the same ids, and the same condition never raises a second flag.
public struct FlagDiff: Sendable, Equatable {
    /// A flag to raise: its id, the finding (evidence cut to what the event carries) and the
    /// `FlagRaised` event.
    public struct Raise: Sendable, Equatable {
        public var flagId: String
        public var clientRef: ClientRef
        public var finding: RuleFinding
        public var event: EventEnvelope
    }
    /// An open flag whose finding changed (severity, text, agencies or evidence).
    public struct Update: Sendable, Equatable {
        public var flagId: String
        public var finding: RuleFinding

        public init(flagId: String, finding: RuleFinding) {
            self.flagId = flagId
            self.finding = finding
        }
    }
    /// An open flag whose condition no longer holds, with the `FlagResolved` event.
    public struct Resolve: Sendable, Equatable {
        public var flagId: String
        public var rule: String
        public var resolution: String
        public var evidence: [String]
        public var event: EventEnvelope
    }

    public var raises: [Raise] = []
    public var updates: [Update] = []
    public var resolves: [Resolve] = []

    public init() {}

    /// Whether nothing changed.
    public var isEmpty: Bool { raises.isEmpty && updates.isEmpty && resolves.isEmpty }

    /// The flag id of the `occurrence`-th (0-based) raise of `rule` for `clientRef`.
    public static func flagId(clientRef: ClientRef, rule: String, occurrence: Int) -> String {
        "\(clientRef.rawValue):\(rule):\(occurrence)"
    }

    /// A short stable digest of what the API shows of a finding, to skip unchanged updates.
    public static func fingerprint(_ finding: RuleFinding) -> String {
        var hasher = StableHasher()
        hasher.combine(finding.severity.rawValue)
        hasher.combine(finding.title)
        hasher.combine(finding.explanation)
        hasher.combine(finding.agencies.map(\.rawValue).joined(separator: ","))
        for id in finding.evidence { hasher.combine(id) }
        return hasher.shortDigest
    }

    /// - Parameters:
    ///   - findings: the current findings (at most one per rule).
    ///   - flags: the person's flag bookkeeping; updated in place.
    ///   - trigger: ids of the events that caused this evaluation (evidence of a resolution);
    ///     empty when the clock caused it.
    ///   - now: the coordinator's time (the flag events' time).
    ///   - resolution: the resolution of the flags resolved, when the cause is known (consent
    ///     that ended); otherwise a general one.
    public static func compute(
        clientRef: ClientRef, findings: [RuleFinding], flags: inout PersonFlags,
        trigger: [String], now: Date, resolution given: String? = nil
    ) -> FlagDiff {
        var diff = FlagDiff()
        // Few findings and few open flags per person: sorted arrays, not dictionaries.
        var current: [RuleFinding] = []
        for finding in findings.sorted(by: { $0.rule < $1.rule }) where current.last?.rule != finding.rule {
            current.append(finding)
        }

        for finding in current {
            let rule = finding.rule
            let fingerprint = Self.fingerprint(finding)
            if let open = flags.open[rule] {
                if open.fingerprint != fingerprint {
                    diff.updates.append(Update(flagId: open.flagId, finding: finding))
                    flags.open[rule]?.fingerprint = fingerprint
                }
                continue
            }
            let occurrence = flags.raised[rule, default: 0]
            let flagId = flagId(clientRef: clientRef, rule: rule, occurrence: occurrence)
            flags.raised[rule] = occurrence + 1
            flags.open[rule] = PersonFlags.Open(flagId: flagId, since: finding.since, fingerprint: fingerprint)
            let evidence = Array(finding.evidence.prefix(200))
            let payload = FlagRaised(
                flagId: flagId, rule: rule, severity: finding.severity, title: finding.title,
                explanation: finding.explanation, agencies: finding.agencies, evidence: evidence)
            let event = EventEnvelope(
                id: "\(flagId):raised", source: .coordinator, time: now, subject: clientRef,
                event: .flagRaised(payload))
            var raised = finding
            raised.evidence = evidence
            diff.raises.append(Raise(flagId: flagId, clientRef: clientRef, finding: raised, event: event))
        }
        for rule in flags.open.keys.sorted() where !current.contains(where: { $0.rule == rule }) {
            let open = flags.open.removeValue(forKey: rule)!
            let evidence = Array(trigger.suffix(200))
            let resolution =
                given
                ?? Svenska.conditionOver(byTime: trigger.isEmpty)
            let payload = FlagResolved(flagId: open.flagId, rule: rule, resolution: resolution, evidence: evidence)
            let event = EventEnvelope(
                id: "\(open.flagId):resolved", source: .coordinator, time: now, subject: clientRef,
                event: .flagResolved(payload))
            diff.resolves.append(Resolve(flagId: open.flagId, rule: rule, resolution: resolution, evidence: evidence, event: event))
        }
        return diff
    }
}
