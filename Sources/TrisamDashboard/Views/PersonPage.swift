import Foundation
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore

/// Everything the person page shows, in Swedish, built from the person's state, timeline and
/// flags. The words come from ``Swedish``.
public struct PersonPage: Sendable {
    /// One event a flag rests on, or one entry of the event history.
    public struct Event: Sendable, Equatable {
        public var eventId: String
        /// The day the fact took effect, when the event names one ("3 nov 2026").
        public var effective: String?
        /// When it was recorded ("3 dec 2026 10:54").
        public var recorded: String
        /// "Försäkringskassan: beslut om sjukpenning".
        public var summary: String
        /// What the agency reported ("Sjukpenning avslagen, SGI saknas").
        public var detail: String?
        /// The reporting agency ("Försäkringskassan"), or "Samordnaren".
        public var reporter: String
        public var type: String
    }

    /// An open flag with the events it rests on.
    public struct Flag: Sendable, Equatable {
        public var row: QueueRow
        public var severityClass: String
        public var severityText: String
        public var title: String
        public var ageText: String
        public var sinceText: String
        public var sentence: String
        public var actors: String
        /// The events cited, oldest effect first.
        public var evidence: [Event]
        /// Evidence no longer in the history (erased with consent, or beyond its length).
        public var missingEvidence: Int
        public var missingEvidenceText: String?
        /// The work on the flag: status, history, forms.
        var work: FlagWorkPanel
    }

    /// An agency with an open case in an area: its named contact and since when.
    public struct ActiveCase: Sendable, Equatable {
        public var agency: String
        /// "Frida Ek, handläggare, tel. 010-123 45 67", or nil when nobody is named.
        public var contact: String?
        /// "3 nov 2026".
        public var since: String
        public var isOwner: Bool
    }

    public struct Owner: Sendable, Equatable {
        public var area: String
        public var owner: String
        public var contact: String?
        public var since: String?
        /// Nobody owns the area although it needs an owner (a gap).
        public var unowned: Bool
        /// Nobody owns the area and nobody needs to.
        public var notNeeded: Bool
        public var pendingHandover: String?
        /// Every agency with an open case in the area, the owner first.
        public var active: [ActiveCase]
        /// Stored: the templates see stored properties only.
        public var hasActive: Bool
    }

    public struct Period: Sendable, Equatable {
        public var area: String
        public var who: String
        public var from: String
        public var until: String
        public var days: Int
        public var gap: Bool
    }

    public struct Handover: Sendable, Equatable {
        public var day: String
        public var area: String
        public var from: String
        public var to: String
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
        /// Where the meeting is held.
        public var location: String?
        /// "Karin Lind (kommunen), Frida Ek (Försäkringskassan)": the named staff expected.
        public var attendees: String?
        /// Who took part in the meeting held.
        public var heldAttendees: String?
        /// Stored: the templates see stored properties only.
        public var hasInvitations: Bool
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
        /// The person's own goal ("Vart vill du?"), as a quotation.
        public var personGoal: String?
        public var goals: [String]
        public var subGoals: [String]
        public var actions: [Action]
        public var hasGoals: Bool
        public var hasSubGoals: Bool
    }

    public struct Consent: Sendable, Equatable {
        public var purpose: String
        public var agencies: String
        public var given: String
        public var validUntil: String
        /// "20 mar 2026 (Arbetsförmedlingen)", or "–".
        public var withdrawn: String
    }

    public var clientRef: String
    public var shortRef: String
    public var openFlags: [Flag]
    public var resolvedFlagCount: Int
    /// "Inga lösta flaggor tidigare.", "1 löst flagga tidigare.", "3 lösta flaggor tidigare."
    /// (stored: the templates see stored properties only).
    public var resolvedFlagsText: String
    /// The resolved flags, newest first, each with its history.
    var resolvedFlags: [ResolvedFlag]
    var hasResolvedFlags: Bool
    public var owners: [Owner]
    /// Every ownership period and the gaps between them, per area.
    public var periods: [Period]
    /// Every handover kept, newest first.
    public var handovers: [Handover]
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
    /// Events beyond the retention window, summarised without content (one line per agency and
    /// kind, oldest first); empty when nothing was summarised.
    public var olderEvents: [String]
    public var hasOlderEvents: Bool

    /// The page for a person's state, timeline, flags, the history of work on the flags, and
    /// what the timeline summarised of events beyond its retention window.
    public init(
        state: PersonState, timeline: [TimelineEntry], flags: [FlagRow], now: Date, history: [FlagHistoryEntry] = [],
        olderEvents: [TimelineSummaryEntry] = []
    ) {
        self.init(
            state: state, timeline: timeline, flags: flags, now: now, history: history, refused: nil, user: nil, olderEvents: olderEvents)
    }

