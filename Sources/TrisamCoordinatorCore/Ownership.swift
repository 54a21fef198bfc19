import Foundation
import TrisamContracts

/// What the ownership views need of one case or handover event.
///
/// Ownership (who owns each area, the cases, the handovers) is built from events that travel on
/// several topics: an agency's cases on its status topic, a handover request on the receiver's
/// inbox, its answer on the sender's inbox. Kafka orders only within a topic, so the coordinator
/// keeps these facts in event-time order and derives the views by replaying them: the same facts
/// read in any order give the same owners.
struct OwnershipFact: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        case caseOpened = 1
        case caseClosed, contactChanged, handoverRequested, handoverAccepted, handoverRefused
    }

    var kind: Kind
    /// The publishing agency.
    var agency: Agency
    var area: Area
    /// The day the fold uses (opened, closed or changed on; the event's day for handovers).
    var on: LocalDate
    /// The event id (evidence).
    var event: String
    /// The event's time: the replay order (ties keep the order they were read in).
    var time: Date
    /// The other agency: a closing's `handoverTo`, a request's `to`, an answer's `from`.
    var other: Agency?
    var contact: Contact?
    var closeReason: CaseCloseReason?
    var handoverId: String?

    var mark: Mark { Mark(on: on, event: event) }
}

/// The ownership views as of the facts already compacted (the replay starts from them).
struct OwnershipViews: Sendable, Equatable {
    var areas: [AreaState] = []
    var cases: [CaseState] = []
    var handovers: [HandoverMark] = []

    /// Every area's contact is its owner's case contact (the binary form stores it that way).
    mutating func deriveContacts() {
        for index in areas.indices {
            guard let owner = areas[index].owner else { continue }
            let area = areas[index].area
            areas[index].contact = cases.first { $0.agency == owner && $0.area == area }?.contact
        }
    }
}

extension PersonState {
    /// At most this many ownership facts are kept for replay; older ones are folded into the
    /// base views. A fact read after this many later ones is applied as if it were the latest.
    static let maxOwnershipFacts = 32

    /// Adds an ownership fact in event-time order and brings the views up to date: applied
    /// directly when it is the latest (the usual case), else by replaying the facts.
    mutating func foldOwnership(_ fact: OwnershipFact) {
        if ownershipFacts.contains(where: { $0.event == fact.event && $0.kind == fact.kind }) { return }
        let index = ownershipFacts.firstIndex { $0.time > fact.time } ?? ownershipFacts.count
        ownershipFacts.insert(fact, at: index)
        if index == ownershipFacts.count - 1 {
            applyOwnership(fact)
            var views = OwnershipViews(areas: areas, cases: cases, handovers: handovers)
            views.deriveContacts()
            areas = views.areas
        } else {
            replayOwnership()
        }
        if ownershipFacts.count > Self.maxOwnershipFacts {
            let compacted = ownershipFacts.count - Self.maxOwnershipFacts * 3 / 4
            ownershipBase = Self.replay(base: ownershipBase, facts: ownershipFacts.prefix(compacted), clientRef: clientRef)
            ownershipFacts.removeFirst(compacted)
        }
    }

    /// The views rebuilt from the base and every kept fact.
    mutating func replayOwnership() {
        let views = Self.replay(base: ownershipBase, facts: ownershipFacts[...], clientRef: clientRef)
        areas = views.areas
        cases = views.cases
        handovers = views.handovers
    }

    static func replay(base: OwnershipViews, facts: ArraySlice<OwnershipFact>, clientRef: ClientRef) -> OwnershipViews {
        var scratch = PersonState(clientRef: clientRef)
        scratch.areas = base.areas
        scratch.cases = base.cases
        scratch.handovers = base.handovers
        for fact in facts { scratch.applyOwnership(fact) }
        var views = OwnershipViews(areas: scratch.areas, cases: scratch.cases, handovers: scratch.handovers)
        views.deriveContacts()
        return views
    }

