import Foundation

// Samordnad individuell plan (DOMAIN.md "SIP"; 000:L88, 000:L509, 001:L309; lag 2017:612).

/// A time span, for availability and meetings (RFC 3339 date-times).
public struct TimeSlot: Codable, Sendable, Hashable {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    func validate(_ field: String) throws(PayloadViolation) {
        guard start < end else { throw PayloadViolation(field: "\(field).end", reason: "must be after start") }
        guard end.timeIntervalSince(start) <= 12 * 3600 else {
            throw PayloadViolation(field: "\(field).end", reason: "must be at most 12 hours after start")
        }
    }
}

/// The SIP caller role: only kommun or region call a SIP (SoL/HSL).
private func refuseUnlessCaller(_ caller: Agency, _ source: EventSource, _ type: EventType) -> String? {
    Source.mustBe(caller, source, role: "calling agency", type)
}

/// Kommun or region staff asked for a SIP meeting for the person.
public struct SipRequested: EventPayload {
    public static let eventType = EventType.sipRequested
    public var sipId: String
    public var caller: Agency
    public var reason: String
    /// The other agencies invited to the meeting.
    public var invited: [Agency]
    /// Requested after discharge from hospital: the region must call it within 3 days (lag 2017:612).
    public var afterDischarge: Bool

    public init(sipId: String, caller: Agency, reason: String, invited: [Agency], afterDischarge: Bool) {
        self.sipId = sipId
        self.caller = caller
        self.reason = reason
        self.invited = invited
        self.afterDischarge = afterDischarge
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(sipId, "sipId")
        guard caller == .kommun || caller == .region else {
            throw PayloadViolation(field: "caller", reason: "must be kommun or region; only they call a SIP")
        }
        try Check.text(reason, "reason")
        try Check.list(invited, "invited")
        if invited.contains(caller) { throw PayloadViolation(field: "invited", reason: "must not contain the caller") }
    }

    public func refusal(of source: EventSource) -> String? { refuseUnlessCaller(caller, source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.status(caller)] }
}

/// The caller invited one agency to the SIP meeting.
public struct SipInvitationSent: EventPayload {
    public static let eventType = EventType.sipInvitationSent
    public var sipId: String
    public var caller: Agency
    public var invitee: Agency
    /// The day the caller expects an answer by.
    public var answerBy: LocalDate
    /// The person's identity sealed to the receiver (HPKE), when consent covers the sharing.
    public var sealedIdentity: SealedIdentity?

    public init(sipId: String, caller: Agency, invitee: Agency, answerBy: LocalDate, sealedIdentity: SealedIdentity? = nil) {
        self.sipId = sipId
        self.caller = caller
        self.invitee = invitee
        self.answerBy = answerBy
        self.sealedIdentity = sealedIdentity
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(sipId, "sipId")
        try Check.different(caller, invitee, "invitee")
        try sealedIdentity?.validate("sealedIdentity", receiver: invitee)
    }