    /// The page with a refused form of work on a flag shown again, with what was typed.
    init(
        state: PersonState, timeline: [TimelineEntry], flags: [FlagRow], now: Date, history: [FlagHistoryEntry],
        refused: FlagWorkPanel.Refused?, user: String?, olderEvents: [TimelineSummaryEntry] = []
    ) {
        let today = StockholmTime.date(of: now)
        clientRef = state.clientRef.rawValue
        shortRef = Swedish.shortRef(clientRef)
        let byId = Dictionary(timeline.map { ($0.eventId, $0) }, uniquingKeysWith: { first, _ in first })
        let open = flags.filter { $0.resolvedAt == nil }
        let rows = Queue.rows(open, today: today)
        openFlags = rows.map { row in
            let flag = open.first { $0.flagId == row.flagId }
            let cited = flag?.evidence ?? []
            let found = cited.compactMap { byId[$0] }.map(Self.event)
            let evidence = found.enumerated().sorted { a, b in
                let dayA = a.element.effectiveDay ?? StockholmTime.date(of: a.element.entry.time)
                let dayB = b.element.effectiveDay ?? StockholmTime.date(of: b.element.entry.time)
                return (dayA, a.offset) < (dayB, b.offset)
            }.map(\.element.event)
            let missing = Set(cited).count - Set(found.map(\.event.eventId)).count
            return Flag(
                row: row, severityClass: row.severityClass, severityText: row.severityText, title: row.title,
                ageText: row.ageText, sinceText: row.sinceText, sentence: row.sentence, actors: row.actors,
                evidence: evidence, missingEvidence: missing, missingEvidenceText: missing > 0 ? Swedish.missingEvidence(missing) : nil,
                work: FlagWorkPanel(flag: flag!, history: history, today: today, refused: refused, user: user))
        }
        let resolved = flags.filter { $0.resolvedAt != nil }.sorted { ($0.resolvedAt ?? now) > ($1.resolvedAt ?? now) }
        resolvedFlags = resolved.map { flag in
            ResolvedFlag(
                title: flag.title, resolved: Swedish.date(of: flag.resolvedAt ?? now),
                panel: FlagWorkPanel(flag: flag, history: history, today: today, refused: nil))
        }
        hasResolvedFlags = !resolved.isEmpty
        resolvedFlagCount = flags.filter { $0.resolvedAt != nil }.count
        resolvedFlagsText = Swedish.resolvedFlags(resolvedFlagCount)
        chart = OwnershipChart(state: state, today: today)

        owners = Area.allCases.map { area in
            let areaState = state.area(area)
            let need = state.ownerNeed(area)
            let pending = areaState?.pendingHandover.map {
                Swedish.pendingHandover(from: $0.from, to: $0.to, requested: $0.requested.on)
            }
            let owner = areaState?.owner
            let active = state.cases.filter { $0.area == area && $0.isOpen }
                .sorted { ($0.agency == owner ? 0 : 1, $0.opened.on) < ($1.agency == owner ? 0 : 1, $1.opened.on) }
                .map { caseState in
                    ActiveCase(
                        agency: caseState.agency.displayName, contact: caseState.contact.map(Swedish.contact),
                        since: Swedish.date(caseState.opened.on), isOwner: caseState.agency == owner)
                }
            if let owner {
                let contact = areaState?.contact ?? state.caseOf(owner, area)?.contact
                return Owner(
                    area: area.displayName, owner: owner.displayName, contact: contact.map(Swedish.contact),
                    since: areaState?.since.map(Swedish.date), unowned: false, notNeeded: false, pendingHandover: pending,
                    active: active, hasActive: !active.isEmpty)
            }
            let needed = need?.now ?? false
            let covered = need?.coveredBy.map { Swedish.covered(by: $0, plan: need?.coveredByPlan ?? false, short: false) }
            return Owner(
                area: area.displayName, owner: needed ? Swedish.noOwner : covered ?? Swedish.notNeeded, contact: nil,
                since: needed ? areaState?.since.map(Swedish.date) : nil, unowned: needed, notNeeded: !needed,
                pendingHandover: pending, active: active, hasActive: !active.isEmpty)
        }

        periods = Area.allCases.flatMap { area in Self.periods(of: area, in: state, today: today) }
        handovers = state.handovers.reversed().map { handover in
            Handover(
                day: Swedish.date(handover.mark.on), area: handover.area.displayName, from: handover.from.displayName,
                to: handover.to.displayName)
        }

        referrals = state.referrals.map { referral in
            let age = max(0, Swedish.daysBetween(referral.sent.on, today))
            let unanswered = referral.status == .sent
            return Referral(
                from: referral.from.displayName, to: referral.to.displayName,
                area: referral.area?.displayName ?? Swedish.unknownArea, status: Swedish.referralStatus(referral.status),
                sent: Swedish.date(referral.sent.on), ageDays: age, ageText: Swedish.days(age),
                answerBy: referral.answerBy.map(Swedish.date),
                overdue: unanswered && (referral.answerBy.map { $0 < today } ?? false),
                contact: referral.contact.map(Swedish.contact))
        }

        sips = state.sips.map { sip in
            var overdue = false
            if sip.held == nil, sip.cancelled == nil, let meeting = sip.meeting { overdue = meeting.end < now }
            return Sip(
                caller: sip.caller.displayName, invited: Swedish.agencyList(sip.invited),
                requested: Swedish.date(sip.requested.on),
                meeting: sip.meeting.map { Swedish.dateTime($0.start) + "–" + Swedish.time($0.end) } ?? Swedish.noMeetingTime,
                status: Swedish.sipStatus(sip, overdue: overdue), overdue: overdue,
                invitations: sip.invitations.map { Swedish.invitation($0, today: today) },
                location: sip.location, attendees: sip.attendees.map(Swedish.attendees),
                heldAttendees: sip.heldAttendees.map(Swedish.attendees), hasInvitations: !sip.invitations.isEmpty)
        }

        plans = state.plans.map { plan in
            Plan(
                lead: plan.leadAgency.displayName, participants: Swedish.agencyList(plan.participants),
                created: Swedish.date(plan.created.on), followUp: plan.followUpOn.map(Swedish.date),
                followUpOverdue: plan.followUpOn.map { $0 < today } ?? false,
                personGoal: plan.personGoal.map(Svenska.quoted), goals: plan.goals ?? [], subGoals: plan.subGoals ?? [],
                actions: plan.actions.sorted { $0.dueDate < $1.dueDate }.map { action in
                    let overdue = action.completed == nil && action.dueDate < today
                    return Action(
                        description: action.description, owner: action.owner.displayName,
                        contact: action.ownerContact.map { Swedish.contact(Contact(name: $0, phone: action.ownerPhone)) },
                        due: Swedish.date(action.dueDate), status: Swedish.actionStatus(action, overdue: overdue),
                        overdue: overdue)
                }, hasGoals: !(plan.goals ?? []).isEmpty, hasSubGoals: !(plan.subGoals ?? []).isEmpty)
        }

        consents = state.consents.reversed().map { consent in
            Consent(
                purpose: Svenska.capitalised(Svenska.purpose(consent.purpose)), agencies: Swedish.agencyList(consent.agencies),
                given: Swedish.date(consent.givenOn) + (consent.registeredBy.map { " (\($0.displayName))" } ?? ""),
                validUntil: Swedish.date(consent.validUntil),
                withdrawn: consent.withdrawnOn.map { Swedish.date($0) + (consent.withdrawnBy.map { " (\($0.displayName))" } ?? "") } ?? "–")
        }
        consentEnds = state.consentEnds.map(Swedish.consentEnd)

        events = timeline.reversed().map { Self.event($0).event }
        self.olderEvents = olderEvents.map(Swedish.olderEvents)
        hasOlderEvents = !olderEvents.isEmpty
    }

