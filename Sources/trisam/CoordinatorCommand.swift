import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamDashboard

/// `trisam coordinator`: consumes every status, inbox and consent topic, keeps one state per
/// person, raises and resolves flags on `trisam.flags`, and serves the coordinators' API.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the coordinator: per-person state, gap rules, flags, API.",
        discussion: """
            Consumer group trisam-coordinator over every status topic, every inbox and \
            trisam.consent. State and consumed offsets live in one SQLite store (one transaction \
            per batch), so a restart resumes exactly where it stopped. API on 127.0.0.1: \
            GET /flags, /flags/counts, /rules, /persons/{clientRef}, /audit, POST /persons/search (bearer \
            token), /metrics, /health. The collaboration secret (TRISAM_CLIENTREF_SECRET or \
            TRISAM_CLIENTREF_SECRET_FILE, as the agencies have it) lets coordinators find a person by \
            personnummer; without it only that search is off. \
            The coordinators' dashboard (Swedish HTML) is served on the same port at /; log in with \
            a coordinator token.
            """
    )

    @OptionGroup var kafka: KafkaOptions

    @Option(help: "HTTP port (0 picks a free one and prints it).")
    var port: Int = 8090

    @Option(help: "Address to listen on (0.0.0.0 inside a container).")
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("Rule thresholds (JSON). Default: the values from DOMAIN.md.", valueName: "file"))
    var rules: String?

    @Option(
        help: ArgumentHelp(
            "API tokens, a JSON list of {token, name, role}. Default: $TRISAM_COORDINATOR_TOKENS (the JSON) or $TRISAM_COORDINATOR_TOKENS_FILE.",
            valueName: "file"))
    var tokensFile: String?

    @Option(help: ArgumentHelp("The SQLite store. Default: <state-dir>/coordinator.sqlite", valueName: "file"))
    var store: String?

    @Option(
        help: ArgumentHelp(
            "`system`, or `fixed:<RFC 3339 time>` for a clock that only POST /admin/clock moves (tests, demos).", valueName: "clock"))
    var clock: String = "system"

    @Option(help: "Person states kept decoded in memory (the rest stay on disk).")
    var cache: Int = 10_000

    @Option(help: "At most this many messages per transaction.")
    var maxBatch: Int = CoordinatorConfiguration.defaultMaxBatch

    @Option(help: "Consumer group (a second, independent coordinator needs its own group and store).")
    var group: String = "trisam-coordinator"

    @Option(
        help: """
            Days each timeline entry is kept in full; older ones are summarised (how many of each kind, \
            no content) once an hour, and events older than that are no longer folded.
            """)
    var timelineRetentionDays: Int = TimelineRetention.defaultDays

    @Option(help: "Seconds between two summarisings of the timeline (the first one this long after start).")
    var pruneIntervalSeconds: Int = 3600

    @Flag(
        help:
            "Without TRISAM_CLIENTREF_SECRET or TRISAM_CLIENTREF_SECRET_FILE, use the public development clientRef secret for searching by personnummer (local demos and tests only)."
    )
    var devSecret = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard CoordinatorClock.parse(clock) != nil else {
            throw ValidationError(
                "--clock must be `system` or `fixed:<RFC 3339 time>` such as fixed:2026-11-24T09:00:00Z, got \"\(clock)\"")
        }
        guard (0...10_000_000).contains(cache) else { throw ValidationError("--cache must be between 0 and 10000000, got \(cache)") }
        guard (1...100_000).contains(maxBatch) else { throw ValidationError("--max-batch must be between 1 and 100000, got \(maxBatch)") }
        guard (30...36_500).contains(timelineRetentionDays) else {
            throw ValidationError("--timeline-retention-days must be between 30 and 36500, got \(timelineRetentionDays)")
        }
        guard pruneIntervalSeconds >= 1 else { throw ValidationError("--prune-interval-seconds must be at least 1") }
    }

    func run() async throws {
        var logger = Logger(label: "trisam.coordinator")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let stateDir = kafka.resolvedStateDir
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        var configuration = CoordinatorConfiguration(
            kafka: try kafka.configuration(),
            databasePath: store ?? (stateDir as NSString).appendingPathComponent("coordinator.sqlite"))
        configuration.port = port
        configuration.host = host
        configuration.clock = CoordinatorClock.parse(clock)!
        configuration.cacheCapacity = cache
        configuration.maxBatch = maxBatch
        configuration.groupID = group
        configuration.retention = TimelineRetention(days: timelineRetentionDays)
        configuration.pruneInterval = .seconds(pruneIntervalSeconds)
        if let rules {
            do { configuration.rules = try RuleConfiguration.load(from: URL(fileURLWithPath: rules)) } catch {
                throw ValidationError("--rules \(rules): \(error)")
            }
        }
        do {
            configuration.tokens = try AccessTokens.load(file: tokensFile, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
        configuration.pseudonymizer = try Self.pseudonymizer(devSecret: devSecret)
        let dashboardLogger = logger
        configuration.extraRoutes = { router, parts in
            try Dashboard(parts: parts, logger: dashboardLogger).mount(on: router)
        }
        let service = CoordinatorService(
            configuration: configuration, logger: logger,
            onServing: { port in
                printLine("trisam coordinator: listening on http://\(host):\(port) (dashboard: http://\(host):\(port)/)")
            })
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        printLine("trisam coordinator: stopped")
    }

    /// The collaboration secret if configured (the public development one with `--dev-secret`),
    /// else nil: searching by personnummer is then off. A malformed secret is refused.
    static func pseudonymizer(devSecret: Bool) throws -> Pseudonymizer? {
        do {
            return try Pseudonymizer.fromEnvironment()
        } catch .missingSecret {
            guard devSecret else { return nil }
            FileHandle.standardError.write(
                Data("warning: --dev-secret: using the PUBLIC development clientRef secret; never use it with real personnummer\n".utf8))
            return Pseudonymizer.development
        } catch {
            throw ValidationError(error.description)
        }
    }
}
