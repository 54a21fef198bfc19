import GRDB
import TrisamKafka

/// The consumed offset per partition, written in the same transaction as what the messages changed.
extension CoordinatorStore {
    /// The stored next offsets (the next message to read) of every partition consumed so far.
    public func consumedOffsets() throws -> [TopicPartition: Int64] {
        try pool.read(Self.consumedOffsets(in:))
    }

    static func consumedOffsets(in db: Database) throws -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT topic, partition, nextOffset FROM consumed_offset") {
            result[TopicPartition(topic: row["topic"], partition: row["partition"])] = row["nextOffset"]
        }
        return result
    }

    static func storeOffsets(_ offsets: [TopicPartition: Int64], in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO consumed_offset(topic, partition, nextOffset) VALUES (?, ?, ?)
                ON CONFLICT(topic, partition) DO UPDATE SET nextOffset = max(nextOffset, excluded.nextOffset)
                """)
        for (partition, offset) in offsets {
            try statement.execute(arguments: [partition.topic, partition.partition, offset])
        }
    }

    /// The identity of the log the stored offsets belong to (``KafkaLogIdentity``), `nil` when
    /// not known (a store from before, or a cluster without one).
    public func logIdentity() throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT identity FROM consumed_log") }
    }

    /// Starts over in a new log: the offsets of the earlier one are dropped.
    static func adoptLog(_ identity: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM consumed_offset")
        try db.execute(sql: "DELETE FROM consumed_log")
        try db.execute(sql: "INSERT INTO consumed_log(identity) VALUES (?)", arguments: [identity])
    }
}
