import ArgumentParser
import CRdKafka
import Dispatch
import Foundation
import Logging
import TrisamKafka

/// `trisam-bench kafka`: produce and consume throughput of 500-byte JSON events through the
/// Swift layer and, in the same run, through a plain loop of direct librdkafka calls.
struct KafkaBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Throughput of the Swift Kafka layer against direct librdkafka calls.",
        discussion: """
            Both sides send the same messages (500-byte JSON value, 32-byte key, 7 CloudEvents \
            headers) with the same producer properties (idempotent, acks=all) to topics of the same \
            shape, and consume them with the same consumer properties. Consumption is timed from the \
            first message to the last (group join excluded); both sides copy out key, value and \
            headers and commit nothing. Rounds alternate which side runs first. Reported: the median \
            of each side, and the median of the per-round ratios (each round compares the two sides \
            seconds apart, so a machine that is busier in one round than another skews it less).
            """
    )

    @Option(help: "Messages per run (on the embedded broker at most \(KafkaBenchCommand.embeddedMessagesPerPartition) per partition).")
    var messages: Int = 150_000

    @Option(help: "Partitions per benchmark topic.")
    var partitions: Int = 32

    @Option(help: "Rounds (medians reported).")
    var rounds: Int = 9

    @Option(help: "Brokers of the in-process embedded cluster (ignored with --bootstrap).")
    var brokers: Int = 1

    @Option(help: "Run only one side (for profiling one path): direct, swift or both.")
    var side: Side = .both

    enum Side: String, ExpressibleByArgument { case direct, swift, both }

    @Option(
        help: ArgumentHelp(
            "Use this cluster instead of an in-process embedded one (topics must be auto-created or exist).", valueName: "servers"))
    var bootstrap: String?

    func validate() throws {
        guard messages >= 1000 else { throw ValidationError("--messages must be at least 1000") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1") }
        let perPartition = (messages + partitions - 1) / partitions
        if bootstrap == nil, perPartition > Self.embeddedMessagesPerPartition {
            throw ValidationError(
                """
                --messages \(messages) on --partitions \(partitions) puts \(perPartition) messages on a partition, \
                but the embedded broker keeps only the newest 5 MB of each partition (about \
                \(Self.embeddedMessagesPerPartition) of these messages), so the consumers could never read them all: \
                use at most \(Self.embeddedMessagesPerPartition * partitions) messages, or more partitions
                """)
        }
    }

    /// How many benchmark messages (500-byte value, key, 7 headers: about 800 bytes in the log)
    /// fit in the 5 MB the embedded broker keeps per partition, with a margin.
    static let embeddedMessagesPerPartition = 5_000

    func run() async throws {
        var logger = Logger(label: "trisam.bench")
        logger.logLevel = .error
        var cluster: EmbeddedKafkaCluster?
        let servers: String
        if let bootstrap {
            servers = bootstrap
        } else {
            let embedded = try EmbeddedKafkaCluster(brokers: brokers, logger: logger)
            cluster = embedded
            servers = embedded.bootstrapServers
        }
        defer { cluster?.shutdown() }
        let configuration = KafkaConfiguration(bootstrapServers: servers)
        let batch = BenchMessages(count: messages)

        print(
            "Kafka layer benchmark: \(messages) messages of \(batch.valueSize) bytes, \(partitions) partitions, "
                + (bootstrap == nil ? "in-process embedded cluster (\(brokers) broker\(brokers == 1 ? "" : "s"))" : servers)
                + ", \(rounds) round\(rounds == 1 ? "" : "s")")
        var results: [(direct: Throughput, swift: Throughput)] = []
        for round in 1...rounds {
            let runID = UUID().uuidString.prefix(6).lowercased()
            let directTopic = "bench-direct-\(runID)"
            let swiftTopic = "bench-swift-\(runID)"
            try cluster?.createTopic(directTopic, partitions: partitions)
            try cluster?.createTopic(swiftTopic, partitions: partitions)

            // Alternate which side goes first, so that neither always meets a fresher broker.
            let directFirst = round % 2 == 1
            var directProduce = 0.0
            var swiftProduce = 0.0
            var directConsume = 0.0
            var swiftConsume = 0.0
            let order = (directFirst ? [true, false] : [false, true]).filter { self.side == .both || $0 == (self.side == .direct) }
            for side in order {
                if side {
                    directProduce = try await DirectLoop.produce(batch.outgoing(topic: directTopic), configuration: configuration)
                } else {
                    swiftProduce = try await self.swiftProduce(
                        batch.outgoing(topic: swiftTopic), configuration: configuration, logger: logger)
                }
            }
            for side in order {
                if side {
                    directConsume = try await DirectLoop.consume(topic: directTopic, count: messages, configuration: configuration)
                } else {
                    swiftConsume = try await self.swiftConsume(
                        topic: swiftTopic, count: messages, configuration: configuration, logger: logger)
                }
            }
            results.append(
                (
                    Throughput(produce: directProduce, consume: directConsume),
                    Throughput(produce: swiftProduce, consume: swiftConsume)
                ))
            print(
                String(
                    format: "  round %d: produce direct %.0f/s swift %.0f/s (%.2f) · consume direct %.0f/s swift %.0f/s (%.2f)",
                    round, directProduce, swiftProduce, swiftProduce / directProduce,
                    directConsume, swiftConsume, swiftConsume / directConsume))
        }
        let produceDirect = median(results.map(\.direct.produce))
        let produceSwift = median(results.map(\.swift.produce))
        let consumeDirect = median(results.map(\.direct.consume))
        let consumeSwift = median(results.map(\.swift.consume))
        let produceRatio = median(results.map { $0.swift.produce / $0.direct.produce })
        let consumeRatio = median(results.map { $0.swift.consume / $0.direct.consume })
        print("")
        print("                 direct librdkafka    Swift layer    ratio of medians    median of round ratios")
        print(
            String(
                format: "produce msg/s    %17.0f    %11.0f    %16.2f    %22.2f", produceDirect, produceSwift,
                produceSwift / produceDirect, produceRatio))
        print(
            String(
                format: "consume msg/s    %17.0f    %11.0f    %16.2f    %22.2f", consumeDirect, consumeSwift,
                consumeSwift / consumeDirect, consumeRatio))
        print("(target: ratio ≥ 0.80 both directions)")
    }

    /// Messages per second through ``KafkaProducer``: all enqueued, all acknowledged.
    private func swiftProduce(_ outgoing: [OutgoingMessage], configuration: KafkaConfiguration, logger: Logger) async throws -> Double {
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        // Warm up: metadata and producer id, as the direct loop does before its clock starts.
        _ = try await producer.send(outgoing[0])
        // The batch is built before the clock starts, as the direct loop's input is.
        let batch = Array(outgoing.dropFirst())
        let start = ContinuousClock.now
        let results = try await producer.send(batch)
        let elapsed = ContinuousClock.now - start
        await producer.close()
        let failed = results.filter { if case .failure = $0 { true } else { false } }.count
        guard failed == 0 else { throw ValidationError("Swift producer: \(failed) messages failed") }
        return Double(results.count) / elapsed.seconds
    }

    /// Messages per second through ``KafkaConsumer``, first message to last.
    private func swiftConsume(topic: String, count: Int, configuration: KafkaConfiguration, logger: Logger) async throws -> Double {
        let consumer = try KafkaConsumer(
            configuration: configuration.merging(BenchMessages.consumerProperties),
            groupID: "bench-\(UUID().uuidString)", topics: [topic], logger: logger)
        let progress = BenchProgress()
        let reading = Task {
            var received = 0
            var bytes = 0
            var start: ContinuousClock.Instant?
            for try await message in consumer.messages {
                if start == nil { start = .now }
                bytes &+= message.value.count &+ (message.key?.count ?? 0) &+ message.headers.count
                received += 1
                // The stall watch needs no exact count: no lock per message in the timed loop.
                if received & 255 == 0 || received == count { progress.set(received) }
                if received == count { break }
            }
            precondition(bytes > 0)
            return (received, ContinuousClock.now - (start ?? .now))
        }
        // A stalled read (e.g. messages trimmed by the broker) fails instead of hanging.
        var seen = 0
        var lastProgress = ContinuousClock.now
        while !progress.isDone(count) {
            try await Task.sleep(for: .milliseconds(200))
            let now = progress.value
            if now != seen {
                seen = now
                lastProgress = .now
            }
            if ContinuousClock.now - lastProgress > BenchProgress.stallLimit {
                reading.cancel()
                await consumer.close()
                throw ValidationError("Swift consumer stalled after \(seen) of \(count) messages")
            }
        }
        let (received, elapsed) = try await reading.value
        await consumer.close()
        precondition(received == count)
        return Double(count - 1) / elapsed.seconds
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

/// How far a benchmark consumer has read, watched for stalls.
final class BenchProgress: @unchecked Sendable {
    /// No new message for this long fails the run.
    static let stallLimit: Duration = .seconds(30)
    private let lock = NSLock()
    private var received = 0

    var value: Int { lock.withLock { received } }
    func set(_ value: Int) { lock.withLock { received = value } }
    func isDone(_ count: Int) -> Bool { value >= count }
}

struct Throughput {
    var produce: Double
    var consume: Double
}

/// The benchmark's messages: realistic CloudEvents-shaped records with a 500-byte JSON value.
struct BenchMessages {
    static let consumerProperties = [
        "auto.offset.reset": "earliest", "enable.auto.commit": "false",
        "session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
    ]
    let keys: [String]
    let values: [[UInt8]]
    let headers: [[KafkaHeader]]

    init(count: Int) {
        var keys: [String] = []
        var values: [[UInt8]] = []
        var headers: [[KafkaHeader]] = []
        keys.reserveCapacity(count)
        values.reserveCapacity(count)
        headers.reserveCapacity(count)
        for index in 0..<count {
            let person = String(format: "%032x", (index % 50_000) &* 2_654_435_761)
            let id = UUID().uuidString.lowercased()
            var json =
                "{\"referralId\":\"\(id)\",\"from\":\"kommun\",\"to\":\"af\",\"reason\":\"Behöver stöd att komma vidare mot arbete efter lång tid med försörjningsstöd\",\"requestedMeasure\":\"Kartläggning och arbetsträning\",\"answerBy\":\"2026-12-15\",\"note\":\""
            let padding = 500 - json.utf8.count - 2
            json += String(repeating: "x", count: max(0, padding)) + "\"}"
            keys.append(person)
            values.append(Array(json.utf8))
            headers.append([
                KafkaHeader(name: "ce_specversion", string: "1.0"),
                KafkaHeader(name: "ce_id", string: id),
                KafkaHeader(name: "ce_source", string: "/trisam/kommun"),
                KafkaHeader(name: "ce_type", string: "se.trisam.referral.sent.v1"),
                KafkaHeader(name: "ce_time", string: "2026-11-24T10:15:00.000Z"),
                KafkaHeader(name: "ce_subject", string: person),
                KafkaHeader(name: "content-type", string: "application/json"),
            ])
        }
        self.keys = keys
        self.values = values
        self.headers = headers
    }

    var valueSize: Int { values.first?.count ?? 0 }

    func outgoing(topic: String) -> [OutgoingMessage] {
        keys.indices.map { OutgoingMessage(topic: topic, key: keys[$0], value: values[$0], headers: headers[$0]) }
    }
}
