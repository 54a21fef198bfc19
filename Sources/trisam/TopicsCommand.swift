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
            let created = try await KafkaAdmin.ensureTopics(specs, configuration: try kafka.configuration())
            let existing = Set(Topic.all).subtracting(created)
            for name in Topic.all {
                print("\(created.contains(name) ? "created" : "exists ") \(name)")
            }
            print("\(created.count) created, \(existing.count) already there")
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
