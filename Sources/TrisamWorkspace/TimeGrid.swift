import Foundation
import TrisamContracts
import TrisamSip
import TrisamWeb

/// The time picker of a SIP answer: the coming working days in Europe/Stockholm (weekends and
/// Swedish public holidays and eves left out, from ``WorkingCalendar``), each with the blocks
/// of the working day staff tick when they can attend. Ticked blocks that touch are joined into
/// one time, so a meeting may span them.
struct TimeGrid: Sendable {
    struct Block: Sendable {
        var id: String
        var name: String
        var value: String
        var label: String
        /// The day, for screen readers ("Tisdag 8 december 08.00–10.00").
        var dayLabel: String
        var selected: Bool
    }
    struct Day: Sendable {
        var label: String
        var blocks: [Block]
    }

    /// The blocks of a working day (08.00–16.30, lunch 12–13 kept free).
    static let blocks: [(ClockTime, ClockTime)] = [
        (ClockTime(hour: 8)!, ClockTime(hour: 10)!), (ClockTime(hour: 10)!, ClockTime(hour: 12)!),
        (ClockTime(hour: 13)!, ClockTime(hour: 15)!), (ClockTime(hour: 15)!, ClockTime(hour: 16, minute: 30)!),
    ]
    static let weekdays = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
    static let monthNames = [
        "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december",
    ]

    let calendar: WorkingCalendar

    /// The next `count` working days after `now`'s day.
    func days(after now: Date, count: Int = 10, name: String) -> [Day] {
        var result: [Day] = []
        var day = calendar.localDate(of: now).adding(days: 1)
        while result.count < count {
            if calendar.isWorkingDay(day) {
                let label = "\(Self.weekdays[day.isoWeekday - 1].capitalized) \(day.day) \(Self.monthNames[day.month - 1])"
                result.append(
                    Day(
                        label: label,
                        blocks: Self.blocks.map { start, end in
                            let value = "\(day)T\(start)-\(end)"
                            return Block(
                                id: "\(name)-\(day)-\(start.hour)", name: name, value: value,
                                label: "\(Self.dotted(start))–\(Self.dotted(end))", dayLabel: label, selected: false)
                        }))
            }
            day = day.adding(days: 1)
        }
        return result
    }

    /// "08.00": times as Swedish text writes them.
    static func dotted(_ time: ClockTime) -> String { time.description.replacingOccurrences(of: ":", with: ".") }

    /// The ticked blocks as times, touching ones joined; nil for a value it cannot read.
    func slots(_ values: [String]) -> [TimeSlot]? {
        var intervals: [DateInterval] = []
        for value in values {
            // 2026-12-08T08:00-10:00
            let parts = value.split(separator: "T")
            guard parts.count == 2, let day = LocalDate(String(parts[0])) else { return nil }
            let times = parts[1].split(separator: "-")
            guard times.count == 2, let start = Self.clock(times[0]), let end = Self.clock(times[1]), start < end else { return nil }
            intervals.append(DateInterval(start: calendar.instant(day, start), end: calendar.instant(day, end)))
        }
        intervals.sort { $0.start < $1.start }
        var joined: [DateInterval] = []
        for interval in intervals {
            if let last = joined.last, last.end >= interval.start {
                joined[joined.count - 1] = DateInterval(start: last.start, end: max(last.end, interval.end))
            } else {
                joined.append(interval)
            }
        }
        return joined.map { TimeSlot(start: $0.start, end: $0.end) }
    }

    static func clock(_ text: Substring) -> ClockTime? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
        return ClockTime(hour: hour, minute: minute)
    }

    /// "Tisdag 8 december kl. 10.00–11.00" in Stockholm time.
    func text(_ slot: TimeSlot) -> String {
        let day = calendar.localDate(of: slot.start)
        return "\(Self.weekdays[day.isoWeekday - 1].capitalized) \(day.day) \(Self.monthNames[day.month - 1]) \(day.year) kl. "
            + "\(Self.dotted(calendar.localTime(of: slot.start)))–\(Self.dotted(calendar.localTime(of: slot.end)))"
    }
}
