import Logging
import ServiceLifecycle
import TrisamKafka

/// Measures consumer lag: for every partition of the consumed topics, the broker's high
/// watermark minus the coordinator's stored next offset, summed into
/// `trisam_coordinator_consumer_lag` every `interval`. Keeps one watermark client open and
/// closes it on graceful shutdown.
struct LagMonitor: Service {
    let watermarks: KafkaWatermarks
    let topics: [String]
    let metrics: CoordinatorMetrics
    /// The coordinator's stored next offsets.
    let stored: @Sendable () async -> [TopicPartition: Int64]
    var interval: Duration = .seconds(5)

    func run() async throws {
        defer { watermarks.close() }
        try? await cancelWhenGracefulShutdown { [self] in
            var partitions: [String: Int] = [:]
            while !Task.isCancelled {
                if partitions.isEmpty {
                    partitions = (try? await watermarks.partitionCounts(of: topics, timeout: .seconds(2))) ?? [:]
                }
                // Only a complete answer gives the lag (the broker away answers some or none).
                if !partitions.isEmpty, let highs = try? await watermarks.watermarks(of: partitions),
                    highs.count == partitions.values.reduce(0, +)
                {
                    metrics.setLag(Self.lag(highs, stored: await stored()))
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// Messages on the broker not yet stored, summed over the partitions. A partition with no
    /// stored offset counts from its low watermark, and so does one whose stored offset lies
    /// beyond its end: that offset is a position in an earlier log (the broker restarted empty),
    /// and every message of the new one is still to be read.
    static func lag(_ watermarks: [TopicPartition: Watermarks], stored: [TopicPartition: Int64]) -> Int64 {
        var lag: Int64 = 0
        for (partition, marks) in watermarks {
            var next = max(stored[partition] ?? marks.low, marks.low)
            if next > marks.high { next = marks.low }
            lag += marks.high - next
        }
        return lag
    }
}
