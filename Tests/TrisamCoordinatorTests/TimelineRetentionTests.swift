import Foundation
import GRDB
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// Bounded storage (issue 22, point 6): entries older than the retention window leave the
/// timeline for a summary without content, and duplicate detection stays exact because nothing
/// older than the horizon is folded.
@Suite("Timeline retention")
struct TimelineRetentionTests {
    @Test("the horizon is the retention window before now") func horizonIsWindowBeforeNow() {
        let now = utc("2026-11-24T08:00:00Z")
        #expect(TimelineRetention(days: 400).horizon(now: now) == now.addingTimeInterval(-400 * 86_400))
        #expect(TimelineRetention().days == 400)
    }

    @Test("pruning summarises old entries, keeps consent, state and flags, and an old redelivery is not folded again")
    func pruningSummarisesAndKeepsDuplicatesExact() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let clock = CoordinatorClock.fixed(at: utc("2026-11-24T08:00:00Z"))
        let engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: clock, metrics: CoordinatorMetrics())
        let mix = EventMix(seed: 11)
        let people = 40
        let events = (0..<people).flatMap { mix.history(of: $0) }.sorted { $0.time < $1.time }
        let partition = TopicPartition(topic: "t", partition: 0)
        let incoming = events.enumerated().map { IncomingEvent(partition: partition, offset: Int64($0), envelope: $1) }
        #expect(try await engine.process(incoming).applied == events.count)
        let digest = try store.digest()
        let openFlags = try store.statistics().openFlags

        // The horizon in the middle of the history.
        let middle = events[events.count / 2].time
        let consentTypes: Set<EventType> = [.consentGiven, .consentWithdrawn]
        let old = events.filter { $0.time < middle && !consentTypes.contains($0.type) }
        let oldConsent = events.filter { $0.time < middle && consentTypes.contains($0.type) }
        #expect(!old.isEmpty && !oldConsent.isEmpty)
        let outcome = try store.pruneTimeline(before: middle, chunk: 7)
        #expect(outcome.entries == old.count)
        #expect(outcome.people == Set(old.map(\.subject)).count)
        #expect(try store.duplicateHorizon() == middle)
        #expect(try store.digest() == digest, "state and flags are not touched")
        #expect(try store.statistics().openFlags == openFlags)
        let rows = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM timeline") ?? 0 }
        #expect(rows == events.count - old.count)

        // The summary counts what left, per person, agency and kind, with first and last time.
        let person = try #require(old.first?.subject)
        let mine = old.filter { $0.subject == person }
        let summary = try store.timelineSummary(of: person)
        #expect(summary.reduce(0) { $0 + $1.count } == mine.count)
        for entry in summary {
            let same = mine.filter { $0.source.uri == entry.source && $0.type.rawValue == entry.type }
            #expect(entry.count == same.count)
            #expect(entry.firstTime == same.map(\.time).min())
            #expect(entry.lastTime == same.map(\.time).max())
        }

        // Everything delivered again (a new log, an agency sending its outbox again): nothing is
        // folded twice. What is before the horizon is not folded at all, the rest are duplicates.
        let again = events.enumerated().map { IncomingEvent(partition: partition, offset: Int64($0), envelope: $1, log: "log-b") }
        let replay = try await engine.process(again)
        #expect(replay.applied == 0)
        #expect(replay.beyondWindow == old.count + oldConsent.count)
        #expect(replay.duplicates == events.count - old.count - oldConsent.count)
        #expect(try store.digest() == digest)

        // Pruning again with the same horizon does nothing; the horizon never moves back.
        #expect(try store.pruneTimeline(before: middle) == CoordinatorStore.PruneOutcome())
        _ = try store.pruneTimeline(before: middle.addingTimeInterval(-86_400))
        #expect(try store.duplicateHorizon() == middle)
        // A second pruning later adds to the same summary rows.
        let later = events[events.count * 3 / 4].time
        let more = events.filter { $0.time >= middle && $0.time < later && !consentTypes.contains($0.type) }
        #expect(try store.pruneTimeline(before: later).entries == more.count)
        let total = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT sum(count) FROM timeline_summary") ?? 0 }
        #expect(total == old.count + more.count)
    }
}
