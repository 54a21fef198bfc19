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
            id: RuleId.greyZone,
            title: "Gråzon: sjukskriven utan ersättning från Försäkringskassan",
            explanation:
                "Personen är sjukskriven men får ingen ersättning från Försäkringskassan (SGI saknas eller sjukpenning nekad), är inte inskriven på Arbetsförmedlingen och har bara försörjningsstöd kvar. Ingen myndighet arbetar med vägen tillbaka.",
            severity: .high, source: "002:L83",
            thresholds: [ThresholdSpec("graceDays", 0, "days the situation lasts before the flag is raised")]),
        RuleSpec(
            id: RuleId.afDeregisteredNoTakeover,
            title: "Utskriven från Arbetsförmedlingen utan att någon tagit över",
            explanation:
                "Arbetsförmedlingen har skrivit ut personen för att arbetsförmåga saknas, och ingen annan myndighet har tagit över arbete/aktivitet. Personen lotsas sällan vidare.",
            severity: .high, source: "002:L81",
            thresholds: [ThresholdSpec("takeoverDays", 14, "days another agency has to take over after the deregistration")]),
        RuleSpec(
            id: RuleId.handoverNotOpened,
            title: "Ärende överlämnat men inte öppnat av mottagaren",
            explanation:
                "En myndighet har avslutat sitt ärende med hänvisning till en annan myndighet, som inte har öppnat något ärende. Under tiden äger ingen området.",
            severity: .high, source: "001:L289",
            thresholds: [ThresholdSpec("receiverDays", 14, "days the receiver has to open its case")]),
        RuleSpec(
            id: RuleId.handoverUnanswered,
            title: "Överlämning inte besvarad av mottagaren",
            explanation:
                "En myndighet har bett en annan myndighet att ta över ett område, och mottagaren har varken tagit emot eller avböjt överlämningen. Den som lämnar över har ofta redan släppt ärendet i praktiken, och personen blir stående mellan myndigheterna.",
            severity: .high, source: "001:L289",
            thresholds: [
                ThresholdSpec(
                    "answerDays", 14, 1...3650,
                    "days the receiver has to accept or refuse a handover (as for a referral, and before the kommun's monthly follow-up, 000:L489)"
                )
            ]),
        RuleSpec(
            id: RuleId.aktivitetsersattningNoActivity,
            title: "Aktivitetsersättning utan aktivitetsansvar",
            explanation:
                "Personen har aktivitetsersättning men ingen myndighet äger arbete/aktivitet och ingen aktivitet pågår. När ersättningen tar slut hamnar personen ofta på försörjningsstöd.",
            severity: .medium, source: "002:L143",
            thresholds: [ThresholdSpec("graceDays", 30, "days into the benefit period before nobody owning activity is flagged")]),
        RuleSpec(
            id: RuleId.benefitEndingNoPlan,
            title: "Ersättning upphör snart utan mottagande planering",
            explanation:
                "Aktivitetsersättning, sjukpenning eller SGI upphör snart och det finns ingen planering för vad som händer sedan (ingen handlingsplan, SIP eller inskrivning på Arbetsförmedlingen; en överlämning som mottagaren inte har tagit emot räknas inte). Personen riskerar att landa på försörjningsstöd.",
            severity: .high, source: "002:L125",
            thresholds: [
                ThresholdSpec("warningDays", 60, "days before the end the flag is raised"),
                ThresholdSpec("daysAfterEnd", 30, "days after the end the flag stays raised unless a plan appears"),
            ]),
        RuleSpec(
            id: RuleId.referralUnanswered,
            title: "Remiss obesvarad",
            explanation:
                "En remiss har inte besvarats inom svarstiden. Remisser som inte tas emot eller tappas bort gör att personen får söka hjälp om och om igen.",
            severity: .medium, source: "000:L445",
            thresholds: [ThresholdSpec("answerDays", 14, "days to answer when the referral names no answer date")]),
        RuleSpec(
            id: RuleId.referralRejectedNoNextStep,
            title: "Remiss avvisad utan nästa steg",
            explanation:
                "En remiss har avvisats och den remitterande myndigheten har inte tagit något nästa steg (ny remiss, överlämning, SIP eller återkallelse).",
            severity: .medium, source: "000:L445",
            thresholds: [ThresholdSpec("nextStepDays", 7, "days the sender has to take a next step after a rejection")]),
        RuleSpec(
            id: RuleId.sickNoteLapsed,
            title: "Sjukskrivning upphört medan ohälsa är ett hinder",
            explanation:
                "Sjukintyget har gått ut utan förnyelse medan ohälsa är bedömt som hinder och försörjningsstödet fortsätter. Kraven på personen kan ändras fast hon eller han inte fått kontakt med vården.",
            severity: .high, source: "000:L393",
            thresholds: [ThresholdSpec("graceDays", 7, "days after the sick note ran out before the flag is raised")]),
        RuleSpec(
            id: RuleId.pingPong,
            title: "Rundgång mellan myndigheter",
            explanation:
                "Personen har lämnats över fram och tillbaka mellan samma myndigheter flera gånger på kort tid och bollas mellan dem.",
            severity: .medium, source: "000:L449",
            thresholds: [
                ThresholdSpec("windowDays", 180, 1...3650, "the window the handovers fall within"),
                ThresholdSpec("handovers", 3, 2...100, "handovers between the same two agencies, both directions, within the window"),
            ]),
        RuleSpec(
            id: RuleId.conflictingDemands,
            title: "Motstridiga krav",
            explanation:
                "En aktivitet kräver mer tid än sjukskrivningen lämnar utrymme för. Myndigheterna ställer olika krav som personen inte kan leva upp till.",
            severity: .high, source: "001:L528",
            thresholds: [ThresholdSpec("marginPercent", 0, 0...100, "percentage points the demand may exceed the remaining capacity")]),
        RuleSpec(
            id: RuleId.longTermBistandNoMeasure,
            title: "Långvarigt bistånd utan insats",
            explanation:
                "Personen har haft ekonomiskt bistånd i minst tio av de senaste tolv månaderna och har ingen pågående arbetsmarknadsinsats.",
            severity: .medium, source: "004:L401",
            thresholds: [
                ThresholdSpec("months", 10, 1...36, "months with bistånd within the window"),
                ThresholdSpec("windowMonths", 12, 1...36, "the window, in months up to the current one"),
            ]),
        RuleSpec(
            id: RuleId.illHealthNoSip,
            title: "Ohälsa som hinder utan SIP",
            explanation:
                "Ohälsa har varit ett hinder i över ett år med ekonomiskt bistånd och ingen samordnad individuell plan (SIP) har begärts eller hållits.",
            severity: .medium, source: "000:L509",
            thresholds: [ThresholdSpec("barrierDays", 365, "days ill health has been a barrier during bistånd")]),
        RuleSpec(
            id: RuleId.sipInvitationUnanswered,
            title: "SIP-kallelse obesvarad",
            explanation: "En inbjuden myndighet har inte svarat på kallelsen till SIP-möte inom svarstiden.",
            severity: .medium, source: "000:L499",
            thresholds: [ThresholdSpec("graceDays", 0, "days after the answer date before the flag is raised")]),
        RuleSpec(
            id: RuleId.sipNotHeld,
            title: "SIP begärd men inte hållen",
            explanation:
                "En SIP har begärts men mötet har inte hållits. Efter utskrivning från sluten vård ska regionen kalla till SIP inom tre dagar (lag 2017:612).",
            severity: .high, source: "000:L491",
            thresholds: [
                ThresholdSpec("holdDays", 30, "days from request to a held meeting"),
                ThresholdSpec("dischargeCallDays", 3, "days to schedule the meeting after discharge from hospital (lag 2017:612)"),
            ]),
        RuleSpec(
            id: RuleId.planWithoutLead,
            title: "Plan utan ansvarig myndighet",
            explanation:
                "Handlingsplanen är öppen men den myndighet som har det övergripande ansvaret har avslutat alla sina ärenden för personen. Ingen håller ihop planen.",
            severity: .medium, source: "001:L658",
            thresholds: [ThresholdSpec("graceDays", 0, "days after the lead agency closed its last case")]),
        RuleSpec(
            id: RuleId.planActionOverdue,
            title: "Åtgärd i handlingsplanen försenad",
            explanation: "En åtgärd i handlingsplanen är inte utförd trots att datumet har passerat.",
            severity: .low, source: "001:L658",
            thresholds: [ThresholdSpec("graceDays", 0, "days after the due date before the flag is raised")]),
        RuleSpec(
            id: RuleId.planActionOwnerClosed,
            title: "Åtgärd hos myndighet som avslutat sitt ärende",
            explanation:
                "En åtgärd i handlingsplanen ligger kvar hos en myndighet som har avslutat sina ärenden för personen. Åtgärden blir inte utförd om ingen tar över den.",
            severity: .high, source: "001:L289",
            thresholds: [ThresholdSpec("graceDays", 0, "days after the owner closed its last case")]),
        RuleSpec(
            id: RuleId.noNamedContact,
            title: "Ingen namngiven handläggare",
            explanation:
                "En myndighet är aktiv för personen men har inget öppet ärende med namngiven handläggare. Personen vet inte vem hennes eller hans handläggare är.",
            severity: .medium, source: "000:L445",
            thresholds: [ThresholdSpec("graceDays", 14, "days an agency may be active without a named contact")]),
    ]

    /// The rule with an id.
    public static func spec(_ id: String) -> RuleSpec? { all.first { $0.id == id } }
}
