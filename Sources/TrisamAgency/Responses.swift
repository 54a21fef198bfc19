import Foundation
import TrisamContracts
import TrisamHTTP

// The bodies the agency API answers (contracts/openapi.yaml). A key the API sends present with
// `null` is `@Nullable`; a plain optional is left out when absent.

/// `GET /health`.
public struct Health: Encodable, Sendable {
    public var agency: String
    public var status: String
}

/// `POST /persons`.
public struct PersonRegistered: Encodable, Sendable {
    public var clientRef: String
}

/// `POST /persons/search`: the person the identity register holds for the number.
public struct PersonFound: Encodable, Sendable {
    public var clientRef: String
    public var identity: IdentityBody
}

/// What a request that published one event answers: the event's id.
public struct EventPublished: Encodable, Sendable {
    public var eventId: String
}

/// `POST /persons/{clientRef}/consents` and its withdrawal.
public struct ConsentRecorded: Encodable, Sendable {
    public var consentId: String
    public var eventId: String
}

/// `POST /persons/{clientRef}/cases`.
public struct CaseOpenedReply: Encodable, Sendable {
    public var caseId: Int64
    public var area: String
    public var eventId: String
}

/// Closing a case or changing its contact.
public struct CaseChanged: Encodable, Sendable {
    public var area: String
    public var eventId: String
}

/// `POST /persons/{clientRef}/handovers`.
public struct HandoverRequestedReply: Encodable, Sendable {
    public var handoverId: String
    public var eventId: String
}

/// Accepting or refusing a handover.
public struct HandoverAnswered: Encodable, Sendable {
    public var handoverId: String
    public var state: String
    public var eventId: String
}

/// `POST /persons/{clientRef}/referrals`.
public struct ReferralSentReply: Encodable, Sendable {
    public var referralId: String
    public var eventId: String
}

/// An action on a referral.
public struct ReferralChanged: Encodable, Sendable {
    public var referralId: String
    public var state: String
    public var eventId: String
}

/// A page of a listing, newest or earliest first; `next` (null on the last page) is the
/// cursor of the following page.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    @Nullable public var next: String?
}

/// One message of the inbox.
public struct InboxItem: Encodable, Sendable {
    public var cursor: String
    public var eventId: String
    public var type: String
    public var from: String
    public var clientRef: String
    public var receivedAt: String
    public var time: String
    public var summary: String
    public var payload: JSONValue
    /// Who the item is about, from this agency's identity register (null when it holds none).
    @Nullable public var person: IdentityBody? = nil
}

/// One row of the agency's audit log.
public struct AuditItem: Encodable, Sendable {
    public var cursor: String
    public var at: String
    public var staff: String
    public var role: String
    public var action: String
    @Nullable public var clientRef: String?
    public var detail: String
}

/// `GET /persons/{clientRef}`: what this agency knows about a person.
public struct PersonSummaryBody: Encodable, Sendable {
    public struct Case: Encodable, Sendable {
        public var area: String
        public var contact: JSONValue
        public var openedOn: String
        @Nullable public var closedOn: String?
        @Nullable public var closeReason: String?
        @Nullable public var handoverTo: String?
        public var open: Bool
    }
    public struct Consent: Encodable, Sendable {
        public var consentId: String
        public var purpose: String
        public var agencies: [String]
        public var givenOn: String
        public var validUntil: String
        @Nullable public var withdrawnOn: String?
        public var valid: Bool
    }
    public struct Referral: Encodable, Sendable {
        @Nullable public var referralId: String?
        @Nullable public var from: String?
        @Nullable public var to: String?
        @Nullable public var area: String?
        @Nullable public var reason: String?
        @Nullable public var requestedMeasure: String?
        @Nullable public var answerBy: String?
        @Nullable public var state: String?
        @Nullable public var lastNote: String?
        @Nullable public var outcome: String?
        @Nullable public var rejectReason: String?
        @Nullable public var cancelReason: String?
        @Nullable public var sentAt: String?
        @Nullable public var updatedAt: String?
        public var contact: JSONValue
    }
    public struct Handover: Encodable, Sendable {
        public var handoverId: String
        public var area: String
        public var from: String
        public var to: String
        public var reason: String
        public var state: String
        @Nullable public var refusalReason: String?
        public var contact: JSONValue
        public var requestedAt: String
        @Nullable public var answeredAt: String?
    }
    public struct Status: Encodable, Sendable {
        public var eventId: String
        public var type: String
        public var payload: JSONValue
        public var publishedAt: String
    }

