import Foundation
import TrisamContracts

// What the coordinator holds about a person rests on `samordning` consent, per agency. While an
// agency is covered, its facts are folded, shown and used by the rules. When the last samordning
// consent covering it ends (withdrawn, or expired), the coordinator erases every fact that
// agency published about the person and every part of another agency's fact that names it (a
// referral to or from it, a handover, its SIP invitation, its plan actions); facts from it read
// later are not folded; and what remains is the consents themselves and a `ConsentEnd` record:
// when, why, and who registered it. A new consent covering the agency makes its later facts
// count again, but never the ones from before the end.

/// Why samordning consent for an agency ended.
public enum ConsentEndReason: String, Vocabulary {
    /// The person withdrew it (registered at an agency).
    case withdrawn
    /// Its last valid day passed.
    case expired
}

/// The end of samordning consent for one agency: from `endedOn` the coordinator holds nothing
/// from that agency about the person (see the file's comment).
public struct ConsentEnd: Codable, Sendable, Equatable {
    public var agency: Agency
    /// The first day the agency was no longer covered.
    public var endedOn: LocalDate
    public var reason: ConsentEndReason
    /// The consent whose end it was.
    public var consentId: String
    /// The agency that registered the withdrawal (or, for an expiry, the consent).
    public var registeredBy: Agency?

    public init(agency: Agency, endedOn: LocalDate, reason: ConsentEndReason, consentId: String, registeredBy: Agency?) {
        self.agency = agency
        self.endedOn = endedOn
        self.reason = reason
        self.consentId = consentId
        self.registeredBy = registeredBy
    }

    /// The resolution of the flags that rested on what the ends erased, in Swedish.
    public static func resolution(_ ends: [ConsentEnd]) -> String {
        Svenska.consentResolution(withdrawn: ends.contains { $0.reason == .withdrawn })
    }
}

/// What folding one event (or a day passing) did under the consent rules.
public struct ConsentOutcome: Sendable, Equatable {
    /// The event came from an agency whose samordning consent has ended (or is older than that
    /// end) and was not folded.
    public var dropped = false
    /// Consent that ended with this event or by this day; those agencies' facts were erased.
    public var ended: [ConsentEnd] = []

    public init(dropped: Bool = false, ended: [ConsentEnd] = []) {
        self.dropped = dropped
        self.ended = ended
    }
}

extension ConsentState {
    /// The first day the consent is no longer in force (nil if it never was).
    public var endDay: LocalDate? {
        var last = validUntil
        if let withdrawnOn { last = min(last, withdrawnOn.adding(days: -1)) }
        return givenOn <= last ? last.adding(days: 1) : nil
    }
}

extension PersonState {
    /// Whether some samordning consent covering the agency is in force on the day.
    public func samordningCovers(_ agency: Agency, on day: LocalDate) -> Bool {
        consents.contains { $0.purpose == .samordning && $0.agencies.contains(agency) && $0.isValid(on: day) }
    }

    /// Agencies whose samordning consent has ended by `today` and that no consent covers again:
    /// the coordinator holds nothing from them.
    public func agenciesWithoutConsent(on today: LocalDate) -> Set<Agency> {
        Set(Agency.allCases.filter { agency in latestEnd(of: agency, on: today) != nil && !samordningCovers(agency, on: today) })
    }

    /// The latest day, not after `today`, on which the agency stopped being covered by samordning
    /// consent (a consent covering it ended and none other covered it that day).
    func latestEnd(of agency: Agency, on today: LocalDate) -> ConsentEnd? {
        var best: ConsentEnd?
        for consent in consents where consent.purpose == .samordning && consent.agencies.contains(agency) {
            guard let end = consent.endDay, end <= today, !samordningCovers(agency, on: end) else { continue }
            if let best, best.endedOn >= end { continue }
            let withdrawn = consent.withdrawnOn.map { $0.adding(days: -1) < consent.validUntil } ?? false
            best = ConsentEnd(
                agency: agency, endedOn: end, reason: withdrawn ? .withdrawn : .expired, consentId: consent.id,
                registeredBy: withdrawn ? consent.withdrawnBy : consent.registeredBy)
        }
        return best
    }

    /// Whether a fact an agency published on `eventDay` must not be folded on `today`: its
    /// samordning consent has ended and not been renewed, or the fact is older than the end.
    func withholds(_ agency: Agency, eventDay: LocalDate, today: LocalDate) -> Bool {
        guard let end = consentEnds.first(where: { $0.agency == agency }) else { return false }
        return eventDay < end.endedOn || !samordningCovers(agency, on: today)
    }

