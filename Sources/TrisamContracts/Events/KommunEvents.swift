// Kommun (social services) vocabulary: DOMAIN.md "What each agency can say", 000:L187–226.

/// A decision on ekonomiskt bistånd (försörjningsstöd).
public enum BistandDecision: String, Vocabulary {
    case applied, granted
    case partlyRefused = "partly-refused"
    case refused, ended
}

/// Kommun decided on a person's application for ekonomiskt bistånd, or ended it.
public struct BistandDecided: EventPayload {
    public static let eventType = EventType.kommunBistandDecided
    public var decision: BistandDecision
    /// The day the decision takes effect.
    public var effectiveDate: LocalDate
    /// The month the decision covers (bistånd is decided per month).
    public var month: YearMonth

    public init(decision: BistandDecision, effectiveDate: LocalDate, month: YearMonth) {
        self.decision = decision
        self.effectiveDate = effectiveDate
        self.month = month
    }
}

/// The single försörjningshinder code per person that kommun reports monthly to
/// Socialstyrelsen (000:L187–199).
public enum Forsorjningshinder: String, Vocabulary {
    case arbetslos = "arbetslos"
    case arbetshinderSocialaSkal = "arbetshinder-sociala-skal"
    case arbetslosEtableringsersattning = "arbetslos-etableringsersattning"
    case sjukskrivenLakarintyg = "sjukskriven-lakarintyg"
    case ensamkommandeUngdom = "ensamkommande-ungdom"
    case foraldraledig = "foraldraledig"
    case deltidOfrivilligt = "deltid-ofrivilligt"
    case sjukEllerAktivitetsersattning = "sjuk-eller-aktivitetsersattning"
    case pension = "pension"
    case heltid = "heltid"
    case utanForsorjningshinder = "utan-forsorjningshinder"
}

/// Kommun reported the person's försörjningshinder for a month.
public struct ForsorjningshinderReported: EventPayload {
    public static let eventType = EventType.kommunForsorjningshinderReported
    public var code: Forsorjningshinder
    public var month: YearMonth

    public init(code: Forsorjningshinder, month: YearMonth) {
        self.code = code
        self.month = month
    }
}

/// Barriers to work (arbetshinder) kommun has assessed, any number per person (000:L217–226).
public enum Arbetshinder: String, Vocabulary {
    case psykiskOhalsa = "psykisk-ohalsa"
    case bristandeTroPaSigSjalv = "bristande-tro-pa-sig-sjalv"
    case bristandeArbetslivserfarenhet = "bristande-arbetslivserfarenhet"
    case sprakhinder = "sprakhinder"
    case lagUtbildningsniva = "lag-utbildningsniva"
    case fysiskOhalsa = "fysisk-ohalsa"
    case funktionsvariation = "funktionsvariation"
    case missbruk = "missbruk"
    case hogAlder = "hog-alder"
    case annat = "annat"
}

/// Kommun assessed the person's arbetshinder; the list replaces the previous assessment.
public struct ArbetshinderAssessed: EventPayload {
    public static let eventType = EventType.kommunArbetshinderAssessed
    /// The barriers found; empty means none.
    public var barriers: [Arbetshinder]
    public var assessedOn: LocalDate

    public init(barriers: [Arbetshinder], assessedOn: LocalDate) {
        self.barriers = barriers
        self.assessedOn = assessedOn
    }

    public func validate() throws(PayloadViolation) {
        try Check.list(barriers, "barriers", minimum: 0, maximum: Arbetshinder.allCases.count)
    }
}

/// A municipal labour-market measure.
public enum MunicipalMeasure: String, Vocabulary {
    case coachingteamet
    case arbetsmarknadsenhet
    case arbetstraning
    case annan
}

/// The person started a municipal measure, with the activity it demands.
public struct MunicipalMeasureStarted: EventPayload {
    public static let eventType = EventType.kommunMeasureStarted
    public var measureId: String
    public var measure: MunicipalMeasure
    public var startDate: LocalDate
    /// The activity demanded, in percent of full time.
    public var extentPercent: Int

    public init(measureId: String, measure: MunicipalMeasure, startDate: LocalDate, extentPercent: Int) {
        self.measureId = measureId
        self.measure = measure
        self.startDate = startDate
        self.extentPercent = extentPercent
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(measureId, "measureId")
        try Check.percent(extentPercent, "extentPercent")
    }
}

/// Why a measure or programme ended.
public enum ActivityEndReason: String, Vocabulary {
    case completed, interrupted, transferred, other
}

/// The person's municipal measure ended.
public struct MunicipalMeasureEnded: EventPayload {
    public static let eventType = EventType.kommunMeasureEnded
    public var measureId: String
    public var endDate: LocalDate
    public var reason: ActivityEndReason

    public init(measureId: String, endDate: LocalDate, reason: ActivityEndReason) {
        self.measureId = measureId
        self.endDate = endDate
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(measureId, "measureId")
    }
}
