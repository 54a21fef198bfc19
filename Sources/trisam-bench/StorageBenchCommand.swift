import ArgumentParser
import Foundation
import Logging
import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka

/// `trisam-bench storage`: the coordinator's disk bytes per person after years of events, with
/// the timeline's retention window and without it (issue 22, point 6).
struct StorageBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Measure the coordinator store's disk bytes per person after years of events.",
        discussion: """
            Gives each person consent to samordning for the whole time (the worst case: no fact is \
            erased when consent ends) and a new year of the realistic event mix (a new case, bistånd \
            months, AF, sick notes, referrals) in each of --years years, feeds all of \
            it in time order to the coordinator engine on a clock that follows the events, empties \
            the flag outbox after each batch as the publisher does, and summarises the timeline every \
            simulated week as the coordinator does every hour. Then reports the store's bytes in use \
            per person, and the same for a store that keeps every entry (no retention).
            """
    )

    @Option(help: "People in the simulated population.")
    var persons: Int = 2_000

    @Option(help: "Simulated years of events.")
    var years: Int = 5

    @Option(help: "Days each timeline entry is kept in full.")
    var retentionDays: Int = TimelineRetention.defaultDays

    @Option(help: "Events per batch.")
    var batch: Int = 5_000

    func validate() throws {
        guard persons >= 1 else { throw ValidationError("--persons must be at least 1, got \(persons)") }
        guard (1...20).contains(years) else { throw ValidationError("--years must be between 1 and 20, got \(years)") }
        guard retentionDays >= 30 else { throw ValidationError("--retention-days must be at least 30, got \(retentionDays)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
    }

    func run() async throws {
        let events = Self.history(persons: persons, years: years)
        let first = events.first!.time
        let last = events.last!.time
        printLine(
            "trisam-bench storage: \(events.count) events of \(persons) people over \(years) years "
                + "(\(Svenska.date(StockholmTime.date(of: first)))–\(Svenska.date(StockholmTime.date(of: last)))), "
                + "release=\(isReleaseBuild)")
        for retention in [TimelineRetention(days: retentionDays), nil] {
            let usage = try await measure(events, retention: retention)
            let label = retention.map { "retention \($0.days) days" } ?? "no retention (every entry kept)"
            printLine(
                String(
                    format: "%@: %.0f bytes per person in use (file %.0f), %.1f timeline entries and %.1f summary rows per person",
                    label, Double(usage.disk.bytesInUse) / Double(persons), Double(usage.disk.fileBytes) / Double(persons),
                    Double(usage.timeline) / Double(persons), Double(usage.summaries) / Double(persons)))
            for (name, bytes) in usage.disk.byTable.prefix(6) {
                printLine(String(format: "  %@: %.0f bytes per person", name, Double(bytes) / Double(persons)))
            }
        }
    }

    /// Each person's `years` yearly histories, one after the other, keyed to the same person, in
    /// time order.
    static func history(persons: Int, years: Int) -> [EventEnvelope] {
        let base = EventMix(seed: 5, start: LocalDate(year: 2021, month: 1, day: 4)!)
        var events: [EventEnvelope] = []
        // The worst case for storage: everyone under samordning consent the whole time, so that
        // no fact is erased when a yearly consent ends.
        for index in 0..<persons {
            let consent = ConsentGiven(
                consentId: "bench-\(index)", purpose: .samordning, agencies: Agency.allCases,
                validUntil: base.start.adding(days: 365 * years + 90), givenOn: base.start)
            events.append(
                EventEnvelope(
                    id: "consent-\(index)", source: .agency(.kommun),
                    time: Date(timeIntervalSince1970: Double(base.start.daysSinceEpoch) * 86_400),
                    subject: base.clientRef(index), event: .consentGiven(consent)))
        }
        for year in 0..<years {
            let mix = EventMix(seed: 5 &+ UInt64(year), start: base.start.adding(days: 365 * year))
            for index in 0..<persons {
                let ref = base.clientRef(index)
                for event in mix.history(of: index) {
                    events.append(
                        EventEnvelope(id: "y\(year)-\(event.id)", source: event.source, time: event.time, subject: ref, event: event.event))
                }
            }
        }
        return events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    private func measure(_ events: [EventEnvelope], retention: TimelineRetention?) async throws -> (
        disk: StoreDiskUsage, timeline: Int, summaries: Int
    ) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trisam-bench-storage-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let clock = CoordinatorClock.fixed(at: events.first!.time)
        let engine = try CoordinatorEngine(
            store: store, rules: GapRules(), clock: clock, metrics: CoordinatorMetrics(), logger: Logger(label: "trisam.bench.storage"))
        let partition = TopicPartition(topic: "t", partition: 0)
        var nextPrune = events.first!.time.addingTimeInterval(7 * 86_400)
        for start in stride(from: 0, to: events.count, by: batch) {
            let slice = events[start..<min(start + batch, events.count)]
            try clock.set(slice.last!.time)
            let incoming = slice.enumerated().map { IncomingEvent(partition: partition, offset: Int64(start + $0), envelope: $1) }
            let outcome = try await engine.process(incoming)
            guard outcome.applied == slice.count else {
                throw ValidationError("only \(outcome.applied) of \(slice.count) events were applied")
            }
            // As the flag publisher does once the broker confirmed them.
            while case let pending = try store.pendingOutbox(limit: 10_000), !pending.isEmpty {
                try store.removeFromOutbox(pending.map(\.seq))
            }
            if let retention, slice.last!.time >= nextPrune {
                try store.pruneTimeline(before: retention.horizon(now: slice.last!.time))
                nextPrune = slice.last!.time.addingTimeInterval(7 * 86_400)
            }
        }
        let counts = try store.rowCounts()
        return (try store.diskUsage(), counts.timeline, counts.summaries)
    }
}
