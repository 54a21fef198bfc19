import Foundation
import TrisamContracts

/// One item of the SIP calendar, derived from a person's state: a booked SIP meeting, a plan's
/// follow-up, or a SIP requested and not yet booked. The coordinator keeps these per person in
/// its store with each batch, so that the calendar reads only what it shows (issue 22) instead
/// of every person.
public struct CalendarEntry: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case meeting
        case followUp
        case requested
    }

    /// Unique per person: `sip:<id>` or `plan:<id>`.
    public var key: String
    public var kind: Kind
    /// The meeting's day (Swedish time), the follow-up day, or the day the SIP was requested.
    public var day: LocalDate
    /// When it sorts: the meeting's start, else the start of `day` in Swedish time.
    public var moment: Date
    /// The meeting's end (a meeting whose end passed without being held is overdue).
    public var end: Date?
    public var caller: Agency?
    public var invited: [Agency]
    public var afterDischarge: Bool
    public var lead: Agency?
    public var openActions: Int
    public var actions: Int

    /// The person's calendar items, in the order of the state.
    public static func entries(of state: PersonState) -> [CalendarEntry] {
        var entries: [CalendarEntry] = []
        for sip in state.sips where sip.isOpen {
            if let meeting = sip.meeting {
                entries.append(
                    CalendarEntry(
                        key: "sip:\(sip.id)", kind: .meeting, day: StockholmTime.date(of: meeting.start), moment: meeting.start,
                        end: meeting.end, caller: sip.caller, invited: sip.invited, afterDischarge: sip.afterDischarge,
                        lead: nil, openActions: 0, actions: 0))
            } else {
                entries.append(
                    CalendarEntry(
                        key: "sip:\(sip.id)", kind: .requested, day: sip.requested.on,
                        moment: StockholmTime.startOfDay(sip.requested.on), end: nil, caller: sip.caller, invited: sip.invited,
                        afterDischarge: sip.afterDischarge, lead: nil, openActions: 0, actions: 0))
            }
        }
        for plan in state.plans {
            guard let followUp = plan.followUpOn else { continue }
            entries.append(
                CalendarEntry(
                    key: "plan:\(plan.id)", kind: .followUp, day: followUp, moment: StockholmTime.startOfDay(followUp), end: nil,
                    caller: nil, invited: [], afterDischarge: false, lead: plan.leadAgency,
                    openActions: plan.actions.filter { $0.completed == nil }.count, actions: plan.actions.count))
        }
        return entries
    }
}
