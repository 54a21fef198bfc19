import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TrisamContracts
import TrisamKafka

/// `trisam broker`: hosts the embedded Kafka-protocol broker (librdkafka's mock cluster).
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the embedded Kafka-protocol broker with the Trisam topics (in memory; for one machine).",
        discussion: """
            Listens on 127.0.0.1 (free ports, or --port and the next ones), creates every Trisam \
            topic, prints the bootstrap address and writes it to <state-dir>/bootstrap, where the \
            other roles look by default. Stops on SIGINT/SIGTERM. The log is kept in memory only \
            and trimmed per partition (newest 5 MB or 100,000 messages): services keep durable \
            facts in their own stores. With --port, a broker started again is found by the \
            running services; each start writes a new log identity (topic trisam.log), from \
            which they tell that the log is new: agencies send what they said again, consumers \
            read the new log from its beginning.
            """
    )

    @Option(help: "Number of brokers in the cluster.")
    var brokers: Int = 3

    @Option(help: "Partitions per Trisam topic.")
    var partitions: Int = 12

    @Option(help: ArgumentHelp("First port: broker n listens on 127.0.0.1:<port>+n-1. Default: free ports.", valueName: "port"))
    var port: Int?

    @Option(help: ArgumentHelp("Folder for the bootstrap file. Default: $TRISAM_STATE_DIR or .trisam", valueName: "dir"))
    var stateDir: String?

    func validate() throws {
        guard (1...9).contains(brokers) else { throw ValidationError("--brokers must be between 1 and 9, got \(brokers)") }
        guard (1...256).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 256, got \(partitions)") }
        if let port, !(1024...(65_535 - brokers)).contains(port) {
            throw ValidationError("--port must be between 1024 and \(65_535 - brokers), got \(port)")
        }
    }

    func run() async throws {
        let logger = Logger(label: "trisam.broker")
        let directory = stateDir ?? ProcessInfo.processInfo.environment["TRISAM_STATE_DIR"] ?? ".trisam"
        let (cluster, identity) = try await EmbeddedBroker.start(brokers: brokers, partitions: partitions, firstPort: port, logger: logger)
        try BootstrapFile.write(cluster.bootstrapServers, stateDir: directory)
        printLine("trisam broker: \(brokers) brokers, \(Topic.all.count) topics × \(partitions) partitions")
        printLine("bootstrap: \(cluster.bootstrapServers)")
        printLine("log: \(identity)")
        printLine("written to: \(BootstrapFile.path(stateDir: directory))")

        let service = EmbeddedBrokerService(cluster: cluster, stateDir: directory)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        printLine("trisam broker: stopped")
    }
}

/// Keeps the embedded cluster up until graceful shutdown, then stops it and removes the
/// bootstrap file.
struct EmbeddedBrokerService: Service {
    let cluster: EmbeddedKafkaCluster
    let stateDir: String

    func run() async throws {
        try? await gracefulShutdown()
        BootstrapFile.remove(ifNaming: cluster.bootstrapServers, stateDir: stateDir)
        cluster.shutdown()
    }
}
