import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TrisamBus
import TrisamContracts
import TrisamCoordinatorCore
import TrisamKafka
import TrisamStore

/// Everything the coordinator needs to run.
public struct CoordinatorConfiguration: Sendable {
    public var kafka: KafkaConfiguration
    /// The SQLite file of the store.
    public var databasePath: String
    public var host = "127.0.0.1"
    public var port = 8090
    public var rules: RuleConfiguration = .defaults
    public var tokens = AccessTokens([])
    public var clock: CoordinatorClock = .system()
    /// Decoded person states kept in memory (the rest stay on disk).
    public var cacheCapacity = 10_000
    /// At most this many messages per transaction. Batches only grow this large when messages
    /// wait (under load); a large one dirties each B-tree page once for many events.
    public var maxBatch = CoordinatorConfiguration.defaultMaxBatch
    /// The default `maxBatch`. In `bench coordinator` (time order), 50,000 took 62–68 µs of CPU
    /// per message against 91–92 µs with 10,000; 100,000 gained nothing more and held more memory.
    public static let defaultMaxBatch = 50_000
    public var groupID = "trisam-coordinator"
    /// How often due time-based rules are re-evaluated on the real clock.
    public var checkInterval: Duration = .seconds(1)
    /// Extra routes mounted on the coordinator's router (the dashboard), given the parts they read.
    /// Keeps this module free of any dependency on what is mounted.
    public var extraRoutes: (@Sendable (Router<CoordinatorRequestContext>, CoordinatorParts) throws -> Void)?

    public init(kafka: KafkaConfiguration, databasePath: String) {
        self.kafka = kafka
        self.databasePath = databasePath
    }

    /// The topics the coordinator reads: every status topic, every inbox, and consent.
    @_spi(Benchmarks) public static var topics: [String] {
        Agency.allCases.map(Topic.status) + Agency.allCases.map(Topic.inbox) + [Topic.consent]
    }
}

/// What routes mounted next to the coordinator's API may use.
public struct CoordinatorParts: Sendable {
    /// The coordinator's store (person states, timeline, flags, audit log).
    public let store: CoordinatorStore
    /// The gap rules in force (their catalogue and thresholds).
    public let rules: GapRules
    /// The coordinator's clock ("now" for ages and due dates).
    public let clock: CoordinatorClock
    /// The coordinators' tokens.
    public let tokens: AccessTokens

    public init(store: CoordinatorStore, rules: GapRules, clock: CoordinatorClock, tokens: AccessTokens) {
        self.store = store
        self.rules = rules
        self.clock = clock
        self.tokens = tokens
    }
}

/// The coordinator process: consumer → batches → engine (one transaction per batch) → flags
/// outbox → publisher; a timer re-evaluating due persons; and the HTTP API. Runs until graceful
/// shutdown (SIGTERM/SIGINT through the caller's ServiceGroup).
public struct CoordinatorService: Service {
    public let configuration: CoordinatorConfiguration
    public let logger: Logger
    /// Called once the HTTP server listens, with its port.
    public var onServing: @Sendable (Int) -> Void

    public init(configuration: CoordinatorConfiguration, logger: Logger = Logger(label: "trisam.coordinator"),
                onServing: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.configuration = configuration
        self.logger = logger
        self.onServing = onServing
    }

