// Case ownership per area, and handover between agencies (DOMAIN.md; 001:L289, 001:L466).

/// The publishing agency opened its case for an area: it owns the area from now on.
public struct CaseOpened: EventPayload {
    public static let eventType = EventType.caseOpened
    public var area: Area
    /// The named handläggare.
    public var contact: Contact
    public var openedOn: LocalDate

    public init(area: Area, contact: Contact, openedOn: LocalDate) {
        self.area = area
        self.contact = contact
        self.openedOn = openedOn
    }

    public func validate() throws(PayloadViolation) { try contact.validate("contact") }
    public func refusal(of source: EventSource) -> String? { Source.mustBeAgency(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { source.agency.map { [Topic.status($0)] } ?? [] }
}

/// Why an agency closed its case for an area.
public enum CaseCloseReason: String, Vocabulary {
    case completed
    /// Closed because another agency took over (``CaseClosed/handoverTo`` names it).
    case handover
    case moved
    case deceased
    case other
}

/// The publishing agency closed its case for an area.
public struct CaseClosed: EventPayload {
    public static let eventType = EventType.caseClosed
    public var area: Area
    public var reason: CaseCloseReason
    /// The agency taking over; required exactly when `reason` is `handover`.
    public var handoverTo: Agency?
    public var closedOn: LocalDate

    public init(area: Area, reason: CaseCloseReason, handoverTo: Agency? = nil, closedOn: LocalDate) {
        self.area = area
        self.reason = reason
        self.handoverTo = handoverTo
        self.closedOn = closedOn
    }

    public func validate() throws(PayloadViolation) {
        if reason == .handover, handoverTo == nil {
            throw PayloadViolation(field: "handoverTo", reason: "is required when reason is handover")
        }
        if reason != .handover, handoverTo != nil {
            throw PayloadViolation(field: "handoverTo", reason: "is allowed only when reason is handover")
        }
    }

    public func refusal(of source: EventSource) -> String? {
        if let reason = Source.mustBeAgency(source, Self.eventType) { return reason }
        if let handoverTo, source == .agency(handoverTo) { return "an agency cannot hand over to itself" }
        return nil
    }

    /// The status topic, and for a handover also the receiver's inbox.
    public func topics(from source: EventSource) -> [String] {
        guard let agency = source.agency else { return [] }
        return [Topic.status(agency)] + (handoverTo.map { [Topic.inbox($0)] } ?? [])
    }
}

/// The publishing agency named a new contact for its case in an area.
public struct CaseContactChanged: EventPayload {
    public static let eventType = EventType.caseContactChanged
    public var area: Area
    public var contact: Contact
    public var changedOn: LocalDate

    public init(area: Area, contact: Contact, changedOn: LocalDate) {
        self.area = area
        self.contact = contact
        self.changedOn = changedOn
    }

    public func validate() throws(PayloadViolation) { try contact.validate("contact") }
    public func refusal(of source: EventSource) -> String? { Source.mustBeAgency(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { source.agency.map { [Topic.status($0)] } ?? [] }
}

/// The owner of an area asks another agency to take it over. Until the receiver accepts, the
/// sender stays the owner (no gap by construction).
public struct HandoverRequested: EventPayload {
    public static let eventType = EventType.handoverRequested
    public var handoverId: String
    public var area: Area
    public var to: Agency
    public var reason: String
    /// The person's identity sealed to the receiver (HPKE), when consent covers the sharing.
    public var sealedIdentity: SealedIdentity?

    public init(handoverId: String, area: Area, to: Agency, reason: String, sealedIdentity: SealedIdentity? = nil) {
        self.handoverId = handoverId
        self.area = area
        self.to = to
        self.reason = reason
        self.sealedIdentity = sealedIdentity
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(handoverId, "handoverId")
        try Check.text(reason, "reason")
        try sealedIdentity?.validate("sealedIdentity", receiver: to)
    }

    public func refusal(of source: EventSource) -> String? {
        if let reason = Source.mustBeAgency(source, Self.eventType) { return reason }
        return source == .agency(to) ? "an agency cannot hand over to itself" : nil
    }

    public func topics(from source: EventSource) -> [String] { [Topic.inbox(to)] }
}

/// The receiver accepted a handover and owns the area from now on, with a named contact.
public struct HandoverAccepted: EventPayload {
    public static let eventType = EventType.handoverAccepted
    public var handoverId: String
    public var area: Area
    /// The agency that asked for the handover.
    public var from: Agency
    public var contact: Contact

    public init(handoverId: String, area: Area, from: Agency, contact: Contact) {
        self.handoverId = handoverId
        self.area = area
        self.from = from
        self.contact = contact
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(handoverId, "handoverId")
        try contact.validate("contact")
    }

    public func refusal(of source: EventSource) -> String? {
        if let reason = Source.mustBeAgency(source, Self.eventType) { return reason }
        return source == .agency(from) ? "only the receiving agency answers a handover" : nil
    }

    public func topics(from source: EventSource) -> [String] { [Topic.inbox(from)] }
}

/// The receiver refused a handover; the area stays with the sender.
public struct HandoverRefused: EventPayload {
    public static let eventType = EventType.handoverRefused
    public var handoverId: String
    public var area: Area
    public var from: Agency
    public var reason: String

    public init(handoverId: String, area: Area, from: Agency, reason: String) {
        self.handoverId = handoverId
        self.area = area
        self.from = from
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(handoverId, "handoverId")
        try Check.text(reason, "reason")
    }

    public func refusal(of source: EventSource) -> String? {
        if let reason = Source.mustBeAgency(source, Self.eventType) { return reason }
        return source == .agency(from) ? "only the receiving agency answers a handover" : nil
    }

    public func topics(from source: EventSource) -> [String] { [Topic.inbox(from)] }
}
