import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TrisamAgency
import TrisamContracts
import TrisamKafka
import TrisamProcess
import TrisamSimulator

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `trisam dev`: the whole system on one machine. Hosts the embedded broker in this process and
/// starts the four agency services and the coordinator as child processes of the same executable,
/// with development tokens and a development clientRef secret kept in the state folder.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run the whole system on this machine: embedded broker, four agency services, coordinator.",
        discussion: """
            Ports: the coordinator (with the coordinators' dashboard at /) on --base-port, kommun, \
            af, fk and region on the next four. \
            Stores, logs, tokens and the development clientRef secret live in --state-dir. \
            Ctrl-C (or SIGTERM) stops every process cleanly. Not for production: the tokens are \
            printed and the secret is generated locally.
            """
    )

    @Option(help: ArgumentHelp("Folder for stores, logs, tokens and the development secret.", valueName: "dir"))
    var stateDir: String = ".trisam/dev"

    @Option(help: "Port of the coordinator; the agency services take the next four (kommun, af, fk, region).")
    var basePort: Int = 8080

    @Option(help: "Partitions per Trisam topic on the embedded broker.")
    var partitions: Int = 12

    @Option(help: "First port of the embedded broker (its three brokers listen on it and the next two).")
    var brokerPort: Int = EmbeddedBroker.defaultDevPort

    @Flag(help: "Delete the stores of an earlier run first (the embedded broker always starts empty).")
    var fresh = false

    @Flag(inversion: .prefixedNo, help: "Fill the system with the simulated population of `trisam simulate` once it is up.")
    var demoData = true

    @Option(help: "Seed of the demo population.")
    var seed: UInt64 = 2019

    @Flag(help: "Start the coordinator on a fixed clock that `trisam simulate --advance-days` moves (time-based flags without waiting).")
    var controllableClock = false

    @Option(
        help: ArgumentHelp(
            "After the demo data, move the coordinator's clock this many days ahead (implies --controllable-clock), so that time-based flags (unanswered referrals and SIP invitations, SIPs not held within 30 days, overdue plan actions and follow-ups) show on the dashboard; 0 keeps the coordinator on the real clock.",
            valueName: "days"))
    var advanceDays: Int = 31

    /// Days the coordinator's clock is moved ahead after the demo data (0: real clock).
    private var effectiveAdvance: Int { demoData ? advanceDays : 0 }

    func validate() throws {
        guard (1024...65530).contains(basePort) else {
            throw ValidationError("--base-port must be between 1024 and 65530, got \(basePort)")
        }
        guard (1...256).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 256, got \(partitions)") }
        guard (1024...65530).contains(brokerPort) else {
            throw ValidationError("--broker-port must be between 1024 and 65530, got \(brokerPort)")
        }
        guard !(basePort...basePort + 4).overlaps(brokerPort...brokerPort + 2) else {
            throw ValidationError("--broker-port \(brokerPort) overlaps the services' ports \(basePort)–\(basePort + 4)")
        }
        guard (0...3650).contains(advanceDays) else {
            throw ValidationError("--advance-days must be between 0 and 3650, got \(advanceDays)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "trisam.dev")
        logger.logLevel = .info
        let folder = URL(fileURLWithPath: stateDir, isDirectory: true)
        if fresh { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)

        let (cluster, _) = try await EmbeddedBroker.start(brokers: 3, partitions: partitions, firstPort: brokerPort, logger: logger)
        try BootstrapFile.write(cluster.bootstrapServers, stateDir: stateDir)
        printLine("trisam dev: embedded broker at \(cluster.bootstrapServers)")

        let secret = try DevSecrets.clientRefSecret(in: folder)
        let identityKeyFile = try DevSecrets.identityRegisterKeyFile(in: folder)
        let keys = try AgencyKeyFiles.generateCollaboration(in: folder.appendingPathComponent("keys").path)
        let tokens = DevSecrets.tokens
        let roles = DevRole.all(
            basePort: basePort, coordinatorClock: controllableClock || effectiveAdvance > 0 ? "fixed:\(Timestamp.format(Date()))" : nil,
            keysDirs: keys)
        var environment = ProcessInfo.processInfo.environment
        environment["TRISAM_CLIENTREF_SECRET"] = secret
        environment["TRISAM_BOOTSTRAP"] = cluster.bootstrapServers
        environment["TRISAM_AGENCY_TOKENS"] = tokens.agencyJSON
        environment["TRISAM_COORDINATOR_TOKENS"] = tokens.coordinatorJSON
        environment.removeValue(forKey: "TRISAM_CLIENTREF_SECRET_FILE")
        environment[IdentityRegisterKey.keyFileVariable] = identityKeyFile.path
        environment.removeValue(forKey: IdentityRegisterKey.keyVariable)
        environment.removeValue(forKey: AgencyKeyFiles.directoryVariable)

        let executable = try Self.ownExecutable()
        var children: [DevChild] = []
        do {
            for role in roles {
                children.append(
                    try DevChild(
                        role: role, executable: executable, stateDir: stateDir,
                        environment: environment, logFolder: folder.appendingPathComponent("logs")))
            }
        } catch {
            for child in children { await child.stop() }
            cluster.shutdown()
            throw error
        }

        // Start-up (waiting for the roles, the demo data, the clock) runs inside the supervisor,
        // so that Ctrl-C at any moment from here on stops every child cleanly.
        let (started, basePort, demoData, advance) = (children, self.basePort, self.demoData, effectiveAdvance)
        let (seed, logs) = (self.seed, folder.appendingPathComponent("logs").path)
        let service = DevSupervisor(children: children, cluster: cluster, stateDir: stateDir, logger: logger) { stop in
            for child in started { try await child.waitUntilServing(stop: stop) }
            if stop.isSet { return }
            Self.printWelcome(children: started, basePort: basePort, tokens: tokens, logs: logs, advance: advance)
            if demoData {
                try await Self.fillWithDemoData(basePort: basePort, seed: seed, tokens: tokens, stop: stop)
            }
            if stop.isSet { return }
            if advance > 0 {
                try await Self.advanceCoordinatorClock(basePort: basePort, days: advance, token: tokens.coordinatorToken)
            }
            printLine("trisam dev: ready")
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        printLine("trisam dev: stopped")
    }

    /// The URLs and demo logins.
    static func printWelcome(children: [DevChild], basePort: Int, tokens: DevSecrets.Tokens, logs: String, advance: Int) {
        printLine("")
        printLine("Trisam körs / is running:")
        for child in children {
            printLine("  \(child.role.title.padding(toLength: 26, withPad: " ", startingAt: 0)) http://127.0.0.1:\(child.role.port)")
        }
        printLine("")
        printLine("Dashboard för samordnare / coordinators' dashboard:")
        printLine("  http://127.0.0.1:\(basePort)/   logga in med / log in with: \(tokens.coordinatorToken)")
        printLine("")
        printLine("Arbetsytor för verksamheternas personal / agency staff workspaces:")
        for (index, agency) in Agency.allCases.enumerated() {
            guard let entry = tokens.entries.first(where: { $0.scope == agency.rawValue }) else { continue }
            printLine(
                "  \(agency.displayName.padding(toLength: 20, withPad: " ", startingAt: 0)) http://127.0.0.1:\(basePort + index + 1)/   "
                    + "logga in med / log in with: \(entry.token) (\(entry.name), \(entry.role))")
        }
        printLine("")
        printLine("Demo logins (Authorization: Bearer <token>):")
        for entry in tokens.entries {
            printLine("  \(entry.scope.padding(toLength: 12, withPad: " ", startingAt: 0)) \(entry.token)  (\(entry.name), \(entry.role))")
        }
        printLine("")
        if advance > 0 {
            printLine(
                "The coordinator's clock runs \(advance) days ahead once the demo data is in (time-based flags); --advance-days 0 keeps the real clock."
            )
        }
        printLine("Logs: \(logs)   Stop: Ctrl-C")
    }

    /// Runs the simulator against the agency services, as `trisam simulate` would.
    static func fillWithDemoData(basePort: Int, seed: UInt64, tokens: DevSecrets.Tokens, stop: StopFlag) async throws {
        var endpoints: [Agency: AgencyEndpoint] = [:]
        for (index, agency) in Agency.allCases.enumerated() {
            let token = tokens.entries.first { $0.scope == agency.rawValue }!.token
            endpoints[agency] = AgencyEndpoint(baseURL: URL(string: "http://127.0.0.1:\(basePort + 1 + index)")!, token: token)
        }
        let population = PopulationGenerator(seed: seed, size: 286, today: SimulateCommand.stockholmToday()).generate()
        printLine("")
        printLine("Demo data: \(population.count) simulated people (seed \(seed)) through the agency services…")
        let report = await SimulationDriver(endpoints: endpoints).run(population, shouldStop: { stop.isSet })
        printLine(
            String(
                format: "Demo data: %d people, %d requests in %.1f s%@", report.people, report.requests, report.seconds,
                report.failures.isEmpty ? "" : ", \(report.failures.count) refused (see `trisam simulate` for details)"))
    }

    /// Moves the coordinator's fixed clock `days` ahead of now and reports the flags that raised.
    static func advanceCoordinatorClock(basePort: Int, days: Int, token: String) async throws {
        let target = Date().addingTimeInterval(Double(days) * 86_400)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(basePort)/admin/clock")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("{\"now\":\"\(Timestamp.format(target))\"}".utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let text = String(decoding: data, as: UTF8.self)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ValidationError("the coordinator refused to move its clock: \(text)")
        }
        printLine("Demo: the coordinator's clock moved \(days) days ahead: \(text)")
    }

    /// This process's own executable, to start the other roles from.
    static func ownExecutable() throws -> URL {
        do { return try ChildProcess.currentExecutable() } catch {
            throw ValidationError("cannot find the trisam executable to start the other roles")
        }
    }
}

/// One role `trisam dev` starts.
struct DevRole: Sendable {
    /// Arguments after the executable.
    let arguments: [String]
    /// Its HTTP port.
    let port: Int
    /// Name for the log file.
    let name: String
    /// What it is, for the summary.
    let title: String

    static func all(basePort: Int, coordinatorClock: String? = nil, keysDirs: [Agency: String] = [:]) -> [DevRole] {
        let clock = coordinatorClock.map { ["--clock", $0] } ?? []
        var roles = [
            DevRole(
                arguments: ["coordinator", "--port", String(basePort)] + clock, port: basePort,
                name: "coordinator", title: "Samordnare (coordinator)")
        ]
        for (index, agency) in Agency.allCases.enumerated() {
            let port = basePort + 1 + index
            roles.append(
                DevRole(
                    // The system's time, which a browser test may move forward (POST /admin/clock).
                    arguments: ["agency", "--name", agency.rawValue, "--port", String(port), "--clock", "adjustable"]
                        + (keysDirs[agency].map { ["--keys-dir", $0] } ?? []), port: port,
                    name: agency.rawValue, title: agency.displayName))
        }
        return roles
    }
}

/// A role running as a child process, its output in a log file.
final class DevChild: Sendable {
    let role: DevRole
    let child: ChildProcess
    let logFile: URL

    init(role: DevRole, executable: URL, stateDir: String, environment: [String: String], logFolder: URL) throws {
        self.role = role
        logFile = logFolder.appendingPathComponent("\(role.name).log")
        do {
            child = try ChildProcess(
                executable, role.arguments + ["--state-dir", stateDir], environment: environment,
                inheritEnvironment: false, standardOutput: .file(logFile), standardError: .file(logFile))
        } catch let error as ChildProcessError {
            throw ValidationError(error.description)
        }
    }

    /// Whether the role has not exited.
    var isRunning: Bool { child.isRunning }

    /// Waits until the role answers `GET /health`, or fails naming its log.
    func waitUntilServing(limit: Duration = .seconds(60), stop: StopFlag) async throws {
        let url = URL(string: "http://127.0.0.1:\(role.port)/health")!
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, !stop.isSet {
            guard child.isRunning else {
                throw ValidationError("\(role.name) stopped during start-up (exit \(child.terminationStatus)); see \(logFile.path)")
            }
            if let (_, response) = try? await URLSession.shared.data(from: url),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        if stop.isSet { return }
        throw ValidationError("\(role.name) did not answer on port \(role.port) within \(limit); see \(logFile.path)")
    }

    /// SIGTERM, then SIGKILL after 20 s.
    func stop() async {
        await child.terminate(grace: .seconds(20))
    }
}

/// Keeps the children and the embedded broker up until graceful shutdown or until a child dies,
/// then stops the children first (so they flush their outboxes) and the broker last.
struct DevSupervisor: Service {
    let children: [DevChild]
    let cluster: EmbeddedKafkaCluster
    let stateDir: String
    let logger: Logger
    /// Runs once at the start (waiting for the roles, demo data); a failure stops everything.
    /// It is told to stop through the flag, not by cancellation (see ``SimulationDriver/run``).
    var startup: @Sendable (StopFlag) async throws -> Void = { _ in }

    func run() async throws {
        let stop = StopFlag()
        let starting = Task { () -> (any Error)? in
            do { try await startup(stop) } catch { return error }
            return nil
        }
        let failure = await withTaskGroup(of: (any Error)?.self) { group -> (any Error)? in
            group.addTask {
                try? await gracefulShutdown()
                return nil
            }
            group.addTask {
                if let error = await starting.value { return error }
                try? await gracefulShutdown() // started: keep running until asked to stop
                return nil
            }
            group.addTask {
                while !Task.isCancelled {
                    if let dead = children.first(where: { !$0.isRunning }) {
                        return ValidationError(
                            "\(dead.role.name) stopped unexpectedly (exit \(dead.child.terminationStatus)); see \(dead.logFile.path)")
                    }
                    try? await Task.sleep(for: .milliseconds(500))
                }
                return nil
            }
            let first = await group.next() ?? nil
            stop.set()
            group.cancelAll()
            return first
        }
        printLine("trisam dev: stopping…")
        await withTaskGroup(of: Void.self) { group in
            for child in children { group.addTask { await child.stop() } }
        }
        BootstrapFile.remove(ifNaming: cluster.bootstrapServers, stateDir: stateDir)
        cluster.shutdown()
        if let failure { throw failure }
    }
}

/// Tells start-up work to stop, without cancelling the task (and its requests in flight).
final class StopFlag: Sendable {
    private let flag = Mutex(false)

    /// True once ``set()`` was called.
    var isSet: Bool { flag.withLock { $0 } }

    func set() { flag.withLock { $0 = true } }
}

/// Development credentials: fixed demo tokens and a locally generated clientRef secret.
enum DevSecrets {
    struct Entry {
        let token: String
        /// An agency code, or `coordinator`.
        let scope: String
        let name: String
        let role: String
    }

    struct Tokens {
        let entries: [Entry]

        /// The demo coordinator's token.
        var coordinatorToken: String { entries.first { $0.scope == "coordinator" }!.token }

        /// `TRISAM_AGENCY_TOKENS`: every agency's staff token.
        var agencyJSON: String {
            json(
                entries.filter { $0.scope != "coordinator" }.map {
                    ["token": $0.token, "agency": $0.scope, "name": $0.name, "role": $0.role]
                })
        }

        /// `TRISAM_COORDINATOR_TOKENS`: the coordinators' tokens.
        var coordinatorJSON: String {
            json(
                entries.filter { $0.scope == "coordinator" }.map {
                    ["token": $0.token, "name": $0.name, "role": $0.role]
                })
        }

        private func json(_ objects: [[String: String]]) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])) ?? Data("[]".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }

    static let tokens = Tokens(entries: [
        Entry(token: "trisam-demo-token-samordnare", scope: "coordinator", name: "Sara Samordnare", role: "samordnare"),
        Entry(token: "trisam-demo-token-kommun", scope: "kommun", name: "Karin Lind", role: "försörjningsstödshandläggare"),
        Entry(token: "trisam-demo-token-af", scope: "af", name: "Ali Hassan", role: "arbetsförmedlare"),
        Entry(token: "trisam-demo-token-fk", scope: "fk", name: "Frida Ek", role: "handläggare"),
        Entry(token: "trisam-demo-token-region", scope: "region", name: "Rolf Berg", role: "rehabkoordinator"),
    ])

    /// The development identity register key in `<folder>/identity-key` (hex, mode 0600),
    /// created on first use.
    static func identityRegisterKeyFile(in folder: URL) throws -> URL {
        let file = folder.appendingPathComponent("identity-key")
        if (try? IdentityRegisterKey.fromEnvironment([IdentityRegisterKey.keyFileVariable: file.path])) != nil { return file }
        _ = FileManager.default.createFile(
            atPath: file.path, contents: Data((IdentityRegisterKey.random().hex + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return file
    }

    /// The development clientRef secret in `<folder>/clientref-secret` (hex), created on first use.
    static func clientRefSecret(in folder: URL) throws -> String {
        let file = folder.appendingPathComponent("clientref-secret")
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !secret.isEmpty { return secret }
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        _ = FileManager.default.createFile(
            atPath: file.path, contents: Data((secret + "\n").utf8),
            attributes: [.posixPermissions: 0o600])
        return secret
    }
}
