import Foundation
import TrisamContracts

/// A wall-clock time of day (hour and minute), in local time.
public struct ClockTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    /// A time 00:00–24:00 (24:00 meaning the end of the day), or nil.
    public init?(hour: Int, minute: Int = 0) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0 else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Minutes since midnight.
    public var minutesSinceMidnight: Int { hour * 60 + minute }

    public var description: String { "\(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)" }

    public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool { lhs.minutesSinceMidnight < rhs.minutesSinceMidnight }
}

/// A span of local wall-clock time within one day, `start < end`.
public struct ClockPeriod: Hashable, Sendable, CustomStringConvertible {
    public let start: ClockTime
    public let end: ClockTime

    /// Nil unless `start < end`.
    public init?(start: ClockTime, end: ClockTime) {
        guard start < end else { return nil }
        self.start = start
        self.end = end
    }

    public var description: String { "\(start)–\(end)" }
}

/// Office hours on a working day, with an optional lunch break during which no meeting is held.
public struct WorkingHours: Hashable, Sendable {
    public let start: ClockTime
    public let end: ClockTime
    /// A break inside the day (e.g. 12:00–13:00); meetings neither start in nor span it.
    public let lunch: ClockPeriod?

    /// 08:00–16:30 without a lunch break.
    public static let standard = WorkingHours(start: ClockTime(hour: 8)!, end: ClockTime(hour: 16, minute: 30)!)!

    /// Working hours; nil unless `start < end` and any lunch lies strictly inside them with
    /// its start before its end.
    public init?(start: ClockTime, end: ClockTime, lunch: ClockPeriod? = nil) {
        guard start < end else { return nil }
        if let lunch { guard start < lunch.start, lunch.end < end else { return nil } }
        self.start = start
        self.end = end
        self.lunch = lunch
    }

    /// The working periods of one day as local clock times: one, or two around lunch.
    public var periods: [ClockPeriod] {
        guard let lunch else { return [ClockPeriod(start: start, end: end)!] }
        return [ClockPeriod(start: start, end: lunch.start)!, ClockPeriod(start: lunch.end, end: end)!]
    }
}

/// Why a day is not a working day.
public enum NonWorkingReason: Hashable, Sendable {
    case weekend
    case holiday(SwedishHoliday)

    /// In Swedish, for staff: "lördag/söndag", or the holiday's name.
    public var swedishDescription: String {
        switch self {
        case .weekend: "helg (lördag eller söndag)"
        case .holiday(let holiday): holiday.swedishName
        }
    }
}

/// Working time of Swedish agencies in Europe/Stockholm: the configured weekdays (Monday–Friday
/// by default), not on public holidays, within ``WorkingHours``. Daylight saving time is handled
/// by Foundation's time zone database, so 08:00 is 07:00 UTC in winter and 06:00 UTC in summer.
public struct WorkingCalendar: Sendable {
    /// Europe/Stockholm.
    public static let stockholm: TimeZone = TimeZone(identifier: "Europe/Stockholm")!

    /// The zone working hours are read in (Europe/Stockholm).
    public let timeZone: TimeZone
    /// Office hours of every working day.
    public let hours: WorkingHours
    /// The holidays on which nobody works.
    public let holidays: SwedishHolidays
    /// ISO weekdays that are working days (1 = Monday … 7 = Sunday).
    public let workingWeekdays: Set<Int>
    private let calendar: Calendar

    /// Defaults: 08:00–16:30 without lunch, all Swedish holidays and eves, Monday–Friday,
    /// Europe/Stockholm.
    public init(
        hours: WorkingHours = .standard, holidays: SwedishHolidays = SwedishHolidays(),
        workingWeekdays: Set<Int> = [1, 2, 3, 4, 5], timeZone: TimeZone = WorkingCalendar.stockholm
    ) {
        self.hours = hours
        self.holidays = holidays
        self.workingWeekdays = workingWeekdays
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// The local calendar date of an instant.
    public func localDate(of instant: Date) -> LocalDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
            ?? LocalDate(daysSinceEpoch: Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// The local wall-clock time of an instant (hour, minute; seconds dropped).
    public func localTime(of instant: Date) -> ClockTime {
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        return ClockTime(hour: parts.hour!, minute: parts.minute!)!
    }

    /// The instant of a local wall-clock time on a day. A time skipped by a daylight saving
    /// change (02:00–03:00 on the last Sunday of March) moves forward by the gap.
    public func instant(_ date: LocalDate, _ time: ClockTime) -> Date {
        if time.hour == 24 { return instant(date.adding(days: 1), ClockTime(hour: 0)!) }
        let parts = DateComponents(year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute)
        return calendar.date(from: parts)!
    }

    /// Why `date` is not a working day, or nil if it is one.
    public func nonWorkingReason(_ date: LocalDate) -> NonWorkingReason? {
        if let holiday = holidays.holiday(on: date) { return .holiday(holiday) }
        if !workingWeekdays.contains(date.isoWeekday) { return .weekend }
        return nil
    }

    /// Whether `date` is a working day (a working weekday and no holiday).
    public func isWorkingDay(_ date: LocalDate) -> Bool { nonWorkingReason(date) == nil }

    /// The working periods of a day as instants (empty on a non-working day).
    public func workingPeriods(on date: LocalDate) -> [DateInterval] {
        guard isWorkingDay(date) else { return [] }
        return hours.periods.map { DateInterval(start: instant(date, $0.start), end: instant(date, $0.end)) }
    }

    /// The working periods that overlap `[from, to)`, clipped to it, in time order.
    public func workingPeriods(from: Date, to: Date) -> [DateInterval] {
        guard from < to else { return [] }
        var result: [DateInterval] = []
        var day = localDate(of: from)
        let last = localDate(of: to)
        while day <= last {
            for period in workingPeriods(on: day) {
                let start = max(period.start, from)
                let end = min(period.end, to)
                if start < end { result.append(DateInterval(start: start, end: end)) }
            }
            day = day.adding(days: 1)
        }
        return result
    }

    /// Whether the whole of `interval` lies inside one working period.
    public func isWithinWorkingTime(_ interval: DateInterval) -> Bool {
        workingPeriods(on: localDate(of: interval.start)).contains {
            $0.start <= interval.start && interval.end <= $0.end
        }
    }

    /// Rounds `instant` up to the next multiple of `step` seconds of local wall-clock time
    /// (e.g. :00, :15, :30, :45 for 15 minutes). Unchanged if already aligned.
    public func alignUp(_ instant: Date, step: TimeInterval) -> Date {
        let offset = TimeInterval(timeZone.secondsFromGMT(for: instant))
        let local = instant.timeIntervalSince1970 + offset
        let aligned = (local / step).rounded(.up) * step
        return Date(timeIntervalSince1970: aligned - offset)
    }
}
