import Foundation
import GRDB
@_spi(Benchmarks) import TrisamCoordinator
import TrisamKafka
import TrisamStore

/// The least any durable consumer of the coordinator's topics must write: each message's bytes
/// appended to a log table (the cheapest SQLite insert there is: a new row at the end of a rowid
/// B-tree) and the consumed offsets, in one transaction per batch. No dedupe index, no person
/// state, no rules. `trisam-bench coordinator --floors` times it on the same topics as raw
/// consumption, so the two rates show what storing what is read, and nothing else, leaves of the
/// ratio on a machine.
public struct EventLogFloor: Sendable {
    private let pool: DatabasePool

    /// Opens (creating) a store at `path` with the services' settings (WAL, synchronous=NORMAL, no
    /// checkpoints inside commits); nothing checkpoints it, so its commits carry no copying at all.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase(StoreTuning.prepare)
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, value BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS consumed_offset (
                        topic TEXT NOT NULL, partition INTEGER NOT NULL, nextOffset INTEGER NOT NULL,
                        PRIMARY KEY (topic, partition)) WITHOUT ROWID;
                    """)
        }
    }

    /// Appends every message of the batch and stores the next offsets, in one transaction.
    public func append(_ batch: [ConsumedMessage]) throws {
        try pool.write { db in
            var offsets: [TopicPartition: Int64] = [:]
            for message in batch {
                offsets[message.topicPartition] = message.offset + 1
                try BenchmarkHooks.runBlobStatement("INSERT INTO log(value) VALUES (?)", message.value, in: db)
            }
            try BenchmarkHooks.storeOffsets(offsets, in: db)
        }
    }

    /// What is stored: the messages' bytes in the order appended, and the next offset per partition.
    public func contents() throws -> (values: [[UInt8]], offsets: [TopicPartition: Int64]) {
        try pool.read { db in
            let values = try Data.fetchAll(db, sql: "SELECT value FROM log ORDER BY seq").map { [UInt8]($0) }
            return (values, try BenchmarkHooks.consumedOffsets(in: db))
        }
    }
}
