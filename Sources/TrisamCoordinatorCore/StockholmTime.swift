import Foundation
import TrisamContracts

/// Calendar days in Europe/Stockholm, computed without a time-zone database: CET (UTC+1) with
/// EU summer time (UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
/// Sunday of October). Pure and fast, so the rules can convert `now` for every evaluation.
public enum StockholmTime {
    /// The Stockholm calendar date of a moment.
    public static func date(of moment: Date) -> LocalDate {
        let seconds = Int(floor(moment.timeIntervalSince1970))
        let utcDay = floorDiv(seconds, 86_400)
        let offset = offsetSeconds(utcSeconds: seconds, utcDay: utcDay)
        return LocalDate(daysSinceEpoch: floorDiv(seconds + offset, 86_400))
    }

    /// The moment a Stockholm calendar day begins (local midnight).
    public static func startOfDay(_ day: LocalDate) -> Date {
        let midnightUTC = day.daysSinceEpoch * 86_400
        // Midnight local is never inside a transition hour (transitions are at 02:00/03:00 local).
        let offset = offsetSeconds(utcSeconds: midnightUTC - 3_600, utcDay: day.daysSinceEpoch - 1)
        return Date(timeIntervalSince1970: TimeInterval(midnightUTC - offset))
    }

    /// UTC offset in seconds at a UTC moment.
    static func offsetSeconds(utcSeconds: Int, utcDay: Int) -> Int {
        let year = LocalDate(daysSinceEpoch: utcDay).year
        let start = lastSunday(month: 3, year: year).daysSinceEpoch * 86_400 + 3_600
        let end = lastSunday(month: 10, year: year).daysSinceEpoch * 86_400 + 3_600
        return utcSeconds >= start && utcSeconds < end ? 7_200 : 3_600
    }

    /// The last Sunday of a month.
    static func lastSunday(month: Int, year: Int) -> LocalDate {
        let last = LocalDate(daysSinceEpoch: daysFromCivil(year: year, month: month, day: LocalDate.daysIn(month: month, year: year)))
        // 1970-01-01 was a Thursday: weekday index 0 = Monday … 6 = Sunday.
        let weekday = ((last.daysSinceEpoch + 3) % 7 + 7) % 7
        return last.adding(days: -((weekday - 6 + 7) % 7))
    }

    /// Days since 1970-01-01 of a Gregorian date, for any year (no range check).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    /// The first day of a month given as `year * 12 + month - 1`, for any year.
    static func firstDay(monthIndex: Int) -> LocalDate {
        let year = floorDiv(monthIndex, 12)
        return LocalDate(daysSinceEpoch: daysFromCivil(year: year, month: monthIndex - year * 12 + 1, day: 1))
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}

extension LocalDate {
    /// The month of this date as `year * 12 + month - 1`.
    var monthIndex: Int { year * 12 + month - 1 }

    /// Days from this date to `other` (positive when `other` is later).
    func days(to other: LocalDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }
}

extension YearMonth {
    /// The month as `year * 12 + month - 1` (months past 2200 have an index but no YearMonth).
    var index: Int { year * 12 + month - 1 }

    /// The first day of the month.
    var firstDay: LocalDate { StockholmTime.firstDay(monthIndex: index) }
}
