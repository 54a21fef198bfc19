import GRDB
import TrisamKafka

/// Where the agency's consumers are in each partition, kept in the agency's own store: the next
/// offset to read and the log (``KafkaLogIdentity``) that offset belongs to.
///
/// The group's offsets committed to Kafka are not enough here: the embedded broker keeps them in
/// memory with the log, and around a restart a consumer can commit a position of the old log
/// into the new one, or lose its commits with its group, so that a rebalance later resumes past
/// messages it never read. Positions in the store are written after each message's effect, so a
/// partition is resumed exactly where this agency stopped in the same log, and a log it has no
/// position in is read from its beginning. Re-reading is harmless: every event id is consumed
/// once (`consumedEvent`).
enum ConsumerPositions {
    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v-consumer-positions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE consumerPosition (
                        topic TEXT NOT NULL,
                        partition INTEGER NOT NULL,
                        nextOffset INTEGER NOT NULL,
                        log TEXT,
                        PRIMARY KEY (topic, partition)
                    ) WITHOUT ROWID
                    """)
        }
    }

    static let tables = ["consumerPosition"]

    /// Records that `message` was handled: the partition resumes after it, in its log.
    static func record(_ db: Database, _ message: ConsumedMessage) throws {
        try db.execute(
            sql: """
                INSERT INTO consumerPosition (topic, partition, nextOffset, log) VALUES (?, ?, ?, ?)
                ON CONFLICT (topic, partition) DO UPDATE SET nextOffset = excluded.nextOffset, log = excluded.log
                """,
            arguments: [message.topic, message.partition, message.offset + 1, message.log])
    }

    /// The offsets to start `partitions` from in the log `log`: the recorded position where it
    /// was recorded in this log (or when no identity is known on either side), else 0.
    static func start(_ db: Database, _ partitions: [TopicPartition], log: String?) throws -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        for partition in partitions {
            let row = try Row.fetchOne(
                db, sql: "SELECT nextOffset, log FROM consumerPosition WHERE topic = ? AND partition = ?",
                arguments: [partition.topic, partition.partition])
            let recordedLog: String? = row?["log"]
            let sameLog = log == nil || recordedLog == nil || recordedLog == log
            result[partition] = sameLog ? (row?["nextOffset"] ?? 0) : 0
        }
        return result
    }
}

extension AgencyService {
    /// Records a handled message's position (``ConsumerPositions``).
    func recordPosition(_ message: ConsumedMessage) async throws {
        try await store.pool.write { db in try ConsumerPositions.record(db, message) }
    }

    /// The start offsets of newly assigned partitions (``ConsumerPositions/start(_:_:log:)``);
    /// called on the consumer's poll thread.
    func startOffsets(_ partitions: [TopicPartition], log: String?) -> [TopicPartition: Int64] {
        (try? store.pool.read { db in try ConsumerPositions.start(db, partitions, log: log) }) ?? [:]
    }
}
