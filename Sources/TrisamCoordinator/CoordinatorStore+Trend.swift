import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore

/// How many flags began on a day and ended on another (or are open), of the overview's trend.
public struct FlagTrendCount: Sendable, Equatable {
    /// The Stockholm day the condition began (the first day of the window, for flags older than it).
    public var sinceDay: LocalDate
    /// The Stockholm day the flag was resolved; nil while it is open.
    public var endDay: LocalDate?
    /// Whether the flag is of high severity.
    public var high: Bool
    public var count: Int

    public init(sinceDay: LocalDate, endDay: LocalDate?, high: Bool, count: Int) {
        self.sinceDay = sinceDay
        self.endDay = endDay
        self.high = high
        self.count = count
    }
}

/// The overview's trend of open flags per day (issue 22): the flags counted by the day their
/// condition began and the day they were resolved, in `flag_trend`, kept as flags are raised,
/// change severity and are resolved, in the same transaction. Flags resolved within
/// ``transientFlagSeconds`` of being raised are not counted (the trend's rule, ``FlagTrend``).
extension CoordinatorStore {
    /// Flags resolved within this long after being raised are left out of the trend: passing
    /// states while the coordinator caught up with a burst of events, not people stuck.
    public static let transientFlagSeconds: TimeInterval = 3600

    static func addToTrend(sinceDay: String, endDay: String, high: Bool, change: Int, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO flag_trend(endDay, sinceDay, high, count) VALUES (?, ?, ?, ?)
                ON CONFLICT(endDay, sinceDay, high) DO UPDATE SET count = count + excluded.count
                """
        ).execute(arguments: [endDay, sinceDay, high, change])
        if change < 0 {
            try db.cachedStatement(sql: "DELETE FROM flag_trend WHERE endDay = ? AND sinceDay = ? AND high = ? AND count <= 0")
                .execute(arguments: [endDay, sinceDay, high])
        }
    }

    /// The Stockholm day of a time as stored (seconds since 1970), as the trend compares it.
    static func trendDay(_ seconds: Double) -> String {
        StockholmTime.date(of: Date(timeIntervalSince1970: seconds)).description
    }

    /// Where a flag stored with these columns counts in the trend: nil when it does not count
    /// (resolved within ``transientFlagSeconds`` of being raised).
    static func trendCell(since: Double, raisedAt: Double, resolvedAt: Double?, severity: String) -> (
        sinceDay: String, endDay: String, high: Bool
    )? {
        if let resolvedAt,
            Date(timeIntervalSince1970: resolvedAt).timeIntervalSince(Date(timeIntervalSince1970: raisedAt)) < transientFlagSeconds
        {
            return nil
        }
        return (trendDay(since), resolvedAt.map(trendDay) ?? "", severity == FlagSeverity.high.rawValue)
    }

    /// A flag raised open.
    static func trendRaised(_ flag: FlagRow, in db: Database) throws {
        guard
            let cell = trendCell(
                since: flag.since.timeIntervalSince1970, raisedAt: flag.raisedAt.timeIntervalSince1970, resolvedAt: nil,
                severity: flag.severity.rawValue)
        else { return }
        try addToTrend(sinceDay: cell.sinceDay, endDay: cell.endDay, high: cell.high, change: 1, in: db)
    }

    /// An open flag as stored (before a change), for the trend.
    static func openFlagForTrend(_ flagId: String, in db: Database) throws -> (since: Double, raisedAt: Double, severity: String)? {
        try Row.fetchOne(
            db, sql: "SELECT since, raisedAt, severity FROM flag WHERE flagId = ? AND resolvedAt IS NULL", arguments: [flagId]
        ).map { ($0["since"], $0["raisedAt"], $0["severity"]) }
    }

    /// Moves a flag between cells: `before` and `after` are the flag's columns before and after.
    static func moveInTrend(
        from before: (since: Double, raisedAt: Double, resolvedAt: Double?, severity: String),
        to after: (since: Double, raisedAt: Double, resolvedAt: Double?, severity: String), in db: Database
    ) throws {
        let old = trendCell(since: before.since, raisedAt: before.raisedAt, resolvedAt: before.resolvedAt, severity: before.severity)
        let new = trendCell(since: after.since, raisedAt: after.raisedAt, resolvedAt: after.resolvedAt, severity: after.severity)
        if let old, let new, old == new { return }
        if let old { try addToTrend(sinceDay: old.sinceDay, endDay: old.endDay, high: old.high, change: -1, in: db) }
        if let new { try addToTrend(sinceDay: new.sinceDay, endDay: new.endDay, high: new.high, change: 1, in: db) }
    }

    /// Fills `flag_trend` from every flag stored (migration `v11-queue-order`).
    static func fillTrend(in db: Database) throws {
        struct Cell: Hashable {
            var sinceDay: String
            var endDay: String
            var high: Bool
        }
        var cells: [Cell: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT since, raisedAt, resolvedAt, severity FROM flag")
        while let row = try rows.next() {
            guard
                let cell = trendCell(
                    since: row["since"], raisedAt: row["raisedAt"], resolvedAt: row["resolvedAt"], severity: row["severity"])
            else { continue }
            cells[Cell(sinceDay: cell.sinceDay, endDay: cell.endDay, high: cell.high), default: 0] += 1
        }
        for (cell, count) in cells {
            try addToTrend(sinceDay: cell.sinceDay, endDay: cell.endDay, high: cell.high, change: count, in: db)
        }
    }

    /// The trend's counts of every flag open at the end of `firstDay` or later: open now, or
    /// resolved on `firstDay` or later. Days before `firstDay` are counted as `firstDay`.
    public func flagTrend(from firstDay: LocalDate) throws -> [FlagTrendCount] {
        let first = firstDay.description
        return try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT max(sinceDay, ?) AS day, endDay, high, sum(count) AS n FROM flag_trend
                    WHERE endDay = '' OR endDay >= ? GROUP BY day, endDay, high
                    """, arguments: [first, first]
            ).compactMap { row in
                guard let since = LocalDate(row["day"] as String) else { return nil }
                let end: String = row["endDay"]
                return FlagTrendCount(sinceDay: since, endDay: end.isEmpty ? nil : LocalDate(end), high: row["high"], count: row["n"])
            }
        }
    }
}