    public func run() async throws {
        let configuration = self.configuration
        let logger = self.logger
        // One coordinator per store: a second would publish the flags outbox again and fold on
        // person states it holds in memory while the first changes them on disk.
        let lock = try StoreLock(store: configuration.databasePath, holder: "trisam coordinator")
        defer { withExtendedLifetime(lock) {} }
        let store = try CoordinatorStore(path: configuration.databasePath)
        let metrics = CoordinatorMetrics()
        let rules = GapRules(configuration: configuration.rules)
        let wakeups = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let engine = try CoordinatorEngine(store: store, rules: rules, clock: configuration.clock, metrics: metrics,
                                           cacheCapacity: configuration.cacheCapacity, logger: logger,
                                           outboxChanged: { wakeups.continuation.yield() })
        // Low fetch wait and linger: a flag should follow its event within milliseconds, not
        // after librdkafka's default 500 ms long-poll (the caller's properties still win).
        let latency = KafkaConfiguration(bootstrapServers: configuration.kafka.bootstrapServers,
                                         properties: ["fetch.wait.max.ms": "5", "linger.ms": "1"])
            .merging(configuration.kafka.properties)
        let producer = try KafkaProducer(configuration: latency.removing("fetch.wait.max.ms"), logger: logger)
        let consumer = try KafkaConsumer(
            configuration: latency.removing("linger.ms"), groupID: configuration.groupID, topics: CoordinatorConfiguration.topics,
            startOffsets: { partitions in
                // Resume exactly where the store says (assign-time start positions).
                let stored = (try? store.consumedOffsets()) ?? [:]
                var result: [TopicPartition: Int64] = [:]
                for partition in partitions { result[partition] = stored[partition] ?? 0 }
                return result
            },
            logger: logger)
        let lag = LagMonitor(configuration: configuration.kafka, topics: CoordinatorConfiguration.topics, logger: logger)
        let batcher = MessageBatcher<ReadMessage>(capacity: max(20_000, 2 * configuration.maxBatch), maxBatch: configuration.maxBatch)
        let api = CoordinatorAPI(store: store, engine: engine, rules: rules, clock: configuration.clock,
                                 metrics: metrics, tokens: configuration.tokens)
        let onServing = self.onServing
        let router = api.router()
        try configuration.extraRoutes?(router, CoordinatorParts(store: store, rules: rules, clock: configuration.clock,
                                                            tokens: configuration.tokens))
        api.allowMethods(of: router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "trisam-coordinator"),
            onServerRunning: { channel in onServing(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        if configuration.tokens.entries.isEmpty {
            logger.warning("no API tokens configured (--tokens-file, TRISAM_COORDINATOR_TOKENS): every protected request is refused")
        }
        logger.info("coordinator starting", metadata: ["store": "\(configuration.databasePath)", "port": "\(configuration.port)"])

        try await withThrowingTaskGroup(of: String.self) { group in
            // HTTP server: stops on graceful shutdown by itself.
            group.addTask { try await app.run(); return "http" }
            // Reader: consumer → decode → batcher. Decoding here runs beside the processor.
            group.addTask {
                for try await message in consumer.messages {
                    switch EventConsumer.decode(message) {
                    case .success(let envelope):
                        await batcher.add(.decoded(IncomingEvent(partition: message.topicPartition, offset: message.offset,
                                                                 envelope: envelope)))
                    case .failure(let error):
                        await batcher.add(.undecodable(message, reason: error.description))
                    }
                }
                batcher.finish()
                return "reader"
            }
            // Processor: batch → dead letters → engine.
            group.addTask {
                while true {
                    let items = await batcher.take()
                    if items.isEmpty { break }
                    var incoming: [IncomingEvent] = []
                    incoming.reserveCapacity(items.count)
                    for item in items {
                        switch item {
                        case .decoded(let event):
                            incoming.append(event)
                        case .undecodable(let message, let reason):
                            try await deadLetter(message, reason: reason, producer: producer, logger: logger)
                            incoming.append(IncomingEvent(partition: message.topicPartition, offset: message.offset, envelope: nil))
                        }
                    }
                    try await engine.process(incoming)
                }
                return "processor"
            }
            // Publisher: flags outbox → trisam.flags.
            group.addTask {
                let publisher = FlagPublisher(store: store, producer: producer, logger: logger)
                try await publisher.run(wakeups: wakeups.stream)
                return "publisher"
            }
            // Timer: rules that fire on time.
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: configuration.checkInterval)
                    if Task.isCancelled { break }
                    wakeups.continuation.yield() // retry pending flag events now and then
                    do { try await engine.runDueChecks() } catch {
                        logger.error("due checks failed: \(error)")
                    }
                }
                return "timer"
            }
            // Checkpoints: the write-ahead log moves into the database off the commit path.
            group.addTask {
                try await WALCheckpointer(path: configuration.databasePath, logger: logger).run()
                return "checkpointer"
            }
            // Lag: broker watermarks vs stored offsets.
            group.addTask {
                await lag.run(metrics: metrics, stored: { await engine.storedOffsets })
                return "lag"
            }
            // Shutdown: close the consumer, which ends the reader and then the processor.
            group.addTask {
                try? await gracefulShutdown()
                logger.info("coordinator stopping")
                await consumer.close()
                batcher.finish()
                return "shutdown"
            }
            while let finished = try await group.next() {
                if finished == "processor" {
                    // Everything read is stored; publish what is pending once more, then stop.
                    wakeups.continuation.finish()
                    group.cancelAll()
                }
            }
        }
        await producer.flush(timeout: .seconds(5))
        logger.info("coordinator stopped")
    }
}

/// A consumed message as the reader hands it on: decoded, or with the reason it did not decode.
private enum ReadMessage: Sendable {
    case decoded(IncomingEvent)
    case undecodable(ConsumedMessage, reason: String)
}

private func deadLetter(_ message: ConsumedMessage, reason: String, producer: KafkaProducer, logger: Logger) async throws {
    logger.warning("dead-lettering message", metadata: [
        "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)", "reason": "\(reason)",
    ])
    while true {
        do {
            _ = try await producer.send(DeadLetter.message(for: message, reason: reason, consumer: "coordinator"))
            return
        } catch {
            logger.error("dead letter not delivered, retrying: \(error)")
            try await Task.sleep(for: .seconds(1))
        }
    }
}

extension KafkaConfiguration {
    /// The configuration without one property (producer and consumer properties differ).
    func removing(_ key: String) -> KafkaConfiguration {
        var copy = self
        copy.properties.removeValue(forKey: key)
        return copy
    }
}
