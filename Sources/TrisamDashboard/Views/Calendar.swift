import Foundation
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore

/// The SIP calendar: SIP meetings and plan follow-ups across every person, overdue and upcoming.
public struct SipCalendar: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        /// For sorting: the day, and the meeting's start (the start of the day for follow-ups).
        public var date: LocalDate
        public var moment: Date
        public var when: String
        /// "SIP-möte", "Uppföljning av plan", "SIP begärd".
        public var kind: String
        public var detail: String
        public var shortRef: String
        public var personPath: String
        /// "om 3 dagar", "i dag", "5 dagar sedan".
        public var relative: String
    }

    /// Meetings whose time passed without being held, follow-ups whose date passed, oldest first.
    public var overdue: [Item] = []
    /// Meetings and follow-ups from today on, soonest first.
    public var upcoming: [Item] = []
    /// SIPs requested and not yet booked, oldest request first.
    public var unbooked: [Item] = []

    /// How many items each list holds in all, when it shows fewer (nil: it shows every one).
    public var overdueNote: String?
    public var upcomingNote: String?
    public var unbookedNote: String?

    /// The calendar from the store's items (``CoordinatorStore/calendar(now:limit:)``), each list
    /// as the store gave it.
    public init(
        overdue: CoordinatorStore.CalendarPage, upcoming: CoordinatorStore.CalendarPage, unbooked: CoordinatorStore.CalendarPage,
        now: Date
    ) {
        let today = StockholmTime.date(of: now)
        func item(_ ref: ClientRef, _ entry: CalendarEntry) -> Item {
            let offset = Swedish.daysBetween(today, entry.day)
            let relative = offset < 0 ? Swedish.daysAgo(-offset) : Swedish.days(-offset)
            let when: String
            let kind: String
            let detail: String
            switch entry.kind {
            case .meeting:
                when = Swedish.dateTime(entry.moment)
                kind = Swedish.sipMeeting
                detail = entry.caller.map { Swedish.calendarParticipants(caller: $0, invited: entry.invited) } ?? ""
            case .requested:
                when = Swedish.date(entry.day)
                kind = entry.afterDischarge ? Swedish.sipRequestedAfterDischarge : Swedish.sipRequested
                detail = entry.caller.map { Swedish.calendarParticipants(caller: $0, invited: entry.invited) } ?? ""
            case .followUp:
                when = Swedish.date(entry.day)
                kind = Swedish.planFollowUp
                detail = entry.lead.map { Swedish.planFollowUpDetail(lead: $0, open: entry.openActions, of: entry.actions) } ?? ""
            }
            return Item(
                date: entry.day, moment: entry.moment, when: when, kind: kind, detail: detail,
                shortRef: Swedish.shortRef(ref.rawValue), personPath: "/personer/\(ref.rawValue)", relative: relative)
        }
        self.overdue = overdue.items.map(item)
        self.upcoming = upcoming.items.map(item)
        self.unbooked = unbooked.items.map(item)
        overdueNote = Swedish.shownOf(self.overdue.count, overdue.total)
        upcomingNote = Swedish.shownOf(self.upcoming.count, upcoming.total)
        unbookedNote = Swedish.shownOf(self.unbooked.count, unbooked.total)
    }

    public init(states: [PersonState], now: Date) {
        let today = StockholmTime.date(of: now)
        for state in states {
            let ref = state.clientRef.rawValue
            func item(_ date: LocalDate, _ when: String, _ kind: String, _ detail: String, at moment: Date? = nil) -> Item {
                let offset = Swedish.daysBetween(today, date)
                let relative = offset < 0 ? Swedish.daysAgo(-offset) : Swedish.days(-offset)
                return Item(
                    date: date, moment: moment ?? StockholmTime.startOfDay(date), when: when, kind: kind,
                    detail: detail, shortRef: Swedish.shortRef(ref),
                    personPath: "/personer/\(ref)", relative: relative)
            }
            for sip in state.sips where sip.isOpen {
                let participants = Swedish.calendarParticipants(caller: sip.caller, invited: sip.invited)
                if let meeting = sip.meeting {
                    let day = StockholmTime.date(of: meeting.start)
                    let entry = item(day, Swedish.dateTime(meeting.start), Swedish.sipMeeting, participants, at: meeting.start)
                    if meeting.end < now { overdue.append(entry) } else { upcoming.append(entry) }
                } else {
                    unbooked.append(
                        item(
                            sip.requested.on, Swedish.date(sip.requested.on),
                            sip.afterDischarge ? Swedish.sipRequestedAfterDischarge : Swedish.sipRequested, participants))
                }
            }
            for plan in state.plans {
                guard let followUp = plan.followUpOn else { continue }
                let open = plan.actions.filter { $0.completed == nil }.count
                let entry = item(
                    followUp, Swedish.date(followUp), Swedish.planFollowUp,
                    Swedish.planFollowUpDetail(lead: plan.leadAgency, open: open, of: plan.actions.count))
                if followUp < today { overdue.append(entry) } else { upcoming.append(entry) }
            }
        }
        overdue.sort { ($0.moment, $0.shortRef) < ($1.moment, $1.shortRef) }
        upcoming.sort { ($0.moment, $0.shortRef) < ($1.moment, $1.shortRef) }
        unbooked.sort { ($0.date, $0.shortRef) < ($1.date, $1.shortRef) }
    }
}
