import ArgumentParser
import Foundation
import Logging
import TrisamAgency
import TrisamContracts
import TrisamMail
import TrisamWorkspace

/// `trisam agency --name <agency>`: one agency's service (HTTP API, own store, outbox, inbox).
struct AgencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "Run one agency's service: HTTP API, its own SQLite store, durable outbox to Kafka, inbox consumer.",
        discussion: """
            Store: <state-dir>/<agency>/agency.sqlite. Staff tokens: --tokens-file, $TRISAM_AGENCY_TOKENS_FILE, \
            or $TRISAM_AGENCY_TOKENS (JSON [{"token","agency","name","role"}]). The clientRef secret comes from \
            $TRISAM_CLIENTREF_SECRET or $TRISAM_CLIENTREF_SECRET_FILE, the identity register key from \
            $TRISAM_IDENTITY_KEY or $TRISAM_IDENTITY_KEY_FILE (during a rotation, the old key in \
            $TRISAM_IDENTITY_PREVIOUS_KEY or $TRISAM_IDENTITY_PREVIOUS_KEY_FILE: what it opens is encrypted again \
            under the new one at start), and the agency's private key(s) with the other agencies' \
            public keys from --keys-dir or $TRISAM_KEYS_DIR (trisam keys generate writes a pair). Without any of them \
            the service refuses to start, unless --dev-secret is given (public development secrets and keys: never \
            with real people). \
            Stops gracefully on SIGTERM/SIGINT, flushing the outbox.
            """
    )

    @Option(help: ArgumentHelp("The agency: kommun, af, fk or region.", valueName: "agency"))
    var name: String

    @Option(help: "Port to listen on (default: kommun 8081, af 8082, fk 8083, region 8084; 0 picks a free one).")
    var port: Int?

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(
        help: ArgumentHelp("Staff tokens JSON file. Default: $TRISAM_AGENCY_TOKENS_FILE, else $TRISAM_AGENCY_TOKENS.", valueName: "file"))
    var tokensFile: String?

    @Flag(
        help:
            "Use the public development clientRef secret, identity register key and key pairs for whatever is not configured (local demos and tests only)."
    )
    var devSecret = false

    @Option(
        help: ArgumentHelp(
            "The directory with this agency's private key(s) (<keyId>.key) and the other agencies' public keys (<keyId>.pub). Default: $TRISAM_KEYS_DIR.",
            valueName: "dir"))
    var keysDir: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(
        help: ArgumentHelp(
            "The service's clock: 'system'; 'fixed:<RFC 3339>' for tests; or 'adjustable' for demos and browser tests: the system's time, which POST /admin/clock {\"to\": …} moves forward (today's date, SIP scheduling).",
            valueName: "clock"))
    var clock: String = "system"

    @Option(
        help: ArgumentHelp(
            "SMTP relay of the SIP e-mails: smtp://host:port (STARTTLS required) or smtps://host:port (TLS). Default: $TRISAM_SMTP_URL; without a relay, mail is kept queued. Credentials only from $TRISAM_SMTP_USERNAME and $TRISAM_SMTP_PASSWORD (or $TRISAM_SMTP_PASSWORD_FILE).",
            valueName: "url"))
    var smtpUrl: String?

    @Option(help: ArgumentHelp("Sender address of the e-mails (required with a relay). Default: $TRISAM_MAIL_FROM.", valueName: "address"))
    var mailFrom: String?

    @Option(
        help: ArgumentHelp(
            "Seconds one delivery to the relay may take, 1–600. Default: $TRISAM_SMTP_TIMEOUT, else 30.", valueName: "seconds"))
    var smtpTimeout: Int?

    @Option(
        help: ArgumentHelp(
            "CA certificates (PEM) to check the relay's certificate against instead of the system's. Default: $TRISAM_SMTP_CA_FILE.",
            valueName: "file"))
    var smtpCaFile: String?

    @Flag(help: "Allow smtp:// without STARTTLS, to a relay on this host only (127.0.0.1, ::1, localhost): local MTAs and test relays.")
    var smtpAllowPlain = false

    @Option(
        help: ArgumentHelp(
            "The staff workspace the e-mails link to. Default: $TRISAM_WORKSPACE_URL, else http://<host>:<port>/.", valueName: "url"))
    var workspaceUrl: String?

    @OptionGroup var kafka: KafkaOptions

    func validate() throws {
        guard Agency(rawValue: name) != nil else {
            throw ValidationError("--name must be one of \(Agency.allowedCodes), got \"\(name)\"")
        }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        if clock != "system", clock != "adjustable", !(clock.hasPrefix("fixed:") && Timestamp.parse(String(clock.dropFirst(6))) != nil) {
            throw ValidationError("--clock must be 'system', 'adjustable' or 'fixed:<RFC 3339 date-time>', got \"\(clock)\"")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let agency = Agency(rawValue: name)!
        var logger = Logger(label: "trisam.agency.\(agency.rawValue)")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let pseudonymizer = try Self.pseudonymizer(devSecret: devSecret)
        let tokens: StaffTokens
        do {
            tokens = try StaffTokens.load(file: tokensFile)
        } catch {
            throw error
        }
        if tokens.count(for: agency) == 0 {
            FileHandle.standardError.write(
                Data("warning: no staff token is configured for \(agency.rawValue); every request except /health will be refused\n".utf8))
        }
        let registerKey = try Self.registerKey(devSecret: devSecret)
        let previousRegisterKey: IdentityRegisterKey?
        do {
            previousRegisterKey = try IdentityRegisterKey.previousFromEnvironment()
        } catch {
            throw ConfigurationError(error.description)
        }
        let keyring = try Self.keyring(agency, directory: keysDir, devSecret: devSecret)
        var configuration = AgencyConfiguration(
            agency: agency, host: host, port: port ?? AgencyConfiguration.defaultPort(agency),
            storePath: AgencyConfiguration.storePath(stateDir: kafka.resolvedStateDir, agency: agency),
            kafka: try kafka.configuration(), tokens: tokens, pseudonymizer: pseudonymizer, registerKey: registerKey, keyring: keyring)
        configuration.previousRegisterKey = previousRegisterKey
        configuration.mail = try mailConfiguration(port: configuration.port)
        if let fixed = clock.hasPrefix("fixed:") ? Timestamp.parse(String(clock.dropFirst(6))) : nil {
            configuration.clock = { fixed }
        }
        let adjustable = clock == "adjustable" ? AdjustableClock() : nil
        if let adjustable { configuration.clock = { adjustable.now } }
        configuration.web = { [clock = configuration.clock, logger] router, service, sip in
            adjustable?.mount(on: router, tokens: tokens, agency: agency)
            try Workspace(service: service, sip: sip, tokens: tokens, now: clock, logger: logger).mount(on: router)
        }
        let host = self.host
        let storePath = configuration.storePath
        try await AgencyServer.run(configuration, logger: logger) { port in
            printLine("trisam agency \(agency.rawValue): store \(storePath)")
            printLine("listening on http://\(host):\(port)")
        }
        printLine("trisam agency \(agency.rawValue): stopped")
    }

    /// The relay (from the options, then the environment) and the workspace address of the mails.
    func mailConfiguration(port: Int, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MailConfiguration {
        let relay: SMTPRelay?
        do {
            relay = try SMTPRelay.fromEnvironment(
                url: smtpUrl, from: mailFrom, allowPlain: smtpAllowPlain, timeout: smtpTimeout, caFile: smtpCaFile,
                environment: environment)
        } catch {
            throw ConfigurationError(error.description)
        }
        let workspace = workspaceUrl ?? environment["TRISAM_WORKSPACE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://\(host):\(port)/"
        guard let parts = URLComponents(string: workspace), ["http", "https"].contains(parts.scheme?.lowercased() ?? ""), parts.host != nil
        else {
            throw ConfigurationError("--workspace-url (TRISAM_WORKSPACE_URL) must be an http:// or https:// address, got \"\(workspace)\"")
        }
        return MailConfiguration(relay: relay, workspaceURL: workspace)
    }

    /// The configured identity register key; the public development key only with `--dev-secret`.
    static func registerKey(devSecret: Bool) throws -> IdentityRegisterKey {
        do {
            return try IdentityRegisterKey.fromEnvironment()
        } catch .missing where devSecret {
            FileHandle.standardError.write(
                Data("warning: --dev-secret: using the PUBLIC development identity register key; never use it with real people\n".utf8))
            return .development
        } catch {
            throw ConfigurationError("\(error.description). For a local demo, pass --dev-secret.")
        }
    }

    /// The agency's keys from `--keys-dir` or `$TRISAM_KEYS_DIR`; the public development keys
    /// only with `--dev-secret` and no directory.
    static func keyring(_ agency: Agency, directory: String?, devSecret: Bool) throws -> AgencyKeyring {
        let environment = ProcessInfo.processInfo.environment[AgencyKeyFiles.directoryVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard let directory = directory ?? environment else {
            if devSecret {
                FileHandle.standardError.write(
                    Data("warning: --dev-secret: using the PUBLIC development key pairs; never use them with real people\n".utf8))
                return .development(for: agency)
            }
            throw ConfigurationError(
                "no keys directory: pass --keys-dir or set \(AgencyKeyFiles.directoryVariable) (trisam keys generate --agency \(agency.rawValue) writes a key pair). For a local demo, pass --dev-secret."
            )
        }
        do {
            return try AgencyKeyFiles.load(directory: directory, agency: agency) { warning in
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
        } catch let error as AgencyKeyFilesError {
            throw ConfigurationError(error.description)
        }
    }

    /// The configured clientRef secret; the public development secret only with `--dev-secret`.
    static func pseudonymizer(devSecret: Bool) throws -> Pseudonymizer {
        do {
            return try Pseudonymizer.fromEnvironment()
        } catch .missingSecret where devSecret {
            FileHandle.standardError.write(
                Data("warning: --dev-secret: using the PUBLIC development clientRef secret; never use it with real personnummer\n".utf8))
            return Pseudonymizer.development
        } catch {
            throw ConfigurationError("\(error.description). For a local demo without a secret, pass --dev-secret.")
        }
    }
}
