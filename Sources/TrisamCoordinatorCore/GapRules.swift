import Foundation
import TrisamContracts

/// The gap rules: given a person's state and the moment, which rules fire, and when to look again.
///
/// Days are Europe/Stockholm calendar days. A threshold of N days counted from a day D is passed
/// on day D + N (from local midnight); an "answer by" day B is passed on B + 1. `nextCheck` is the
/// local midnight of the earliest later day on which any rule's outcome can change.
public struct GapRules: Sendable {
    public let configuration: RuleConfiguration
    /// The enabled rules with their settings resolved once, in catalogue order.
    let enabled: [EnabledRule]

    /// One enabled rule, shared (not copied) by every evaluation.
    final class EnabledRule: Sendable {
        let spec: RuleSpec
        let severity: FlagSeverity
        let thresholds: Thresholds
        let check: Check

        init(spec: RuleSpec, severity: FlagSeverity, thresholds: Thresholds, check: @escaping Check) {
            self.spec = spec
            self.severity = severity
            self.thresholds = thresholds
            self.check = check
        }
    }

    public init(configuration: RuleConfiguration = .defaults) {
        self.configuration = configuration
        self.enabled = RuleCatalogue.all.compactMap { spec in
            let settings = configuration.settings(spec.id)
            guard settings.enabled else { return nil }
            var values = RuleConfiguration.defaults.settings(spec.id).thresholds
            values.merge(settings.thresholds) { _, configured in configured }
            guard let check = Self.check(for: spec.id) else { return nil }
            return EnabledRule(spec: spec, severity: settings.severity, thresholds: Thresholds(values: values), check: check)
        }
    }

    /// The catalogue as coordinators read it, with the configured severity.
    public var descriptions: [RuleDescription] {
        RuleCatalogue.all.map { spec in
            RuleDescription(
                id: spec.id, title: spec.title, explanation: spec.explanation,
                severity: configuration.settings(spec.id).severity, source: spec.source)
        }
    }

    /// Pure: the same state and `now` always give the same result. The rules see only what
    /// consent lets the coordinator hold on `now`'s day (``PersonState/enforceConsent(on:)``),
    /// and a rule that rests on something missing (no benefit, no registration, no activity, no
    /// plan) is not raised while an agency that could supply it is without consent: the
    /// coordinator cannot know.
    public func evaluate(_ state: PersonState, now: Date) -> RuleEvaluation {
        let today = StockholmTime.date(of: now)
        var state = state
        state.enforceConsent(on: today)
        let withheld = state.consentEnds.isEmpty ? [] : state.agenciesWithoutConsent(on: today)
        var context = RuleContext(state: state, today: today)
        // The day a samordning consent ends, its agencies' facts go.
        for consent in state.consents where consent.purpose == .samordning {
            if let end = consent.endDay { context.wake(on: end) }
        }
        var findings: [RuleFinding] = []
        for rule in enabled {
            if !withheld.isEmpty, !withheld.isDisjoint(with: Self.absenceNeeds(rule.spec.id)) { continue }
            guard let hit = rule.check(&context, rule.thresholds) else { continue }
            if hit.firesOn > context.today {
                context.wake(on: hit.firesOn)
                continue
            }
            let evidence = Self.distinct(hit.evidence, limit: PersonState.maxEvidence)
            findings.append(
                RuleFinding(
                    rule: rule.spec.id, severity: rule.severity, title: rule.spec.title, explanation: hit.explanation.sentence,
                    agencies: hit.agencies.uniqued(), evidence: evidence, since: StockholmTime.startOfDay(hit.since)))
        }
        return RuleEvaluation(findings: findings, nextCheck: context.wakeDay.map(StockholmTime.startOfDay))
    }

    /// The ids in order, each once, at most `limit` of them.
    static func distinct(_ ids: [String], limit: Int) -> [String] {
        if ids.count <= 1 { return ids }
        if ids.count <= 16 {
            // Few ids (the usual case): a linear check costs less than hashing.
            var result: [String] = []
            result.reserveCapacity(ids.count)
            for id in ids where !result.contains(id) { result.append(id) }
            return result
        }
        var result: [String] = []
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted {
            result.append(id)
            if result.count == limit { break }
        }
        return result
    }

    /// The agencies whose facts a rule needs in order to say that something is missing: while
    /// one of them is without consent, the rule is not raised.
    static func absenceNeeds(_ id: String) -> Set<Agency> {
        switch id {
        // not at AF, no FK benefit
        case RuleId.greyZone: [.af, .fk]
        // nobody took over, no activity, no FK benefit
        case RuleId.afDeregisteredNoTakeover: Set(Agency.allCases)
        // nobody owns activity, no activity
        case RuleId.aktivitetsersattningNoActivity: Set(Agency.allCases)
        // no plan, no SIP, not at AF
        case RuleId.benefitEndingNoPlan: Set(Agency.allCases)
        // no AF programme (the kommun's own measures it knows)
        case RuleId.longTermBistandNoMeasure: [.af]
        // no SIP requested by any agency
        case RuleId.illHealthNoSip: Set(Agency.allCases)
        default: []
        }
    }

    typealias Check = @Sendable (inout RuleContext, Thresholds) -> Hit?

    /// A rule's check, resolved once when the rules are built.
    static func check(for id: String) -> Check? {
        switch id {
        case RuleId.greyZone: greyZone
        case RuleId.afDeregisteredNoTakeover: afDeregisteredNoTakeover
        case RuleId.handoverNotOpened: handoverNotOpened
        case RuleId.handoverUnanswered: handoverUnanswered
        case RuleId.aktivitetsersattningNoActivity: aktivitetsersattningNoActivity
        case RuleId.benefitEndingNoPlan: benefitEndingNoPlan
        case RuleId.referralUnanswered: referralUnanswered
        case RuleId.referralRejectedNoNextStep: referralRejectedNoNextStep
        case RuleId.sickNoteLapsed: sickNoteLapsed
        case RuleId.pingPong: pingPong
        case RuleId.conflictingDemands: conflictingDemands
        case RuleId.longTermBistandNoMeasure: longTermBistandNoMeasure
        case RuleId.illHealthNoSip: illHealthNoSip
        case RuleId.sipInvitationUnanswered: sipInvitationUnanswered
        case RuleId.sipNotHeld: sipNotHeld
        case RuleId.planWithoutLead: planWithoutLead
        case RuleId.planActionOverdue: planActionOverdue
        case RuleId.planActionOwnerClosed: planActionOwnerClosed
        case RuleId.noNamedContact: noNamedContact
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
struct Thresholds: Sendable {
    let values: [String: Int]

    subscript(_ name: String) -> Int { values[name] ?? 0 }
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
    /// The date as staff read it everywhere, e.g. 24 nov 2026 (``Svenska/date(_:)``).
    var sv: String { Svenska.date(self) }
}
