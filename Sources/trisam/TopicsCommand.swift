import ArgumentParser
import Foundation
import Logging
import TrisamContracts
import TrisamKafka

/// `trisam topics`: topic administration on a real cluster.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Administer the Trisam topics.",
        subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the Trisam topics that do not exist yet (trisam.flags compacted).")

        @OptionGroup var kafka: KafkaOptions

        @Option(help: "Partitions per topic.")
        var partitions: Int = 12

        @Option(help: "Replication factor (3 on a production cluster).")
        var replicationFactor: Int = 3

        func run() async throws {
            let specs = Topic.all.map { name in
                TopicSpec(
                    name: name, partitions: partitions, replicationFactor: replicationFactor,
                    configs: Topic.compacted.contains(name)
                        ? ["cleanup.policy": "compact", "min.insync.replicas": "2"]
                        : ["min.insync.replicas": "2"])
            }
            let configuration = try kafka.configuration()
            let all = Topic.all + [KafkaLogIdentity.topic]
            let created = try await KafkaAdmin.ensureTopics(
                specs + [KafkaLogIdentity.topicSpec(replicationFactor: replicationFactor)], configuration: configuration)
            let existing = Set(all).subtracting(created)
            for name in all {
                print("\(created.contains(name) ? "created" : "exists ") \(name)")
            }
            print("\(created.count) created, \(existing.count) already there")
            // The identity of this cluster's log, so that services notice if it is ever replaced.
            let identity = try await KafkaLogIdentity.establish(configuration: configuration, logger: Logger(label: "trisam.topics"))
            print("log identity: \(identity)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cluster's topics with their partition counts.")

        @OptionGroup var kafka: KafkaOptions

        func run() async throws {
            let topics = try await KafkaAdmin.describeTopics(configuration: try kafka.configuration())
            for (name, partitions) in topics.sorted(by: { $0.key < $1.key }) {
                print("\(name)\t\(partitions)")
            }
        }
    }
}
