import Foundation
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore

/// Everything the person page shows, in Swedish, built from the person's state, timeline and flags.
public struct PersonPage: Sendable {
    public struct Owner: Sendable, Equatable {
        public var area: String
        public var owner: String
        public var contact: String?
        public var since: String?
        public var unowned: Bool
        public var pendingHandover: String?
    }

    public struct Period: Sendable, Equatable {
        public var area: String
        public var who: String
        public var from: String
        public var until: String
        public var days: Int
        public var gap: Bool
    }

    public struct Referral: Sendable, Equatable {
        public var from: String
        public var to: String
        public var area: String
        public var status: String
        public var sent: String
        public var ageDays: Int
        public var ageText: String
        public var answerBy: String?
        public var overdue: Bool
        public var contact: String?
    }

    public struct Sip: Sendable, Equatable {
        public var caller: String
        public var invited: String
        public var requested: String
        public var meeting: String
        public var status: String
        public var overdue: Bool
        public var invitations: [String]
    }

    public struct Action: Sendable, Equatable {
        public var description: String
        public var owner: String
        public var contact: String?
        public var due: String
        public var status: String
        public var overdue: Bool
    }

    public struct Plan: Sendable, Equatable {
        public var lead: String
        public var participants: String
        public var created: String
        public var followUp: String?
        public var followUpOverdue: Bool
        public var actions: [Action]
    }

    public struct Consent: Sendable, Equatable {
        public var purpose: String
        public var agencies: String
        public var given: String
        public var validUntil: String
        /// "20 mars 2026 (Arbetsförmedlingen)", or "–".
        public var withdrawn: String
    }

    public struct Event: Sendable, Equatable {
        public var time: String
        public var summary: String
        public var type: String
    }

    public var clientRef: String
    public var shortRef: String
    public var openFlags: [QueueRow]
    public var resolvedFlagCount: Int
    /// "Inga lösta flaggor tidigare.", "1 löst flagga tidigare.", "3 lösta flaggor tidigare."
    /// (stored: the templates see stored properties only).
    public var resolvedFlagsText: String
    public var owners: [Owner]
    public var periods: [Period]
    public var chart: OwnershipChart
    public var referrals: [Referral]
    public var sips: [Sip]
    public var plans: [Plan]
    /// The consents registered, newest first.
    public var consents: [Consent]
    /// One sentence for each agency whose samordning consent has ended: its facts are erased.
    public var consentEnds: [String]
    /// Newest first.
    public var events: [Event]

