import Foundation
import GRDB
import Testing
import TrisamKafka
import TrisamTestSupport

@testable import TrisamAgency

/// Where an agency's consumers resume: the positions kept in its own store, per log.
@Suite("Consumer positions in the agency's store")
struct ConsumerPositionsTests {
    func message(_ topic: String, _ partition: Int32, _ offset: Int64, log: String?) -> ConsumedMessage {
        ConsumedMessage(topic: topic, partition: partition, offset: offset, key: nil, value: [], headers: [], timestamp: nil, log: log)
    }

    @Test("a partition resumes after its last handled message in the same log, from 0 in another log or when never read")
    func resume() throws {
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        ConsumerPositions.registerMigrations(&migrator)
        try migrator.migrate(queue)
        let inbox0 = TopicPartition(topic: "trisam.af.inbox", partition: 0)
        let inbox1 = TopicPartition(topic: "trisam.af.inbox", partition: 1)
        try queue.write { db in
            try ConsumerPositions.record(db, message("trisam.af.inbox", 0, 41, log: "log-a"))
            try ConsumerPositions.record(db, message("trisam.af.inbox", 0, 42, log: "log-a"))
        }
        func start(_ partitions: [TopicPartition], _ log: String?) throws -> [TopicPartition: Int64] {
            try queue.read { db in try ConsumerPositions.start(db, partitions, log: log) }
        }
        #expect(try start([inbox0, inbox1], "log-a") == [inbox0: 43, inbox1: 0])
        #expect(try start([inbox0], "log-b") == [inbox0: 0], "a new log is read from its start")
        #expect(try start([inbox0], nil) == [inbox0: 43], "a cluster without identity keeps positions")
        // Read again from the start of a new log: the position follows that log.
        try queue.write { db in try ConsumerPositions.record(db, message("trisam.af.inbox", 0, 3, log: "log-b")) }
        #expect(try start([inbox0], "log-b") == [inbox0: 4])
        #expect(try start([inbox0], "log-a") == [inbox0: 0])
    }
}
