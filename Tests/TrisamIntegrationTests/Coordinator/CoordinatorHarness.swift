import Foundation
import Logging
import Synchronization
import Testing
import TrisamBus
import TrisamContracts
import TrisamKafka
import TrisamTestSupport

/// An embedded broker in the test process with the Trisam topics, and the real `trisam
/// coordinator` process against it (restartable on the same store).
final class CoordinatorHarness: @unchecked Sendable {
    let cluster: EmbeddedKafkaCluster
    let directory: URL
    let storePath: String
    let tokensPath: String
    let clock: String
    let token = "test-token-0123456789abcdef"
    let producer: KafkaProducer
    let publisher: EventPublisher
    private(set) var process: ChildProcess?
    private(set) var port = 0
    /// The coordinator's environment: its log level and the tests' collaboration secret.
    var environment = ["LOG_LEVEL": "warning", "TRISAM_CLIENTREF_SECRET": testClientRefSecret]

    init(clock: String = "fixed:2026-11-24T09:00:00Z", partitions: Int = 3) throws {
        cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger("broker"))
        for topic in Topic.all { try cluster.createTopic(topic, partitions: partitions) }
        directory = try temporaryDirectory()
        storePath = directory.appendingPathComponent("coordinator.sqlite").path
        tokensPath = directory.appendingPathComponent("tokens.json").path
        self.clock = clock
        try Data("[{\"token\":\"\(token)\",\"name\":\"Testa Samordnare\",\"role\":\"samordnare\"}]".utf8)
            .write(to: URL(fileURLWithPath: tokensPath))
        producer = try KafkaProducer(configuration: cluster.clientConfiguration, logger: testLogger("producer"))
        publisher = EventPublisher(producer: producer)
    }

    /// Starts the coordinator (on the same store each time) and waits until it serves.
    func start(store: String? = nil, extra: [String] = []) async throws {
        port = try freeLoopbackPort()
        process = try launch(port: port, store: store, extra: extra)
        try await client.waitUntilServing("/health", limit: .seconds(30))
    }

    /// Starts a `trisam coordinator` process against the harness's broker, tokens and clock on
    /// `port` (on the harness's store unless `store` says otherwise), without waiting for it.
    func launch(port: Int, store: String? = nil, extra: [String] = []) throws -> ChildProcess {
        var arguments = [
            "coordinator", "--bootstrap", cluster.bootstrapServers, "--port", String(port),
            "--store", store ?? storePath, "--tokens-file", tokensPath, "--clock", clock,
            "--state-dir", directory.appendingPathComponent("state").path,
        ]
        for (key, value) in fastGroupProperties { arguments += ["--kafka-property", "\(key)=\(value)"] }
        return try ChildProcess(
            try trisamExecutable(), arguments + extra, directory: directory,
            environment: environment)
    }

    var client: HTTPTestClient { HTTPTestClient(port: port, token: token) }
    var anonymous: HTTPTestClient { HTTPTestClient(port: port) }

    /// SIGKILL: no chance to clean up.
    func kill() async throws {
        try await process?.kill()
        process = nil
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() async throws -> Int32 {
        defer { process = nil }
        return try await process?.stop() ?? 0
    }

    var output: String { process?.output ?? "" }

    func publish(_ envelopes: [EventEnvelope]) async throws {
        try await publisher.publish(envelopes)
    }

    /// `GET` returning the JSON object, requiring 200.
    func getJSON(_ path: String) async throws -> [String: Any] {
        let response = try await client.get(path)
        guard response.status == 200 else { throw ProcessTestError("GET \(path): \(response.status) \(response.text)") }
        return try response.json()
    }

    /// Distinct events stored so far (from /health).
    func eventsSeen() async throws -> Int {
        (try await anonymous.get("/health").json()["eventsSeen"] as? Int) ?? -1
    }

    /// Open flags of one rule for one person, from the API.
    func openFlags(rule: String? = nil) async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        var cursor: String?
        repeat {
            var path = "/flags?limit=1000"
            if let rule { path += "&rule=\(rule)" }
            if let cursor { path += "&cursor=\(cursor)" }
            let page = try await getJSON(path)
            all += page["flags"] as? [[String: Any]] ?? []
            cursor = page["nextCursor"] as? String
        } while cursor != nil
        return all
    }

    func cleanUp() async {
        try? await process?.kill()
        await producer.close()
        cluster.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with `harness` and a listener on `trisam.flags`. On failure the coordinator's
/// output is recorded with the test; the listener is closed and the harness cleaned up always.
func withFlagListener(_ harness: CoordinatorHarness, _ body: (FlagListener) async throws -> Void) async throws {
    let flags = try FlagListener(cluster: harness.cluster)
    do {
        try await body(flags)
    } catch {
        Issue.record("coordinator output:\n\(harness.output)")
        await flags.close()
        await harness.cleanUp()
        throw error
    }
    await flags.close()
    await harness.cleanUp()
}

/// Collects the flag events published on `trisam.flags` (decoded), in arrival order.
final class FlagListener: Sendable {
    final class Received: Sendable {
        let events = Mutex<[EventEnvelope]>([])
    }
    let consumer: KafkaConsumer
    private let received = Received()
    private let task: Task<Void, Never>

    init(cluster: EmbeddedKafkaCluster) throws {
        let consumer = try KafkaConsumer(
            configuration: cluster.clientConfiguration.merging(fastGroupProperties),
            groupID: uniqueName("flags"), topics: [Topic.flags], logger: testLogger("flags"))
        let received = self.received
        self.consumer = consumer
        task = Task {
            do {
                for try await message in consumer.messages {
                    if case .success(let envelope) = EventConsumer.decode(message) {
                        received.events.withLock { $0.append(envelope) }
                    }
                }
            } catch {}
        }
    }

    var events: [EventEnvelope] { received.events.withLock { $0 } }

    func close() async {
        await consumer.close()
        task.cancel()
    }
}