    /// An entry as the page shows it, with the day it took effect.
    static func event(_ entry: TimelineEntry) -> (event: Event, effectiveDay: LocalDate?, entry: TimelineEntry) {
        let reporter = EventSource(uri: entry.source)?.agency?.displayName ?? Swedish.coordinator
        return (
            Event(
                eventId: entry.eventId, effective: entry.effectiveOn.map(Swedish.date), recorded: Swedish.dateTime(entry.time),
                summary: entry.summary, detail: entry.detail, reporter: reporter, type: entry.type),
            entry.effectiveOn, entry
        )
    }

    /// An area's ownership periods, every one kept, with the stretches between them that nobody
    /// owned while the area needed an owner. A period runs from its first day through its last
    /// (the day it ended: a handover day belongs to both agencies).
    static func periods(of area: Area, in state: PersonState, today: LocalDate) -> [Period] {
        let owned = (state.area(area)?.periods ?? []).sorted { $0.from < $1.from }
        let need = state.ownerNeed(area)
        var rows: [Period] = []
        func gap(_ from: LocalDate, _ until: LocalDate, ongoing: Bool) {
            guard from <= until else { return }
            rows.append(
                Period(
                    area: area.displayName, who: Swedish.noOwner, from: Swedish.date(from),
                    until: ongoing ? Swedish.ongoing : Swedish.date(until), days: Swedish.daysBetween(from, until) + 1, gap: true))
        }
        var lastEnd: LocalDate?
        for period in owned {
            if let lastEnd, period.from > lastEnd.adding(days: 1) {
                gap(lastEnd.adding(days: 1), period.from.adding(days: -1), ongoing: false)
            }
            let until = period.until ?? today
            rows.append(
                Period(
                    area: area.displayName, who: period.agency.displayName, from: Swedish.date(period.from),
                    until: period.until.map(Swedish.date) ?? Swedish.ongoing,
                    days: max(1, Swedish.daysBetween(period.from, min(until, today)) + 1), gap: false))
            lastEnd = max(lastEnd ?? until, until)
        }
        if let lastEnd, owned.last?.until != nil, need?.now ?? false, lastEnd < today { gap(lastEnd.adding(days: 1), today, ongoing: true) }
        if owned.isEmpty, let need, need.now { gap(need.from, today, ongoing: true) }
        return rows
    }
}
