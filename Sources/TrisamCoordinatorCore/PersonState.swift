import Foundation
import TrisamContracts

/// Everything the coordinator knows about one person, folded from events.
///
/// Codable so the service stores it as one JSON blob per person. It is kept compact: no raw
/// event history (the service keeps the timeline in its own table), bounded lists, optional fields
/// left out when empty. Every part that a gap rule can cite keeps the id of the event behind it.
///
/// The read-only views (`areas`, `cases`, `kommun`, `af`, `fk`, `region`, `referrals`, `sips`,
/// `plans`, `consents`, `handovers`) are what the API and the dashboard show.
///
/// Equal states show and evaluate the same: the bookkeeping that makes the fold independent of
/// the order events are read in (ownership facts kept for replay, closed referrals and plans,
/// the agencies' latest next steps) is stored in the binary form but not compared, and the JSON
/// form (what the API shows) leaves it out.
public struct PersonState: Codable, Sendable, Equatable {
    /// The person, as a pseudonym.
    public private(set) var clientRef: ClientRef
    /// Per area that has ever had an owner: the current owner, pending handover and ownership periods.
    public internal(set) var areas: [AreaState] = []
    /// Each agency's case per area, open or closed (at most 16: 4 agencies × 4 areas).
    public internal(set) var cases: [CaseState] = []
    /// Kommun's statuses: bistånd, försörjningshinder, arbetshinder, municipal measures.
    public internal(set) var kommun = KommunStatus()
    /// Arbetsförmedlingen's statuses: registration, work capacity, programmes.
    public internal(set) var af = AfStatus()
    /// Försäkringskassan's statuses: sjukpenning, SGI, rehabkedjan, aktivitets-/sjukersättning.
    public internal(set) var fk = FkStatus()
    /// The region's statuses: sick notes, treatment, medically finished.
    public internal(set) var region = RegionStatus()
    /// Referrals that are open, or rejected and still waiting for the sender's next step.
    public internal(set) var referrals: [ReferralState] = []
    /// SIP meetings, the latest ``PersonState/maxSips`` ones.
    public internal(set) var sips: [SipState] = []
    /// Open handlingsplaner with their actions.
    public internal(set) var plans: [PlanState] = []
    /// Consents given, with withdrawal.
    public internal(set) var consents: [ConsentState] = []
    /// Per agency, the latest end of its samordning consent: from then the coordinator holds
    /// nothing from that agency about the person (``enforceConsent(on:)``).
    public internal(set) var consentEnds: [ConsentEnd] = []
    /// The latest handovers between agencies (for ping-pong), at most ``PersonState/maxHandovers``.
    public internal(set) var handovers: [HandoverMark] = []
    /// Time of the latest event folded in.
    public internal(set) var lastEventTime: Date?

    /// The ownership views as of the ownership facts no longer kept (``areas``, ``cases`` and
    /// ``handovers`` are these with ``ownershipFacts`` replayed on top).
    var ownershipBase = OwnershipViews()
    /// The latest case and handover facts, in event-time order.
    var ownershipFacts: [OwnershipFact] = []
    /// Referrals closed, cancelled or settled, so that an event about one read late does not open it again.
    var closedReferrals: [ClosedEntry] = []
    /// Plans closed, so that an event about one read late does not open it again.
    var closedPlans: [ClosedEntry] = []
    /// Per agency, the time of its latest next step (a referral, a handover or a SIP request),
    /// which settles its rejected referrals from before it.
    var nextSteps: [NextStep] = []

    /// Bounds that keep the state small.
    public static let maxPeriodsPerArea = 12
    public static let maxReferrals = 20
    public static let maxSips = 6
    public static let maxPlans = 6
    public static let maxActionsPerPlan = 20
    public static let maxConsents = 12
    public static let maxHandovers = 10
    public static let maxGoals = 10
    public static let maxEvidence = 200
    static let maxClosedIds = 40

    /// An empty state for a person no event has been seen for.
    public init(clientRef: ClientRef) {
        self.clientRef = clientRef
    }

    /// The area's state, if the area ever had an owner or a handover.
    public func area(_ area: Area) -> AreaState? { areas.first { $0.area == area } }

    /// The current owner of an area, if any.
    public func owner(of area: Area) -> Agency? { self.area(area)?.owner }

    /// The agency's case for an area, open or closed, if it ever had one.
    public func caseOf(_ agency: Agency, _ area: Area) -> CaseState? {
        cases.first { $0.agency == agency && $0.area == area }
    }

