import ArgumentParser
import Foundation
import Logging
@_spi(Benchmarks) import TrisamBenchSupport
import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamKafka
import TrisamStore

#if canImport(Glibc)
    import Glibc
#endif

/// `trisam-bench engine`: the coordinator's processing (fold, rules, SQLite, flags outbox) per
/// event, in this process, without Kafka and without decoding: the part of `trisam-bench coordinator`
/// that only the coordinator's own code decides, measured without the noise of the broker.
struct EngineBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure the coordinator's processing without Kafka.",
        discussion: """
            Builds the realistic mix of `trisam-bench coordinator` in the same order (--order), \
            reads it as consumption from 24 partitions per topic does, and feeds it to the coordinator \
            engine in batches on a fresh store (with the background WAL checkpointer running). \
            Prints wall-clock and process CPU time per event. Run a release build: \
            swift build -c release && .build/release/trisam-bench engine
            """
    )

    @Option(help: "People in the realistic event mix.")
    var persons: Int = 20_000

    @Option(help: "Events per batch (the coordinator's --max-batch under load).")
    var batch: Int = CoordinatorConfiguration.defaultMaxBatch

    @Option(help: "Messages read from one partition before the next (a fetch).")
    var fetch: Int = 1_000

    @Option(help: "Person states kept decoded in memory (the coordinator's --cache).")
    var cache: Int = 10_000

    @Option(
        help: """
            Order of each partition's events, as `trisam-bench coordinator --order` publishes them: time \
            (all people's events by time, as a live stream or one after an outage) or person (each \
            person's whole history in one run, as a bulk load).
            """)
    var order: EventOrder = .time

    @Flag(
        help: """
            Run only the store's least SQLite work on the same events (timeline entries, a read and \
            a write of each person concerned, offsets; no folding, rules or flags): the floor the \
            store design sets on this machine.
            """)
    var floor = false

    @Flag(
        help: """
            Run only the engine's pure work on the same events, in memory (folding, the rules after \
            every event, flag diffs, flag events and person blobs encoded; no SQLite): what the \
            coordinator costs with the store taken away.
            """)
    var pure = false

    func validate() throws {
        guard persons >= 1 else { throw ValidationError("--persons must be at least 1, got \(persons)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        guard fetch >= 1 else { throw ValidationError("--fetch must be at least 1, got \(fetch)") }
        guard cache >= 0 else { throw ValidationError("--cache must not be negative, got \(cache)") }
        guard !(floor && pure) else { throw ValidationError("--floor and --pure measure different parts; give one of them") }
    }

    func run() async throws {
        let mix = EventMix(seed: 7)
        // As `trisam-bench coordinator` publishes them: keyed by person to 24 partitions per topic, each
        // partition in `order`; then read as consumption reads them, a fetch of each partition in turn.
        var partitions: [TopicPartition: [EventEnvelope]] = [:]
        for index in 0..<persons {
            for event in mix.history(of: index) {
                let partition = TopicPartition(topic: event.destinationTopics.first ?? "", partition: Int32(index % 24))
                partitions[partition, default: []].append(event)
            }
        }
        if order == .time {
            for (partition, messages) in partitions { partitions[partition] = EventOrder.byTime(messages) }
        }
        var events: [IncomingEvent] = []
        var next = [TopicPartition: Int](uniqueKeysWithValues: partitions.keys.map { ($0, 0) })
        let partitionOrder = partitions.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        while events.count < partitions.values.reduce(0, { $0 + $1.count }) {
            for partition in partitionOrder {
                let messages = partitions[partition]!
                let first = next[partition]!
                for offset in first..<min(first + fetch, messages.count) {
                    events.append(IncomingEvent(partition: partition, offset: Int64(offset), envelope: messages[offset]))
                }
                next[partition] = min(first + fetch, messages.count)
            }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trisam-bench-engine-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("coordinator.sqlite").path
        let store = try CoordinatorStore(path: path)
        let logger = Logger(label: "trisam.bench.engine")
        let engine = try CoordinatorEngine(
            store: store, rules: GapRules(), clock: .system(), metrics: CoordinatorMetrics(),
            cacheCapacity: cache, logger: logger)
        printLine(
            "trisam-bench engine\(floor ? " --floor" : "")\(pure ? " --pure" : "") --order \(order.rawValue): \(events.count) events of \(persons) people, batches of \(batch), release=\(isReleaseBuild)"
        )

        let checkpointer = Task { try await WALCheckpointer(path: path, logger: logger).run() }
        defer { checkpointer.cancel() }
        let cpuStart = processCPUSeconds()
        let start = ContinuousClock.now
        var raised = 0
        var resolved = 0
        var storeFloor = try StoreFloor(store: store)
        var pureFold = PureFold(rules: GapRules())
        let now = Date()
        for first in stride(from: 0, to: events.count, by: batch) {
            let slice = Array(events[first..<min(first + batch, events.count)])
            if floor {
                try storeFloor.process(slice)
                continue
            }
            if pure {
                let counts = try pureFold.process(slice, now: now)
                raised += counts.raised
                resolved += counts.resolved
                continue
            }
            let outcome = try await engine.process(slice)
            raised += outcome.raised.count
            resolved += outcome.resolved.count
        }
        let elapsed = ContinuousClock.now - start
        let cpu = processCPUSeconds() - cpuStart
        let seconds = elapsed.seconds
        if pure {
            printLine("pure work only, no store; flags raised \(raised), resolved \(resolved); \(pureFold.count) people in memory")
        } else {
            let statistics = try store.statistics()
            guard statistics.eventsSeen == events.count else {
                throw ValidationError("the store saw \(statistics.eventsSeen) of \(events.count) events")
            }
            printLine(
                floor
                    ? "store work only; \(statistics.persons) people stored"
                    : "flags raised \(raised), resolved \(resolved); \(statistics.persons) people stored")
        }
        printLine(
            String(
                format: "wall: %.2f s = %.1f µs per event (%.0f events/s)", seconds, seconds * 1e6 / Double(events.count),
                Double(events.count) / seconds))
        printLine(
            String(
                format: "process CPU: %.2f s = %.1f µs per event (all threads, checkpoints included)",
                cpu, cpu * 1e6 / Double(events.count)))
    }

    private func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// The order in which a benchmark publishes the event mix (and so its partitions hold it).
enum EventOrder: String, ExpressibleByArgument, CaseIterable {
    /// All people's events interleaved by their time, as a live stream or one after an outage.
    case time
    /// Each person's whole history in one run, as a bulk load would publish it.
    case person

    /// The events by time, ties in their given order.
    static func byTime(_ events: [EventEnvelope]) -> [EventEnvelope] {
        events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }
}
