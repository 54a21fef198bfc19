// Försäkringskassan vocabulary: DOMAIN.md, 001:L108, 001:L682, 002:L83, 004:L927.

/// A decision on sjukpenning.
public enum SjukpenningDecision: String, Vocabulary {
    case applied, granted, denied
    /// Denied because the person has no sjukpenninggrundande inkomst (SGI).
    case noSgi = "no-sgi"
    case ended
    /// The insured period is used up (utförsäkrad, 004:L927).
    case exhausted
}

/// FK decided on sjukpenning.
public struct SjukpenningDecided: EventPayload {
    public static let eventType = EventType.fkSjukpenningDecided
    public var decision: SjukpenningDecision
    public var effectiveDate: LocalDate
    /// Extent of a granted benefit: 25, 50, 75 or 100 percent.
    public var extentPercent: Int?
    /// Last day of a granted period.
    public var until: LocalDate?

    public init(decision: SjukpenningDecision, effectiveDate: LocalDate, extentPercent: Int? = nil, until: LocalDate? = nil) {
        self.decision = decision
        self.effectiveDate = effectiveDate
        self.extentPercent = extentPercent
        self.until = until
    }

    public func validate() throws(PayloadViolation) {
        if let extentPercent, ![25, 50, 75, 100].contains(extentPercent) {
            throw PayloadViolation(field: "extentPercent", reason: "must be 25, 50, 75 or 100, got \(extentPercent)")
        }
        if decision == .granted, extentPercent == nil {
            throw PayloadViolation(field: "extentPercent", reason: "is required when decision is granted")
        }
        if decision != .granted, extentPercent != nil || until != nil {
            throw PayloadViolation(
                field: extentPercent != nil ? "extentPercent" : "until", reason: "is allowed only when decision is granted")
        }
        if let until { try Check.order(effectiveDate, until, "until", after: "effectiveDate") }
    }
}

/// The state of the person's sjukpenninggrundande inkomst.
public enum SgiStatus: String, Vocabulary {
    case established, protected, lacking, ended
}

/// FK established or changed the person's SGI status.
public struct SgiStatusChanged: EventPayload {
    public static let eventType = EventType.fkSgiStatus
    public var status: SgiStatus
    public var effectiveDate: LocalDate

    public init(status: SgiStatus, effectiveDate: LocalDate) {
        self.status = status
        self.effectiveDate = effectiveDate
    }
}

/// The person reached a milestone of rehabiliteringskedjan: day 90, 180 or 365 (001:L108).
public struct RehabkedjaMilestone: EventPayload {
    public static let eventType = EventType.fkRehabkedjaMilestone
    public var day: Int
    public var reachedOn: LocalDate

    public init(day: Int, reachedOn: LocalDate) {
        self.day = day
        self.reachedOn = reachedOn
    }

    public func validate() throws(PayloadViolation) {
        guard [90, 180, 365].contains(day) else {
            throw PayloadViolation(field: "day", reason: "must be 90, 180 or 365, got \(day)")
        }
    }
}

/// FK granted aktivitetsersättning for a period.
public struct AktivitetsersattningGranted: EventPayload {
    public static let eventType = EventType.fkAktivitetsersattningGranted
    public var from: LocalDate
    public var until: LocalDate
    public var extentPercent: Int

    public init(from: LocalDate, until: LocalDate, extentPercent: Int) {
        self.from = from
        self.until = until
        self.extentPercent = extentPercent
    }

    public func validate() throws(PayloadViolation) {
        try Check.order(from, until, "until", after: "from")
        guard [25, 50, 75, 100].contains(extentPercent) else {
            throw PayloadViolation(field: "extentPercent", reason: "must be 25, 50, 75 or 100, got \(extentPercent)")
        }
    }
}

/// Why aktivitetsersättning ended.
public enum BenefitEndReason: String, Vocabulary {
    case periodEnded = "period-ended"
    case ageLimit = "age-limit"
    case withdrawn
    case other
}

/// The person's aktivitetsersättning ended.
public struct AktivitetsersattningEnded: EventPayload {
    public static let eventType = EventType.fkAktivitetsersattningEnded
    public var endDate: LocalDate
    public var reason: BenefitEndReason

    public init(endDate: LocalDate, reason: BenefitEndReason) {
        self.endDate = endDate
        self.reason = reason
    }
}

/// A decision on sjukersättning.
public enum SjukersattningDecision: String, Vocabulary {
    case applied, granted, denied
}

/// FK decided on sjukersättning (001:L682).
public struct SjukersattningDecided: EventPayload {
    public static let eventType = EventType.fkSjukersattningDecided
    public var decision: SjukersattningDecision
    public var effectiveDate: LocalDate

    public init(decision: SjukersattningDecision, effectiveDate: LocalDate) {
        self.decision = decision
        self.effectiveDate = effectiveDate
    }
}
