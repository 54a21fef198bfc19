import Foundation
import GRDB
import Logging
import Synchronization
import Testing
import TrisamContracts
import TrisamKafka
import TrisamTestSupport

/// The failure-path and contract checks of the agency service. They start real processes, so
/// they run one at a time (`.serialized` applies to the nested suites).
@Suite("Agency checks: contract, outage, kill -9, bad input", .serialized)
enum AgencyChecks {}

/// Plumbing of the failure-path and contract checks (outage, kill -9, bad input, OpenAPI):
/// real `trisam agency` processes on an in-process embedded broker. Everything lives in this
/// namespace so it cannot clash with other test files of the target.
enum Checks {
    static let repository = repositoryRoot()

    /// The clientRef secret the test processes use (64 hex characters).
    static let clientRefSecret = String(repeating: "5e", count: 32)

    // MARK: Staff tokens

    /// One token per agency and a second kommun token with another name.
    static let tokens: [Agency: String] = Dictionary(
        uniqueKeysWithValues: Agency.allCases.map {
            ($0, "checks-\($0.rawValue)-\(UUID().uuidString.lowercased())")
        })

    static func writeTokensFile(in directory: URL) throws -> URL {
        let entries = Agency.allCases.map { agency -> [String: String] in
            ["token": tokens[agency]!, "agency": agency.rawValue, "name": "Test \(agency.rawValue)", "role": "handlaggare"]
        }
        let url = directory.appendingPathComponent("tokens.json")
        try JSONSerialization.data(withJSONObject: entries).write(to: url)
        return url
    }

    // MARK: Brokers

    /// An embedded cluster with every Trisam topic (few partitions: quick group joins).
    static func cluster(brokers: Int = 3, partitions: Int = 3) throws -> EmbeddedKafkaCluster {
        let cluster = try EmbeddedKafkaCluster(brokers: brokers, logger: testLogger("cluster"))
        for topic in Topic.all {
            try cluster.createTopic(topic, partitions: partitions, replicationFactor: min(3, brokers))
        }
        return cluster
    }

    // MARK: Agency processes

    /// One `trisam agency` process; ``restart()`` starts a new process on the same store.
    final class AgencyProcess: @unchecked Sendable {
        let agency: Agency
        let directory: URL
        let bootstrap: String
        let extraArguments: [String]
        /// Environment variables that override the test's own (the register key in a rotation);
        /// taken by the next ``restart()``.
        var environment: [String: String]
        private(set) var process: ChildProcess
        private(set) var port: Int
        /// Everything earlier processes printed (for failure messages).
        private(set) var previousOutput = ""

        var stateDir: URL { directory.appendingPathComponent("state") }
        var storePath: String { stateDir.appendingPathComponent("\(agency.rawValue)/agency.sqlite").path }
        var output: String { previousOutput + process.output }

        init(
            _ agency: Agency, bootstrap: String, directory: URL, extraArguments: [String] = [], environment: [String: String] = [:]
        ) async throws {
            self.agency = agency
            self.directory = directory
            self.bootstrap = bootstrap
            self.extraArguments = extraArguments
            self.environment = environment
            (process, port) = try await Self.launch(
                agency, bootstrap: bootstrap, directory: directory, extraArguments: extraArguments, environment: environment)
        }

