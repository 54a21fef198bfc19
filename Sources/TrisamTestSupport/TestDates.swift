import Foundation
import TrisamContracts

/// Dates for tests, one set for every test target.

/// An instant written in UTC, `2026-03-27T14:00:00Z` — expected values are spelt out in UTC so
/// that the tests do not rely on the time zone code they check.
public func utc(_ text: String) -> Date {
    guard let date = try? Date(text, strategy: .iso8601) else { fatalError("bad test date \(text)") }
    return date
}

/// A date `YYYY-MM-DD`.
public func day(_ text: String) -> LocalDate {
    guard let date = LocalDate(text) else { fatalError("bad test day \(text)") }
    return date
}

/// An interval between two UTC instants.
public func span(_ from: String, _ to: String) -> DateInterval {
    DateInterval(start: utc(from), end: utc(to))
}
