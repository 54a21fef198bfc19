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
                openFlags: try Int.fetchOne(db, sql: "SELECT count(*) FROM flag WHERE resolvedAt IS NULL") ?? 0,
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