        /// Starts `trisam agency` and waits until it serves; throws with its output if it exits.
        static func launch(
            _ agency: Agency, bootstrap: String, directory: URL,
            extraArguments: [String], environment: [String: String] = [:]
        ) async throws -> (ChildProcess, Int) {
            let tokens = try Checks.writeTokensFile(in: directory)
            let process = try ChildProcess(
                try trisamExecutable(),
                [
                    "agency", "--name", agency.rawValue, "--port", "0", "--host", "127.0.0.1",
                    "--tokens-file", tokens.path, "--bootstrap", bootstrap, "--state-dir", "state",
                ] + (extraArguments.contains("--log-level") ? [] : ["--log-level", "warning"]) + extraArguments, directory: directory,
                environment: environment.merging(
                    ["TRISAM_CLIENTREF_SECRET": Checks.clientRefSecret].merging(
                        try AgencyTestKeys.environment(for: agency), uniquingKeysWith: { first, _ in first }),
                    uniquingKeysWith: { first, _ in first }))
            var port = 0
            try await eventually("trisam agency \(agency.rawValue) prints its address", limit: .seconds(30)) {
                guard process.isRunning else { throw ProcessTestError("trisam agency exited:\n\(process.output)") }
                if let line = process.output.split(separator: "\n").first(where: { $0.contains("listening on http://127.0.0.1:") }),
                    let number = Int(line.split(separator: ":").last ?? "")
                {
                    port = number
                    return true
                }
                return false
            }
            try await HTTPTestClient(port: port).waitUntilServing()
            return (process, port)
        }

        /// A client with this agency's own token (or another one).
        func client(token: String? = nil) -> HTTPTestClient {
            HTTPTestClient(port: port, token: token ?? Checks.tokens[agency])
        }

        /// SIGKILL: a crash at an arbitrary moment.
        func kill() async throws {
            try await process.kill()
        }

        /// A new process on the same state folder and store (after ``kill()`` or ``stop()``).
        func restart() async throws {
            previousOutput += process.output
            (process, port) = try await Self.launch(
                agency, bootstrap: bootstrap, directory: directory, extraArguments: extraArguments, environment: environment)
        }

        func stop() async throws -> Int32 { try await process.stop() }
    }

    // MARK: People and data

    /// A valid personnummer (Luhn check digit) for person `index`, born 1960-2009.
    static func personnummer(_ index: Int) -> String {
        let year = 1960 + index % 50
        let month = 1 + (index / 50) % 12
        let day = 1 + (index / 600) % 28
        let serial = 100 + (index / 16_800) % 900
        let digits = String(format: "%02d%02d%02d%03d", year % 100, month, day, serial)
        return String(format: "%04d%02d%02d-%03d", year, month, day, serial) + String(luhn(digits))
    }

    /// The Luhn check digit of the nine digits.
    static func luhn(_ digits: String) -> Int {
        var sum = 0
        for (offset, character) in digits.enumerated() {
            var value = character.wholeNumberValue! * (offset % 2 == 0 ? 2 : 1)
            if value > 9 { value -= 9 }
            sum += value
        }
        return (10 - sum % 10) % 10
    }

    /// Registers a person and answers the clientRef.
    static func register(_ client: HTTPTestClient, _ personnummer: String) async throws -> String {
        let response = try await client.post("/persons", json: ["personnummer": personnummer])
        #expect(response.status == 201 || response.status == 200, "register: \(response.status) \(response.text)")
        return try #require(try response.json()["clientRef"] as? String)
    }

    /// Records a consent and answers its id.
    @discardableResult
    static func consent(_ client: HTTPTestClient, _ clientRef: String, purpose: String, agencies: [Agency]) async throws -> String {
        let response = try await client.post(
            "/persons/\(clientRef)/consents",
            json: [
                "purpose": purpose, "agencies": agencies.map(\.rawValue), "validUntil": daysFromToday(700), "givenOn": daysFromToday(-1),
            ])
        #expect(response.status == 201, "consent: \(response.status) \(response.text)")
        return try #require(try response.json()["consentId"] as? String)
    }

    /// A status change body in af's vocabulary, unique per `index` below 3,600 (the
    /// registration date, 1 to 3,600 days back: inside the service's 10-year window).
    static func afRegistered(_ index: Int) -> [String: Any] {
        ["type": "af.registered", "payload": ["registeredOn": daysFromToday(-1 - index % 3600)]]
    }

