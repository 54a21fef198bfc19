import Foundation
import Testing
import TrisamKafka
import TrisamTestSupport

@Suite("trisam broker process", .serialized)
struct BrokerProcessTests {
    @Test("serves other processes, creates the Trisam topics, and stops cleanly on SIGTERM")
    func brokerProcess() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try ChildProcess(
            try trisamExecutable(), ["broker", "--state-dir", "state", "--brokers", "2", "--partitions", "4"],
            directory: directory)
        let bootstrapFile = directory.appendingPathComponent("state/bootstrap")
        try await eventually("the broker writes its bootstrap file") {
            FileManager.default.fileExists(atPath: bootstrapFile.path)
        }
        let servers = try String(contentsOf: bootstrapFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(servers.split(separator: ",").count == 2)
        #expect(servers.split(separator: ",").allSatisfy { $0.hasPrefix("127.0.0.1:") })
        #expect(broker.output.contains("bootstrap: \(servers)"))

        let configuration = KafkaConfiguration(bootstrapServers: servers)
        let topics = try await KafkaAdmin.describeTopics(configuration: configuration, logger: testLogger("admin"))
        for agency in ["kommun", "af", "fk", "region"] {
            #expect(topics["trisam.\(agency).status"] == 4)
            #expect(topics["trisam.\(agency).inbox"] == 4)
        }
        #expect(topics["trisam.consent"] == 4 && topics["trisam.flags"] == 4 && topics["trisam.deadletter"] == 4)

        // A producer and a consumer group in this process talk to the broker process.
        let producer = try KafkaProducer(configuration: configuration, logger: testLogger("producer"))
        let report = try await producer.send(OutgoingMessage(topic: "trisam.af.inbox", key: "someone", value: Array("hej".utf8)))
        #expect(report.topic == "trisam.af.inbox")
        await producer.close()
        let consumer = try KafkaConsumer(
            configuration: configuration.merging(fastGroupProperties), groupID: uniqueName("g"),
            topics: ["trisam.af.inbox"], logger: testLogger("consumer"))
        let received = try await collect(consumer, count: 1)
        #expect(received.first?.value == Array("hej".utf8))
        await consumer.close()

        let status = try await broker.stop()
        #expect(status == 0, "exit status after SIGTERM; output:\n\(broker.output)")
        #expect(!FileManager.default.fileExists(atPath: bootstrapFile.path), "the bootstrap file is removed on stop")
        #expect(broker.output.contains("trisam broker: stopped"))
    }

    @Test("refuses out-of-range options with a message naming the option")
    func refusesBadOptions() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try ChildProcess(try trisamExecutable(), ["broker", "--brokers", "0"], directory: directory)
        try await eventually("the process exits") { !broker.process.isRunning }
        #expect(broker.process.terminationStatus != 0)
        #expect(broker.output.contains("--brokers must be between 1 and 9"))
    }
}
