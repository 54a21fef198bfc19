import Foundation
import Testing

@testable import TrisamContracts

/// `Timestamp.parse` reads RFC 3339 by hand. Where `Date.ISO8601FormatStyle` (the reader used
/// before) accepts a text that names an existing moment, both give the same `Date` to the bit;
/// a day or time of day that does not exist, which Foundation rolls over into another moment,
/// is refused.
@Suite("Timestamps")
struct TimestampTests {
    /// Foundation's reading, the reference.
    static func foundation(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// The fields as written, when `text` has the shape `YYYY-MM-DDTHH:MM:SS…`.
    static func writtenFields(_ text: String) -> [Int]? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        var fields: [Int] = []
        for (start, count) in [(0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2)] {
            guard let value = Int(String(decoding: bytes[start..<(start + count)], as: UTF8.self)),
                bytes[start..<(start + count)].allSatisfy({ $0 >= 48 && $0 <= 57 })
            else { return nil }
            fields.append(value)
        }
        return fields
    }

    /// Whether `text` has RFC 3339's shape, zone included (`Z`, `z` or `±HH:MM` under 18 hours),
    /// whatever its field values.
    static func hasRFC3339Shape(_ text: String) -> Bool {
        guard
            let match = text.wholeMatch(
                of: #/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|z|[+-]([0-9]{2}):([0-9]{2}))/#)
        else { return false }
        if let hours = match.3, let minutes = match.4 { return Int(hours)! < 18 && Int(minutes)! < 60 }
        return true
    }

    /// Fails unless `Timestamp.parse` agrees with Foundation on `text`: the same `Date` to the bit
    /// where both accept; where only Foundation accepts, the text must not be RFC 3339 (another
    /// zone form such as `+0100` or `UTC`, a five-digit year), or its fields as written must name
    /// a moment that does not exist (Foundation rolled it over), or lie before 1600. Where only
    /// ours accepts, the text has more than nine fraction digits (Foundation reads at most nine).
    static func checkAgreement(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let ours = Timestamp.parse(text)
        let reference = foundation(text)
        switch (ours, reference) {
        case (let ours?, let reference?):
            #expect(
                ours.timeIntervalSinceReferenceDate.bitPattern == reference.timeIntervalSinceReferenceDate.bitPattern,
                "\(text): \(ours.timeIntervalSinceReferenceDate) vs \(reference.timeIntervalSinceReferenceDate)",
                sourceLocation: sourceLocation)
        case (nil, _?):
            guard hasRFC3339Shape(text) else { return } // not RFC 3339: refused on purpose
            guard let fields = writtenFields(text) else {
                Issue.record("\(text): refused, but Foundation reads it", sourceLocation: sourceLocation)
                return
            }
            let (year, month, day, hour, minute, second) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5])
            let days = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            let exists = (1...12).contains(month) && day >= 1 && day <= days[month - 1] && hour <= 23 && minute <= 59 && second <= 59
            #expect(!exists || year < 1600, "\(text): refused, but it names an existing moment", sourceLocation: sourceLocation)
        case (_?, nil):
            let fraction = text.split(separator: ".").dropFirst().first?.prefix { $0.isASCII && $0.isNumber } ?? ""
            #expect(fraction.count > 9, "\(text): read, but Foundation refuses it", sourceLocation: sourceLocation)
        case (nil, nil):
            break
        }
    }

    @Test(
        "days and times of day that do not exist, and zones RFC 3339 does not have, are refused",
        arguments: [
            "2026-02-29T12:00:00Z", "2026-02-30T12:00:00Z", "2100-02-29T12:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-32T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T23:60:00Z",
            "2026-11-24T23:59:60Z", "2026-11-24T09:30:00+18:00", "2026-11-24T09:30:00+01:60", "2026-11-24T09:30:00+0100",
            "2026-11-24T09:30:00UTC", "2026-11-24T09:30:00GMT+01:00", "12026-11-24T09:30:00Z", "2026-11-24 09:30:00Z",
        ])
    func nonexistentRefused(_ text: String) {
        #expect(Timestamp.parse(text) == nil, "\(text)")
    }

    @Test("long fractions: the first nine digits count")
    func longFractions() throws {
        let nine = try #require(Timestamp.parse("2026-11-24T09:30:00.123456789Z"))
        #expect(Timestamp.parse("2026-11-24T09:30:00.1234567891234Z") == nine)
        #expect(Timestamp.parse("2026-11-24T09:30:00.123456789999+00:00") == nine)
    }

    @Test(
        "edge cases",
        arguments: [
            // Leap years and days that do not exist (Foundation rolls those over; they are refused).
            "2024-02-29T12:00:00Z", "2000-02-29T12:00:00Z", "2100-02-29T12:00:00Z", "2026-02-29T12:00:00Z", "2026-02-30T12:00:00Z",
            "2026-04-31T00:00:00Z", "2026-12-31T23:59:59.999Z", "2026-01-01T00:00:00.000Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
            "2026-11-00T00:00:00Z", "2026-11-32T00:00:00Z",
            // The end of a day, leap seconds, hour 24.
            "2026-11-24T23:59:59Z", "2026-11-24T23:59:60Z", "2026-11-24T24:00:00Z", "2026-11-24T24:00:01Z", "2026-11-24T23:60:00Z",
            // Offsets.
            "2026-11-24T09:30:00+01:00", "2026-11-24T09:30:00-05:30", "2026-11-24T09:30:00+00:00", "2026-11-24T09:30:00-00:00",
            "2026-11-24T09:30:00+14:00", "2026-11-24T09:30:00-12:00", "2026-11-24T09:30:00+17:59", "2026-11-24T09:30:00+18:00",
            "2026-11-24T09:30:00+18:01", "2026-11-24T09:30:00+24:00", "2026-11-24T09:30:00+0100", "2026-11-24T09:30:00+01",
            "2026-11-24T09:30:00+01:00:30", "2026-11-24T09:30:00+1:00", "2026-11-24T09:30:00+01:60", "2026-11-24T09:30:00UTC",
            "2026-11-24T09:30:00GMT+01:00", "2026-11-24T09:30:00z", "2026-11-24T09:30:00 Z", "2026-11-24T09:30:00",
            // Fractions of 1 to 9 digits and beyond, with either zone.
            "2026-11-24T09:30:00.1Z", "2026-11-24T09:30:00.12Z", "2026-11-24T09:30:00.123Z", "2026-11-24T09:30:00.1234Z",
            "2026-11-24T09:30:00.12345Z", "2026-11-24T09:30:00.123456Z", "2026-11-24T09:30:00.1234567Z",
            "2026-11-24T09:30:00.12345678Z", "2026-11-24T09:30:00.123456789Z", "2026-11-24T09:30:00.1234567891Z",
            "2026-11-24T09:30:00.999999999+01:00", "2026-11-24T09:30:00.000000001-01:00", "2026-11-24T09:30:00.Z",
            "2026-11-24T09:30:00.5+05:45",
            // Years at the ends.
            "1599-12-31T23:59:59Z", "1600-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
            "0000-01-01T00:00:00Z", "12026-11-24T09:30:00Z", "-2026-11-24T09:30:00Z", "+2026-11-24T09:30:00Z",
            // Other forms and garbage.
            "2026-11-24t09:30:00Z", "2026-11-24 09:30:00Z", "20261124T093000Z", "2026-11-24T9:30:00Z", "2026-1-24T09:30:00Z",
            "2026-11-24T09:30:00Zgarbage", "2026-11-24T09:30:00+01:00x", "yesterday", "", "2026-11-24", "2026-11-24T09:30Z",
            "٢٠٢٦-11-24T09:30:00Z", "2026-11-24T09:30:00.1e3Z", "2026-11-24T09:30:00.123456789+01:00 and more text ...",
            "2026−11−24T09:30:00Z", "2026-11-24T09:30:00\u{301}Z",
        ])
    func edgeCases(_ text: String) {
        Self.checkAgreement(text)
    }

    @Test("what Timestamp.format writes is read by hand")
    func formatted() throws {
        var random = JSONShapeScannerTests.Generator(seed: 11)
        for _ in 0..<2_000 {
            let milliseconds = Double(random.next(8_000_000_000_000)) - 1_000_000_000_000
            let date = Date(timeIntervalSince1970: milliseconds / 1000)
            let text = Timestamp.format(date)
            let parsed = try #require(RFC3339.parse(text), "\(text)")
            #expect(parsed == Self.foundation(text), "\(text)")
            // format may drop the last millisecond (it truncates a fraction just below it).
            #expect(abs(parsed.timeIntervalSince(date)) < 0.002, "\(text)")
        }
    }

    @Test("generated date-times, well-formed and not, agree with Foundation to the bit")
    func generated() {
        var random = JSONShapeScannerTests.Generator(seed: 3339)
        func number(_ value: Int, width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var readByHand = 0
        let count = 20_000
        for _ in 0..<count {
            let year = random.next(10) == 0 ? random.next(10_000) : 1590 + random.next(610)
            var text =
                "\(number(year, width: 4))-\(number(random.next(14), width: 2))-\(number(random.next(33), width: 2))"
                + "T\(number(random.next(26), width: 2)):\(number(random.next(62), width: 2)):\(number(random.next(62), width: 2))"
            if random.next(2) == 0 {
                text += "." + (0..<random.next(12)).map { _ in String(random.next(10)) }.joined()
            }
            switch random.next(6) {
            case 0: text += "Z"
            case 1: text += "z"
            case 2, 3:
                text += (random.next(2) == 0 ? "+" : "-") + number(random.next(20), width: 2) + ":" + number(random.next(62), width: 2)
            case 4: text += random.pick(["+0100", "+01", "UTC", "GMT+01:00", "", "Zx", "+01:00:30", " Z", "-1:00", "+01:00 "])
            default:
                var bytes = Array(text.utf8)
                bytes[random.next(bytes.count)] = Array("0123456789-T:.Zz+ x".utf8)[random.next(19)]
                text = String(decoding: bytes, as: UTF8.self) + "Z"
            }
            if RFC3339.parse(text) != nil { readByHand += 1 }
            Self.checkAgreement(text)
        }
        // A good part of the inputs is in the common form, so both paths are exercised.
        #expect(readByHand > count / 5)
        #expect(readByHand < count * 4 / 5)
    }
}
