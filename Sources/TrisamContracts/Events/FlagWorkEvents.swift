// The work coordinators do on a flag (issue 21): taking it, assigning it to a named person at an
// agency, commenting, agreeing the next step, setting it aside until a date, closing it as no
// gap, and the coordinator reopening it when the person's situation changes. Published by the
// coordinator on `trisam.flags`, beside the flags themselves.

private func onlyCoordinator(_ source: EventSource, _ type: EventType) -> String? {
    source == .coordinator ? nil : "only the coordinator publishes \(type.rawValue)"
}

private func checkFlag(_ flagId: String, _ rule: String, actor: String?) throws(PayloadViolation) {
    try Check.identifier(flagId, "flagId")
    try Check.identifier(rule, "rule")
    if let actor { try Check.name(actor, "actor") }
}

/// A coordinator took the flag: they work it from now on.
public struct FlagTaken: EventPayload {
    public static let eventType = EventType.flagTaken
    public var flagId: String
    public var rule: String
    /// The coordinator who took it (the name their token or session carries).
    public var actor: String

    public init(flagId: String, rule: String, actor: String) {
        self.flagId = flagId
        self.rule = rule
        self.actor = actor
    }

    public func validate() throws(PayloadViolation) { try checkFlag(flagId, rule, actor: actor) }
    public func refusal(of source: EventSource) -> String? { onlyCoordinator(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.flags] }
}

/// A coordinator assigned the flag to a named person at an agency.
public struct FlagAssigned: EventPayload {
    public static let eventType = EventType.flagAssigned
    public var flagId: String
    public var rule: String
    /// The coordinator who assigned it.
    public var actor: String
    /// The person who is to act, with a phone number where given.
    public var assignee: Contact
    /// The agency the assignee works for.
    public var agency: Agency

    public init(flagId: String, rule: String, actor: String, assignee: Contact, agency: Agency) {
        self.flagId = flagId
        self.rule = rule
        self.actor = actor
        self.assignee = assignee
        self.agency = agency
    }

    public func validate() throws(PayloadViolation) {
        try checkFlag(flagId, rule, actor: actor)
        try assignee.validate("assignee")
    }
    public func refusal(of source: EventSource) -> String? { onlyCoordinator(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.flags] }
}

/// A coordinator commented on the flag.
public struct FlagCommented: EventPayload {
    public static let eventType = EventType.flagCommented
    public var flagId: String
    public var rule: String
    public var actor: String
    /// The comment (free text, no personnummer).
    public var comment: String

    public init(flagId: String, rule: String, actor: String, comment: String) {
        self.flagId = flagId
        self.rule = rule
        self.actor = actor
        self.comment = comment
    }

    public func validate() throws(PayloadViolation) {
        try checkFlag(flagId, rule, actor: actor)
        try Check.text(comment, "comment")
    }
    public func refusal(of source: EventSource) -> String? { onlyCoordinator(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.flags] }
}

/// A coordinator recorded the next step agreed, and the day it is to be done by.
public struct FlagNextStepAgreed: EventPayload {
    public static let eventType = EventType.flagNextStepAgreed
    public var flagId: String
    public var rule: String
    public var actor: String
    /// What is to happen next.
    public var nextStep: String
    /// The day it is to be done by.
    public var dueOn: LocalDate

    public init(flagId: String, rule: String, actor: String, nextStep: String, dueOn: LocalDate) {
        self.flagId = flagId
        self.rule = rule
        self.actor = actor
        self.nextStep = nextStep
        self.dueOn = dueOn
    }

    public func validate() throws(PayloadViolation) {
        try checkFlag(flagId, rule, actor: actor)
        try Check.text(nextStep, "nextStep")
    }
    public func refusal(of source: EventSource) -> String? { onlyCoordinator(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.flags] }
}

/// A coordinator set the flag aside until a day: it is out of the queue until then, or until the
/// person's situation changes (then ``FlagReopened`` follows).
public struct FlagSetAside: EventPayload {
    public static let eventType = EventType.flagSetAside
    public var flagId: String
    public var rule: String
    public var actor: String
    /// The day the flag comes back to the queue.
    public var until: LocalDate
    /// Why it waits.
    public var reason: String

    public init(flagId: String, rule: String, actor: String, until: LocalDate, reason: String) {
        self.flagId = flagId
        self.rule = rule
        self.actor = actor
        self.until = until
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try checkFlag(flagId, rule, actor: actor)
        try Check.text(reason, "reason")
    }
    public func refusal(of source: EventSource) -> String? { onlyCoordinator(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.flags] }
}

/// A coordinator closed the flag as no gap ("ingen brist"), with the reason. The same cause does
/// not raise it again; a change in the person's situation reopens it (``FlagReopened``).
public struct FlagClosed: EventPayload {
    public static let eventType = EventType.flagClosed
    public var flagId: String
    public var rule: String
    public var actor: String
    /// Why there is no gap.
    public var reason: String

    public init(flagId: String, rule: String, actor: String, reason: String) {
        self.flagId = flagId
        self.rule = rule
        self.actor = actor
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try checkFlag(flagId, rule, actor: actor)
        try Check.text(reason, "reason")
    }
    public func refusal(of source: EventSource) -> String? { onlyCoordinator(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.flags] }
}

/// The coordinator put a flag set aside or closed as no gap back into the queue because the
/// person's situation changed (the flag's evidence, or another flag of the person).
public struct FlagReopened: EventPayload {
    public static let eventType = EventType.flagReopened
    public var flagId: String
    public var rule: String
    /// Why, in Swedish.
    public var reason: String
    /// Ids of the events that changed the situation (empty when another flag changed by time).
    public var evidence: [String]

    public init(flagId: String, rule: String, reason: String, evidence: [String]) {
        self.flagId = flagId
        self.rule = rule
        self.reason = reason
        self.evidence = evidence
    }

    public func validate() throws(PayloadViolation) {
        try checkFlag(flagId, rule, actor: nil)
        try Check.text(reason, "reason")
        try Check.list(evidence, "evidence", minimum: 0, maximum: 200)
        for (index, id) in evidence.enumerated() { try Check.identifier(id, "evidence[\(index)]") }
    }
    public func refusal(of source: EventSource) -> String? { onlyCoordinator(source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.flags] }
}

/// A member of an agency's staff takes a flag that names their agency (issue 21). Published by
/// that agency on its own status topic; the coordinator records the flag as assigned to them at
/// their agency and says so on `trisam.flags` (`flag.assigned`).
public struct FlagTakeRequested: EventPayload {
    public static let eventType = EventType.flagTakeRequested
    public var flagId: String
    public var rule: String
    /// The member of staff who takes it (their name as the agency's token carries it).
    public var actor: String
    /// Their agency (the publisher).
    public var agency: Agency

    public init(flagId: String, rule: String, actor: String, agency: Agency) {
        self.flagId = flagId
        self.rule = rule
        self.actor = actor
        self.agency = agency
    }

    public func validate() throws(PayloadViolation) { try checkFlag(flagId, rule, actor: actor) }

    public func refusal(of source: EventSource) -> String? {
        source == .agency(agency) ? nil : "only \(agency.rawValue) takes a flag for \(agency.rawValue)"
    }

    public func topics(from source: EventSource) -> [String] { [Topic.status(agency)] }
}
