import Foundation
import GRDB
import Testing
import TrisamBus
import TrisamContracts
import TrisamCoordinator
import TrisamKafka
import TrisamProcess
import TrisamTestSupport

/// The embedded broker keeps its log in memory: a restart starts an empty log at the same
/// address. Running services must find it again, notice that the log is new, and lose nothing
/// an agency accepted — neither for the coordinator nor for the receiving agency's inbox.
@Suite("Broker restart", .serialized)
struct BrokerRestartTests {
    /// A `trisam broker` process on a fixed port (one broker, three partitions per topic).
    final class BrokerProcess: @unchecked Sendable {
        let port: Int
        let directory: URL
        private(set) var process: ChildProcess?
        private(set) var identities: [String] = []

        init(port: Int, directory: URL) {
            self.port = port
            self.directory = directory
        }

        var bootstrap: String { "127.0.0.1:\(port)" }

        func start() async throws {
            let process = try ChildProcess(
                try trisamExecutable(),
                ["broker", "--port", String(port), "--brokers", "1", "--partitions", "3", "--state-dir", directory.path],
                directory: directory)
            let line = try await process.waitForLine(limit: .seconds(30)) { $0.hasPrefix("log: ") }
            identities.append(String(line.dropFirst(5)))
            self.process = process
        }

        /// SIGKILL: the log is gone with the process.
        func kill() async throws {
            try await process?.kill()
            process = nil
        }
    }

    /// A `trisam coordinator` process on a store of its own, against `bootstrap`.
    final class CoordinatorProcess: @unchecked Sendable {
        static let token = "restart-coordinator-token-0123456789"
        let directory: URL
        let bootstrap: String
        let store: String
        private(set) var process: ChildProcess?
        private(set) var port = 0
        private(set) var previousOutput = ""

        init(directory: URL, bootstrap: String, store: String) throws {
            self.directory = directory
            self.bootstrap = bootstrap
            self.store = store
            try Data("[{\"token\":\"\(Self.token)\",\"name\":\"Testa Samordnare\",\"role\":\"samordnare\"}]".utf8)
                .write(to: directory.appendingPathComponent("coordinator-tokens.json"))
        }

        func start() async throws {
            port = try freeLoopbackPort()
            var arguments = [
                "coordinator", "--bootstrap", bootstrap, "--port", String(port), "--store", store,
                "--tokens-file", directory.appendingPathComponent("coordinator-tokens.json").path,
                "--clock", "fixed:2026-11-24T09:00:00Z", "--state-dir", directory.appendingPathComponent("coordinator-state").path,
            ]
            for (key, value) in fastGroupProperties { arguments += ["--kafka-property", "\(key)=\(value)"] }
            process = try ChildProcess(try trisamExecutable(), arguments, directory: directory, environment: ["LOG_LEVEL": "info"])
            try await HTTPTestClient(port: port).waitUntilServing("/health", limit: .seconds(30))
        }

        /// Distinct events stored so far.
        func eventsSeen() async throws -> Int {
            (try await HTTPTestClient(port: port).get("/health").json()["eventsSeen"] as? Int) ?? -1
        }

        /// SIGTERM; answers the exit status and how long the process took to stop.
        func stop() async throws -> (status: Int32, took: Duration) {
            let started = ContinuousClock.now
            let status = try await process?.stop(limit: .seconds(30)) ?? 0
            previousOutput += process?.output ?? ""
            process = nil
            return (status, ContinuousClock.now - started)
        }

        var output: String { previousOutput + (process?.output ?? "") }
    }

