import Logging
import TrisamContracts
import TrisamKafka

/// Starts the embedded broker as `trisam broker` and `trisam dev` run it: the cluster, every
/// Trisam topic, and a new log identity (``KafkaLogIdentity``), so that services that knew an
/// earlier log tell that this one is new.
enum EmbeddedBroker {
    /// The default first port of `trisam dev`'s broker (brokers listen on it and the next ones).
    static let defaultDevPort = 29_092

    static func start(
        brokers: Int, partitions: Int, firstPort: Int?, logger: Logger
    ) async throws -> (cluster: EmbeddedKafkaCluster, identity: String) {
        let cluster = try EmbeddedKafkaCluster(brokers: brokers, firstPort: firstPort, logger: logger)
        do {
            // Every topic at once, before a client can reconnect: a producer that finds a topic
            // missing would have the broker create it with the mock's default of four partitions,
            // and keys would then land on other partitions than in every other log. Until the
            // identity is written, services that knew an earlier log take the empty identity
            // topic for a broker still starting and wait (`LogFollower`, the outbox).
            try cluster.createTopic(KafkaLogIdentity.topic, partitions: 1, replicationFactor: min(3, brokers))
            for topic in Topic.all {
                try cluster.createTopic(topic, partitions: partitions, replicationFactor: min(3, brokers))
            }
            let identity = try await KafkaLogIdentity.establish(configuration: cluster.clientConfiguration, logger: logger)
            return (cluster, identity)
        } catch {
            cluster.shutdown()
            throw error
        }
    }
}
