import CRdKafka
import Dispatch
import Foundation
import Logging
import TrisamKafka

/// Measures consumer lag: for every partition of the consumed topics, the broker's high
/// watermark minus the coordinator's stored next offset, summed, every few seconds.
final class LagMonitor: Sendable {
    private let configuration: KafkaConfiguration
    private let topics: [String]
    private let logger: Logger
    private let interval: Duration

    init(configuration: KafkaConfiguration, topics: [String], logger: Logger, interval: Duration = .seconds(5)) {
        self.configuration = configuration
        self.topics = topics
        self.logger = logger
        self.interval = interval
    }

    /// Runs until cancelled.
    func run(metrics: CoordinatorMetrics, stored: @Sendable () async -> [TopicPartition: Int64]) async {
        var partitions: [String: Int] = [:]
        while !Task.isCancelled {
            if partitions.isEmpty {
                partitions = ((try? await KafkaAdmin.describeTopics(configuration: configuration, logger: logger)) ?? [:])
                    .filter { topics.contains($0.key) }
            }
            if !partitions.isEmpty, let highs = await watermarks(partitions) {
                let offsets = await stored()
                var lag: Int64 = 0
                for (partition, high) in highs {
                    lag += max(0, high.high - max(offsets[partition] ?? high.low, high.low))
                }
                metrics.setLag(lag)
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Low and high watermarks of every partition, queried off the cooperative pool.
    private func watermarks(_ partitions: [String: Int]) async -> [TopicPartition: (low: Int64, high: Int64)]? {
        let configuration = self.configuration
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.query(configuration, partitions))
            }
        }
    }

    private static func query(_ configuration: KafkaConfiguration, _ partitions: [String: Int]) -> [TopicPartition: (low: Int64, high: Int64)]? {
        guard let conf = rd_kafka_conf_new() else { return nil }
        var errorBuffer = [CChar](repeating: 0, count: 256)
        for (key, value) in configuration.properties {
            _ = rd_kafka_conf_set(conf, key, value, &errorBuffer, errorBuffer.count)
        }
        _ = rd_kafka_conf_set(conf, "log_level", "3", &errorBuffer, errorBuffer.count)
        guard let rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorBuffer, errorBuffer.count) else {
            rd_kafka_conf_destroy(conf) // rd_kafka_new takes the conf only on success
            return nil
        }
        defer { rd_kafka_destroy(rk) }
        var result: [TopicPartition: (low: Int64, high: Int64)] = [:]
        for (topic, count) in partitions {
            for partition in 0..<Int32(count) {
                var low: Int64 = 0
                var high: Int64 = 0
                if rd_kafka_query_watermark_offsets(rk, topic, partition, &low, &high, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR {
                    result[TopicPartition(topic: topic, partition: partition)] = (low, high)
                }
            }
        }
        return result
    }
}
