import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TrisamBus
import TrisamContracts
import TrisamCoordinatorCore
import TrisamHTTP
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
    /// The collaboration secret (as the agencies have it), to turn a personnummer searched for
    /// into its clientRef; nil: searching by number is off, the rest works.
    public var pseudonymizer: Pseudonymizer?
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
    /// How long each timeline entry is kept in full (and duplicates are told exactly).
    public var retention = TimelineRetention()
    /// How often entries beyond the retention window are summarised (the first time one
    /// interval after start).
    public var pruneInterval: Duration = .seconds(3600)
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
    /// The collaboration secret; nil when the coordinator was started without it.
    public let pseudonymizer: Pseudonymizer?
    /// The engine, through which work on flags is recorded (nil: pages are read-only).
    public let engine: CoordinatorEngine?

    public init(
        store: CoordinatorStore, rules: GapRules, clock: CoordinatorClock, tokens: AccessTokens, pseudonymizer: Pseudonymizer? = nil,
        engine: CoordinatorEngine? = nil
    ) {
        self.store = store
        self.rules = rules
        self.clock = clock
        self.tokens = tokens
        self.pseudonymizer = pseudonymizer
        self.engine = engine
    }
}

/// The coordinator process, as one service group of seven services:
///
/// - ``EventReader``: consumer → decode → batcher;
/// - ``BatchProcessor``: batch → dead letters → engine (one transaction per batch);
/// - ``FlagPublisher``: flags outbox → `trisam.flags`;
/// - ``DueCheckTimer``: re-evaluates people whose time-based rules are due;
/// - ``LagMonitor``: broker watermarks against the stored offsets;
/// - ``WALCheckpointer``: moves the write-ahead log into the database off the commit path;
/// - the HTTP server (API, metrics, mounted routes).
///
/// Runs until graceful shutdown (SIGTERM/SIGINT through the caller's service group), which
/// reaches the services in this order: the reader stops (consumer closed), the processor stores
/// everything read, the timer stops, the publisher publishes what is pending once more, then the
/// HTTP server, the lag monitor and the checkpointer stop.
public struct CoordinatorService: Service {
    public let configuration: CoordinatorConfiguration
    public let logger: Logger
    /// Called once the HTTP server listens, with its port.
    public var onServing: @Sendable (Int) -> Void

