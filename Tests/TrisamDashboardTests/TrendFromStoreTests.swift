import Foundation
import Testing
import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

@testable import TrisamDashboard

/// The overview's trend read from the store's counts by day (issue 22) shows what it showed when
/// it read every flag of the window.
@Suite("Overview trend from the store") struct TrendFromStoreTests {
    @Test("the trend from the store's counts equals the trend from every flag, for several windows, both series")
    func sameTrendFromStore() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let clock = CoordinatorClock.fixed(at: utc("2025-01-01T00:00:00Z"))
        let engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: clock, metrics: CoordinatorMetrics(), cacheCapacity: 50)
        let mix = EventMix(seed: 17)
        let events = (0..<300).flatMap { mix.history(of: $0) }.sorted { $0.time < $1.time }
        let partition = TopicPartition(topic: "t", partition: 0)
        // The clock follows the events, so that flags are raised and resolved on many days, later
        // or within the same batch (transient: raised and resolved at the same time).
        var first = 0
        var round = 0
        while first < events.count {
            let slice = events[first..<min(first + (round % 3 == 2 ? 600 : 40), events.count)]
            if let last = slice.last?.time, last > clock.now() { try clock.set(last) }
            try await engine.process(
                slice.enumerated().map { IncomingEvent(partition: partition, offset: Int64(first + $0), envelope: $1) })
            try await engine.runDueChecks()
            first += slice.count
            round += 1
        }
        let spans = try store.flagSpans(openAtOrAfter: .distantPast)
        #expect(spans.contains { span in span.resolvedAt.map { $0.timeIntervalSince(span.raisedAt) >= FlagTrend.transient } ?? false })
        #expect(spans.contains { span in span.resolvedAt.map { $0.timeIntervalSince(span.raisedAt) < FlagTrend.transient } ?? false })
        #expect(spans.contains { $0.resolvedAt == nil })
        let end = StockholmTime.date(of: clock.now())
        for today in [end, end.adding(days: -45), end.adding(days: -200), end.adding(days: 30)] {
            let days = FlagTrend.window(endingOn: today, count: 60)
            let window = try store.flagSpans(openAtOrAfter: StockholmTime.startOfDay(days[0]))
            let counts = try store.flagTrend(from: days[0])
            #expect(FlagTrend.daily(counts, days: days) == FlagTrend.daily(window, days: days), "\(today)")
            #expect(
                FlagTrend.daily(counts, days: days, highOnly: true) == FlagTrend.daily(window, days: days) { $0.severity == .high },
                "\(today)")
        }
        #expect(
            FlagTrend.daily(try store.flagTrend(from: end.adding(days: -59)), days: FlagTrend.window(endingOn: end, count: 60)).contains {
                $0 > 0
            })
    }
}