    public init(state: PersonState, timeline: [TimelineEntry], flags: [FlagRow], now: Date) {
        let today = StockholmTime.date(of: now)
        clientRef = state.clientRef.rawValue
        shortRef = Swedish.shortRef(clientRef)
        openFlags = Queue.rows(flags.filter { $0.resolvedAt == nil }, today: today)
        resolvedFlagCount = flags.filter { $0.resolvedAt != nil }.count
        resolvedFlagsText =
            switch resolvedFlagCount {
            case 0: "Inga lösta flaggor tidigare."
            case 1: "1 löst flagga tidigare."
            default: "\(resolvedFlagCount) lösta flaggor tidigare."
            }
        chart = OwnershipChart(areas: state.areas, today: today)

        owners = Area.allCases.map { area in
            let areaState = state.area(area)
            let pending = areaState?.pendingHandover.map {
                "Överlämning från \($0.from.displayName) till \($0.to.displayName) begärd \(Swedish.date($0.requested.on)), inte besvarad"
            }
            if let owner = areaState?.owner {
                let contact = areaState?.contact ?? state.caseOf(owner, area)?.contact
                return Owner(
                    area: area.displayName, owner: owner.displayName,
                    contact: contact.map { [$0.name, $0.role].compactMap { $0 }.joined(separator: ", ") },
                    since: areaState?.since.map(Swedish.date), unowned: false, pendingHandover: pending)
            }
            return Owner(
                area: area.displayName, owner: "Ingen ägare", contact: nil,
                since: areaState?.since.map(Swedish.date), unowned: true, pendingHandover: pending)
        }

        periods = chart.rows.flatMap { row in
            row.segments.map { segment in
                Period(
                    area: row.area.displayName, who: segment.agency?.displayName ?? "Ingen ägare",
                    from: Swedish.date(segment.from), until: segment.ongoing ? "pågår" : Swedish.date(segment.until),
                    days: Swedish.daysBetween(segment.from, segment.until) + 1, gap: segment.agency == nil)
            }
        }

        referrals = state.referrals.map { referral in
            let age = max(0, Swedish.daysBetween(referral.sent.on, today))
            let unanswered = referral.status == .sent
            return Referral(
                from: referral.from.displayName, to: referral.to.displayName,
                area: referral.area?.displayName ?? "okänt område", status: Self.status(referral.status),
                sent: Swedish.date(referral.sent.on), ageDays: age, ageText: Swedish.days(age),
                answerBy: referral.answerBy.map(Swedish.date),
                overdue: unanswered && (referral.answerBy.map { $0 < today } ?? false),
                contact: referral.contact.map(\.name))
        }

        sips = state.sips.map { sip in
            let status: String
            var overdue = false
            if sip.held != nil {
                status = "Hållet \(Swedish.date(sip.held!.on))"
            } else if sip.cancelled != nil {
                status = "Inställt \(Swedish.date(sip.cancelled!.on))"
            } else if let meeting = sip.meeting {
                overdue = meeting.end < now
                status = overdue ? "Mötestiden har passerat utan att mötet registrerats som hållet" : "Bokat"
            } else {
                status = "Begärt, inte bokat"
            }
            return Sip(
                caller: sip.caller.displayName, invited: Swedish.agencyList(sip.invited),
                requested: Swedish.date(sip.requested.on),
                meeting: sip.meeting.map { Swedish.dateTime($0.start) + "–" + Swedish.time($0.end) } ?? "Ingen tid bokad",
                status: status, overdue: overdue,
                invitations: sip.invitations.map { invitation in
                    let answer =
                        switch invitation.answer {
                        case .accepted: "tackat ja"
                        case .declined: "tackat nej"
                        case nil:
                            invitation.answerBy < today
                                ? "inte svarat (svar senast \(Swedish.date(invitation.answerBy)))"
                                : "svar senast \(Swedish.date(invitation.answerBy))"
                        }
                    return "\(invitation.invitee.displayName): \(answer)"
                })
        }

        plans = state.plans.map { plan in
            Plan(
                lead: plan.leadAgency.displayName, participants: Swedish.agencyList(plan.participants),
                created: Swedish.date(plan.created.on), followUp: plan.followUpOn.map(Swedish.date),
                followUpOverdue: plan.followUpOn.map { $0 < today } ?? false,
                actions: plan.actions.sorted { $0.dueDate < $1.dueDate }.map { action in
                    let overdue = action.completed == nil && action.dueDate < today
                    return Action(
                        description: action.description, owner: action.owner.displayName,
                        contact: action.ownerContact, due: Swedish.date(action.dueDate),
                        status: Self.status(action, overdue: overdue),
                        overdue: overdue)
                })
        }

        consents = state.consents.reversed().map { consent in
            Consent(
                purpose: Self.purpose(consent.purpose), agencies: Swedish.agencyList(consent.agencies),
                given: Swedish.date(consent.givenOn) + (consent.registeredBy.map { " (\($0.displayName))" } ?? ""),
                validUntil: Swedish.date(consent.validUntil),
                withdrawn: consent.withdrawnOn.map { Swedish.date($0) + (consent.withdrawnBy.map { " (\($0.displayName))" } ?? "") } ?? "–")
        }
        consentEnds = state.consentEnds.map(Self.sentence)

        events = timeline.reversed().map { Event(time: Swedish.dateTime($0.time), summary: $0.summary, type: $0.type) }
    }

    /// What the end of an agency's samordning consent means for this page, in one sentence.
    static func sentence(_ end: ConsentEnd) -> String {
        let how =
            switch end.reason {
            case .withdrawn: "återkallades" + (end.registeredBy.map { " (registrerat av \($0.displayName))" } ?? "")
            case .expired: "upphörde att gälla"
            }
        return
            "Samtycket till samordning för \(end.agency.displayName) \(how) \(Swedish.date(end.endedOn)). Uppgifter från \(end.agency.displayName) har raderats och används inte längre."
    }

    static func purpose(_ purpose: ConsentPurpose) -> String {
        switch purpose {
        case .samordning: "Samordning"
        case .sip: "SIP"
        case .remiss: "Remiss"
        case .handlingsplan: "Handlingsplan"
        }
    }

    /// An action's status: done (or found not possible, with the reason) on a day, overdue, or under way.
    static func status(_ action: PlanActionState, overdue: Bool) -> String {
        guard let completed = action.completed else { return overdue ? "Försenad" : "Pågår" }
        if let reason = action.notPossibleReason { return "Inte möjlig \(Swedish.date(completed.on)): \(reason)" }
        return "Klar \(Swedish.date(completed.on))"
    }

    static func status(_ status: ReferralStatus) -> String {
        switch status {
        case .sent: "Skickad, obesvarad"
        case .received: "Mottagen"
        case .accepted: "Accepterad"
        case .rejected: "Avvisad"
        }
    }
}
