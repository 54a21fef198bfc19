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
    public init() {}
}
