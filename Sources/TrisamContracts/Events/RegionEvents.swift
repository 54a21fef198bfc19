// Region (health care) vocabulary: DOMAIN.md, 000:L393, 000:L445.

/// A doctor issued or renewed a sick note (läkarintyg).
public struct SickNoteIssued: EventPayload {
    public static let eventType = EventType.regionSickNoteIssued
    public var sickNoteId: String
    /// Extent of the sick-listing: 25, 50, 75 or 100 percent.
    public var extentPercent: Int
    public var from: LocalDate
    public var until: LocalDate
    /// Whether this renews an earlier sick note.
    public var renewal: Bool

    public init(sickNoteId: String, extentPercent: Int, from: LocalDate, until: LocalDate, renewal: Bool) {
        self.sickNoteId = sickNoteId
        self.extentPercent = extentPercent
        self.from = from
        self.until = until
        self.renewal = renewal
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(sickNoteId, "sickNoteId")
        guard [25, 50, 75, 100].contains(extentPercent) else {
            throw PayloadViolation(field: "extentPercent", reason: "must be 25, 50, 75 or 100, got \(extentPercent)")
        }
        try Check.order(from, until, "until", after: "from")
    }
}

/// Why a sick note ended.
public enum SickNoteEndReason: String, Vocabulary {
    /// It ran out without renewal (000:L393: care could not be reached).
    case lapsed
    case recovered
    case replaced
}

/// A sick note ended.
public struct SickNoteEnded: EventPayload {
    public static let eventType = EventType.regionSickNoteEnded
    public var sickNoteId: String
    public var endedOn: LocalDate
    public var reason: SickNoteEndReason

    public init(sickNoteId: String, endedOn: LocalDate, reason: SickNoteEndReason) {
        self.sickNoteId = sickNoteId
        self.endedOn = endedOn
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(sickNoteId, "sickNoteId")
    }
}

/// The state of a treatment.
public enum TreatmentStatus: String, Vocabulary {
    case planned, ongoing, paused, ended
}

/// The unit that treats the person.
public enum CareUnit: String, Vocabulary {
    case vardcentral, psykiatri, annan
}

/// The person's treatment at a unit changed state.
public struct TreatmentStatusChanged: EventPayload {
    public static let eventType = EventType.regionTreatmentStatus
    public var status: TreatmentStatus
    public var unit: CareUnit
    public var effectiveDate: LocalDate

    public init(status: TreatmentStatus, unit: CareUnit, effectiveDate: LocalDate) {
        self.status = status
        self.unit = unit
        self.effectiveDate = effectiveDate
    }
}

/// Care judged the person medically finished (färdigbehandlad).
public struct MedicallyFinished: EventPayload {
    public static let eventType = EventType.regionMedicallyFinished
    public var assessedOn: LocalDate

    public init(assessedOn: LocalDate) {
        self.assessedOn = assessedOn
    }
}