    /// The kommun registers a person with consent (samordning, remiss) for the kommun and AF, decides
    /// ekonomiskt bistånd and refers the person to AF. Answers the referral id.
    static func story(_ kommun: HTTPTestClient, person index: Int) async throws -> String {
        let ref = try await Checks.register(kommun, Checks.personnummer(2_000 + index))
        try await Checks.consent(kommun, ref, purpose: "samordning", agencies: [.kommun, .af])
        try await Checks.consent(kommun, ref, purpose: "remiss", agencies: [.kommun, .af])
        let decided = try await kommun.post(
            "/persons/\(ref)/statuses",
            json: [
                "type": "kommun.bistand.decided",
                "payload": [
                    "decision": "granted", "effectiveDate": Checks.daysFromToday(-3), "month": String(Checks.daysFromToday(-3).prefix(7)),
                ],
            ])
        #expect(decided.status == 202, "bistånd: \(decided.status) \(decided.text)")
        let referral = try await kommun.post(
            "/persons/\(ref)/referrals",
            json: [
                "to": "af", "area": "arbete-aktivitet", "reason": "Arbetslös sedan länge.", "requestedMeasure": "Inskrivning.",
                "answerBy": Checks.daysFromToday(20),
            ])
        #expect(referral.status == 201, "referral: \(referral.status) \(referral.text)")
        return try #require(try referral.json()["referralId"] as? String)
    }

