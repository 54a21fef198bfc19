import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TrisamContracts
import TrisamHTTP
import TrisamKafka
import TrisamStore

/// Everything one agency service needs to start.
public struct AgencyConfiguration: Sendable {
    public var agency: Agency
    public var host: String
    public var port: Int
    /// The SQLite file (`<state-dir>/<agency>/agency.sqlite`).
    public var storePath: String
    public var kafka: KafkaConfiguration
    public var tokens: StaffTokens
    public var pseudonymizer: Pseudonymizer
    /// Encrypts the identity register at rest.
    public var registerKey: IdentityRegisterKey
    /// The agency's private keys and the other agencies' public keys.
    public var keyring: AgencyKeyring
    /// The service's clock (today's date and "now" for SIP scheduling); fixed in tests.
    public var clock: @Sendable () -> Date = { Date() }
    /// How often the caller's service looks for SIP invitations unanswered past their answer
    /// date and writes the reminder into its inbox (``SipReminders``).
    public var reminderInterval: Duration = .seconds(60)
    /// The SMTP relay and the workspace address of the SIP mails (no relay: mail stays queued).
    public var mail = MailConfiguration()
    /// Mounts more routes on the service's router (the staff workspace, TrisamWorkspace), given
    /// the service's operations.
    public var web: (@Sendable (Router<AgencyRoutes.Context>, AgencyService, SipService) throws -> Void)?

    public init(
        agency: Agency, host: String = "127.0.0.1", port: Int, storePath: String, kafka: KafkaConfiguration,
        tokens: StaffTokens, pseudonymizer: Pseudonymizer, registerKey: IdentityRegisterKey, keyring: AgencyKeyring
    ) {
        self.registerKey = registerKey
        self.keyring = keyring
        self.agency = agency
        self.host = host
        self.port = port
        self.storePath = storePath
        self.kafka = kafka
        self.tokens = tokens
        self.pseudonymizer = pseudonymizer
    }

    /// The default port of each agency's service.
    public static func defaultPort(_ agency: Agency) -> Int {
        switch agency {
        case .kommun: 8081
        case .af: 8082
        case .fk: 8083
        case .region: 8084
        }
    }

    /// Where an agency's store lives under the state folder.
    public static func storePath(stateDir: String, agency: Agency) -> String {
        ((stateDir as NSString).appendingPathComponent(agency.rawValue) as NSString).appendingPathComponent("agency.sqlite")
    }
}

/// Runs one agency's service: HTTP API, outbox publisher and inbox consumer in one service
/// group that stops gracefully on SIGTERM/SIGINT (the HTTP server first, then the consumer,
/// then the publisher, which flushes the outbox).
public enum AgencyServer {
    /// Starts and runs until shutdown. `onServing` is called with the bound port. In-process
    /// callers (benchmarks) may pass `handleSignals: false` and cancel the task instead.
    public static func run(
        _ configuration: AgencyConfiguration, logger: Logger,
        handleSignals: Bool = true,
        onServing: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws {
        // One process per store: a second would publish the same outbox entries again.
        let lock = try StoreLock(store: configuration.storePath, holder: "trisam agency (\(configuration.agency.rawValue))")
        defer { withExtendedLifetime(lock) {} }
        let store = try AgencyStore(path: configuration.storePath, agency: configuration.agency)
        let signal = OutboxSignal()
        let service = AgencyService(
            agency: configuration.agency, store: store, pseudonymizer: configuration.pseudonymizer,
            signal: signal, logger: logger, today: { [clock = configuration.clock] in DateRules.swedishToday(clock()) },
            registerKey: configuration.registerKey, keyring: configuration.keyring, mail: configuration.mail)
        let producer = try KafkaProducer(configuration: configuration.kafka, logger: logger)
        // Both consumers resume where the store says (``ConsumerPositions``), in the log it says.
        let consumer = try KafkaConsumer(
            configuration: configuration.kafka, groupID: InboxConsumerService.groupID(configuration.agency),
            topics: [Topic.inbox(configuration.agency), Topic.consent],
            startOffsets: { [service] partitions, log in service.startOffsets(partitions, log: log) }, followsLog: true,
            logger: logger)
        // The coordinator's flags in a group of their own: what is addressed to the agency never
        // waits behind them, nor on their rebalances.
        let flagsConsumer = try KafkaConsumer(
            configuration: configuration.kafka, groupID: InboxConsumerService.flagsGroupID(configuration.agency),
            topics: [Topic.flags], startOffsets: { [service] partitions, log in service.startOffsets(partitions, log: log) },
            followsLog: true, logger: logger)
        let publisher = OutboxPublisher(store: store, producer: producer, signal: signal, logger: logger)
        let inbox = InboxConsumerService(service: service, consumers: [consumer, flagsConsumer], deadLetters: producer, logger: logger)
        let router = AgencyRoutes.router(service: service, tokens: configuration.tokens, sipClock: configuration.clock)
        try configuration.web?(router, service, SipService(base: service, now: configuration.clock))
        let reminders = SipReminderService(
            sip: SipService(base: service, now: configuration.clock),
            interval: configuration.reminderInterval, logger: logger)
        let mailSender = MailOutboxSender(store: store, configuration: configuration.mail, logger: logger)
        let app = Application(
            router: router,
            server: TrisamHTTPServer.http1(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "trisam-\(configuration.agency.rawValue)"),
            onServerRunning: { channel in onServing(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        // Graceful shutdown runs in reverse order: the HTTP server stops taking requests, the
        // consumer leaves its group, the publisher flushes the outbox, and a last checkpoint
        // leaves a short write-ahead log.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: WALCheckpointer(path: configuration.storePath, logger: logger)),
                    .init(service: publisher), .init(service: mailSender), .init(service: inbox), .init(service: reminders),
                    .init(service: app),
                ],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        try await group.run()
    }
}