    public func refusal(of source: EventSource) -> String? { refuseUnlessCaller(caller, source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { [Topic.inbox(invitee)] }
}

/// An invited agency's answer.
public enum SipAnswer: String, Vocabulary {
    case accepted, declined
}

/// An invited agency answered: accepted with the participant and the times they can attend,
/// or declined with a reason.
public struct SipInvitationAnswered: EventPayload {
    public static let eventType = EventType.sipInvitationAnswered
    public var sipId: String
    public var caller: Agency
    public var invitee: Agency
    public var answer: SipAnswer
    /// Who attends (required when accepted).
    public var participant: Contact?
    /// When the participant can attend (required, non-empty, when accepted).
    public var availability: [TimeSlot]?
    /// Why the agency declines (required when declined).
    public var reason: String?

    public init(
        sipId: String, caller: Agency, invitee: Agency, answer: SipAnswer,
        participant: Contact? = nil, availability: [TimeSlot]? = nil, reason: String? = nil
    ) {
        self.sipId = sipId
        self.caller = caller
        self.invitee = invitee
        self.answer = answer
        self.participant = participant
        self.availability = availability
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(sipId, "sipId")
        try Check.different(caller, invitee, "invitee")
        switch answer {
        case .accepted:
            guard let participant else { throw PayloadViolation(field: "participant", reason: "is required when answer is accepted") }
            try participant.validate("participant")
            guard let availability, !availability.isEmpty else {
                throw PayloadViolation(field: "availability", reason: "must list at least one time when answer is accepted")
            }
            try Check.list(availability, "availability", maximum: 50)
            for (index, slot) in availability.enumerated() { try slot.validate("availability[\(index)]") }
            if reason != nil { throw PayloadViolation(field: "reason", reason: "is allowed only when answer is declined") }
        case .declined:
            guard let reason else { throw PayloadViolation(field: "reason", reason: "is required when answer is declined") }
            try Check.text(reason, "reason")
            if participant != nil { throw PayloadViolation(field: "participant", reason: "is allowed only when answer is accepted") }
            if availability != nil { throw PayloadViolation(field: "availability", reason: "is allowed only when answer is accepted") }
        }
    }

    public func refusal(of source: EventSource) -> String? {
        Source.mustBe(invitee, source, role: "invited agency", Self.eventType)
    }

    public func topics(from source: EventSource) -> [String] { [Topic.inbox(caller)] }
}

/// Validation shared by the events that go to every participant of a meeting.
private func validateParticipants(_ caller: Agency, _ participants: [Agency]) throws(PayloadViolation) {
    try Check.list(participants, "participants")
    if !participants.contains(caller) { throw PayloadViolation(field: "participants", reason: "must contain the caller") }
}

/// The caller scheduled (or rescheduled) the meeting; every participant is told.
public struct SipScheduled: EventPayload {
    public static let eventType = EventType.sipScheduled
    public var sipId: String
    public var caller: Agency
    /// Every agency at the table, the caller included.
    public var participants: [Agency]
    public var meeting: TimeSlot
    /// 0 when first scheduled, +1 on each reschedule (iCalendar SEQUENCE).
    public var sequence: Int
    public var location: String?
    /// The named staff expected at the meeting (organizer first), for the calendar's ATTENDEEs.
    public var attendees: [Attendee]?

    public init(
        sipId: String, caller: Agency, participants: [Agency], meeting: TimeSlot, sequence: Int, location: String? = nil,
        attendees: [Attendee]? = nil
    ) {
        self.sipId = sipId
        self.caller = caller
        self.participants = participants
        self.meeting = meeting
        self.sequence = sequence
        self.location = location
        self.attendees = attendees
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(sipId, "sipId")
        try validateParticipants(caller, participants)
        try meeting.validate("meeting")
        guard (0...1000).contains(sequence) else {
            throw PayloadViolation(field: "sequence", reason: NumberRules.rule(for: "sequence") + ", got \(sequence)")
        }
        if let location { try Check.name(location, "location") }
        if let attendees {
            try Check.list(attendees, "attendees", maximum: 20)
            for (index, attendee) in attendees.enumerated() {
                try Check.name(attendee.name, "attendees[\(index)].name")
                if !participants.contains(attendee.agency) {
                    throw PayloadViolation(field: "attendees[\(index)].agency", reason: "must be one of participants")
                }
            }
        }
    }

    public func refusal(of source: EventSource) -> String? { refuseUnlessCaller(caller, source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { Source.inboxes(participants) }
}

/// Who took part in a held meeting.
public struct Attendee: Codable, Sendable, Hashable {
    public var agency: Agency
    public var name: String

    public init(agency: Agency, name: String) {
        self.agency = agency
        self.name = name
    }
}

/// The SIP meeting was held.
public struct SipHeld: EventPayload {
    public static let eventType = EventType.sipHeld
    public var sipId: String
    public var caller: Agency
    public var participants: [Agency]
    public var attendees: [Attendee]
    public var heldOn: LocalDate

    public init(sipId: String, caller: Agency, participants: [Agency], attendees: [Attendee], heldOn: LocalDate) {
        self.sipId = sipId
        self.caller = caller
        self.participants = participants
        self.attendees = attendees
        self.heldOn = heldOn
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(sipId, "sipId")
        try validateParticipants(caller, participants)
        try Check.list(attendees, "attendees")
        for (index, attendee) in attendees.enumerated() {
            try Check.name(attendee.name, "attendees[\(index)].name")
            if !participants.contains(attendee.agency) {
                throw PayloadViolation(field: "attendees[\(index)].agency", reason: "must be one of participants")
            }
        }
    }

    public func refusal(of source: EventSource) -> String? { refuseUnlessCaller(caller, source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { Source.inboxes(participants) }
}

/// The caller cancelled the meeting, with a reason; every participant is told.
public struct SipCancelled: EventPayload {
    public static let eventType = EventType.sipCancelled
    public var sipId: String
    public var caller: Agency
    public var participants: [Agency]
    public var reason: String

    public init(sipId: String, caller: Agency, participants: [Agency], reason: String) {
        self.sipId = sipId
        self.caller = caller
        self.participants = participants
        self.reason = reason
    }

    public func validate() throws(PayloadViolation) {
        try Check.identifier(sipId, "sipId")
        try validateParticipants(caller, participants)
        try Check.text(reason, "reason")
    }

    public func refusal(of source: EventSource) -> String? { refuseUnlessCaller(caller, source, Self.eventType) }
    public func topics(from source: EventSource) -> [String] { Source.inboxes(participants) }
}
