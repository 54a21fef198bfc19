import Foundation
import GRDB
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// The overview's sums (issue 22): kept up to date with each batch, they always equal the sums of
/// every stored person's contribution, also across duplicates, consent ends and a reopened store.
@Suite("Overview sums")
struct OverviewSumsTests {
    @Test("the stored sums equal the sums over every person after batches, duplicates and a reopen")
    func storedSumsEqualSumsOverEveryPerson() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("coordinator.sqlite").path
        let mix = EventMix(seed: 21)
        let events = (0..<150).flatMap { mix.history(of: $0) }.sorted { $0.time < $1.time }
        let partition = TopicPartition(topic: "t", partition: 0)
        do {
            let store = try CoordinatorStore(path: path)
            let engine = try CoordinatorEngine(
                store: store, rules: GapRules(), clock: .fixed(at: utc("2026-11-24T08:00:00Z")), metrics: CoordinatorMetrics(),
                cacheCapacity: 40)
            // Batches of different sizes, so that people are folded from the cache and from disk.
            var offset = 0
            for size in [1, 7, 50, 400, 3, 1000, 100_000] where offset < events.count {
                let slice = events[offset..<min(offset + size, events.count)]
                let incoming = slice.enumerated().map { IncomingEvent(partition: partition, offset: Int64(offset + $0), envelope: $1) }
                try await engine.process(incoming)
                offset += slice.count
                #expect(try store.overviewSums() == (try Self.reference(store)), "after \(offset) events")
            }
            // Everything again from a new log: all duplicates, the sums do not move.
            let again = events.enumerated().map { IncomingEvent(partition: partition, offset: Int64($0), envelope: $1, log: "log-b") }
            #expect(try await engine.process(again).duplicates == events.count)
            #expect(try store.overviewSums() == (try Self.reference(store)))
            #expect(try store.overviewSums().persons == 150)
            #expect(!(try store.overviewSums().answerDays.isEmpty))
        }
        // A store written before the sums existed gets them from its people when opened.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM overview_count; DELETE FROM grdb_migrations WHERE identifier = 'v7-overview-sums'")
            try db.execute(sql: "DROP TABLE overview_count")
        }
        try queue.close()
        let reopened = try CoordinatorStore(path: path)
        #expect(try reopened.overviewSums() == (try Self.reference(reopened)))
        #expect(try reopened.overviewSums().persons == 150)
    }

    /// The sums computed from every stored person.
    static func reference(_ store: CoordinatorStore) throws -> OverviewSums {
        var sums: [String: Int] = [:]
        for state in try store.personStates(limit: 1_000_000) {
            OverviewTally.add(OverviewTally(state).delta(from: OverviewTally()), to: &sums)
        }
        return OverviewSums(counts: sums)
    }
}