    /// The date `days` from today in Sweden (the services check dates against Swedish today).
    static func daysFromToday(_ days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm")!
        let date = calendar.date(byAdding: .day, value: days, to: Date())!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    // MARK: Store

    /// A digest of every table of an agency's store: table name → row count and a hash of its
    /// rows (sorted; stable within one test process). Read through a separate read-only connection while the service runs.
    static func storeDigest(_ path: String) throws -> [String: String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            var digest: [String: String] = [:]
            for table in tables {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)").map { row in
                    row.columnNames.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: "|")
                }.sorted()
                var hasher = Hasher()
                for row in rows { hasher.combine(row) }
                digest[table] = "\(rows.count) rows, hash \(hasher.finalize())"
            }
            return digest
        }
    }

    /// Waits until the store stops changing (outbox drained, own consent events consumed back).
    static func quiescentDigest(_ path: String, limit: Duration = .seconds(30)) async throws -> [String: String] {
        var previous = try storeDigest(path)
        var stableSince = ContinuousClock.now
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now - stableSince < .milliseconds(1500) {
            if ContinuousClock.now > deadline { throw ProcessTestError("the store did not settle within \(limit)") }
            try await Task.sleep(for: .milliseconds(250))
            let current = try storeDigest(path)
            if current != previous {
                previous = current
                stableSince = ContinuousClock.now
            }
        }
        return previous
    }

    // MARK: Kafka

    /// Reads topics from the beginning with a fresh consumer group and counts each event id.
    final class EventCollector: Sendable {
        struct Seen: Sendable {
            var topic: String
            var type: String
            var key: String
            var value: [UInt8]
        }

        private final class Storage: Sendable {
            let seen = Mutex<[String: [Seen]]>([:])
        }

        private let consumer: KafkaConsumer
        private let storage = Storage()
        private let task: Task<Void, Never>

        init(bootstrap: String, topics: [String]) throws {
            consumer = try KafkaConsumer(
                configuration: KafkaConfiguration(
                    bootstrapServers: bootstrap,
                    properties: [
                        "session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
                        "topic.metadata.refresh.interval.ms": "1000", "reconnect.backoff.max.ms": "1000",
                    ]),
                groupID: uniqueName("checks"), topics: topics, logger: Self.quietLogger)
            task = Task { [consumer, storage] in
                do {
                    for try await message in consumer.messages {
                        let id = message.header("ce_id") ?? "(none)"
                        let entry = Seen(
                            topic: message.topic, type: message.header("ce_type") ?? "",
                            key: message.keyString ?? "", value: message.value)
                        storage.seen.withLock { $0[id, default: []].append(entry) }
                    }
                } catch {}
            }
        }

        /// The collector outlives broker outages on purpose: it logs only what is critical.
        static var quietLogger: Logger {
            var logger = testLogger("collector")
            if ProcessInfo.processInfo.environment["TRISAM_TEST_LOG"] == nil { logger.logLevel = .critical }
            return logger
        }

        /// Event id → every copy seen.
        var events: [String: [Seen]] { storage.seen.withLock { $0 } }

        /// Copies per event id on one topic.
        func counts(topic: String) -> [String: Int] {
            storage.seen.withLock { all in
                var counts: [String: Int] = [:]
                for (id, copies) in all {
                    let n = copies.filter { $0.topic == topic }.count
                    if n > 0 { counts[id] = n }
                }
                return counts
            }
        }

        /// Waits until every id was seen on `topic`.
        func waitFor(_ ids: Set<String>, topic: String, limit: Duration = .seconds(60)) async throws {
            try await eventually("\(ids.count) events on \(topic)", limit: limit) {
                ids.isSubset(of: Set(counts(topic: topic).keys))
            }
        }

        func close() async {
            task.cancel()
            await consumer.close()
        }
    }

    // MARK: Python validators

    /// Runs a script of `scripts/` with the test Python; answers exit status, stdout, stderr.
    static func runScript(_ name: String, _ arguments: [String] = [], input: String? = nil) throws -> (
        status: Int32, output: String, errors: String
    ) {
        let python = ProcessInfo.processInfo.environment["TRISAM_PYTHON"] ?? "python3"
        let run = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [python, repository.appendingPathComponent("scripts/\(name)").path] + arguments,
            input: Data((input ?? "").utf8))
        return (run.status, String(decoding: run.output, as: UTF8.self), String(decoding: run.errors, as: UTF8.self))
    }
}
