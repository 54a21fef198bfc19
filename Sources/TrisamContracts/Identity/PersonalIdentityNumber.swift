import Foundation

/// A validated Swedish personal identity number: a personnummer or a samordningsnummer
/// (coordination number, day of birth + 60).
///
/// Accepted forms, after trimming surrounding whitespace:
///
/// | form | example | century |
/// |---|---|---|
/// | `YYMMDD-NNNN` | `811218-9876` | most recent one that does not put the birth date in the future |
/// | `YYMMDD+NNNN` | `121212+1212` | as with `-`, then 100 years earlier (the person is 100 or older) |
/// | `YYMMDDNNNN` | `8112189876` | as with `-` |
/// | `YYYYMMDDNNNN` | `198112189876` | explicit |
/// | `YYYYMMDD-NNNN` | `19811218-9876` | explicit |
///
/// The century of the 10-digit forms is inferred relative to a reference date (by default now),
/// taken as a calendar date in Europe/Stockholm. A 12-digit number born after the reference date is
/// refused. The Luhn checksum is verified over the 10-digit form (YYMMDDNNNN).
///
/// The value never reveals the full number when printed: ``description``, ``debugDescription``
/// and its reflection (`dump`, `print` of a containing value) show the birth date with the last
/// four digits masked, e.g. `19811218-****`. Only ``normalized`` holds the full number, as the
/// input for ``Pseudonymizer``; it is deliberately not `Codable`, so it cannot be put on the bus
/// or into a JSON document by accident.
///
/// Equality and hashing compare ``normalized``: the same number written in any form is equal.
public struct PersonalIdentityNumber: Sendable, Hashable {
    /// Which kind of number this is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A personnummer, issued to people registered in Sweden; day of birth as is.
        case personnummer
        /// A samordningsnummer, issued to people not (yet) registered; day of birth + 60.
        case samordningsnummer
    }

    /// A birth date as year, month (1–12) and day (1–31), the calendar day also for a
    /// samordningsnummer (its written day − 60).
    public struct BirthDate: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// Four-digit Gregorian year.
        public let year: Int
        /// Month, 1–12.
        public let month: Int
        /// Day of month, 1–31.
        public let day: Int

        /// The date as `YYYY-MM-DD`.
        public var description: String {
            "\(LocalDate.pad(year, 4))-\(LocalDate.pad(month, 2))-\(LocalDate.pad(day, 2))"
        }

        /// The same date as a ``LocalDate``, or nil outside the years ``LocalDate`` supports
        /// (1900–2200).
        public var localDate: LocalDate? { LocalDate(year: year, month: month, day: day) }

        /// Chronological order.
        public static func < (lhs: BirthDate, rhs: BirthDate) -> Bool {
            (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
        }
    }

    /// The number as 12 digits without separator, `YYYYMMDDNNNN` (for a samordningsnummer the
    /// day as written, i.e. + 60). Stable across all input forms: the input to hash for a
    /// ``ClientRef``.
    ///
    /// This is the full number. Never log it or put it on the bus.
    public let normalized: String

    /// Personnummer or samordningsnummer.
    public let kind: Kind

    /// The birth date (for a samordningsnummer the calendar day, written day − 60).
    public let birthDate: BirthDate

    /// Parses and validates a personnummer or samordningsnummer.
    ///
    /// - Parameters:
    ///   - text: the number in one of the accepted forms; surrounding whitespace is ignored.
    ///   - referenceDate: "today" for century inference of the 10-digit forms and for refusing
    ///     12-digit birth dates in the future; read as a calendar date in Europe/Stockholm.
    /// - Throws: ``PersonalIdentityNumberError`` naming the first problem found.
    public init(_ text: String, referenceDate: Date = Date()) throws(PersonalIdentityNumberError) {
        let today = Self.calendarDate(of: referenceDate)
        try self.init(parsing: text, today: today)
    }

    private init(parsing text: String, today: BirthDate) throws(PersonalIdentityNumberError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty }

        // Characters: ASCII digits and the separators only.
        var digits: [Int] = []
        var separators: [(offset: Int, byte: UInt8)] = []
        for (offset, byte) in trimmed.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(Int(byte - UInt8(ascii: "0")))
            case UInt8(ascii: "-"), UInt8(ascii: "+"): separators.append((offset, byte))
            default: throw .invalidCharacters
            }
        }
        guard digits.count == 10 || digits.count == 12 else { throw .wrongLength(digits.count) }

        // Separator: at most one, right before the last four digits; `+` only with 10 digits.
        var plus = false
        if !separators.isEmpty {
            guard separators.count == 1, separators[0].offset == digits.count - 4 else { throw .misplacedSeparator }
            plus = separators[0].byte == UInt8(ascii: "+")
            if plus && digits.count == 12 { throw .misplacedSeparator }
        }

        // The 10-digit form YYMMDDNNNN, over which the checksum runs.
        let ten = Array(digits.suffix(10))
        let yy = ten[0] * 10 + ten[1]
        let month = ten[2] * 10 + ten[3]
        let writtenDay = ten[4] * 10 + ten[5]

        guard (1...12).contains(month) else { throw .invalidMonth(month) }

        let kind: Kind = writtenDay > 60 ? .samordningsnummer : .personnummer
        let day = kind == .samordningsnummer ? writtenDay - 60 : writtenDay

        let year: Int
        if digits.count == 12 {
            year = digits[0] * 1000 + digits[1] * 100 + yy
        } else {
            // Most recent year ending in `yy` that is not after today's year…
            var candidate = today.year - ((today.year - yy) % 100 + 100) % 100
            // …and not after today at all (compared before day validation: a tuple compare is
            // well defined for a not-yet-validated day).
            if (candidate, month, day) > (today.year, today.month, today.day) { candidate -= 100 }
            if plus { candidate -= 100 }
            year = candidate
        }

        guard day >= 1, day <= LocalDate.daysIn(month: month, year: year) else {
            throw .invalidDay(day: writtenDay, month: month)
        }
        guard Self.luhnIsValid(ten) else { throw .checksumMismatch }

        let birthDate = BirthDate(year: year, month: month, day: day)
        if digits.count == 12, birthDate > today { throw .birthDateInFuture }

        self.kind = kind
        self.birthDate = birthDate
        self.normalized = LocalDate.pad(year, 4) + ten[2...].map(String.init).joined()
    }

    /// Luhn over the ten digits: doubling every other digit from the first, digit sums added,
    /// total divisible by 10.
    static func luhnIsValid(_ ten: [Int]) -> Bool {
        var sum = 0
        for (index, digit) in ten.enumerated() {
            let product = index % 2 == 0 ? digit * 2 : digit
            sum += product / 10 + product % 10
        }
        return sum % 10 == 0
    }

    /// The calendar date of `date` in Europe/Stockholm (UTC if the zone database is missing).
    static func calendarDate(of date: Date) -> BirthDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm") ?? TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return BirthDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// The number with its last four digits masked, `YYYYMMDD-****` (the written day, so +60 for a
    /// samordningsnummer). Safe for logs.
    public var masked: String { String(normalized.prefix(8)) + "-****" }

    /// Two numbers are equal when their ``normalized`` forms are.
    public static func == (lhs: PersonalIdentityNumber, rhs: PersonalIdentityNumber) -> Bool {
        lhs.normalized == rhs.normalized
    }

    /// Hashes ``normalized``.
    public func hash(into hasher: inout Hasher) { hasher.combine(normalized) }
}

extension PersonalIdentityNumber: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The masked form, e.g. `19811218-****`; never the full number.
    public var description: String { masked }

    /// The masked form with the kind, e.g. `PersonalIdentityNumber(19811218-****, personnummer)`;
    /// never the full number.
    public var debugDescription: String { "PersonalIdentityNumber(\(masked), \(kind.rawValue))" }

    /// A reflection that shows only the masked form, so `dump` and the printing of containing
    /// values do not reveal ``normalized``.
    public var customMirror: Mirror {
        Mirror(self, children: ["masked": masked, "kind": kind], displayStyle: .struct)
    }
}
