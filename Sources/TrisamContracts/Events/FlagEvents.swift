// Flags raised and resolved by the coordinator (DOMAIN.md "How people fall between agencies").

/// How urgent a flag is.
public enum FlagSeverity: String, Vocabulary, Comparable {
    case low, medium, high

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    public static func < (lhs: FlagSeverity, rhs: FlagSeverity) -> Bool { lhs.rank < rhs.rank }

    /// The Swedish word staff read: "Hög", "Medel", "Låg".
    public var swedishName: String {
        switch self {
        case .high: "Hög"
        case .medium: "Medel"
        case .low: "Låg"
        }
    }
}

private func refuseUnlessCoordinator(_ source: EventSource, _ type: EventType) -> String? {
    source == .coordinator ? nil : "only the coordinator publishes \(type.rawValue)"
}

/// The coordinator found the person falling between agencies.
public struct FlagRaised: EventPayload {
    public static let eventType = EventType.flagRaised
    /// Stable id of this occurrence: the same rule raised again after resolving gets a new one.
    public var flagId: String
    /// The gap rule's id, e.g. `grey-zone`.
    public var rule: String
    public var severity: FlagSeverity
    /// The rule's title for coordinators, in Swedish.
    public var title: String
    /// Why the flag is raised for this person, in Swedish.
    public var explanation: String
    /// The agencies concerned.
    public var agencies: [Agency]
    /// Ids of the events that made the rule fire.
    public var evidence: [String]

    public init(
        flagId: String, rule: String, severity: FlagSeverity, title: String, explanation: String, agencies: [Agency], evidence: [String]
    ) {
        self.flagId = flagId
        self.rule = rule
        self.severity = severity
        self.title = title
        self.explanation = explanation
        self.agencies = agencies
        self.evidence = evidence
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(flagId, "flagId")
        try Check.identifier(rule, "rule")
        try Check.name(title, "title")
        try Check.text(explanation, "explanation")
        try Check.list(agencies, "agencies", minimum: 0, maximum: Agency.allCases.count)
        try Check.list(evidence, "evidence", maximum: 200)
        for (index, id) in evidence.enumerated() { try Check.identifier(id, "evidence[\(index)]") }
    }

    public func refusal(of source: EventSource) -> String? { refuseUnlessCoordinator(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.flags] }
}

/// The condition behind a flag cleared.
public struct FlagResolved: EventPayload {
    public static let eventType = EventType.flagResolved
    public var flagId: String
    public var rule: String
    /// What cleared it, in Swedish.
    public var resolution: String
    /// Ids of the events that cleared it.
    public var evidence: [String]

    public init(flagId: String, rule: String, resolution: String, evidence: [String]) {
        self.flagId = flagId
        self.rule = rule
        self.resolution = resolution
        self.evidence = evidence
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(flagId, "flagId")
        try Check.identifier(rule, "rule")
        try Check.text(resolution, "resolution")
        try Check.list(evidence, "evidence", minimum: 0, maximum: 200)
        for (index, id) in evidence.enumerated() { try Check.identifier(id, "evidence[\(index)]") }
    }

    public func refusal(of source: EventSource) -> String? { refuseUnlessCoordinator(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.flags] }
}

// Flag events are encoded by hand: the coordinator publishes one for every flag it raises or
// resolves, and JSONEncoder was most of the cost. The members are written in the order of
// JSONEncoder's `.sortedKeys`; FlagEncodingTests checks the bytes against JSONEncoder, so a field
// added to either type without being added here fails there.

extension FlagRaised {
    /// The JSON body: the bytes `EventEnvelope.encoder()` writes for this payload.
    func jsonBody() -> [UInt8] {
        var writer = JSONByteWriter(
            capacity: 128 + title.utf8.count + explanation.utf8.count + flagId.utf8.count
                + rule.utf8.count + evidence.count * 24)
        writer.beginObject()
        writer.key("agencies")
        writer.strings(agencies.lazy.map(\.rawValue))
        writer.key("evidence")
        writer.strings(evidence)
        writer.key("explanation")
        writer.string(explanation)
        writer.key("flagId")
        writer.string(flagId)
        writer.key("rule")
        writer.string(rule)
        writer.key("severity")
        writer.string(severity.rawValue)
        writer.key("title")
        writer.string(title)
        writer.endObject()
        return writer.bytes
    }
}

extension FlagResolved {
    /// The JSON body: the bytes `EventEnvelope.encoder()` writes for this payload.
    func jsonBody() -> [UInt8] {
        var writer = JSONByteWriter(
            capacity: 96 + resolution.utf8.count + flagId.utf8.count + rule.utf8.count
                + evidence.count * 24)
        writer.beginObject()
        writer.key("evidence")
        writer.strings(evidence)
        writer.key("flagId")
        writer.string(flagId)
        writer.key("resolution")
        writer.string(resolution)
        writer.key("rule")
        writer.string(rule)
        writer.endObject()
        return writer.bytes
    }
}
