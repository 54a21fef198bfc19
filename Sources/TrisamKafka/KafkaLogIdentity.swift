import CRdKafka
import Foundation
import Logging

/// Which log a client talks to: the id written as the first record of the topic `trisam.log`
/// when the log was created.
///
/// Offsets mean something only within one log. Apache Kafka keeps its log across restarts, but
/// the embedded broker keeps it in memory, so a restarted broker starts an empty log at the same
/// address: stored offsets then point past its end or at other messages. A client that compares
/// the identity it last worked with against the current one knows when that happened and can read
/// the new log from its beginning (consumers) or send again what it said before (producers with a
/// durable outbox).
///
/// `trisam broker` writes a new identity at every start; `trisam topics` writes one when a cluster
/// has none. A cluster without the topic has no identity (`nil`): clients then keep their offsets,
/// as they would on any Kafka cluster.
public enum KafkaLogIdentity {
    /// The topic holding the identity record (one partition).
    public static let topic = "trisam.log"

    /// The topic's specification: one partition, compacted, so the record is never deleted
    /// (each identity is its own key: a later one written by a race never replaces the first).
    public static func topicSpec(replicationFactor: Int) -> TopicSpec {
        TopicSpec(name: topic, partitions: 1, replicationFactor: replicationFactor, configs: ["cleanup.policy": "compact"])
    }

    /// Reads the identity: the value of the first record of `trisam.log`, `nil` when the topic is
    /// missing or empty. Blocks the calling thread for at most about `timeout`.
    /// - Throws: ``KafkaError`` when the cluster cannot be reached within `timeout`.
    public static func read(configuration: KafkaConfiguration, timeout: Duration = .seconds(5)) throws(KafkaError) -> String? {
        let context = ClientContext(logger: Logger(label: "trisam.kafka.log-identity"))
        let handle = try makeNativeClient(
            type: RD_KAFKA_CONSUMER,
            configuration: configuration.merging([
                "group.id": "trisam-log-identity", "enable.auto.commit": "false", "log_level": "0",
                "auto.offset.reset": "earliest", "enable.partition.eof": "true",
            ]),
            context: context)
        defer {
            rd_kafka_destroy_flags(handle.pointer, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
            withExtendedLifetime(context) {}
        }
        let deadline = ContinuousClock.now + timeout
        // Metadata first (it keeps to its timeout; a watermark query may not while the broker is away).
        switch topicPartitionCounts(rk: handle.pointer, timeoutMillis: Int32(timeout.wholeMilliseconds)) {
        case .failure(let error): throw KafkaError(.consume, code: error.code, "read the log identity: \(error.message)")
        case .success(let counts) where counts[topic] == nil: return nil
        case .success: break
        }
        let list = rd_kafka_topic_partition_list_new(1)!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_topic_partition_list_add(list, topic, 0).pointee.offset = Int64(RD_KAFKA_OFFSET_BEGINNING)
        let assigned = rd_kafka_assign(handle.pointer, list)
        if assigned != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(.consume, assigned, context: "read the log identity") }
        while ContinuousClock.now < deadline {
            guard let message = rd_kafka_consumer_poll(handle.pointer, 100) else { continue }
            defer { rd_kafka_message_destroy(message) }
            if message.pointee.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return nil }
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR { continue }
            let bytes = message.pointee.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: message.pointee.len)) } ?? []
            return String(decoding: bytes, as: UTF8.self)
        }
        throw KafkaError(.consume, "read the log identity: no answer within \(timeout)")
    }

    /// What one read of the identity tells a client that knew the identity `known` (nil: none yet).
    public enum Change: Equatable, Sendable {
        /// No conclusion: an empty identity topic beside a known identity is a broker that is
        /// still starting (it creates the topics before it writes the identity). Ask again.
        case unanswered
        /// The same log as before, or a cluster that has no identity at all.
        case unchanged
        /// The first identity this client learns; nothing to redo.
        case first(String)
        /// Another log than the one known: the broker restarted empty.
        case new(String)
    }

    /// Compares an identity just read (`current`) with the one known before.
    public static func change(from known: String?, to current: String?) -> Change {
        switch (known, current) {
        case (nil, nil): .unchanged
        case (.some, nil): .unanswered
        case (nil, .some(let current)): .first(current)
        case (.some(let known), .some(let current)): known == current ? .unchanged : .new(current)
        }
    }

    /// Returns the cluster's identity, writing a new one (a random UUID) when it has none. The
    /// topic must exist.
    public static func establish(configuration: KafkaConfiguration, logger: Logger) async throws -> String {
        let reading = configuration
        if let existing = try await runBlocking({ Result { () throws(KafkaError) in try read(configuration: reading) } }).get() {
            return existing
        }
        let identity = UUID().uuidString.lowercased()
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        _ = try await producer.send(OutgoingMessage(topic: topic, key: Array(identity.utf8), value: Array(identity.utf8), partition: 0))
        await producer.close(timeout: .seconds(5))
        return identity
    }
}
