import ArgumentParser
import Foundation
import Logging
import Synchronization
import TrisamBus
import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamFixtures
import TrisamKafka
import TrisamProcess

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `trisam-bench coordinator`: a realistic event mix for many people on the embedded broker;
/// the real coordinator process's events/s (fold, rules, persistence) against raw consumption
/// of the same topics, resident memory per tracked person, and p99 event-to-flag latency.
struct CoordinatorBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Benchmark the coordinator against raw consumption.",
        discussion: """
            Targets on a 2-core machine: ratio ≥ 0.5, < 2 KB resident per tracked person at \
            1,000,000 people, p99 event-to-flag < 100 ms. Run a release build: \
            swift build -c release && .build/release/trisam-bench coordinator
            """
    )

    @Option(help: "People in the realistic event mix (throughput and memory).")
    var persons: Int = 20_000

    @Option(help: "Additional people with one event each, to measure memory at scale (e.g. 1000000).")
    var memoryPersons: Int = 0

    @Option(help: "Partitions per topic.")
    var partitions: Int = 24

    @Option(help: "Flag-raising events sent one by one for the latency measurement.")
    var latencyEvents: Int = 1_000

    @Option(help: "Rate of the latency events per second.")
    var latencyRate: Int = 200

    @Option(help: "Person states the coordinator keeps decoded in memory (its --cache).")
    var cache: Int = 10_000

    @Option(help: "Messages per transaction at most, when messages wait (the coordinator's --max-batch).")
    var maxBatch: Int = CoordinatorConfiguration.defaultMaxBatch

    @Option(
        help: """
            Order in which the mix is published: time (all people's events by time, as a live stream \
            or one after an outage) or person (each person's whole history in one run, as a bulk load).
            """)
    var order: EventOrder = .time

    @Option(help: "Rounds of raw consumption; the ratio uses their median (one round varies twofold on a busy machine).")
    var rawRounds: Int = 3

    @Flag(
        help: """
            Also time three floors on the same topics, as many rounds as raw consumption: reading with \
            the least a durable consumer writes (each message appended to a SQLite log with the \
            offsets), with decoding, and with both, as a pipeline over the cores. Their ratios to raw \
            consumption show what reading with only that work reaches on the machine; a coordinator \
            does all of it and more.
            """)
    var floors = false

    func validate() throws {
        guard persons >= 100 else { throw ValidationError("--persons must be at least 100, got \(persons)") }
        guard memoryPersons >= 0 else { throw ValidationError("--memory-persons must be 0 or more, got \(memoryPersons)") }
        guard (1...256).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 256, got \(partitions)") }
        guard latencyEvents >= 10 else { throw ValidationError("--latency-events must be at least 10, got \(latencyEvents)") }
        guard (1...10_000).contains(latencyRate) else {
            throw ValidationError("--latency-rate must be between 1 and 10000, got \(latencyRate)")
        }
        guard (1...100_000).contains(maxBatch) else { throw ValidationError("--max-batch must be between 1 and 100000, got \(maxBatch)") }
        guard (1...15).contains(rawRounds) else { throw ValidationError("--raw-rounds must be between 1 and 15, got \(rawRounds)") }
    }

    func run() async throws {
        var logger = Logger(label: "trisam.bench")
        logger.logLevel = .warning
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        for topic in Topic.all { try cluster.createTopic(topic, partitions: partitions) }
        let configuration = cluster.clientConfiguration
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trisam-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("coordinator.sqlite").path
        let mix = EventMix(seed: 7)
        let runner = BenchCoordinatorProcess(
            bootstrap: cluster.bootstrapServers, store: store, directory: directory, cache: cache, maxBatch: maxBatch)

        printLine(
            "trisam-bench coordinator: \(persons) people, \(partitions) partitions per topic, events in \(order.rawValue) order, release=\(isReleaseBuild)"
        )

        // 1. Baseline memory: a coordinator on an empty store, idle.
        try await runner.start()
        try await Task.sleep(for: .seconds(2))
        let baselineRSS = runner.residentBytes()
        try await runner.stop()
        printLine(String(format: "baseline RSS (empty store, idle): %.1f MB", Double(baselineRSS) / 1_048_576))

        // 2. Publish the realistic mix.
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let publisher = EventPublisher(producer: producer)
        var messages = 0
        var typeCounts: [EventType: Int] = [:]
        let publishStart = ContinuousClock.now
        var all: [EventEnvelope] = []
        for index in 0..<persons {
            for event in mix.history(of: index) {
                all.append(event)
                messages += event.destinationTopics.count
                typeCounts[event.type, default: 0] += 1
            }
        }
        if order == .time { all = EventOrder.byTime(all) }
        for first in stride(from: 0, to: all.count, by: 20_000) {
            try await publisher.publish(Array(all[first..<min(first + 20_000, all.count)]))
        }
        all = []
        let publishSeconds = (ContinuousClock.now - publishStart).seconds
        printLine(
            String(
                format: "published %d events as %d messages in %.1f s (%.0f msg/s)", typeCounts.values.reduce(0, +),
                messages, publishSeconds, Double(messages) / publishSeconds))
        printLine(
            "event mix: "
                + typeCounts.sorted { $0.value > $1.value }.prefix(12).map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))

        // 3. Raw consumption of the same topics, no work, in rounds (each a new consumer group).
        var rawSeconds: [Double] = []
        for _ in 0..<rawRounds {
            rawSeconds.append(try await rawConsumption(configuration: configuration, expected: messages, logger: logger).seconds)
        }
        let raw = (seconds: medianOf(rawSeconds), count: messages)
        printLine(
            String(
                format: "raw consumption: %d messages in %.2f s = %.0f msg/s (median of %@ msg/s)", messages, raw.seconds,
                Double(messages) / raw.seconds, rawSeconds.map { String(format: "%.0f", Double(messages) / $0) }.joined(separator: ", ")))

        if floors {
            // As many rounds as raw consumption, alternating the floors, each reported by its median.
            var floorSeconds: [ConsumerFloor: [Double]] = [:]
            for _ in 0..<rawRounds {
                for floor in ConsumerFloor.allCases {
                    // The same read-ahead as raw consumption, so that only the floor's work differs.
                    let time = try await floor.consume(
                        configuration: configuration.merging(Self.readAheadEverything),
                        topics: CoordinatorConfiguration.topics, expected: messages,
                        directory: directory, logger: logger)
                    floorSeconds[floor, default: []].append(time.seconds)
                }
            }
            for floor in ConsumerFloor.allCases {
                let seconds = floorSeconds[floor]!
                printLine(
                    String(
                        format: "floor, %@: %.0f msg/s, ratio to raw %.2f (median of %@ msg/s)", floor.description,
                        Double(messages) / medianOf(seconds), raw.seconds / medianOf(seconds),
                        seconds.map { String(format: "%.0f", Double(messages) / $0) }.joined(separator: ", ")))
            }
        }

        // 4. The coordinator on a fresh store.
        try await runner.start()
        let cpuBefore = runner.cpuSeconds()
        let processed = try await runner.waitForProcessed(messages, limit: .seconds(600))
        let cpuUsed = runner.cpuSeconds() - cpuBefore
        let coordinatorRate = Double(processed.count) / processed.seconds
        let rawRate = Double(messages) / raw.seconds
        printLine(
            String(
                format: "coordinator: %d messages in %.2f s after its first commit = %.0f msg/s (fold, rules, SQLite, flags outbox)",
                processed.count, processed.seconds, coordinatorRate))
        printLine(
            String(
                format: "coordinator CPU: %.1f s = %.1f µs per message (all threads; steadier than the rate on a busy machine)",
                cpuUsed, cpuUsed * 1e6 / Double(messages)))
        printLine(String(format: "ratio coordinator/raw: %.2f (target ≥ 0.5)", coordinatorRate / rawRate))
        try await Task.sleep(for: .seconds(1))
        var tracked = persons
        var rss = runner.residentBytes()
        printLine(
            String(
                format: "RSS after %d people: %.1f MB → %.0f bytes per tracked person (delta over baseline)", tracked,
                Double(rss) / 1_048_576, Double(max(0, rss - baselineRSS)) / Double(tracked)))

        // 5. Memory at scale: more people, one event each.
        if memoryPersons > 0 {
            var sent = 0
            let ref0 = persons
            var expected = messages
            while sent < memoryPersons {
                let batch = min(50_000, memoryPersons - sent)
                var events: [EventEnvelope] = []
                events.reserveCapacity(batch)
                for offset in 0..<batch {
                    let index = ref0 + sent + offset
                    events.append(
                        EventEnvelope(
                            id: "m-\(index)", source: .agency(.kommun), time: Date(timeIntervalSince1970: 1_767_600_000),
                            subject: mix.clientRef(index),
                            event: .kommunBistandDecided(
                                BistandDecided(
                                    decision: .granted,
                                    effectiveDate: LocalDate(year: 2026, month: 1, day: 5)!, month: YearMonth(year: 2026, month: 1)!))))
                }
                try await publisher.publish(events)
                sent += batch
                expected += batch
                _ = try await runner.waitForProcessed(expected, limit: .seconds(600))
            }
            tracked = persons + memoryPersons
            messages = expected
            try await Task.sleep(for: .seconds(1))
            rss = runner.residentBytes()
            printLine(
                String(
                    format: "RSS after %d people: %.1f MB → %.0f bytes per tracked person (delta over baseline)", tracked,
                    Double(rss) / 1_048_576, Double(max(0, rss - baselineRSS)) / Double(tracked)))
        }

        // 6. Event-to-flag latency, one flag-raising event at a time at a steady rate.
        let latencies = try await measureLatency(
            publisher: publisher, configuration: configuration, runner: runner,
            mix: mix, firstIndex: tracked + 1, alreadyProcessed: messages, logger: logger)
        if latencies.isEmpty {
            printLine("event-to-flag: no flags observed")
        } else {
            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
            printLine(
                String(
                    format: "event-to-flag over %d flags: p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 < 100 ms)",
                    sorted.count, percentile(0.5), percentile(0.99), sorted.last! * 1000))
        }
        try await runner.stop()
        await producer.close()
    }

    /// The read-ahead of raw consumption and the floors: librdkafka may queue every message (why:
    /// ``rawConsumption(configuration:expected:logger:)``).
    static let readAheadEverything = ["queued.min.messages": "10000000"]

    /// Reads every message of the coordinator's topics once with no processing.
    private func rawConsumption(configuration: KafkaConfiguration, expected: Int, logger: Logger) async throws -> (
        seconds: Double, count: Int
    ) {
        // librdkafka stops fetching every partition while its consumer queue holds
        // queued.min.messages (100,000 by default) and looks again only when its broker thread
        // next wakes. A consumer that does no work empties such a queue in a third of a second
        // and then waited about half a second with nothing to read; most rounds' time was that
        // pause (160,000-190,000 msg/s with it, 220,000-460,000 without). The raw rate is meant
        // as what reading the topics costs, so the queue may hold everything.
        let consumer = try KafkaConsumer(
            configuration: configuration.merging(Self.readAheadEverything),
            groupID: "bench-raw-\(UUID().uuidString.prefix(6))",
            topics: CoordinatorConfiguration.topics, logger: logger)
        var count = 0
        var first: ContinuousClock.Instant?
        var last = ContinuousClock.now
        for try await message in consumer.messages {
            if first == nil { first = .now }
            count += 1
            if count >= expected {
                last = .now
                try? consumer.markProcessed(message)
                break
            }
        }
        await consumer.close()
        return ((last - (first ?? last)).seconds, count)
    }

    /// Sends the last event of a grey-zone history for fresh people at `latencyRate`, and times
    /// each until its flag arrives on `trisam.flags`.
    private func measureLatency(
        publisher: EventPublisher, configuration: KafkaConfiguration, runner: BenchCoordinatorProcess,
        mix: EventMix, firstIndex: Int, alreadyProcessed: Int, logger: Logger
    ) async throws -> [Double] {
        let scenarios = (0..<latencyEvents).map { LatencyScenario.make(index: firstIndex + $0, mix: mix) }
        // Prepare: everything but the triggering event, processed before timing starts.
        let preparation = scenarios.flatMap(\.preparation)
        try await publisher.publish(preparation)
        let expected = alreadyProcessed + preparation.reduce(0) { $0 + $1.destinationTopics.count }
        _ = try await runner.waitForProcessed(expected, limit: .seconds(300))

        let sentAt = Mutex<[String: ContinuousClock.Instant]>([:])
        let latencies = Mutex<[Double]>([])
        let listener = try KafkaConsumer(
            configuration: configuration.merging(["auto.offset.reset": "latest", "fetch.wait.max.ms": "5"]),
            groupID: "bench-flags-\(UUID().uuidString.prefix(6))", topics: [Topic.flags], logger: logger)
        let listening = Task {
            for try await message in listener.messages {
                let received = ContinuousClock.now
                guard case .success(let envelope) = EventConsumer.decode(message), case .flagRaised(let flag) = envelope.event else {
                    continue
                }
                let sent = sentAt.withLock { map in flag.evidence.compactMap { map.removeValue(forKey: $0) }.max() }
                if let sent { latencies.withLock { $0.append((received - sent).seconds) } }
            }
        }
        try await Task.sleep(for: .seconds(4)) // the listener joins its group
        let interval = Duration.nanoseconds(1_000_000_000 / latencyRate)
        var next = ContinuousClock.now
        for scenario in scenarios {
            try await Task.sleep(until: next, clock: .continuous)
            next += interval
            sentAt.withLock { $0[scenario.trigger.id] = .now }
            try await publisher.publish(scenario.trigger)
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while latencies.withLock({ $0.count }) < scenarios.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        listening.cancel()
        await listener.close()
        return latencies.withLock { $0 }
    }
}

