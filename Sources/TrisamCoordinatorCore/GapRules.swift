import Foundation
import TrisamContracts

/// The gap rules: given a person's state and the moment, which rules fire, and when to look again.
///
/// Days are Europe/Stockholm calendar days. A threshold of N days counted from a day D is passed
/// on day D + N (from local midnight); an "answer by" day B is passed on B + 1. `nextCheck` is the
/// local midnight of the earliest later day on which any rule's outcome can change.
public struct GapRules: Sendable {
    public let configuration: RuleConfiguration

    public init(configuration: RuleConfiguration = .defaults) {
        self.configuration = configuration
    }

    /// The catalogue as coordinators read it, with the configured severity.
    public var descriptions: [RuleDescription] {
        RuleCatalogue.all.map { spec in
            RuleDescription(id: spec.id, title: spec.title, explanation: spec.explanation,
                            severity: configuration.settings(spec.id).severity, source: spec.source)
        }
    }

    /// Pure: the same state and `now` always give the same result.
    public func evaluate(_ state: PersonState, now: Date) -> RuleEvaluation {
        var context = RuleContext(state: state, today: StockholmTime.date(of: now))
        var findings: [RuleFinding] = []
        for spec in RuleCatalogue.all {
            let settings = configuration.settings(spec.id)
            guard settings.enabled else { continue }
            let thresholds = Thresholds(rule: spec.id, configuration: configuration)
            guard let hit = Self.check(spec.id, &context, thresholds) else { continue }
            if hit.firesOn > context.today {
                context.wake(on: hit.firesOn)
                continue
            }
            var evidence: [String] = []
            var seen = Set<String>()
            for id in hit.evidence where seen.insert(id).inserted {
                evidence.append(id)
                if evidence.count == PersonState.maxEvidence { break }
            }
            findings.append(RuleFinding(
                rule: spec.id, severity: settings.severity, title: spec.title, explanation: hit.explanation,
                agencies: hit.agencies.uniqued(), evidence: evidence, since: StockholmTime.startOfDay(hit.since)))
        }
        return RuleEvaluation(findings: findings, nextCheck: context.wakeDay.map(StockholmTime.startOfDay))
    }

    /// Runs one rule's check.
    static func check(_ id: String, _ c: inout RuleContext, _ t: Thresholds) -> Hit? {
        switch id {
        case RuleId.greyZone: greyZone(&c, t)
        case RuleId.afDeregisteredNoTakeover: afDeregisteredNoTakeover(&c, t)
        case RuleId.handoverNotOpened: handoverNotOpened(&c, t)
        case RuleId.aktivitetsersattningNoActivity: aktivitetsersattningNoActivity(&c, t)
        case RuleId.benefitEndingNoPlan: benefitEndingNoPlan(&c, t)
        case RuleId.referralUnanswered: referralUnanswered(&c, t)
        case RuleId.referralRejectedNoNextStep: referralRejectedNoNextStep(&c, t)
        case RuleId.sickNoteLapsed: sickNoteLapsed(&c, t)
        case RuleId.pingPong: pingPong(&c, t)
        case RuleId.conflictingDemands: conflictingDemands(&c, t)
        case RuleId.longTermBistandNoMeasure: longTermBistandNoMeasure(&c, t)
        case RuleId.illHealthNoSip: illHealthNoSip(&c, t)
        case RuleId.sipInvitationUnanswered: sipInvitationUnanswered(&c, t)
        case RuleId.sipNotHeld: sipNotHeld(&c, t)
        case RuleId.planWithoutLead: planWithoutLead(&c, t)
        case RuleId.planActionOverdue: planActionOverdue(&c, t)
        case RuleId.planActionOwnerClosed: planActionOwnerClosed(&c, t)
        case RuleId.noNamedContact: noNamedContact(&c, t)
        default: nil
        }
    }
}

/// A rule's condition holding for the person: it fires from `firesOn` (today or earlier: now).
struct Hit {
    /// The day the condition began.
    var since: LocalDate
    /// The day the rule fires (since + a threshold).
    var firesOn: LocalDate
    var explanation: String
    var agencies: [Agency]
    var evidence: [String]
}

/// A rule's thresholds, read by name.
struct Thresholds {
    let rule: String
    let configuration: RuleConfiguration

    subscript(_ name: String) -> Int { configuration.threshold(rule, name) }
}

/// What a rule sees: the state and today, and where it notes the days its outcome can change.
struct RuleContext {
    let state: PersonState
    let today: LocalDate
    /// The earliest day after today on which some outcome can change.
    private(set) var wakeDay: LocalDate?

    init(state: PersonState, today: LocalDate) {
        self.state = state
        self.today = today
    }

    /// Notes a day on which an outcome can change (ignored unless after today).
    mutating func wake(on day: LocalDate) {
        guard day > today else { return }
        if wakeDay.map({ day < $0 }) ?? true { wakeDay = day }
    }

    /// Whether a day range holds today, noting the days it starts and stops holding.
    mutating func holds(from: LocalDate, through until: LocalDate) -> Bool {
        wake(on: from)
        wake(on: until.adding(days: 1))
        return from <= today && today <= until
    }
}

extension Array where Element: Equatable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var result: [Element] = []
        for element in self where !result.contains(element) { result.append(element) }
        return result
    }
}

extension LocalDate {
    /// The date as Swedish staff write it, e.g. 2026-11-24.
    var sv: String { description }
}
