import CFixedPorts
import CRdKafka
import Foundation
import Logging
import Synchronization

/// An in-process Kafka-protocol cluster: librdkafka's mock cluster (`rdkafka_mock.h`).
///
/// It listens on 127.0.0.1 (random free ports, or fixed ones so that a restarted cluster is
/// found where the clients left it) and serves any Kafka client, in this process or another: produce, fetch, consumer groups, offset commits. It keeps its log in memory only,
/// trimmed per partition (librdkafka 2.0.2: newest 5 MB or 100,000 messages), so durable facts
/// must live in the services' own stores. It supports fault injection (brokers down, request
/// errors, latency) for reliability tests.
public final class EmbeddedKafkaCluster: Sendable {
    private let host: NativeHandle
    private let cluster: NativeHandle
    private let context: ClientContext
    private let destroyed = Atomic<Bool>(false)

    /// The broker ids: 1 through the broker count.
    public let brokerIDs: [Int32]
    /// `bootstrap.servers` for clients: `127.0.0.1:port,…`.
    public let bootstrapServers: String

    /// Starts a cluster of `brokers` brokers.
    ///
    /// - Parameter firstPort: when given, broker *n* listens on `127.0.0.1:firstPort + n - 1`, so
    ///   a cluster started again on the same ports is reached by running clients without any
    ///   change (they reconnect to the addresses they know). `nil`: free random ports.
    /// - Throws: ``KafkaError`` of kind ``KafkaError/Kind/embeddedCluster`` when a fixed port is
    ///   taken.
    public init(brokers: Int = 3, firstPort: Int? = nil, logger: Logger = Logger(label: "trisam.kafka.embedded")) throws(KafkaError) {
        precondition(brokers >= 1, "a cluster needs at least one broker")
        if let firstPort, firstPort < 1 || firstPort + brokers - 1 > 65_535 {
            throw KafkaError(.embeddedCluster, "ports \(firstPort)–\(firstPort + brokers - 1) are not valid TCP ports")
        }
        let context = ClientContext(logger: logger)
        // The host client only owns the mock cluster's threads; it talks to no broker itself.
        let host = try makeNativeClient(
            type: RD_KAFKA_PRODUCER,
            configuration: KafkaConfiguration(bootstrapServers: "", properties: ["log_level": "3"]),
            context: context)
        if let firstPort {
            // librdkafka 2.0.2 aborts the process when a mock broker cannot bind, so look first.
            for port in firstPort..<(firstPort + brokers) where !Self.canListen(onLoopbackPort: port) {
                rd_kafka_destroy(host.pointer)
                throw KafkaError(.embeddedCluster, "cannot listen on 127.0.0.1:\(port): the port is in use")
            }
        }
        let created: OpaquePointer?
        if let firstPort {
            // The mock cluster binds its brokers on this thread, while it is being created.
            let ports = (0..<brokers).map { UInt16(firstPort + $0) }
            created = ports.withUnsafeBufferPointer { planned in
                trisam_fixed_ports_begin(planned.baseAddress, Int32(brokers))
                defer { trisam_fixed_ports_end() }
                return rd_kafka_mock_cluster_new(host.pointer, Int32(brokers))
            }
        } else {
            created = rd_kafka_mock_cluster_new(host.pointer, Int32(brokers))
        }
        guard let cluster = created else {
            rd_kafka_destroy(host.pointer)
            let ports = firstPort.map { " on 127.0.0.1:\($0)–\($0 + brokers - 1) (is a port in use?)" } ?? ""
            throw KafkaError(.embeddedCluster, "could not create the mock cluster\(ports)")
        }
        self.host = host
        self.cluster = NativeHandle(cluster)
        self.context = context
        self.brokerIDs = (1...Int32(brokers)).map { $0 }
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        if let firstPort {
            let expected = (0..<brokers).map { "127.0.0.1:\(firstPort + $0)" }.joined(separator: ",")
            if bootstrapServers != expected {
                // The executable did not route the mock's binds (see CFixedPorts): refuse rather
                // than run on ports nobody will find.
                rd_kafka_mock_cluster_destroy(cluster)
                rd_kafka_destroy(host.pointer)
                destroyed.store(true, ordering: .releasing)
                throw KafkaError(.embeddedCluster, "asked for \(expected), the mock cluster listens on \(bootstrapServers)")
            }
        }
    }

    deinit { shutdown() }

    /// Whether a listener could bind 127.0.0.1:`port` now (as the mock broker would, with
    /// SO_REUSEADDR).
    static func canListen(onLoopbackPort port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0 && listen(fd, 1) == 0
    }

    /// A client configuration pointing at this cluster.
    public var clientConfiguration: KafkaConfiguration { KafkaConfiguration(bootstrapServers: bootstrapServers) }

    /// Creates a topic directly in the cluster (no client round trip).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(
            cluster.pointer, name, Int32(partitions),
            Int32(min(replicationFactor, brokerIDs.count)))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            throw KafkaError(.embeddedCluster, err, context: "create topic \(name)")
        }
    }

    /// Takes a broker down: its connections are closed and new ones refused until ``setBrokerUp(_:)``.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_down(cluster.pointer, id)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(.embeddedCluster, err, context: "set broker \(id) down") }
    }

    /// Brings a broker back up.
    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_up(cluster.pointer, id)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(.embeddedCluster, err, context: "set broker \(id) up") }
    }

    /// Stops the cluster: every broker stops listening and all data is gone. Idempotent.
    public func shutdown() {
        if destroyed.exchange(true, ordering: .acquiringAndReleasing) { return }
        rd_kafka_mock_cluster_destroy(cluster.pointer)
        rd_kafka_destroy(host.pointer)
        withExtendedLifetime(context) {}
    }
}
