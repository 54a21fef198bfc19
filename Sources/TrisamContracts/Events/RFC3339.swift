import Foundation

/// The reader of RFC 3339 date-times (``Timestamp/parse(_:)``): `YYYY-MM-DDTHH:MM:SS`, optionally
/// `.` and fraction digits (the first nine count), then `Z`, `z` or `±HH:MM`, nothing after. A
/// day, hour, minute or second that does not exist is refused (`2026-02-30`, `24:00`, `:60`),
/// where `Date.ISO8601FormatStyle` would roll it over into another moment. For every text both
/// accept it gives the very same `Date`, computed the same way (the same floating-point
/// operations in the same order).
enum RFC3339 {
    /// Years the reader takes: Foundation's Gregorian calendar switches to the Julian one
    /// before 1582-10-15, and four digits end at 9999.
    static let years: ClosedRange<Int> = 1600...9999

    /// The date-time in `text`, or nil when it is not of the form above (within ``years``,
    /// with a day that exists, seconds up to 59 and an offset under 18 hours).
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        // 2026-11-24T09:30:00Z is the shortest form; 64 bytes leave room for long fractions.
        guard bytes.count >= 20, bytes.count <= 64 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for offset in start..<(start + count) {
                let digit = bytes[offset] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let year = digits(0, 4), bytes[4] == UInt8(ascii: "-"),
            let month = digits(5, 2), bytes[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), bytes[10] == UInt8(ascii: "T"),
            let hour = digits(11, 2), bytes[13] == UInt8(ascii: ":"),
            let minute = digits(14, 2), bytes[16] == UInt8(ascii: ":"),
            let second = digits(17, 2)
        else { return nil }
        guard years.contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }

        var index = 19
        var nanosecond = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            let count = index - start
            // Digits beyond the ninth (below a nanosecond, finer than a Date holds) are read and dropped.
            guard count >= 1, let fraction = digits(start, min(count, 9)) else { return nil }
            nanosecond = fraction
            for _ in min(count, 9)..<9 { nanosecond *= 10 }
        }

        let offset: Int
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
            offset = 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, let hours = digits(index + 1, 2), bytes[index + 3] == UInt8(ascii: ":"),
                let minutes = digits(index + 4, 2), hours <= 17, minutes <= 59
            else { return nil }
            offset = (bytes[index] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
        default:
            return nil
        }

        // As Foundation's Gregorian calendar does: the day's start (exact), plus the time of day
        // with its fraction, minus the offset, minus a daylight-saving offset of zero.
        let dayStart = Double((daysSince1970(year: year, month: month, day: day) - 11_323) * 86_400)
        let timeOfDay = Double(hour * 3600 + minute * 60 + second) + Double(nanosecond) / 1_000_000_000
        return Date(timeIntervalSinceReferenceDate: dayStart + timeOfDay - Double(offset) - 0.0)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given day of the proleptic Gregorian calendar (years ≥ 1).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        // Count years from March, so that the leap day ends the year.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
