import Foundation
import GRDB
import TrisamCoordinatorCore

/// Counts and the digest of the store's content (two stores that processed the same events agree).
extension CoordinatorStore {
    /// Counts for health and progress reporting.
    public func statistics() throws -> StoreStatistics {
        try pool.read { db in
            StoreStatistics(
                persons: try Int.fetchOne(db, sql: "SELECT count(*) FROM person") ?? 0,
                eventsSeen: Int(try Self.timelineSequence(in: db)),
                openFlags: try Int.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM flag_open_count") ?? 0,
                outbox: try Int.fetchOne(db, sql: "SELECT count(*) FROM flag_outbox") ?? 0)
        }
    }

    /// A digest of the store's effective content: every person's state and open flags and every
    /// flag ever raised or resolved (by id). Two stores that processed the same events agree.
    public func digest() throws -> String {
        try pool.read { db in
            var hasher = StableHasher()
            for row in try Row.fetchAll(db, sql: "SELECT clientRef, state, flags FROM person ORDER BY clientRef") {
                hasher.combine(row["clientRef"] as String)
                hasher.combine(row["state"] as Data)
                hasher.combine(row["flags"] as Data)
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT flagId, clientRef, rule, severity, evidence, since, resolvedAt IS NULL AS open, resolvedEvidence
                    FROM flag ORDER BY flagId
                    """)
            {
                hasher.combine(
                    "\(row["flagId"] as String)|\(row["clientRef"] as String)|\(row["rule"] as String)|\(row["severity"] as String)|\(row["evidence"] as String)|\(row["since"] as Double)|\(row["open"] as Bool)|\(row["resolvedEvidence"] as String? ?? "")"
                )
            }
            return hasher.hexDigest
        }
    }
}

/// Counts kept by the store.
public struct StoreStatistics: Codable, Sendable, Equatable {
    public var persons: Int
    public var eventsSeen: Int
    public var openFlags: Int
    public var outbox: Int
}

/// What the store takes on disk: the pages in use (the file less its free pages) and, where
/// SQLite offers its `dbstat` table, the bytes of each table and index.
public struct StoreDiskUsage: Sendable, Equatable {
    public var bytesInUse: Int
    public var fileBytes: Int
    /// Bytes per table or index, largest first; empty where `dbstat` is missing.
    public var byTable: [(name: String, bytes: Int)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.bytesInUse == rhs.bytesInUse && lhs.fileBytes == rhs.fileBytes
            && lhs.byTable.map(\.name) == rhs.byTable.map(\.name) && lhs.byTable.map(\.bytes) == rhs.byTable.map(\.bytes)
    }
}

extension CoordinatorStore {
    /// The store's size on disk, after a checkpoint of the write-ahead log into the file.
    public func diskUsage() throws -> StoreDiskUsage {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let byTable =
                (try? Row.fetchAll(db, sql: "SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC"))?
                .map { (name: $0["name"] as String, bytes: $0["bytes"] as Int) } ?? []
            return StoreDiskUsage(bytesInUse: (pages - free) * pageSize, fileBytes: pages * pageSize, byTable: byTable)
        }
    }
}

/// The overview's sums over everyone (``OverviewTally``), kept up to date in each batch's
/// transaction.
extension CoordinatorStore {
    /// Adds a batch's changes to the sums; a sum that reaches zero is removed.
    static func addToOverview(_ delta: [String: Int], in db: Database) throws {
        for (key, change) in delta where change != 0 {
            try db.cachedStatement(
                sql: """
                    INSERT INTO overview_count(key, value) VALUES (?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = value + excluded.value
                    """
            ).execute(arguments: [key, change])
            try db.cachedStatement(sql: "DELETE FROM overview_count WHERE key = ? AND value = 0").execute(arguments: [key])
        }
    }

    /// The overview's sums as stored.
    public func overviewSums() throws -> OverviewSums {
        try pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM overview_count") { counts[row["key"]] = row["value"] }
            return OverviewSums(counts: counts)
        }
    }
}