    public var clientRef: String
    public var agency: String
    /// Who the person is, from this agency's identity register (null when it holds none).
    @Nullable public var identity: IdentityBody? = nil
    public var cases: [Case]
    public var consents: [Consent]
    public var referralsSent: [Referral]
    public var referralsReceived: [Referral]
    public var handovers: [Handover]
    public var statuses: [Status]
    public var inbox: [InboxItem]
}

// MARK: SIP

/// A meeting time, RFC 3339.
public struct SlotBody: Encodable, Sendable {
    public var start: String
    public var end: String

    init(_ slot: TimeSlot) {
        start = Timestamp.format(slot.start)
        end = Timestamp.format(slot.end)
    }
}

/// `POST /persons/{clientRef}/sips`.
public struct SipRequestedReply: Encodable, Sendable {
    public var sipId: String
    public var answerBy: String
    public var eventId: String
}

/// Answering an invitation.
public struct SipAnswered: Encodable, Sendable {
    public var sipId: String
    public var answer: String
    public var eventId: String
}

/// Scheduling or rescheduling a SIP.
public struct SipScheduledReply: Encodable, Sendable {
    public var sipId: String
    public var sequence: Int
    public var meeting: SlotBody
    public var participants: [String]
    public var chosen: Bool
    public var eventId: String
}

/// Cancelling a SIP or recording it as held.
public struct SipChanged: Encodable, Sendable {
    public var sipId: String
    public var state: String
    public var eventId: String
}

/// `GET /sips/{sipId}`.
public struct SipView: Encodable, Sendable {
    public struct Scheduled: Encodable, Sendable {
        public var meeting: SlotBody
        public var sequence: Int
        public var participants: [String]
        public var attendees: [Attendee]
        public var calendar: String
        public var location: String?
    }
    public struct Held: Encodable, Sendable {
        public var heldOn: String
        public var attendees: [Attendee]
    }
    public struct Invitation: Encodable, Sendable {
        public var invitee: String
        public var answerBy: String
        public var answer: String
        public var overdue: Bool
        public var participant: Contact?
        /// Left out when the invitee gave none.
        public var availability: [SlotBody]?
        public var reason: String?
    }

    public var sipId: String
    public var clientRef: String
    public var caller: String
    public var role: String
    public var state: String
    public var afterDischarge: Bool
    public var reason: String?
    public var scheduled: Scheduled?
    public var cancelReason: String?
    public var held: Held?
    public var invitations: [Invitation]
    public var overdueInvitees: [String]
    public var ownAnswer: String?
}

// MARK: Plans

/// Creating or revising a plan.
public struct PlanRevised: Encodable, Sendable {
    public var planId: String
    public var revision: Int
    public var actionIds: [String]
    public var eventId: String
}

/// Closing a plan.
public struct PlanClosedReply: Encodable, Sendable {
    public var planId: String
    public var state: String
    public var outcome: String
    public var eventId: String
}

/// Marking an action done or not possible.
public struct ActionFinished: Encodable, Sendable {
    public var planId: String
    public var actionId: String
    public var state: String
    public var eventId: String
}

/// One plan action, in `GET /plans/{planId}` and `GET /actions`.
public struct ActionItem: Encodable, Sendable {
    public var planId: String
    public var actionId: String
    public var clientRef: String
    public var leadAgency: String
    public var owner: String
    public var ownerContact: Contact?
    public var description: String
    public var dueDate: String
    public var state: String
    public var completedOn: String?
    public var note: String?
    public var reason: String?
    /// In `GET /actions`: who the action is for, from this agency's identity register (audited).
    public var person: IdentityBody?
}

/// `GET /plans/{planId}`: the lead sees the whole plan; an owner (`role: owner`) only
/// `planId`, `role`, `leadAgency` and its own actions.
public struct PlanView: Encodable, Sendable {
    public var planId: String
    public var role: String
    public var clientRef: String?
    public var leadAgency: String
    public var participants: [String]?
    public var revision: Int?
    public var state: String?
    public var current: JSONValue?
    public var revisions: [JSONValue]?
    public var actions: [ActionItem]
    public var sipId: String?
    public var followUpOn: String?
    public var outcome: String?
    public var closedOn: String?
}
