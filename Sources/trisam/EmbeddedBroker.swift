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
            // The identity first: a client that finds the Trisam topics also finds it.
            try cluster.createTopic(KafkaLogIdentity.topic, partitions: 1, replicationFactor: min(3, brokers))
            let identity = try await KafkaLogIdentity.establish(configuration: cluster.clientConfiguration, logger: logger)
            for topic in Topic.all {
                try cluster.createTopic(topic, partitions: partitions, replicationFactor: min(3, brokers))
            }
            return (cluster, identity)
        } catch {
            cluster.shutdown()
            throw error
        }
    }
}
