import Foundation
import GRDB
import Testing
import TrisamContracts
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

    @Test(
        "a processed event's position is written with its effect, a duplicate's too; a refused one's is not (it is recorded once its dead letter is sent)"
    )
    func positionWithEffect() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: .af)
        let service = AgencyService(
            agency: .af, store: store, pseudonymizer: .development, signal: OutboxSignal(), logger: testLogger("agency"))
        func position(_ partition: Int32) async throws -> Int64? {
            try await store.pool.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT nextOffset FROM consumerPosition WHERE topic = 'trisam.af.inbox' AND partition = ?",
                    arguments: [partition])
            }
        }
        let ref = TestEvent.newClientRef()
        let referral = EventEnvelope(
            source: .agency(.kommun), subject: ref,
            event: .referralSent(
                ReferralSent(
                    referralId: "r-1", from: .kommun, to: .af, reason: "Stöd", requestedMeasure: "Kartläggning", area: .arbeteAktivitet)))
        let first = message(Topic.inbox(.af), 0, 7, log: "log-a")
        #expect(try await service.receive(referral, topic: first.topic, position: first) == .processed)
        #expect(try await position(0) == 8)
        let again = message(Topic.inbox(.af), 0, 9, log: "log-a")
        #expect(try await service.receive(referral, topic: again.topic, position: again) == .processed, "a duplicate")
        #expect(try await position(0) == 10)
        // A referral addressed to FK, on AF's inbox: refused before anything is written.
        let misaddressed = EventEnvelope(
            source: .agency(.kommun), subject: ref,
            event: .referralSent(
                ReferralSent(referralId: "r-2", from: .kommun, to: .fk, reason: "Stöd", requestedMeasure: "Utredning", area: .forsorjning)))
        let refused = message(Topic.inbox(.af), 1, 3, log: "log-a")
        guard case .deadLetter = try await service.receive(misaddressed, topic: refused.topic, position: refused) else {
            Issue.record("a misaddressed referral is refused")
            return
        }
        #expect(try await position(1) == nil)
    }
}
