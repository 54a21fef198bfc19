import TrisamContracts

/// A named threshold of a rule, with its default and allowed range.
public struct ThresholdSpec: Sendable, Equatable {
    public var name: String
    public var defaultValue: Int
    public var range: ClosedRange<Int>
    /// What the number means, in English (for the catalogue and the configuration docs).
    public var meaning: String

    public init(_ name: String, _ defaultValue: Int, _ meaning: String) {
        self.init(name, defaultValue, 0...3650, meaning)
    }

    public init(_ name: String, _ defaultValue: Int, _ range: ClosedRange<Int>, _ meaning: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.range = range
        self.meaning = meaning
    }
}

/// A gap rule as specified: id, Swedish texts, default severity, thresholds and source.
public struct RuleSpec: Sendable, Equatable {
    public var id: String
    public var title: String
    public var explanation: String
    public var severity: FlagSeverity
    public var source: String
    public var thresholds: [ThresholdSpec]
}

/// Rule ids, stable and kebab-case.
public enum RuleId {
    public static let greyZone = "grey-zone"
    public static let afDeregisteredNoTakeover = "af-deregistered-no-takeover"
    public static let handoverNotOpened = "handover-not-opened"
    public static let handoverUnanswered = "handover-unanswered"
    public static let aktivitetsersattningNoActivity = "aktivitetsersattning-no-activity-owner"
    public static let benefitEndingNoPlan = "benefit-ending-no-plan"
    public static let referralUnanswered = "referral-unanswered"
    public static let referralRejectedNoNextStep = "referral-rejected-no-next-step"
    public static let sickNoteLapsed = "sick-note-lapsed"
    public static let pingPong = "ping-pong"
    public static let conflictingDemands = "conflicting-demands"
    public static let longTermBistandNoMeasure = "long-term-bistand-no-measure"
    public static let illHealthNoSip = "ill-health-no-sip"
    public static let sipInvitationUnanswered = "sip-invitation-unanswered"
    public static let sipNotHeld = "sip-not-held"
    public static let planWithoutLead = "plan-without-lead"
    public static let planActionOverdue = "plan-action-overdue"
    public static let planActionOwnerClosed = "plan-action-owner-closed"
    public static let noNamedContact = "no-named-contact"
}

