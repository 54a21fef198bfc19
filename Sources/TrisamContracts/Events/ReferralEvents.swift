// Referrals as a closed loop (DOMAIN.md; 000:L435, 000:L445). Each side sets only its own
// states, as in FHIR Task and 360X: the sender sends and cancels, the receiver answers.

/// A referral event: every one names the referral and both agencies.
public protocol ReferralPayload: EventPayload {
    var referralId: String { get }
    /// The referring agency, which keeps ownership of the person's areas.
    var from: Agency { get }
    /// The agency referred to.
    var to: Agency { get }
    /// Whether the sender (true) or the receiver (false) sets this state.
    static var setBySender: Bool { get }
}

extension ReferralPayload {
    public func refusal(of source: EventSource) -> String? {
        if let reason = Source.mustBeAgency(source, Self.eventType) { return reason }
        if from == to { return "a referral must go to another agency" }
        let setter = Self.setBySender ? from : to
        return source == .agency(setter)
            ? nil
            : "only the \(Self.setBySender ? "referring" : "receiving") agency (\(setter.rawValue)) sets \(Self.eventType.rawValue)"
    }

    /// Sender's states go to the receiver's inbox; the receiver's answers to the sender's.
    public func topics(from source: EventSource) -> [String] {
        [Topic.inbox(Self.setBySender ? to : from)]
    }

    func validateReferral() throws(PayloadViolation) {
        try Check.identifier(referralId, "referralId")
        try Check.different(from, to, "to")
    }
}

/// An agency referred the person to another agency, asking for a measure.
public struct ReferralSent: ReferralPayload {
    public static let eventType = EventType.referralSent
    public static let setBySender = true
    public var referralId: String
    public var from: Agency
    public var to: Agency
    public var reason: String
    public var requestedMeasure: String
    /// The area the referral concerns.
    public var area: Area
    /// When the sender expects an answer at the latest.
    public var answerBy: LocalDate?
    /// The person's identity sealed to the receiver (HPKE), when consent covers the sharing.
    public var sealedIdentity: SealedIdentity?

    public init(
        referralId: String, from: Agency, to: Agency, reason: String, requestedMeasure: String, area: Area, answerBy: LocalDate? = nil,
        sealedIdentity: SealedIdentity? = nil
    ) {
        self.referralId = referralId
        self.from = from
        self.to = to
        self.reason = reason
        self.requestedMeasure = requestedMeasure
        self.area = area
        self.answerBy = answerBy
        self.sealedIdentity = sealedIdentity
    }

    public func validate() throws(PayloadViolation) {
        try validateReferral()
        try Check.text(reason, "reason")
        try Check.text(requestedMeasure, "requestedMeasure")
        try sealedIdentity?.validate("sealedIdentity", receiver: to)
    }
}

/// The receiver confirmed it has the referral.
public struct ReferralReceived: ReferralPayload {
    public static let eventType = EventType.referralReceived
    public static let setBySender = false
    public var referralId: String
    public var from: Agency
    public var to: Agency

    public init(referralId: String, from: Agency, to: Agency) {
        self.referralId = referralId
        self.from = from
        self.to = to
    }

    public func validate() throws(PayloadViolation) { try validateReferral() }
}

/// The receiver accepted the referral, naming who handles it.
public struct ReferralAccepted: ReferralPayload {
    public static let eventType = EventType.referralAccepted
    public static let setBySender = false
    public var referralId: String
    public var from: Agency
    public var to: Agency
    public var contact: Contact

    public init(referralId: String, from: Agency, to: Agency, contact: Contact) {
        self.referralId = referralId
        self.from = from
        self.to = to
        self.contact = contact
    }

    public func validate() throws(PayloadViolation) {
        try validateReferral()
        try contact.validate("contact")
    }
}

/// The receiver rejected the referral, with the reason.
public struct ReferralRejected: ReferralPayload {
    public static let eventType = EventType.referralRejected
    public static let setBySender = false
    public var referralId: String
    public var from: Agency
    public var to: Agency
    public var reason: String

    public init(referralId: String, from: Agency, to: Agency, reason: String) {
        self.referralId = referralId
        self.from = from
        self.to = to
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try validateReferral()
        try Check.text(reason, "reason")
    }
}

/// The receiver sent an interim update on an accepted referral.
public struct ReferralUpdated: ReferralPayload {
    public static let eventType = EventType.referralUpdated
    public static let setBySender = false
    public var referralId: String
    public var from: Agency
    public var to: Agency
    public var note: String

    public init(referralId: String, from: Agency, to: Agency, note: String) {
        self.referralId = referralId
        self.from = from
        self.to = to
        self.note = note
    }

    public func validate() throws(PayloadViolation) {
        try validateReferral()
        try Check.text(note, "note")
    }
}

/// The receiver completed the referral with an outcome that reaches the sender.
public struct ReferralClosed: ReferralPayload {
    public static let eventType = EventType.referralClosed
    public static let setBySender = false
    public var referralId: String
    public var from: Agency
    public var to: Agency
    public var outcome: String

    public init(referralId: String, from: Agency, to: Agency, outcome: String) {
        self.referralId = referralId
        self.from = from
        self.to = to
        self.outcome = outcome
    }

    public func validate() throws(PayloadViolation) {
        try validateReferral()
        try Check.text(outcome, "outcome")
    }
}

/// The sender cancelled the referral.
public struct ReferralCancelled: ReferralPayload {
    public static let eventType = EventType.referralCancelled
    public static let setBySender = true
    public var referralId: String
    public var from: Agency
    public var to: Agency
    public var reason: String

    public init(referralId: String, from: Agency, to: Agency, reason: String) {
        self.referralId = referralId
        self.from = from
        self.to = to
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try validateReferral()
        try Check.text(reason, "reason")
    }
}
