import CRdKafka
import Foundation
import Logging
import Synchronization

/// An in-process Kafka-protocol cluster: librdkafka's mock cluster (`rdkafka_mock.h`).
///
/// It listens on 127.0.0.1 (random free ports) and serves any Kafka client, in this process or
/// another: produce, fetch, consumer groups, offset commits. It keeps its log in memory only,
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
    public init(brokers: Int = 3, logger: Logger = Logger(label: "trisam.kafka.embedded")) throws(KafkaError) {
        precondition(brokers >= 1, "a cluster needs at least one broker")
        let context = ClientContext(logger: logger)
        // The host client only owns the mock cluster's threads; it talks to no broker itself.
        let host = try makeNativeClient(
            type: RD_KAFKA_PRODUCER,
            configuration: KafkaConfiguration(bootstrapServers: "", properties: ["log_level": "3"]),
            context: context)
        guard let cluster = rd_kafka_mock_cluster_new(host.pointer, Int32(brokers)) else {
            rd_kafka_destroy(host.pointer)
            throw KafkaError(.embeddedCluster, "could not create the mock cluster")
        }
        self.host = host
        self.cluster = NativeHandle(cluster)
        self.context = context
        self.brokerIDs = (1...Int32(brokers)).map { $0 }
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit { shutdown() }

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