/// Every gap rule, in the order findings are reported.
public enum RuleCatalogue {
    public static let all: [RuleSpec] = [
        RuleSpec(
            id: RuleId.greyZone, title: Svenska.ruleTitle(RuleId.greyZone), explanation: Svenska.ruleDescription(RuleId.greyZone),
            severity: .high, source: "002:L83",
            thresholds: [ThresholdSpec("graceDays", 0, "days the situation lasts before the flag is raised")]),
        RuleSpec(
            id: RuleId.afDeregisteredNoTakeover, title: Svenska.ruleTitle(RuleId.afDeregisteredNoTakeover),
            explanation: Svenska.ruleDescription(RuleId.afDeregisteredNoTakeover),
            severity: .high, source: "002:L81",
            thresholds: [ThresholdSpec("takeoverDays", 14, "days another agency has to take over after the deregistration")]),
        RuleSpec(
            id: RuleId.handoverNotOpened, title: Svenska.ruleTitle(RuleId.handoverNotOpened),
            explanation: Svenska.ruleDescription(RuleId.handoverNotOpened),
            severity: .high, source: "001:L289",
            thresholds: [ThresholdSpec("receiverDays", 14, "days the receiver has to open its case")]),
        RuleSpec(
            id: RuleId.handoverUnanswered, title: Svenska.ruleTitle(RuleId.handoverUnanswered),
            explanation: Svenska.ruleDescription(RuleId.handoverUnanswered),
            severity: .high, source: "001:L289",
            thresholds: [
                ThresholdSpec(
                    "answerDays", 14, 1...3650,
                    "days the receiver has to accept or refuse a handover (as for a referral, and before the kommun's monthly follow-up, 000:L489)"
                )
            ]),
        RuleSpec(
            id: RuleId.aktivitetsersattningNoActivity, title: Svenska.ruleTitle(RuleId.aktivitetsersattningNoActivity),
            explanation: Svenska.ruleDescription(RuleId.aktivitetsersattningNoActivity),
            severity: .medium, source: "002:L143",
            thresholds: [ThresholdSpec("graceDays", 30, "days into the benefit period before nobody owning activity is flagged")]),
        RuleSpec(
            id: RuleId.benefitEndingNoPlan, title: Svenska.ruleTitle(RuleId.benefitEndingNoPlan),
            explanation: Svenska.ruleDescription(RuleId.benefitEndingNoPlan),
            severity: .high, source: "002:L125",
            thresholds: [
                ThresholdSpec("warningDays", 60, "days before the end the flag is raised"),
                ThresholdSpec("daysAfterEnd", 30, "days after the end the flag stays raised unless a plan appears"),
            ]),
        RuleSpec(
            id: RuleId.referralUnanswered, title: Svenska.ruleTitle(RuleId.referralUnanswered),
            explanation: Svenska.ruleDescription(RuleId.referralUnanswered),
            severity: .medium, source: "000:L445",
            thresholds: [ThresholdSpec("answerDays", 14, "days to answer when the referral names no answer date")]),
        RuleSpec(
            id: RuleId.referralRejectedNoNextStep, title: Svenska.ruleTitle(RuleId.referralRejectedNoNextStep),
            explanation: Svenska.ruleDescription(RuleId.referralRejectedNoNextStep),
            severity: .medium, source: "000:L445",
            thresholds: [ThresholdSpec("nextStepDays", 7, "days the sender has to take a next step after a rejection")]),
        RuleSpec(
            id: RuleId.sickNoteLapsed, title: Svenska.ruleTitle(RuleId.sickNoteLapsed),
            explanation: Svenska.ruleDescription(RuleId.sickNoteLapsed),
            severity: .high, source: "000:L393",
            thresholds: [ThresholdSpec("graceDays", 7, "days after the sick note ran out before the flag is raised")]),
        RuleSpec(
            id: RuleId.pingPong, title: Svenska.ruleTitle(RuleId.pingPong), explanation: Svenska.ruleDescription(RuleId.pingPong),
            severity: .medium, source: "000:L449",
            thresholds: [
                ThresholdSpec("windowDays", 180, 1...3650, "the window the handovers fall within"),
                ThresholdSpec("handovers", 3, 2...100, "handovers between the same two agencies, both directions, within the window"),
            ]),
        RuleSpec(
            id: RuleId.conflictingDemands, title: Svenska.ruleTitle(RuleId.conflictingDemands),
            explanation: Svenska.ruleDescription(RuleId.conflictingDemands),
            severity: .high, source: "001:L528",
            thresholds: [ThresholdSpec("marginPercent", 0, 0...100, "percentage points the demand may exceed the remaining capacity")]),
        RuleSpec(
            id: RuleId.longTermBistandNoMeasure, title: Svenska.ruleTitle(RuleId.longTermBistandNoMeasure),
            explanation: Svenska.ruleDescription(RuleId.longTermBistandNoMeasure),
            severity: .medium, source: "004:L401",
            thresholds: [
                ThresholdSpec("months", 10, 1...36, "months with bistånd within the window"),
                ThresholdSpec("windowMonths", 12, 1...36, "the window, in months up to the current one"),
            ]),
        RuleSpec(
            id: RuleId.illHealthNoSip, title: Svenska.ruleTitle(RuleId.illHealthNoSip),
            explanation: Svenska.ruleDescription(RuleId.illHealthNoSip),
            severity: .medium, source: "000:L509",
            thresholds: [ThresholdSpec("barrierDays", 365, "days ill health has been a barrier during bistånd")]),
        RuleSpec(
            id: RuleId.sipInvitationUnanswered, title: Svenska.ruleTitle(RuleId.sipInvitationUnanswered),
            explanation: Svenska.ruleDescription(RuleId.sipInvitationUnanswered),
            severity: .medium, source: "000:L499",
            thresholds: [ThresholdSpec("graceDays", 0, "days after the answer date before the flag is raised")]),
        RuleSpec(
            id: RuleId.sipNotHeld, title: Svenska.ruleTitle(RuleId.sipNotHeld), explanation: Svenska.ruleDescription(RuleId.sipNotHeld),
            severity: .high, source: "000:L491",
            thresholds: [
                ThresholdSpec("holdDays", 30, "days from request to a held meeting"),
                ThresholdSpec("dischargeCallDays", 3, "days to schedule the meeting after discharge from hospital (lag 2017:612)"),
            ]),
        RuleSpec(
            id: RuleId.planWithoutLead, title: Svenska.ruleTitle(RuleId.planWithoutLead),
            explanation: Svenska.ruleDescription(RuleId.planWithoutLead),
            severity: .medium, source: "001:L658",
            thresholds: [ThresholdSpec("graceDays", 0, "days after the lead agency closed its last case")]),
        RuleSpec(
            id: RuleId.planActionOverdue, title: Svenska.ruleTitle(RuleId.planActionOverdue),
            explanation: Svenska.ruleDescription(RuleId.planActionOverdue),
            severity: .low, source: "001:L658",
            thresholds: [ThresholdSpec("graceDays", 0, "days after the due date before the flag is raised")]),
        RuleSpec(
            id: RuleId.planActionOwnerClosed, title: Svenska.ruleTitle(RuleId.planActionOwnerClosed),
            explanation: Svenska.ruleDescription(RuleId.planActionOwnerClosed),
            severity: .high, source: "001:L289",
            thresholds: [ThresholdSpec("graceDays", 0, "days after the owner closed its last case")]),
        RuleSpec(
            id: RuleId.noNamedContact, title: Svenska.ruleTitle(RuleId.noNamedContact),
            explanation: Svenska.ruleDescription(RuleId.noNamedContact),
            severity: .medium, source: "000:L445",
            thresholds: [ThresholdSpec("graceDays", 14, "days an agency may be active without a named contact")]),
    ]

    /// The rule with an id.
    public static func spec(_ id: String) -> RuleSpec? { all.first { $0.id == id } }
}
