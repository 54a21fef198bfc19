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
        for attempt in 1...attempts {
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
                // A client retrying its connection can still reach a broker in the instant between
                // its listener opening and the topics above: the mock then auto-creates what that
                // client asked for with four partitions (it ignores `allow.auto.create.topics`).
                // Such a log is unusable; start again on the same ports. Nothing was lost: no
                // identity was written, so no service took that log for the one it works with.
                let wrong = try await wronglyPartitioned(cluster, partitions: partitions)
                if !wrong.isEmpty {
                    cluster.shutdown()
                    logger.warning(
                        "a client created \(wrong.joined(separator: ", ")) before the broker did (attempt \(attempt)); starting again")
                    continue
                }
                let identity = try await KafkaLogIdentity.establish(configuration: cluster.clientConfiguration, logger: logger)
                return (cluster, identity)
            } catch {
                cluster.shutdown()
                throw error
            }
        }
        throw EmbeddedBrokerError(message: "clients kept creating topics before the broker could (\(attempts) attempts)")
    }

    /// How many times a start is tried when a client wins the race for a topic.
    static let attempts = 5

    /// The Trisam topics whose partition count is not `partitions` (or that are missing).
    static func wronglyPartitioned(_ cluster: EmbeddedKafkaCluster, partitions: Int) async throws -> [String] {
        let counts = try await KafkaAdmin.describeTopics(configuration: cluster.clientConfiguration)
        var wrong = Topic.all.filter { counts[$0] != partitions }
        if counts[KafkaLogIdentity.topic] != 1 { wrong.append(KafkaLogIdentity.topic) }
        return wrong
    }
}

/// The embedded broker could not start with the topics laid out as asked.
struct EmbeddedBrokerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
