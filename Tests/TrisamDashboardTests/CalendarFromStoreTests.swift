import Foundation
import Testing
import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

@testable import TrisamDashboard

/// The SIP calendar read from the store's items (issue 22) shows what it showed when it read every
/// person, and says how many a list holds when it shows fewer.
@Suite("SIP calendar from the store") struct CalendarFromStoreTests {
    @Test("the calendar from the store's items equals the calendar from every person, on several days")
    func sameCalendarFromStore() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let engine = try CoordinatorEngine(
            store: store, rules: GapRules(), clock: .fixed(at: utc("2026-11-24T08:00:00Z")), metrics: CoordinatorMetrics(),
            cacheCapacity: 50)
        let mix = CoordinationMix(seed: 31)
        let events = (0..<600).flatMap { mix.history(of: $0) }.sorted { $0.time < $1.time }
        let partition = TopicPartition(topic: "t", partition: 0)
        for first in stride(from: 0, to: events.count, by: 700) {
            let slice = events[first..<min(first + 700, events.count)]
            try await engine.process(
                slice.enumerated().map { IncomingEvent(partition: partition, offset: Int64(first + $0), envelope: $1) })
        }
        let states = try store.personStates(limit: 10_000)
        for now in [utc("2026-02-01T09:30:00Z"), utc("2026-06-15T12:00:00Z"), utc("2026-11-24T08:00:00Z")] {
            let fromStates = SipCalendar(states: states, now: now)
            #expect(fromStates.overdue.count + fromStates.upcoming.count + fromStates.unbooked.count > 0)
            let lists = try store.calendar(now: now, limit: 10_000)
            let fromStore = SipCalendar(overdue: lists.overdue, upcoming: lists.upcoming, unbooked: lists.unbooked, now: now)
            #expect(fromStore.overdue == fromStates.overdue, "\(now)")
            #expect(fromStore.upcoming == fromStates.upcoming, "\(now)")
            #expect(fromStore.unbooked == fromStates.unbooked, "\(now)")
            #expect(fromStore.overdueNote == nil && fromStore.upcomingNote == nil && fromStore.unbookedNote == nil)

            // A short page: the first items, and how many there are.
            let short = try store.calendar(now: now, limit: 2)
            let shortCalendar = SipCalendar(overdue: short.overdue, upcoming: short.upcoming, unbooked: short.unbooked, now: now)
            #expect(shortCalendar.upcoming == Array(fromStates.upcoming.prefix(2)))
            #expect(short.upcoming.total == fromStates.upcoming.count)
            if fromStates.upcoming.count > 2 {
                #expect(shortCalendar.upcomingNote == "Visar de 2 första av \(Swedish.number(fromStates.upcoming.count)).")
            }
        }
    }
}
