/// What a consent (samtycke) allows the agencies to share information for.
public enum ConsentPurpose: String, Vocabulary {
    /// Coordination in the Trisam team: status changes and ownership are shared.
    case samordning
    /// A samordnad individuell plan: invitations, meeting and plan.
    case sip
    /// Referrals (remisser) between the agencies.
    case remiss
    /// A joint handlingsplan and its actions.
    case handlingsplan
}

/// The person consented to share information between agencies for a purpose.
public struct ConsentGiven: EventPayload {
    public static let eventType = EventType.consentGiven
    /// Identifies this consent; a withdrawal names it.
    public var consentId: String
    public var purpose: ConsentPurpose
    /// The agencies the consent covers (the registering agency included).
    public var agencies: [Agency]
    /// Last day the consent is valid.
    public var validUntil: LocalDate
    /// Date the person gave consent.
    public var givenOn: LocalDate

    public init(consentId: String, purpose: ConsentPurpose, agencies: [Agency], validUntil: LocalDate, givenOn: LocalDate) {
        self.consentId = consentId
        self.purpose = purpose
        self.agencies = agencies
        self.validUntil = validUntil
        self.givenOn = givenOn
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(consentId, "consentId")
        try Check.list(agencies, "agencies", minimum: 2)
        try Check.order(givenOn, validUntil, "validUntil", after: "givenOn")
    }

    public func refusal(of source: EventSource) -> String? {
        if let reason = Source.mustBeAgency(source, Self.eventType) { return reason }
        return agencies.contains(source.agency!) ? nil : "the registering agency must be among agencies"
    }

    public func topics(from source: EventSource) -> [String] { [Topic.consent] }
}

/// The person withdrew a consent; from now on nothing is shared under it.
public struct ConsentWithdrawn: EventPayload {
    public static let eventType = EventType.consentWithdrawn
    public var consentId: String
    public var withdrawnOn: LocalDate

    public init(consentId: String, withdrawnOn: LocalDate) {
        self.consentId = consentId
        self.withdrawnOn = withdrawnOn
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(consentId, "consentId")
    }

    public func refusal(of source: EventSource) -> String? { Source.mustBeAgency(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.consent] }
}
