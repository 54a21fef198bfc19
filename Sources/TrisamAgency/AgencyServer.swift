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
    /// During a rotation, the key the register was encrypted with before: what opens only with
    /// it is encrypted again under ``registerKey`` at start.
    public var previousRegisterKey: IdentityRegisterKey?
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
        try await prepareRegisterKey(configuration, store: store, logger: logger)
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

    /// Checks that the register key opens the register and finishes a key rotation (see
    /// ``IdentityRegister/prepareKey(_:key:previous:)``), audited and logged by count only.
    static func prepareRegisterKey(_ configuration: AgencyConfiguration, store: AgencyStore, logger: Logger) async throws {
        let (key, previous) = (configuration.registerKey, configuration.previousRegisterKey)
        let system = AgencyService.system(configuration.agency)
        let check = try await store.pool.write { db in
            let check = try IdentityRegister.prepareKey(db, key: key, previous: previous)
            if check.reencrypted > 0 {
                try AgencyStore.audit(
                    db, system, "identity.rekey", clientRef: nil,
                    detail: "\(check.reencrypted) identities encrypted again under the current register key")
            }
            return check
        }
        if previous != nil {
            logger.notice(
                "identity register key rotation",
                metadata: [
                    "checked": "\(check.checked)", "reencrypted": "\(check.reencrypted)", "unreadable": "\(check.unreadable)",
                    "next":
                        "done: what the previous key opened is now under the current key; remove the previous key from the configuration",
                ])
        } else if check.unreadable > 0 {
            logger.warning(
                "identities in the register that the register key does not open: they are treated as absent",
                metadata: ["unreadable": "\(check.unreadable)", "checked": "\(check.checked)"])
        }
    }
}
