import Foundation
import GRDB
import TrisamContracts

/// Bounded storage of the timeline (see ``TimelineRetention``): the horizon, pruning into
/// summaries, and reading the summaries.
extension CoordinatorStore {
    /// What one pruning did.
    public struct PruneOutcome: Sendable, Equatable {
        /// Timeline entries summarised and deleted.
        public var entries = 0
        /// People who had such entries.
        public var people = 0
    }

    /// The horizon as stored: events before it are not folded (nil: nothing was ever pruned).
    static func duplicateHorizon(in db: Database) throws -> Date? {
        try Double.fetchOne(db, sql: "SELECT value FROM coordinator_counter WHERE name = 'duplicateHorizon'")
            .map { Date(timeIntervalSince1970: $0 / 1000) }
    }

    /// The horizon as stored (for tests and the benchmark).
    public func duplicateHorizon() throws -> Date? {
        try pool.read(Self.duplicateHorizon(in:))
    }

    /// Summarises and deletes every timeline entry older than `horizon`, `chunk` people per
    /// transaction. The horizon is stored (it only moves forward) in the first transaction,
    /// before any entry goes, so the engine never folds an event whose id is no longer kept.
    /// Consent events are kept whatever their age: they are the record of consent.
    @discardableResult
    public func pruneTimeline(before horizon: Date, chunk: Int = 500) throws -> PruneOutcome {
        let milliseconds = (horizon.timeIntervalSince1970 * 1000).rounded(.down)
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO coordinator_counter(name, value) VALUES ('duplicateHorizon', ?)
                    ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)
                    """, arguments: [Int64(milliseconds)])
        }
        let stored = try duplicateHorizon() ?? horizon
        let before = stored.timeIntervalSince1970
        let kept = [EventType.consentGiven.rawValue, EventType.consentWithdrawn.rawValue]
        var outcome = PruneOutcome()
        var after = ""
        while true {
            let done = try pool.write { db -> Bool in
                let people = try String.fetchAll(
                    db, sql: "SELECT clientRef FROM person WHERE clientRef > ? ORDER BY clientRef LIMIT ?",
                    arguments: [after, chunk])
                guard let last = people.last else { return true }
                after = last
                let list = "(" + people.map { _ in "?" }.joined(separator: ",") + ")"
                let arguments = StatementArguments(people) + [before] + StatementArguments(kept)
                try db.execute(
                    sql: """
                        INSERT INTO timeline_summary(clientRef, source, type, count, firstTime, lastTime)
                        SELECT clientRef, source, type, count(*), min(time), max(time) FROM timeline
                        WHERE clientRef IN \(list) AND time < ? AND type NOT IN (?, ?)
                        GROUP BY clientRef, source, type
                        ON CONFLICT(clientRef, source, type) DO UPDATE SET
                            count = count + excluded.count,
                            firstTime = min(firstTime, excluded.firstTime),
                            lastTime = max(lastTime, excluded.lastTime)
                        """, arguments: arguments)
                outcome.people +=
                    try Int.fetchOne(
                        db,
                        sql:
                            "SELECT count(DISTINCT clientRef) FROM timeline WHERE clientRef IN \(list) AND time < ? AND type NOT IN (?, ?)",
                        arguments: arguments) ?? 0
                try db.execute(
                    sql: "DELETE FROM timeline WHERE clientRef IN \(list) AND time < ? AND type NOT IN (?, ?)", arguments: arguments)
                outcome.entries += db.changesCount
                return people.count < chunk
            }
            if done { break }
        }
        return outcome
    }

    /// Rows in the timeline and in its summary (for the storage benchmark).
    @_spi(Benchmarks) public func rowCounts() throws -> (timeline: Int, summaries: Int) {
        try pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM timeline") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM timeline_summary") ?? 0
            )
        }
    }

    /// What a person's timeline summarises of events beyond the retention window, per agency and
    /// kind of event, oldest first.
    public func timelineSummary(of clientRef: ClientRef) throws -> [TimelineSummaryEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM timeline_summary WHERE clientRef = ? ORDER BY firstTime, source, type",
                arguments: [clientRef.rawValue]
            ).map(TimelineSummaryEntry.init(row:))
        }
    }
}

/// Events of one kind from one agency that are older than the retention window: how many, and
/// the first and last time, without their content.
public struct TimelineSummaryEntry: Codable, Sendable, Equatable {
    public var source: String
    public var type: String
    public var count: Int
    public var firstTime: Date
    public var lastTime: Date

    public init(source: String, type: String, count: Int, firstTime: Date, lastTime: Date) {
        self.source = source
        self.type = type
        self.count = count
        self.firstTime = firstTime
        self.lastTime = lastTime
    }

    init(row: Row) {
        source = row["source"]
        type = row["type"]
        count = row["count"]
        firstTime = Date(timeIntervalSince1970: row["firstTime"])
        lastTime = Date(timeIntervalSince1970: row["lastTime"])
    }
}
