import Foundation
import Testing
@_spi(Benchmarks) import TrisamBenchSupport
import TrisamContracts
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// The engine folds the people of a large batch on several cores; the result must not depend on
/// that, nor on where batch boundaries fall.
@Suite("Coordinator engine batching")
struct EngineBatchingTests {
    @Test("one large batch folded in parallel gives the same store as one event per batch")
    func parallelEqualsSequential() async throws {
        let mix = EventMix(seed: 3)
        let histories = (0..<200).map { mix.history(of: $0) }
        var events: [IncomingEvent] = []
        let partition = TopicPartition(topic: "t", partition: 0)
        for position in 0..<(histories.map(\.count).max() ?? 0) {
            for history in histories where position < history.count {
                events.append(IncomingEvent(partition: partition, offset: Int64(events.count), envelope: history[position]))
            }
        }
        let clock = CoordinatorClock.fixed(at: utc("2026-11-24T08:00:00Z"))

        func run(batchSize: Int) async throws -> (digest: String, flagEvents: Set<String>, raised: Int) {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
            let engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: clock, metrics: CoordinatorMetrics())
            var raised = 0
            for first in stride(from: 0, to: events.count, by: batchSize) {
                raised += try await engine.process(Array(events[first..<min(first + batchSize, events.count)])).raised.count
            }
            let outbox = try store.pendingOutbox(limit: 100_000)
            return (try store.digest(), Set(outbox.map(\.eventId)), raised)
        }

        let parallel = try await run(batchSize: events.count)
        let sequential = try await run(batchSize: 1)
        #expect(parallel.raised > 50)
        #expect(parallel.raised == sequential.raised)
        #expect(parallel.digest == sequential.digest)
        #expect(parallel.flagEvents == sequential.flagEvents)
    }

    @Test("bench engine --pure folds as the engine does: the same flags raised and resolved")
    func pureFoldMatchesEngine() async throws {
        let mix = EventMix(seed: 5)
        let partition = TopicPartition(topic: "t", partition: 0)
        var events: [IncomingEvent] = []
        for index in 0..<300 {
            for event in mix.history(of: index) {
                events.append(IncomingEvent(partition: partition, offset: Int64(events.count), envelope: event))
            }
        }
        let now = utc("2026-11-24T08:00:00Z")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: .fixed(at: now), metrics: CoordinatorMetrics())
        var pure = PureFold(rules: GapRules())
        var engineCounts = (raised: 0, resolved: 0)
        var pureCounts = (raised: 0, resolved: 0)
        for first in stride(from: 0, to: events.count, by: 500) {
            let batch = Array(events[first..<min(first + 500, events.count)])
            let outcome = try await engine.process(batch)
            engineCounts.raised += outcome.raised.count
            engineCounts.resolved += outcome.resolved.count
            let counts = try pure.process(batch, now: now)
            pureCounts.raised += counts.raised
            pureCounts.resolved += counts.resolved
        }
        #expect(engineCounts.raised > 50)
        #expect(engineCounts.resolved > 0)
        #expect(pureCounts.raised == engineCounts.raised)
        #expect(pureCounts.resolved == engineCounts.resolved)
        #expect(pure.count == 300)
    }
}