    enum CodingKeys: String, CodingKey {
        case clientRef, areas, cases, kommun, af, fk, region, referrals, sips, plans, consents, consentEnds, handovers, lastEventTime
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clientRef = try c.decode(ClientRef.self, forKey: .clientRef)
        areas = try c.decodeIfPresent([AreaState].self, forKey: .areas) ?? []
        cases = try c.decodeIfPresent([CaseState].self, forKey: .cases) ?? []
        kommun = try c.decodeIfPresent(KommunStatus.self, forKey: .kommun) ?? KommunStatus()
        af = try c.decodeIfPresent(AfStatus.self, forKey: .af) ?? AfStatus()
        fk = try c.decodeIfPresent(FkStatus.self, forKey: .fk) ?? FkStatus()
        region = try c.decodeIfPresent(RegionStatus.self, forKey: .region) ?? RegionStatus()
        referrals = try c.decodeIfPresent([ReferralState].self, forKey: .referrals) ?? []
        sips = try c.decodeIfPresent([SipState].self, forKey: .sips) ?? []
        plans = try c.decodeIfPresent([PlanState].self, forKey: .plans) ?? []
        consents = try c.decodeIfPresent([ConsentState].self, forKey: .consents) ?? []
        consentEnds = try c.decodeIfPresent([ConsentEnd].self, forKey: .consentEnds) ?? []
        handovers = try c.decodeIfPresent([HandoverMark].self, forKey: .handovers) ?? []
        lastEventTime = try c.decodeIfPresent(Date.self, forKey: .lastEventTime)
        ownershipBase = OwnershipViews(areas: areas, cases: cases, handovers: handovers)
    }

    /// Compares what the state shows and what the rules read (see the type's documentation).
    public static func == (a: PersonState, b: PersonState) -> Bool {
        a.clientRef == b.clientRef && a.areas == b.areas && a.cases == b.cases && a.kommun == b.kommun && a.af == b.af
            && a.fk == b.fk && a.region == b.region && a.referrals == b.referrals && a.sips == b.sips && a.plans == b.plans
            && a.consents == b.consents && a.consentEnds == b.consentEnds && a.handovers == b.handovers
            && a.lastEventTime == b.lastEventTime
    }

    /// Encodes only what is set: empty lists and empty agency statuses are left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clientRef, forKey: .clientRef)
        if !areas.isEmpty { try c.encode(areas, forKey: .areas) }
        if !cases.isEmpty { try c.encode(cases, forKey: .cases) }
        if kommun != KommunStatus() { try c.encode(kommun, forKey: .kommun) }
        if af != AfStatus() { try c.encode(af, forKey: .af) }
        if fk != FkStatus() { try c.encode(fk, forKey: .fk) }
        if region != RegionStatus() { try c.encode(region, forKey: .region) }
        if !referrals.isEmpty { try c.encode(referrals, forKey: .referrals) }
        if !sips.isEmpty { try c.encode(sips, forKey: .sips) }
        if !plans.isEmpty { try c.encode(plans, forKey: .plans) }
        if !consents.isEmpty { try c.encode(consents, forKey: .consents) }
        if !consentEnds.isEmpty { try c.encode(consentEnds, forKey: .consentEnds) }
        if !handovers.isEmpty { try c.encode(handovers, forKey: .handovers) }
        try c.encodeIfPresent(lastEventTime, forKey: .lastEventTime)
    }
}

/// A referral or plan that is over, and the agencies it concerned (the parties of a referral,
/// the lead of a plan), so that the record goes when consent for one of them ends.
struct ClosedEntry: Sendable, Equatable {
    var id: String
    var agencies: [Agency]
}

/// An agency's latest next step for the person (a referral sent, a handover or a SIP requested).
struct NextStep: Sendable, Equatable {
    var agency: Agency
    var time: Date
}

/// A dated fact and the id of the event that stated it.
public struct Mark: Codable, Sendable, Equatable, Hashable {
    /// The day it happened or takes effect.
    public var on: LocalDate
    /// The event id, for evidence.
    public var event: String

    public init(on: LocalDate, event: String) {
        self.on = on
        self.event = event
    }
}

// MARK: - Ownership

/// One area: who owns it now, a pending handover, and the ownership history (with gaps).
public struct AreaState: Codable, Sendable, Equatable {
    public var area: Area
    /// The owning agency now; nil when nobody owns the area (a gap).
    public var owner: Agency?
    /// Since when the current owner (or, when there is none, the gap) runs.
    public var since: LocalDate?
    /// The owner's named contact (the owner's case contact; the binary form derives it from there).
    public var contact: Contact?
    /// A handover asked for and not yet answered; the sender stays the owner until it is accepted.
    public var pendingHandover: PendingHandover?
    /// The id of the latest handover answered (accepted or refused), so a request read after its
    /// answer is not taken as pending.
    public var answeredHandover: String?
    /// The latest case closed by handover whose receiver has not yet opened a case in this area.
    public var awaitingReceiver: ClosedByHandover?
    /// Ownership periods, oldest first (at most ``PersonState/maxPeriodsPerArea``). Days between
    /// one period's `until` and the next `from` are gaps; an open period has no `until`.
    public var periods: [OwnershipPeriod] = []