    public init(
        configuration: CoordinatorConfiguration, logger: Logger = Logger(label: "trisam.coordinator"),
        onServing: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
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
        try await Self.checkPartitionLayout(configuration.kafka, logger: logger)
        let store = try CoordinatorStore(path: configuration.databasePath)
        let metrics = CoordinatorMetrics()
        let rules = GapRules(configuration: configuration.rules)
        let wakeups = OutboxWakeups()
        let engine = try CoordinatorEngine(
            store: store, rules: rules, clock: configuration.clock, metrics: metrics,
            cacheCapacity: configuration.cacheCapacity, logger: logger,
            outboxChanged: { wakeups.signal() })
        // Low fetch wait and linger: a flag should follow its event within milliseconds, not
        // after librdkafka's default 500 ms long-poll (the caller's properties still win).
        let latency = KafkaConfiguration(
            bootstrapServers: configuration.kafka.bootstrapServers,
            properties: ["fetch.wait.max.ms": "5", "linger.ms": "1"]
        )
        .merging(configuration.kafka.properties)
        let producer = try KafkaProducer(configuration: latency.removing("fetch.wait.max.ms"), logger: logger)
        let consumer = try KafkaConsumer(
            configuration: latency.removing("linger.ms"), groupID: configuration.groupID, topics: CoordinatorConfiguration.topics,
            startOffsets: { partitions, log in
                // Resume exactly where the store says (assign-time start positions), if the
                // stored offsets are positions in this log; a new log is read from its start.
                let storedLog = try? store.logIdentity()
                let stored = log != nil && storedLog != nil && log != storedLog ? [:] : (try? store.consumedOffsets()) ?? [:]
                var result: [TopicPartition: Int64] = [:]
                for partition in partitions { result[partition] = stored[partition] ?? 0 }
                return result
            },
            followsLog: true,
            logger: logger)
        let batcher = MessageBatcher<ReadMessage>(capacity: max(20_000, 2 * configuration.maxBatch), maxBatch: configuration.maxBatch)
        let app = try httpServer(store: store, engine: engine, rules: rules, metrics: metrics)
        if configuration.pseudonymizer == nil {
            logger.warning(
                "no collaboration secret (TRISAM_CLIENTREF_SECRET, TRISAM_CLIENTREF_SECRET_FILE): searching by personnummer is off; searching by reference works"
            )
        }
        if configuration.tokens.entries.isEmpty {
            logger.warning("no API tokens configured (--tokens-file, TRISAM_COORDINATOR_TOKENS): every protected request is refused")
        }
        logger.info("coordinator starting", metadata: ["store": "\(configuration.databasePath)", "port": "\(configuration.port)"])

        // A service group shuts its services down in reverse order, each once the one after it
        // has returned.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: WALCheckpointer(path: configuration.databasePath, logger: logger)),
                    .init(
                        service: LagMonitor(
                            watermarks: try KafkaWatermarks(configuration: configuration.kafka, logger: logger),
                            topics: CoordinatorConfiguration.topics, metrics: metrics,
                            stored: { await engine.storedOffsets })),
                    .init(service: app),
                    .init(service: FlagPublisher(store: store, producer: producer, wakeups: wakeups, logger: logger)),
                    .init(service: DueCheckTimer(engine: engine, interval: configuration.checkInterval, wakeups: wakeups, logger: logger)),
                    .init(
                        service: TimelinePruner(
                            store: store, retention: configuration.retention, clock: configuration.clock,
                            interval: configuration.pruneInterval, logger: logger)),
                    .init(service: BatchProcessor(batcher: batcher, engine: engine, producer: producer, logger: logger)),
                    // Should the consumer's sequence end by itself, the rest shuts down in order too.
                    .init(
                        service: EventReader(consumer: consumer, batcher: batcher, logger: logger),
                        successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [],
                logger: logger))
        try await group.run()
        await producer.flush(timeout: .seconds(5))
        logger.info("coordinator stopped")
    }

    /// Refuses to start on topics whose partition counts differ (``PartitionLayout``). A cluster
    /// that does not answer within 10 s is not judged: the coordinator starts and waits for it.
    private static func checkPartitionLayout(_ kafka: KafkaConfiguration, logger: Logger) async throws {
        let counts: [String: Int]
        do {
            counts = try await KafkaAdmin.describeTopics(configuration: kafka, timeout: .seconds(10), logger: logger)
        } catch {
            logger.warning("could not check the topics' partition counts: \(error.message)")
            return
        }
        if let refusal = PartitionLayout.refusal(counts: counts) { throw CoordinatorStartError(refusal) }
    }

    /// The HTTP server: the coordinator's API and the routes mounted beside it.
    private func httpServer(
        store: CoordinatorStore, engine: CoordinatorEngine, rules: GapRules,
        metrics: CoordinatorMetrics
    ) throws -> some Service {
        let configuration = self.configuration
        let onServing = self.onServing
        let api = CoordinatorAPI(
            store: store, engine: engine, rules: rules, clock: configuration.clock,
            metrics: metrics, tokens: configuration.tokens, pseudonymizer: configuration.pseudonymizer)
        let router = api.router()
        try configuration.extraRoutes?(
            router,
            CoordinatorParts(
                store: store, rules: rules, clock: configuration.clock,
                tokens: configuration.tokens, pseudonymizer: configuration.pseudonymizer, engine: engine))
        api.allowMethods(of: router)
        return Application(
            router: router,
            server: TrisamHTTPServer.http1(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "trisam-coordinator"),
            onServerRunning: { channel in onServing(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
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

/// Why the coordinator cannot start, in words for an operator.
public struct CoordinatorStartError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
