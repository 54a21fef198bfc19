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

    @Test("a trisam process whose parent dies by SIGKILL stops itself: nothing is left running after a crash")
    func orphanStops() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trisam = try trisamExecutable().path
        // The shell is the broker's parent: it names itself, starts the broker, prints its id and waits.
        let script = """
            TRISAM_PARENT_PID=$$ '\(trisam)' broker --state-dir state --brokers 1 --partitions 1 > broker.log 2>&1 &
            echo $!; wait
            """
        let shell = try ChildProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", script], directory: directory)
        var broker: pid_t = 0
        try await eventually("the shell prints the broker's process id") {
            broker = pid_t(shell.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            return broker > 0
        }
        defer { kill(broker, SIGKILL) }
        let log = directory.appendingPathComponent("broker.log")
        try await eventually("the broker serves") {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("state/bootstrap").path)
        }
        try await shell.kill()
        try await eventually("the broker ends once its parent is gone", limit: .seconds(20)) { !Self.isRunning(broker) }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(output.contains("the parent process is gone; stopping"), "\(output)")
        #expect(output.contains("trisam broker: stopped"), "it stopped gracefully: \(output)")
    }

    /// Whether `pid` is a live process (not gone, not a zombie waiting to be reaped).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
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