    /// Whether ``enforceConsent(on:)`` could change anything on `today` (cheap; most people have
    /// no ended consent).
    func consentMayHaveEnded(on today: LocalDate) -> Bool {
        !consentEnds.isEmpty || consents.contains { $0.purpose == .samordning && ($0.endDay.map { $0 <= today } ?? false) }
    }

    /// Applies the consent rules on `today`: records each agency whose samordning consent has
    /// newly ended and erases what the coordinator holds from it; keeps erased what comes from
    /// agencies still without consent. Idempotent. Returns the ends newly recorded.
    @discardableResult
    public mutating func enforceConsent(on today: LocalDate) -> [ConsentEnd] {
        guard consentMayHaveEnded(on: today) else { return [] }
        var ended: [ConsentEnd] = []
        var erase = Set<Agency>()
        for agency in Agency.allCases {
            guard let end = latestEnd(of: agency, on: today) else { continue }
            if let index = consentEnds.firstIndex(where: { $0.agency == agency }), consentEnds[index].endedOn >= end.endedOn {
                if !samordningCovers(agency, on: today) { erase.insert(agency) }
                continue
            }
            consentEnds.removeAll { $0.agency == agency }
            consentEnds.append(end)
            consentEnds.sort { $0.agency.rawValue < $1.agency.rawValue }
            ended.append(end)
            erase.insert(agency)
        }
        if !erase.isEmpty { eraseFacts(of: erase) }
        return ended
    }

    /// Erases everything the agencies published about the person and every part of another
    /// agency's fact that names them. The consents stay.
    mutating func eraseFacts(of agencies: Set<Agency>) {
        if agencies.contains(.kommun) { kommun = KommunStatus() }
        if agencies.contains(.af) { af = AfStatus() }
        if agencies.contains(.fk) { fk = FkStatus() }
        if agencies.contains(.region) { region = RegionStatus() }

        let facts = ownershipFacts.compactMap { fact -> OwnershipFact? in
            if agencies.contains(fact.agency) { return nil }
            guard let other = fact.other, agencies.contains(other) else { return fact }
            switch fact.kind {
            case .handoverRequested, .handoverRefused:
                return nil
            case .caseOpened, .caseClosed, .contactChanged, .handoverAccepted:
                var kept = fact
                kept.other = nil
                return kept
            }
        }
        let base = ownershipBase.erasing(agencies)
        if facts != ownershipFacts || base != ownershipBase {
            ownershipFacts = facts
            ownershipBase = base
            replayOwnership()
        }

        // Removed, not remembered as closed: a later event about one comes from or names an
        // agency without consent and is erased in turn (remembering would depend on whether it
        // was read before or after the end).
        referrals.removeAll { agencies.contains($0.from) || agencies.contains($0.to) }
        closedReferrals.removeAll { !agencies.isDisjoint(with: $0.agencies) }
        closedPlans.removeAll { !agencies.isDisjoint(with: $0.agencies) }
        nextSteps.removeAll { agencies.contains($0.agency) }
        sips.removeAll { agencies.contains($0.caller) }
        for index in sips.indices {
            sips[index].invitations.removeAll { agencies.contains($0.invitee) }
            sips[index].invited.removeAll { agencies.contains($0) }
        }
        plans.removeAll { agencies.contains($0.leadAgency) }
        for index in plans.indices {
            plans[index].actions.removeAll { agencies.contains($0.owner) }
            plans[index].participants.removeAll { agencies.contains($0) }
        }
    }
}

extension OwnershipViews {
    /// The views without the agencies' cases, ownership periods and handovers.
    func erasing(_ agencies: Set<Agency>) -> OwnershipViews {
        var views = self
        views.cases.removeAll { agencies.contains($0.agency) }
        views.handovers.removeAll { agencies.contains($0.from) || agencies.contains($0.to) }
        for index in views.areas.indices {
            var area = views.areas[index]
            area.periods.removeAll { agencies.contains($0.agency) }
            if let owner = area.owner, agencies.contains(owner) {
                area.owner = nil
                area.contact = nil
                area.since = area.periods.last?.until
            }
            if let pending = area.pendingHandover, agencies.contains(pending.from) || agencies.contains(pending.to) {
                area.pendingHandover = nil
            }
            if let waiting = area.awaitingReceiver, agencies.contains(waiting.from) || agencies.contains(waiting.to) {
                area.awaitingReceiver = nil
            }
            views.areas[index] = area
        }
        views.areas.removeAll { $0.owner == nil && $0.periods.isEmpty && $0.pendingHandover == nil && $0.awaitingReceiver == nil }
        return views
    }
}
