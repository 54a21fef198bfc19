// Arbetsförmedlingen vocabulary: DOMAIN.md, 001:L272, 002:L81, 002:L129.

/// The person is registered (inskriven) as a job seeker.
public struct AfRegistered: EventPayload {
    public static let eventType = EventType.afRegistered
    public var registeredOn: LocalDate
    /// The work capacity AF assumes, in percent of full time (registration needs about 50 %).
    public var workCapacityPercent: Int?

    public init(registeredOn: LocalDate, workCapacityPercent: Int? = nil) {
        self.registeredOn = registeredOn
        self.workCapacityPercent = workCapacityPercent
    }

    public func validate() throws(PayloadViolation) {
        if let workCapacityPercent { try Check.percent(workCapacityPercent, "workCapacityPercent", in: 0...100) }
    }
}

/// Why a registration at AF could not be made.
public enum AfRegistrationFailure: String, Vocabulary {
    case insufficientWorkCapacity = "insufficient-work-capacity"
    case noContact = "no-contact"
    case other
}

/// The person tried to register at AF and could not.
public struct AfRegistrationFailed: EventPayload {
    public static let eventType = EventType.afRegistrationFailed
    public var reason: AfRegistrationFailure
    public var attemptedOn: LocalDate

    public init(reason: AfRegistrationFailure, attemptedOn: LocalDate) {
        self.reason = reason
        self.attemptedOn = attemptedOn
    }
}

/// An AF programme or subsidised job.
public enum AfProgramme: String, Vocabulary {
    case jobUga = "job-uga"
    case rustaOchMatcha = "rusta-och-matcha"
    case nystartsjobb
    case lonebidrag
    case extratjanst
    case annat
}

/// The person started a programme or subsidised job at AF.
public struct AfProgrammeStarted: EventPayload {
    public static let eventType = EventType.afProgrammeStarted
    public var programmeId: String
    public var programme: AfProgramme
    public var startDate: LocalDate
    /// The activity demanded, in percent of full time.
    public var extentPercent: Int

    public init(programmeId: String, programme: AfProgramme, startDate: LocalDate, extentPercent: Int) {
        self.programmeId = programmeId
        self.programme = programme
        self.startDate = startDate
        self.extentPercent = extentPercent
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(programmeId, "programmeId")
        try Check.percent(extentPercent, "extentPercent")
    }
}

/// The person's programme at AF ended.
public struct AfProgrammeEnded: EventPayload {
    public static let eventType = EventType.afProgrammeEnded
    public var programmeId: String
    public var endDate: LocalDate
    public var reason: ActivityEndReason

    public init(programmeId: String, endDate: LocalDate, reason: ActivityEndReason) {
        self.programmeId = programmeId
        self.endDate = endDate
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(programmeId, "programmeId")
    }
}

/// AF judged that the person lacks work capacity (002:L81).
public struct AfWorkCapacityLacking: EventPayload {
    public static let eventType = EventType.afWorkCapacityLacking
    public var assessedOn: LocalDate

    public init(assessedOn: LocalDate) {
        self.assessedOn = assessedOn
    }
}

/// Why AF deregistered (skrev ut) a person.
public enum AfDeregistrationReason: String, Vocabulary {
    case lackingWorkCapacity = "lacking-work-capacity"
    case employed
    case studies
    case noContact = "no-contact"
    case other
}

/// AF deregistered the person (utskriven).
public struct AfDeregistered: EventPayload {
    public static let eventType = EventType.afDeregistered
    public var deregisteredOn: LocalDate
    public var reason: AfDeregistrationReason

    public init(deregisteredOn: LocalDate, reason: AfDeregistrationReason) {
        self.deregisteredOn = deregisteredOn
        self.reason = reason
    }
}
