/// Why a text is not a valid Swedish personnummer or samordningsnummer.
///
/// The cases are checked in this order: ``empty``, ``invalidCharacters``, ``wrongLength(_:)``,
/// ``misplacedSeparator``, ``invalidMonth(_:)``, ``invalidDay(day:month:)``,
/// ``checksumMismatch``, ``birthDateInFuture``; the first that applies is reported.
///
/// No case carries the number itself, and ``description`` never echoes it, so an error can be
/// logged or returned to a client as it is.
public enum PersonalIdentityNumberError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing but whitespace was given.
    case empty
    /// A character other than the digits 0–9, `-` and `+` (whitespace inside the number included).
    case invalidCharacters
    /// The number of digits (separator not counted) is neither 10 nor 12.
    case wrongLength(Int)
    /// The separator is not a single `-` or `+` right before the last four digits, or `+` is
    /// used in the 12-digit form (where the century is already explicit).
    case misplacedSeparator
    /// The month (MM) is not 1–12; carries the month as written.
    case invalidMonth(Int)
    /// The day (DD) does not exist in that month of the birth year. `day` is the day as written,
    /// so for a samordningsnummer it is the calendar day + 60; `month` is 1–12.
    case invalidDay(day: Int, month: Int)
    /// The last digit is not the Luhn check digit of the nine digits before it (10-digit form).
    case checksumMismatch
    /// A 12-digit number whose birth date lies after the reference date.
    case birthDateInFuture

    /// An English sentence naming what is wrong, without the number.
    public var description: String {
        switch self {
        case .empty:
            "the personal identity number is empty"
        case .invalidCharacters:
            "the personal identity number may contain only digits and one '-' or '+' separator"
        case .wrongLength(let count):
            "the personal identity number has \(count) digit\(count == 1 ? "" : "s"); expected 10 (YYMMDD-NNNN) or 12 (YYYYMMDD-NNNN)"
        case .misplacedSeparator:
            "the separator must be a single '-' or '+' right before the last four digits ('+' only in the 10-digit form)"
        case .invalidMonth(let month):
            "the personal identity number has month \(month); expected 01–12"
        case .invalidDay(let day, let month):
            day > 60
                ? "the samordningsnummer has day \(day) (calendar day \(day - 60)), which does not exist in month \(month) of the birth year"
                : "the personal identity number has day \(day), which does not exist in month \(month) of the birth year"
        case .checksumMismatch:
            "the check digit of the personal identity number does not match (Luhn checksum)"
        case .birthDateInFuture:
            "the birth date of the personal identity number lies in the future"
        }
    }
}