    public init(area: Area) {
        self.area = area
    }
}

/// One agency's ownership of an area for a span of days.
public struct OwnershipPeriod: Codable, Sendable, Equatable {
    public var agency: Agency
    public var from: LocalDate
    /// Last day owned (the day it ended); nil while it lasts.
    public var until: LocalDate?

    public init(agency: Agency, from: LocalDate, until: LocalDate? = nil) {
        self.agency = agency
        self.from = from
        self.until = until
    }
}

/// A handover asked for and not yet answered.
public struct PendingHandover: Codable, Sendable, Equatable {
    public var handoverId: String
    public var from: Agency
    public var to: Agency
    public var requested: Mark

    public init(handoverId: String, from: Agency, to: Agency, requested: Mark) {
        self.handoverId = handoverId
        self.from = from
        self.to = to
        self.requested = requested
    }
}

/// A case closed with reason handover, waiting for the receiver to open its case.
public struct ClosedByHandover: Codable, Sendable, Equatable {
    public var from: Agency
    public var to: Agency
    public var closed: Mark

    public init(from: Agency, to: Agency, closed: Mark) {
        self.from = from
        self.to = to
        self.closed = closed
    }
}

/// One agency's case for one area.
public struct CaseState: Codable, Sendable, Equatable {
    public var agency: Agency
    public var area: Area
    /// The named handläggare, when known.
    public var contact: Contact?
    public var opened: Mark
    /// Set when the case is closed.
    public var closed: Mark?
    /// Why it was closed.
    public var closeReason: CaseCloseReason?

    public init(agency: Agency, area: Area, contact: Contact?, opened: Mark) {
        self.agency = agency
        self.area = area
        self.contact = contact
        self.opened = opened
    }

    /// Whether the case is open.
    public var isOpen: Bool { closed == nil }
}

/// A handover between two agencies, for ping-pong detection.
public struct HandoverMark: Codable, Sendable, Equatable {
    public var area: Area
    public var from: Agency
    public var to: Agency
    public var mark: Mark
    /// The handover's id, once a request or an answer naming it was read (a closing by handover
    /// carries none).
    public var handoverId: String?

    public init(area: Area, from: Agency, to: Agency, mark: Mark, handoverId: String? = nil) {
        self.area = area
        self.from = from
        self.to = to
        self.mark = mark
        self.handoverId = handoverId
    }
}

// MARK: - Agency statuses

/// An ongoing activity (municipal measure or AF programme) and the activity it demands.
public struct ActivityState: Codable, Sendable, Equatable {
    public var id: String
    /// The measure or programme code.
    public var kind: String
    public var extentPercent: Int
    public var started: Mark

    public init(id: String, kind: String, extentPercent: Int, started: Mark) {
        self.id = id
        self.kind = kind
        self.extentPercent = extentPercent
        self.started = started
    }
}

/// Kommun's statuses about the person.
public struct KommunStatus: Codable, Sendable, Equatable {
    /// The latest bistånd decision.
    public var bistand: BistandDecision?
    /// When that decision takes effect, and its event.
    public var bistandMark: Mark?
    /// The month the latest decision covers.
    public var bistandMonth: YearMonth?
    /// Months with bistånd granted (fully or partly), newest last, at most 24.
    public var bistandMonths: [YearMonth] = []
    /// First day of the current uninterrupted run of bistånd (reset when refused or ended).
    public var bistandSince: LocalDate?
    /// The latest försörjningshinder code and its month.
    public var forsorjningshinder: Forsorjningshinder?
    public var forsorjningshinderMonth: YearMonth?
    public var forsorjningshinderEvent: String?
    /// The latest arbetshinder assessment.
    public var arbetshinder: [Arbetshinder] = []
    public var arbetshinderMark: Mark?
    /// Since when ill health (psychic or physical) has been a barrier without interruption.
    public var illHealthSince: Mark?
    /// Ongoing municipal measures.
    public var measures: [ActivityState] = []
    /// The latest end of a municipal measure.
    public var lastMeasureEnded: Mark?

    public init() {}
}

/// Arbetsförmedlingen's registration states.
public enum AfRegistrationState: String, Vocabulary {
    case registered, deregistered
    case registrationFailed = "registration-failed"
}