    /// The outbox rows of an agency store: every message it said, once per topic.
    static func outboxMessages(_ storePath: String) throws -> [OutgoingMessage] {
        let queue = try DatabaseQueue(path: storePath)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT topic, key, value, headers FROM outbox ORDER BY seq").map { row in
                let key: Data = row["key"]
                let value: Data = row["value"]
                return OutgoingMessage(
                    topic: row["topic"], key: Array(key), value: Array(value), headers: StoredHeaders.decode(row["headers"]))
            }
        }
    }

    @Test(
        "broker restarted mid-stream and again while the coordinator is stopped: same digest as an uninterrupted run, every referral once in AF's inbox, every role stops within 10 s with the broker away"
    )
    func restartMidStream() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for folder in ["kommun", "af", "reference"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let broker = BrokerProcess(port: try freeLoopbackPort(), directory: directory)
        try await broker.start()
        // Info level: what the agencies did about each new log is in the failure message.
        let kommun = try await Checks.AgencyProcess(
            .kommun, bootstrap: broker.bootstrap, directory: directory.appendingPathComponent("kommun"),
            extraArguments: ["--log-level", "info"])
        let af = try await Checks.AgencyProcess(
            .af, bootstrap: broker.bootstrap, directory: directory.appendingPathComponent("af"), extraArguments: ["--log-level", "info"])
        let coordinator = try CoordinatorProcess(
            directory: directory, bootstrap: broker.bootstrap, store: directory.appendingPathComponent("coordinator.sqlite").path)
        var referrals: Set<String> = []
        do {
            try await coordinator.start()
            let persons = 60
            // Phase 1: a third of the stream; the broker dies in the middle of the second third
            // (whatever it held is gone) and comes back on the same port while requests go on.
            for index in 0..<persons / 3 { referrals.insert(try await Self.story(kommun.client(), person: index)) }
            for index in persons / 3..<2 * persons / 3 {
                if index == persons / 2 {
                    try await broker.kill()
                } else if index == persons / 2 + 3 {
                    try await broker.start()
                }
                referrals.insert(try await Self.story(kommun.client(), person: index))
            }
            try await Self.expectThreePartitions(broker)
            // Phase 2: the coordinator stops; the broker restarts empty while it is away; the
            // last third is accepted on the new log before the coordinator comes back.
            #expect(try await coordinator.stop().status == 0)
            try await broker.kill()
            try await broker.start()
            for index in 2 * persons / 3..<persons { referrals.insert(try await Self.story(kommun.client(), person: index)) }
            try await coordinator.start()
            #expect(Set(broker.identities).count == 3, "three logs, each with its own identity")
            try await Self.expectThreePartitions(broker)

            // Everything kommun said reaches the coordinator and AF's inbox.
            let said = Set(try Self.outboxMessages(kommun.storePath).compactMap { $0.headers.first { $0.name == "ce_id" }?.stringValue })
            #expect(said.count >= 4 * persons)
            try await eventually("the coordinator stored all \(said.count) events kommun accepted", limit: .seconds(90)) {
                try await coordinator.eventsSeen() == said.count
            }
            try await eventually("AF's inbox holds all \(referrals.count) referrals", limit: .seconds(60)) {
                try Self.inboxReferrals(af.storePath).count == referrals.count
            }
            let inbox = try Self.inboxReferrals(af.storePath)
            #expect(Set(inbox) == referrals, "every referral kommun sent, and only those")
            #expect(inbox.count == Set(inbox).count, "each referral once")

            // With the broker away for a while (clients retrying, probes waiting for it), every
            // role stops within 10 s of SIGTERM.
            try await broker.kill()
            try await Task.sleep(for: .seconds(7))
            let coordinatorStop = try await coordinator.stop()
            let kommunStarted = ContinuousClock.now
            let kommunStatus = try await kommun.stop()
            let kommunTook = ContinuousClock.now - kommunStarted
            let afStarted = ContinuousClock.now
            let afStatus = try await af.stop()
            let afTook = ContinuousClock.now - afStarted
            print("stop with the broker away: coordinator \(coordinatorStop.took), kommun \(kommunTook), af \(afTook)")
            #expect(coordinatorStop.status == 0 && kommunStatus == 0 && afStatus == 0)
            #expect(coordinatorStop.took < .seconds(10), "coordinator stopped in \(coordinatorStop.took)")
            #expect(kommunTook < .seconds(10), "kommun stopped in \(kommunTook)")
            #expect(afTook < .seconds(10), "af stopped in \(afTook)")

            // The uninterrupted run: a fresh coordinator on a fresh broker reads what kommun said.
            let reference = BrokerProcess(port: try freeLoopbackPort(), directory: directory.appendingPathComponent("reference"))
            try await reference.start()
            defer { Task { [reference] in try? await reference.kill() } }
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: reference.bootstrap))
            for result in try await producer.send(try Self.outboxMessages(kommun.storePath)) { _ = try result.get() }
            await producer.close()
            let uninterrupted = try CoordinatorProcess(
                directory: reference.directory, bootstrap: reference.bootstrap,
                store: reference.directory.appendingPathComponent("coordinator.sqlite").path)
            try await uninterrupted.start()
            try await eventually("the uninterrupted coordinator stored \(said.count) events", limit: .seconds(60)) {
                try await uninterrupted.eventsSeen() == said.count
            }
            #expect(try await uninterrupted.stop().status == 0)
            try await reference.kill()

            let restarted = try CoordinatorStore(path: coordinator.store)
            let straight = try CoordinatorStore(path: uninterrupted.store)
            let restartedDigest = try restarted.digest()
            let straightDigest = try straight.digest()
            print(
                "digest after two broker restarts: \(restartedDigest); uninterrupted: \(straightDigest); open flags: \(try restarted.openFlagCounts())"
            )
            #expect(restartedDigest == straightDigest, "states, open flags and flags by id agree")
            #expect(try restarted.statistics().eventsSeen == said.count)
        } catch {
            if coordinator.port != 0, let metrics = try? await HTTPTestClient(port: coordinator.port).get("/metrics").text,
                let health = try? await HTTPTestClient(port: coordinator.port).get("/health").text
            {
                let lines = metrics.split(separator: "\n").filter { $0.hasPrefix("trisam_coordinator_") && !$0.contains("bucket") }
                Issue.record("coordinator health: \(health)\nmetrics:\n\(lines.joined(separator: "\n"))")
            }
            Issue.record("coordinator:\n\(coordinator.output)\nkommun:\n\(kommun.output)\naf:\n\(af.output)")
            try? await kommun.kill()
            try? await af.kill()
            try? await broker.kill()
            _ = try? await coordinator.stop()
            throw error
        }
    }

    /// Topics exist before clients reconnect to a restarted broker: none was created by a
    /// producer with the mock's default of four partitions (keys would land elsewhere than in
    /// the other logs).
    static func expectThreePartitions(_ broker: BrokerProcess) async throws {
        let partitions = try await KafkaAdmin.describeTopics(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrap))
        for topic in Topic.all { #expect(partitions[topic] == 3, "\(topic): \(partitions[topic] ?? 0) partitions in the new log") }
    }

    /// The referral ids in AF's inbox, one per inbox row.
    static func inboxReferrals(_ storePath: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: storePath) else { return [] }
        let queue = try DatabaseQueue(path: storePath)
        return try queue.read { db in
            try String.fetchAll(db, sql: "SELECT json_extract(payload, '$.referralId') FROM inbox WHERE type = 'referral.sent'")
        }
    }
}