    /// One fact applied to the views, as if it were the latest.
    mutating func applyOwnership(_ fact: OwnershipFact) {
        let agency = fact.agency
        let mark = fact.mark
        switch fact.kind {
        case .caseOpened:
            openCase(agency, fact.area, contact: fact.contact, opened: mark)
        case .caseClosed:
            closeCase(agency, fact.area, reason: fact.closeReason ?? .completed, closed: mark)
            if let receiver = fact.other {
                if let receiverCase = caseOf(receiver, fact.area), receiverCase.isOpen {
                    setOwner(fact.area, receiver, since: fact.on, contact: receiverCase.contact)
                } else {
                    updateArea(fact.area) { $0.awaitingReceiver = ClosedByHandover(from: agency, to: receiver, closed: mark) }
                }
                recordHandover(fact.area, from: agency, to: receiver, mark)
            }
        case .contactChanged:
            if let index = cases.firstIndex(where: { $0.agency == agency && $0.area == fact.area }), cases[index].isOpen {
                cases[index].contact = fact.contact
                if owner(of: fact.area) == agency { updateArea(fact.area) { $0.contact = fact.contact } }
            } else {
                openCase(agency, fact.area, contact: fact.contact, opened: mark)
            }
        case .handoverRequested:
            guard let to = fact.other, let handoverId = fact.handoverId else { return }
            updateArea(fact.area) { area in
                // The answer may carry an earlier time than the request (clocks differ).
                guard area.answeredHandover != handoverId, area.owner != to else { return }
                area.pendingHandover = PendingHandover(handoverId: handoverId, from: agency, to: to, requested: mark)
            }
            recordHandover(fact.area, from: agency, to: to, mark, id: handoverId)
        case .handoverAccepted:
            guard let from = fact.other else {
                openCase(agency, fact.area, contact: fact.contact, opened: mark)
                return
            }
            if let index = cases.firstIndex(where: { $0.agency == from && $0.area == fact.area }), cases[index].isOpen {
                cases[index].closed = mark
                cases[index].closeReason = .handover
            }
            recordHandover(fact.area, from: from, to: agency, mark, id: fact.handoverId)
            openCase(agency, fact.area, contact: fact.contact, opened: mark)
            updateArea(fact.area) { area in
                if area.pendingHandover?.handoverId == fact.handoverId { area.pendingHandover = nil }
                area.answeredHandover = fact.handoverId
            }
        case .handoverRefused:
            guard let from = fact.other else { return }
            recordHandover(fact.area, from: from, to: agency, mark, id: fact.handoverId)
            updateArea(fact.area) { area in
                if area.pendingHandover?.handoverId == fact.handoverId { area.pendingHandover = nil }
                area.answeredHandover = fact.handoverId
            }
        }
    }
}

// MARK: - Binary form

extension OwnershipFact {
    func write(_ w: inout BinaryWriter) {
        w.byte(kind.rawValue)
        w.code(agency)
        w.code(area)
        w.date(on)
        w.string(event)
        w.time(time)
        w.optionalCode(other)
        w.optional(contact) { w, v in v.write(&w) }
        w.optionalCode(closeReason)
        w.optionalString(handoverId)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        guard let kind = Kind(rawValue: try r.byte()) else { throw BinaryStateError(reason: "unknown ownership fact kind") }
        self.init(
            kind: kind, agency: try r.code(), area: try r.code(), on: try r.date(), event: try r.string(), time: try r.time(),
            other: try r.optionalCode(), contact: try r.optional { r throws(BinaryStateError) in try Contact(&r) },
            closeReason: try r.optionalCode(), handoverId: try r.optionalString())
    }
}

// MARK: - Who needs an owner

/// From when an area needs an owner, and whether it does now: days without an owner before
/// `from`, or from the last owner's end when not needed now, are no gap.
public struct OwnerNeed: Sendable, Equatable {
    /// The first day the area needed an owner.
    public var from: LocalDate
    /// Whether the area needs an owner today.
    public var now: Bool
    /// Samordning without an owner whose coordination is held all the same: by the lead agency
    /// of an open handlingsplan, or else the caller of an open SIP (then `now` is false).
    public var coveredBy: Agency?
    /// Whether ``coveredBy`` leads a handlingsplan (else it called a SIP).
    public var coveredByPlan: Bool

    public init(from: LocalDate, now: Bool, coveredBy: Agency? = nil, coveredByPlan: Bool = false) {
        self.from = from
        self.now = now
        self.coveredBy = coveredBy
        self.coveredByPlan = coveredByPlan
    }
}

extension PersonState {
    /// The agencies with an open case for the person, in any area, each once (in agency order).
    public var activeAgencies: [Agency] {
        Agency.allCases.filter { agency in cases.contains { $0.agency == agency && $0.isOpen } }
    }

    /// Whether, and since when, somebody needs to own an area; nil when nobody ever needed to.
    ///
    /// An area needs an owner from the first day one owned it: a stretch without owner after that
    /// is a gap, the days before it are not (nobody knew the area concerned the person).
    /// Samordning is needed only while at least two agencies have open cases (from the day the
    /// second opened its case); with one agency or none there is nothing to coordinate, so the
    /// days since its last owner are no gap either. Nor is it one while an open handlingsplan
    /// has a lead agency or an open SIP a caller: they hold the coordination (``OwnerNeed/coveredBy``).
    public func ownerNeed(_ area: Area) -> OwnerNeed? {
        let periods = self.area(area)?.periods ?? []
        let firstOwned = periods.map(\.from).min()
        guard area == .samordning else { return firstOwned.map { OwnerNeed(from: $0, now: true) } }
        let openedOn = activeAgencies.compactMap { agency in
            cases.filter { $0.agency == agency && $0.isOpen }.map(\.opened.on).min()
        }.sorted()
        if openedOn.count >= 2 {
            let from = min(firstOwned ?? openedOn[1], openedOn[1])
            if owner(of: .samordning) == nil {
                // The party with the overall responsibility for the plan, or the SIP's caller, holds it together.
                if let plan = plans.first { return OwnerNeed(from: from, now: false, coveredBy: plan.leadAgency, coveredByPlan: true) }
                if let sip = sips.first(where: \.isOpen) { return OwnerNeed(from: from, now: false, coveredBy: sip.caller) }
            }
            return OwnerNeed(from: from, now: true)
        }
        return firstOwned.map { OwnerNeed(from: $0, now: owner(of: .samordning) != nil) }
    }
}
