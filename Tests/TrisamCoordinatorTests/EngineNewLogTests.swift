import Foundation
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// Offsets are positions in one log: when messages come from a new log (the embedded broker
/// restarted empty), the engine must not skip them because of offsets stored for the old one.
@Suite("Coordinator engine on a new log")
struct EngineNewLogTests {
    @Test("messages of a new log at offsets below the stored ones are applied, the old offsets dropped, duplicates told by id")
    func newLogStartsOver() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let engine = try CoordinatorEngine(
            store: store, rules: GapRules(), clock: .fixed(at: utc("2026-11-24T08:00:00Z")), metrics: CoordinatorMetrics())
        let mix = EventMix(seed: 9)
        let events = (0..<20).flatMap { mix.history(of: $0) }
        let partition = TopicPartition(topic: "t", partition: 0)
        let half = events.count / 2

        // The old log: the first half at offsets 0…
        let old = events[..<half].enumerated().map { IncomingEvent(partition: partition, offset: Int64($0), envelope: $1, log: "log-a") }
        #expect(try await engine.process(old).applied == half)
        #expect(try store.logIdentity() == "log-a")
        #expect(try store.consumedOffsets()[partition] == Int64(half))

        // The new log holds everything again, from offset 0: the first half are duplicates by id,
        // the second half is new although its offsets lie below the stored one for part of it.
        let new = events.enumerated().map { IncomingEvent(partition: partition, offset: Int64($0), envelope: $1, log: "log-b") }
        let outcome = try await engine.process(new)
        #expect(outcome.newLog)
        #expect(outcome.alreadyStored == 0, "no message of the new log is skipped for an offset of the old one")
        #expect(outcome.applied == events.count - half)
        #expect(outcome.duplicates == half)
        #expect(try store.logIdentity() == "log-b")
        #expect(try store.consumedOffsets() == [partition: Int64(events.count)])
        #expect(await engine.storedOffsets == [partition: Int64(events.count)])

        // The same log read again: now the stored offsets hold.
        #expect(try await engine.process(Array(new.prefix(5))).alreadyStored == 5)
    }
}
