import Foundation
import TrisamContracts

/// Filters of `GET /flags`.
public struct FlagQuery: Sendable, Equatable {
    public var rule: String?
    public var severity: FlagSeverity?
    public var agency: Agency?
    /// Only flags whose condition began at or before this time (age filter).
    public var sinceAtOrBefore: Date?
    public var limit: Int = 100
    /// The `seq` of the last flag of the previous page.
    public var cursor: Int64?
    /// Only the flags of one view of the work on them (nil: every open flag, parked or not).
    public var view: QueueView?
    public init() {}
}

/// The views of the queue by the work on its flags (issue 21), each on a day (set-aside flags
/// come back on the day they were set aside until).
public enum QueueView: Sendable, Equatable {
    /// The normal queue: open flags neither closed as no gap nor set aside.
    case queue(today: LocalDate)
    /// The normal queue's flags taken by or assigned to `name` ("Mina").
    case mine(String, today: LocalDate)
    /// The normal queue's flags nobody has taken or been assigned ("Ej tilldelade").
    case unassigned(today: LocalDate)
    /// The flags set aside, until they come back ("Bortlagda").
    case aside(today: LocalDate)

    /// The SQL condition on the `flag` table, with its arguments.
    var condition: (sql: String, arguments: [String]) {
        let inQueue = "(parked IS NULL OR (parked = 'aside' AND parkedUntil <= ?))"
        switch self {
        case .queue(let today): return (inQueue, [today.description])
        case .mine(let name, let today): return ("\(inQueue) AND ownerName = ?", [today.description, name])
        case .unassigned(let today): return ("\(inQueue) AND ownerName IS NULL", [today.description])
        case .aside(let today): return ("parked = 'aside' AND parkedUntil > ?", [today.description])
        }
    }
}
