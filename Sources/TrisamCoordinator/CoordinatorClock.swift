import Foundation
import Synchronization

/// Where the coordinator's "now" comes from: the system clock, or a fixed clock that only moves
/// when told to (for tests and demonstrations of rules that fire on time).
public final class CoordinatorClock: Sendable {
    private let fixed: Mutex<Date?>

    /// The real clock.
    public static func system() -> CoordinatorClock { CoordinatorClock(fixed: nil) }

    /// A clock that stays at `date` until ``set(_:)`` moves it.
    public static func fixed(at date: Date) -> CoordinatorClock { CoordinatorClock(fixed: date) }

    private init(fixed: Date?) { self.fixed = Mutex(fixed) }

    /// Whether this clock is controllable (`POST /admin/clock` is allowed only then).
    public var isControllable: Bool { fixed.withLock { $0 != nil } }

    /// The current time.
    public func now() -> Date { fixed.withLock { $0 } ?? Date() }

    /// Moves a fixed clock. - Throws: if the clock is the system clock or the move goes backwards.
    public func set(_ date: Date) throws(ClockError) {
        try fixed.withLock { (value: inout Date?) throws(ClockError) in
            guard let current = value else { throw ClockError.notControllable }
            guard date >= current else { throw ClockError.backwards(current: current) }
            value = date
        }
    }

    /// Parses `--clock`: `system`, or `fixed:<RFC 3339 date-time>`.
    public static func parse(_ text: String) -> CoordinatorClock? {
        if text == "system" { return .system() }
        guard text.hasPrefix("fixed:") else { return nil }
        let rest = String(text.dropFirst(6))
        guard
            let date = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(rest))
                ?? (try? Date.ISO8601FormatStyle().parse(rest))
        else { return nil }
        return .fixed(at: date)
    }
}

/// Why the clock could not be moved.
public enum ClockError: Error, Equatable, CustomStringConvertible {
    case notControllable
    case backwards(current: Date)

    public var description: String {
        switch self {
        case .notControllable: "the clock can be moved only when the coordinator runs with --clock fixed:<time>"
        case .backwards(let current):
            "now must not be before the current time \(current.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))"
        }
    }
}