/// The coordinator as a child process (`trisam coordinator`, from the build folder of this
/// executable), observed through /metrics and /proc.
final class BenchCoordinatorProcess: @unchecked Sendable {
    let bootstrap: String
    let store: String
    let directory: URL
    let cache: Int
    let maxBatch: Int
    private var process: ChildProcess?
    private var port = 0

    init(bootstrap: String, store: String, directory: URL, cache: Int, maxBatch: Int) {
        self.bootstrap = bootstrap
        self.store = store
        self.directory = directory
        self.cache = cache
        self.maxBatch = maxBatch
    }

    // A run that fails half-way leaves no coordinator behind: `ChildProcess` kills it when it goes.

    func start() async throws {
        port = Int.random(in: 20_000...60_000)
        let process = try ChildProcess(
            try ChildProcess.sibling(named: "trisam"),
            [
                "coordinator", "--bootstrap", bootstrap, "--port", String(port), "--store", store,
                "--state-dir", directory.path, "--cache", String(cache), "--max-batch", String(maxBatch),
            ],
            environment: ["LOG_LEVEL": ProcessInfo.processInfo.environment["TRISAM_BENCH_CHILD_LOG_LEVEL"] ?? "error"],
            standardOutput: .discard, standardError: .inherit)
        self.process = process
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await metrics()) == nil {
            if ContinuousClock.now > deadline || !process.isRunning { throw ValidationError("the coordinator did not start") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func stop() async throws {
        guard let process else { return }
        await process.terminate(grace: .seconds(60))
        self.process = nil
    }

    /// User and system CPU time the process has used so far, in seconds.
    func cpuSeconds() -> Double {
        guard let pid = process?.processIdentifier,
            let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = text.lastIndex(of: ")")
        else { return 0 }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: afterName)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// VmRSS of the process, in bytes.
    func residentBytes() -> Int {
        guard let pid = process?.processIdentifier,
            let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kb * 1024
    }

    /// The coordinator's /metrics text.
    func metrics() async throws -> String {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw ValidationError("metrics unavailable") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Messages handled so far (every outcome), from /metrics.
    func handled() async throws -> Int {
        var total = 0.0
        for line in try await metrics().split(separator: "\n") where line.hasPrefix("trisam_coordinator_events_total{") {
            total += Double(line.split(separator: " ").last ?? "0") ?? 0
        }
        return Int(total)
    }

    /// Waits until `count` messages were handled; returns the time from the first commit to the
    /// last and the messages handled in it.
    func waitForProcessed(_ count: Int, limit: Duration) async throws -> (seconds: Double, count: Int) {
        let deadline = ContinuousClock.now + limit
        // Timed from the first commit (not from the start, which includes joining the group), so
        // only what was handled after it counts: the first batch's work lies before it.
        var first: (time: ContinuousClock.Instant, done: Int)?
        let initial = try await handled()
        while true {
            let now = ContinuousClock.now
            let done = try await handled()
            if first == nil && done > initial { first = (now, done) }
            if done >= count { return ((now - (first?.time ?? now)).seconds, done - (first?.done ?? done)) }
            if now > deadline { throw ValidationError("the coordinator handled \(done) of \(count) messages within \(limit)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// One person whose history completes a flag condition with its last event.
struct LatencyScenario {
    var preparation: [EventEnvelope]
    var trigger: EventEnvelope

    static func make(index: Int, mix: EventMix) -> LatencyScenario {
        let events = FlagScenarios.greyZone(ref: mix.clientRef(index), idPrefix: "lat-\(index)")
        return LatencyScenario(preparation: Array(events.dropLast()), trigger: events.last!)
    }
}
