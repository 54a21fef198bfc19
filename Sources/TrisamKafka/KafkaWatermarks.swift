import CRdKafka
import Foundation
import Logging
import Synchronization

/// The low and high watermark of one partition: the first offset still held and the offset the
/// next produced message will get.
public struct Watermarks: Sendable, Equatable {
    /// The oldest offset the broker still holds.
    public var low: Int64
    /// The offset of the next message to be produced (one past the newest).
    public var high: Int64

    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}

/// A long-lived client that asks the cluster for partition counts and watermarks, for lag
/// measurements. One librdkafka handle is opened at creation and kept (with its broker
/// connections) until ``close()``, instead of a new client per query. Every blocking
/// librdkafka call runs off Swift's cooperative thread pool.
public final class KafkaWatermarks: Sendable {
    private let handle: NativeHandle
    private let context: ClientContext
    private let closed = Atomic<Bool>(false)
    /// Queries still running on a dispatch thread (possibly after their caller stopped waiting).
    private let running = Atomic<Int>(0)

    /// Opens the client. Only errors are logged (a lag probe should stay quiet while the broker
    /// is away; the consumer and producer report that already).
    public init(configuration: KafkaConfiguration, logger: Logger = Logger(label: "trisam.kafka.watermarks")) throws(KafkaError) {
        context = ClientContext(logger: logger)
        handle = try makeNativeClient(
            type: RD_KAFKA_PRODUCER, configuration: configuration.merging(["log_level": "3"]),
            context: context)
    }

    deinit { close() }

    /// The partition count of each of `topics` the cluster knows; unknown topics are absent.
    public func partitionCounts(of topics: [String], timeout: Duration = .seconds(10)) async throws(KafkaError) -> [String: Int] {
        try ensureOpen()
        let handle = self.handle
        let millis = Int32(timeout.wholeMilliseconds)
        let wanted = Set(topics)
        let result = await runBlocking { topicPartitionCounts(rk: handle.pointer, timeoutMillis: millis) }
        return try result.get().filter { wanted.contains($0.key) }
    }

    /// The watermarks of every partition of the given topics (topic → partition count), queried
    /// from the partitions' leaders, in at most `timeout` altogether (a caller that stops waits
    /// no longer than that, even with the broker away). Partitions whose query failed or was not
    /// reached in time are absent.
    public func watermarks(of partitions: [String: Int], timeout: Duration = .seconds(2)) async throws(KafkaError) -> [TopicPartition:
        Watermarks]
    {
        try ensureOpen()
        let handle = self.handle
        let deadline = ContinuousClock.now + timeout
        // librdkafka 2.0.2 can block in a watermark query far beyond its timeout while the broker
        // is away, so the caller stops waiting at the deadline and takes what was answered.
        let answered = Mutex<[TopicPartition: Watermarks]>([:])
        running.add(1, ordering: .acquiringAndReleasing)
        return await withCheckedContinuation { continuation in
            let resume = ResumeOnce(continuation)
            DispatchQueue.global(qos: .utility).async { [self] in
                for (topic, count) in partitions.sorted(by: { $0.key < $1.key }) {
                    for partition in 0..<Int32(count) {
                        let left = (deadline - ContinuousClock.now).wholeMilliseconds
                        if left <= 0 { break }
                        var low: Int64 = 0
                        var high: Int64 = 0
                        let err = rd_kafka_query_watermark_offsets(handle.pointer, topic, partition, &low, &high, Int32(clamping: left))
                        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                            answered.withLock { $0[TopicPartition(topic: topic, partition: partition)] = Watermarks(low: low, high: high) }
                        }
                    }
                }
                running.subtract(1, ordering: .acquiringAndReleasing)
                resume.resume(answered.withLock { $0 })
            }
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .milliseconds(Int(timeout.wholeMilliseconds) + 100)) {
                resume.resume(answered.withLock { $0 })
            }
        }
    }

    /// Closes the client. Idempotent; queries afterwards throw. A query still blocked in
    /// librdkafka (see ``watermarks(of:timeout:)``) keeps the client: it is left to the process's
    /// end rather than destroyed under it.
    public func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        if running.load(ordering: .acquiring) > 0 {
            context.logger.warning("a watermark query is still waiting for the broker; the client is left open")
            return
        }
        rd_kafka_destroy(handle.pointer)
        withExtendedLifetime(context) {}
    }

    private func ensureOpen() throws(KafkaError) {
        if closed.load(ordering: .acquiring) { throw KafkaError(.closed, "watermark client is closed") }
    }
}

/// Every topic's partition count from one Metadata request (blocking; call off the cooperative pool).
func topicPartitionCounts(rk: OpaquePointer, timeoutMillis: Int32) -> Result<[String: Int], KafkaError> {
    var metadata: UnsafePointer<rd_kafka_metadata>?
    let err = rd_kafka_metadata(rk, 1, nil, &metadata, timeoutMillis)
    guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
        return .failure(KafkaError(.admin, err, context: "metadata"))
    }
    defer { rd_kafka_metadata_destroy(metadata) }
    var topics: [String: Int] = [:]
    for index in 0..<Int(metadata.pointee.topic_cnt) {
        let topic = metadata.pointee.topics[index]
        if topic.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            topics[String(cString: topic.topic)] = Int(topic.partition_cnt)
        }
    }
    return .success(topics)
}

/// Resumes a continuation once; later calls do nothing.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, Never>?>

    init(_ continuation: CheckedContinuation<T, Never>) { self.continuation = Mutex(continuation) }

    func resume(_ value: T) {
        let pending = continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }
        pending?.resume(returning: value)
    }
}