/// Arbetsförmedlingen's statuses about the person.
public struct AfStatus: Codable, Sendable, Equatable {
    public var registration: AfRegistrationState?
    public var registrationMark: Mark?
    public var workCapacityPercent: Int?
    /// Why AF deregistered the person, when deregistered.
    public var deregistrationReason: AfDeregistrationReason?
    /// Why registration failed, when it did.
    public var registrationFailure: AfRegistrationFailure?
    /// When AF judged that the person lacks work capacity.
    public var workCapacityLacking: Mark?
    /// Ongoing programmes and subsidised jobs.
    public var programmes: [ActivityState] = []
    /// The latest end of a programme.
    public var lastProgrammeEnded: Mark?

    public init() {}

    /// Whether the person is registered at AF now.
    public var isRegistered: Bool { registration == .registered }
}

/// Försäkringskassan's statuses about the person.
public struct FkStatus: Codable, Sendable, Equatable {
    public var sjukpenning: SjukpenningDecision?
    public var sjukpenningMark: Mark?
    public var sjukpenningExtent: Int?
    public var sjukpenningUntil: LocalDate?
    public var sgi: SgiStatus?
    public var sgiMark: Mark?
    /// The latest rehabkedjan milestone day (90, 180, 365).
    public var rehabkedjaDay: Int?
    public var rehabkedjaMark: Mark?
    /// The current or latest aktivitetsersättning period.
    public var aktivitetsersattning: BenefitPeriod?
    public var sjukersattning: SjukersattningDecision?
    public var sjukersattningMark: Mark?

    public init() {}
}

/// A benefit granted for a period, possibly ended early.
public struct BenefitPeriod: Codable, Sendable, Equatable {
    public var from: LocalDate
    public var until: LocalDate
    public var extentPercent: Int
    public var granted: Mark
    /// Set when it ended.
    public var ended: Mark?

    public init(from: LocalDate, until: LocalDate, extentPercent: Int, granted: Mark) {
        self.from = from
        self.until = until
        self.extentPercent = extentPercent
        self.granted = granted
    }
}

/// A sick note (läkarintyg).
public struct SickNoteState: Codable, Sendable, Equatable {
    public var id: String
    public var extentPercent: Int
    public var from: LocalDate
    public var until: LocalDate
    public var issued: Mark

    public init(id: String, extentPercent: Int, from: LocalDate, until: LocalDate, issued: Mark) {
        self.id = id
        self.extentPercent = extentPercent
        self.from = from
        self.until = until
        self.issued = issued
    }
}

/// The treatment at one care unit.
public struct TreatmentState: Codable, Sendable, Equatable {
    public var unit: CareUnit
    public var status: TreatmentStatus
    public var mark: Mark

    public init(unit: CareUnit, status: TreatmentStatus, mark: Mark) {
        self.unit = unit
        self.status = status
        self.mark = mark
    }
}

/// The region's statuses about the person.
public struct RegionStatus: Codable, Sendable, Equatable {
    /// Sick notes not ended by an event (one whose `until` has passed has run out unrenewed).
    public var sickNotes: [SickNoteState] = []
    /// The latest sick note ended by an event, and why.
    public var lastSickNoteEnd: Mark?
    public var lastSickNoteEndReason: SickNoteEndReason?
    /// Treatment per unit.
    public var treatments: [TreatmentState] = []
    /// When care judged the person medically finished.
    public var medicallyFinished: Mark?

    public init() {}
}

// MARK: - Referrals, SIP, plans, consent

/// Where a referral stands.
public enum ReferralStatus: String, Vocabulary {
    case sent, received, accepted, rejected
}

/// A referral from one agency to another.
public struct ReferralState: Codable, Sendable, Equatable {
    public var id: String
    public var from: Agency
    public var to: Agency
    /// The area it concerns (unknown when an answer arrived before the referral itself).
    public var area: Area?
    public var status: ReferralStatus
    /// When it was sent (or first heard of).
    public var sent: Mark
    /// When the sender expects an answer at the latest.
    public var answerBy: LocalDate?
    /// The latest answer (received, accepted, rejected, updated).
    public var answered: Mark?
    /// Who handles it at the receiver, once accepted.
    public var contact: Contact?
    /// The time of the rejection event, when rejected (a next step after it settles the rejection).
    public var rejectedAt: Date?

    public init(id: String, from: Agency, to: Agency, area: Area?, status: ReferralStatus, sent: Mark) {
        self.id = id
        self.from = from
        self.to = to
        self.area = area
        self.status = status
        self.sent = sent
    }
}

