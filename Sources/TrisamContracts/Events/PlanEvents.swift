// Handlingsplan: mål, delmål, what is to be done, who does it, follow-up (001:L658, 001:L287).

/// Refuses a source that is not one of the plan's participants.
private func refuseUnlessParticipant(_ participants: [Agency], _ source: EventSource, _ type: EventType) -> String? {
    if let reason = Source.mustBeAgency(source, type) { return reason }
    return participants.contains(source.agency!) ? nil : "only a participant of the plan publishes \(type.rawValue)"
}

/// Validation shared by plan events that name the participants.
private func validatePlan(_ planId: String, _ leadAgency: Agency, _ participants: [Agency]) throws(PayloadViolation) {
    try Check.identifier(planId, "planId")
    try Check.list(participants, "participants")
    if !participants.contains(leadAgency) { throw PayloadViolation(field: "participants", reason: "must contain the lead agency") }
}

/// A joint handlingsplan was agreed, with goals and one lead agency.
public struct PlanCreated: EventPayload {
    public static let eventType = EventType.planCreated
    public var planId: String
    /// The SIP meeting that produced the plan, if any.
    public var sipId: String?
    /// The agency with the overall responsibility for the plan.
    public var leadAgency: Agency
    public var participants: [Agency]
    /// Mål.
    public var goals: [String]
    /// Delmål.
    public var subGoals: [String]
    /// The person's own goal in their own words ("Vart vill du?", 004:L989).
    public var personGoal: String?
    /// 1 for the plan first agreed; a revision at a follow-up republishes the whole plan under
    /// the same `planId` with the next number, and consumers keep the earlier ones as history.
    /// Absent means 1.
    public var revision: Int?

    public init(
        planId: String, sipId: String? = nil, leadAgency: Agency, participants: [Agency], goals: [String], subGoals: [String] = [],
        personGoal: String? = nil, revision: Int? = nil
    ) {
        self.planId = planId
        self.sipId = sipId
        self.leadAgency = leadAgency
        self.participants = participants
        self.goals = goals
        self.subGoals = subGoals
        self.personGoal = personGoal
        self.revision = revision
    }

    /// The revision number (1 when absent).
    public var revisionNumber: Int { revision ?? 1 }

    public func validate() throws(PayloadViolation) {
        try validatePlan(planId, leadAgency, participants)
        if let sipId { try Check.identifier(sipId, "sipId") }
        try Check.list(goals, "goals", maximum: 20)
        for (index, goal) in goals.enumerated() { try Check.text(goal, "goals[\(index)]") }
        try Check.list(subGoals, "subGoals", minimum: 0, maximum: 50)
        for (index, goal) in subGoals.enumerated() { try Check.text(goal, "subGoals[\(index)]") }
        if let personGoal { try Check.text(personGoal, "personGoal") }
        if let revision, !(1...1000).contains(revision) {
            throw PayloadViolation(field: "revision", reason: NumberRules.rule(for: "revision") + ", got \(revision)")
        }
    }

    public func refusal(of source: EventSource) -> String? { refuseUnlessParticipant(participants, source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { Source.inboxes(participants) }
}

/// An action of the plan was assigned to an agency, with a due date.
public struct PlanActionAssigned: EventPayload {
    public static let eventType = EventType.planActionAssigned
    public var planId: String
    public var actionId: String
    public var leadAgency: Agency
    /// The agency that does it.
    public var owner: Agency
    /// The named person at the owner, if known.
    public var ownerContact: Contact?
    /// What is to be done.
    public var description: String
    public var dueDate: LocalDate
    /// The person's identity sealed to the owner (HPKE), when the owner is another agency than
    /// the publisher and consent covers the sharing.
    public var sealedIdentity: SealedIdentity?

    public init(
        planId: String, actionId: String, leadAgency: Agency, owner: Agency, ownerContact: Contact? = nil, description: String,
        dueDate: LocalDate, sealedIdentity: SealedIdentity? = nil
    ) {
        self.planId = planId
        self.actionId = actionId
        self.leadAgency = leadAgency
        self.owner = owner
        self.ownerContact = ownerContact
        self.description = description
        self.dueDate = dueDate
        self.sealedIdentity = sealedIdentity
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(planId, "planId")
        try Check.identifier(actionId, "actionId")
        if let ownerContact { try ownerContact.validate("ownerContact") }
        try Check.text(description, "description")
        try sealedIdentity?.validate("sealedIdentity", receiver: owner)
    }

    public func refusal(of source: EventSource) -> String? {
        refuseUnlessParticipant([leadAgency, owner], source, Self.eventType)
    }

    /// The owner's and the lead's inboxes.
    public func topics(from source: EventSource) -> [String] { Source.inboxes([owner, leadAgency]) }
}

/// How the owner finished an action.
public enum PlanActionOutcome: String, Vocabulary {
    /// Done as planned.
    case done
    /// Cannot be done; `reason` says why.
    case notPossible = "not-possible"
}

/// The owner finished an action of the plan: done, or marked not possible with a reason.
public struct PlanActionCompleted: EventPayload {
    public static let eventType = EventType.planActionCompleted
    public var planId: String
    public var actionId: String
    public var leadAgency: Agency
    public var owner: Agency
    public var completedOn: LocalDate
    public var note: String?
    /// Absent means done.
    public var outcome: PlanActionOutcome?
    /// Why the action is not possible (required then, not allowed otherwise).
    public var reason: String?

    public init(
        planId: String, actionId: String, leadAgency: Agency, owner: Agency, completedOn: LocalDate, note: String? = nil,
        outcome: PlanActionOutcome? = nil, reason: String? = nil
    ) {
        self.planId = planId
        self.actionId = actionId
        self.leadAgency = leadAgency
        self.owner = owner
        self.completedOn = completedOn
        self.note = note
        self.outcome = outcome
        self.reason = reason
    }

    /// The outcome (done when absent).
    public var finalOutcome: PlanActionOutcome { outcome ?? .done }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(planId, "planId")
        try Check.identifier(actionId, "actionId")
        if let note { try Check.text(note, "note") }
        switch finalOutcome {
        case .done:
            if reason != nil { throw PayloadViolation(field: "reason", reason: "is allowed only when outcome is not-possible") }
        case .notPossible:
            guard let reason else { throw PayloadViolation(field: "reason", reason: "is required when outcome is not-possible") }
            try Check.text(reason, "reason")
        }
    }

    public func refusal(of source: EventSource) -> String? {
        Source.mustBe(owner, source, role: "action owner", Self.eventType)
    }

    public func topics(from source: EventSource) -> [String] { Source.inboxes([leadAgency, owner]) }
}

/// The date the plan is followed up was set.
public struct PlanFollowUpSet: EventPayload {
    public static let eventType = EventType.planFollowUpSet
    public var planId: String
    public var leadAgency: Agency
    public var participants: [Agency]
    public var followUpOn: LocalDate

    public init(planId: String, leadAgency: Agency, participants: [Agency], followUpOn: LocalDate) {
        self.planId = planId
        self.leadAgency = leadAgency
        self.participants = participants
        self.followUpOn = followUpOn
    }

    public func validate() throws(PayloadViolation) { try validatePlan(planId, leadAgency, participants) }
    public func refusal(of source: EventSource) -> String? { refuseUnlessParticipant(participants, source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { Source.inboxes(participants) }
}

/// Why a plan was closed.
public enum PlanCloseReason: String, Vocabulary {
    case goalsReached = "goals-reached"
    case replaced
    case consentWithdrawn = "consent-withdrawn"
    case other
}

/// Where the person went when the plan closed.
public enum PlanOutcome: String, Vocabulary {
    case work, studies
    case otherBenefit = "other-benefit"
    case moved, other
}

/// The plan was closed.
public struct PlanClosed: EventPayload {
    public static let eventType = EventType.planClosed
    public var planId: String
    public var leadAgency: Agency
    public var participants: [Agency]
    public var reason: PlanCloseReason
    public var closedOn: LocalDate
    /// The outcome for the person (work, studies, other benefit, moved, other).
    public var outcome: PlanOutcome?

    public init(
        planId: String, leadAgency: Agency, participants: [Agency], reason: PlanCloseReason, closedOn: LocalDate,
        outcome: PlanOutcome? = nil
    ) {
        self.planId = planId
        self.leadAgency = leadAgency
        self.participants = participants
        self.reason = reason
        self.closedOn = closedOn
        self.outcome = outcome
    }

    public func validate() throws(PayloadViolation) { try validatePlan(planId, leadAgency, participants) }
    public func refusal(of source: EventSource) -> String? { refuseUnlessParticipant(participants, source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { Source.inboxes(participants) }
}