/// One agency's SIP invitation.
public struct SipInvitationState: Codable, Sendable, Equatable {
    public var invitee: Agency
    public var answerBy: LocalDate
    public var sent: Mark
    public var answer: SipAnswer?
    public var answered: Mark?

    public init(invitee: Agency, answerBy: LocalDate, sent: Mark) {
        self.invitee = invitee
        self.answerBy = answerBy
        self.sent = sent
    }
}

/// A SIP meeting from request to held or cancelled.
public struct SipState: Codable, Sendable, Equatable {
    public var id: String
    public var caller: Agency
    public var invited: [Agency] = []
    /// After discharge from hospital: must be called within days (lag 2017:612).
    public var afterDischarge: Bool = false
    /// When it was requested (or first heard of).
    public var requested: Mark
    public var invitations: [SipInvitationState] = []
    /// The scheduled meeting.
    public var meeting: TimeSlot?
    /// The scheduling's sequence number (0, then +1 on each reschedule): the highest one holds.
    public var scheduleSequence: Int?
    public var scheduled: Mark?
    public var held: Mark?
    public var cancelled: Mark?
    /// Where the meeting is held (from the scheduling that holds).
    public var location: String?
    /// The named staff expected at the meeting (from the scheduling that holds).
    public var attendees: [Attendee]?
    /// Who took part in the meeting held.
    public var heldAttendees: [Attendee]?

    public init(id: String, caller: Agency, requested: Mark) {
        self.id = id
        self.caller = caller
        self.requested = requested
    }

    /// Neither held nor cancelled.
    public var isOpen: Bool { held == nil && cancelled == nil }
}

/// An action of a handlingsplan.
public struct PlanActionState: Codable, Sendable, Equatable {
    public var id: String
    public var owner: Agency
    /// The named person at the owner, if known.
    public var ownerContact: String?
    /// What is to be done (shortened to 80 characters).
    public var description: String
    public var dueDate: LocalDate
    public var assigned: Mark
    /// When the owner finished it (done or not possible); a finished action is never overdue.
    public var completed: Mark?
    /// Set when the owner marked the action not possible, with why (shortened to 80 characters).
    public var notPossibleReason: String?
    /// The named person's work phone, if given.
    public var ownerPhone: String?

    public init(id: String, owner: Agency, ownerContact: String?, description: String, dueDate: LocalDate, assigned: Mark) {
        self.id = id
        self.owner = owner
        self.ownerContact = ownerContact
        self.description = description
        self.dueDate = dueDate
        self.assigned = assigned
    }
}

/// An open handlingsplan.
public struct PlanState: Codable, Sendable, Equatable {
    public var id: String
    public var sipId: String?
    public var leadAgency: Agency
    public var participants: [Agency]
    public var created: Mark
    public var followUpOn: LocalDate?
    public var actions: [PlanActionState] = []
    /// The current revision (nil means 1, the plan first agreed).
    public var revision: Int?
    /// The days revisions 2, 3, … were agreed at follow-ups (history; the latest 10).
    public var revisedOn: [LocalDate]?
    /// Mål of the current revision (at most ``PersonState/maxGoals``, each shortened to 200 characters).
    public var goals: [String]?
    /// Delmål of the current revision (bounded as ``goals``).
    public var subGoals: [String]?
    /// The person's own goal in their own words ("Vart vill du?"), shortened to 200 characters.
    public var personGoal: String?

    public init(id: String, sipId: String?, leadAgency: Agency, participants: [Agency], created: Mark) {
        self.id = id
        self.sipId = sipId
        self.leadAgency = leadAgency
        self.participants = participants
        self.created = created
    }
}

/// A consent (samtycke).
public struct ConsentState: Codable, Sendable, Equatable {
    public var id: String
    public var purpose: ConsentPurpose
    public var agencies: [Agency]
    public var givenOn: LocalDate
    /// Last day valid.
    public var validUntil: LocalDate
    public var withdrawnOn: LocalDate?
    /// The agency that registered the consent.
    public var registeredBy: Agency?
    /// The agency that registered the withdrawal.
    public var withdrawnBy: Agency?

    public init(id: String, purpose: ConsentPurpose, agencies: [Agency], givenOn: LocalDate, validUntil: LocalDate) {
        self.id = id
        self.purpose = purpose
        self.agencies = agencies
        self.givenOn = givenOn
        self.validUntil = validUntil
    }

    /// Whether the consent is in force on a day.
    public func isValid(on day: LocalDate) -> Bool {
        (withdrawnOn.map { day < $0 } ?? true) && givenOn <= day && day <= validUntil
    }
}
