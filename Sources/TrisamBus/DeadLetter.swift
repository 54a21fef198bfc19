import Foundation
import TrisamContracts
import TrisamKafka

/// Messages that failed validation go to `trisam.deadletter` unchanged (key, value, original
/// headers), with headers saying why, where from, and who refused them.
public enum DeadLetter {
    /// Header naming the reason, e.g. `missing header ce_type`.
    public static let reasonHeader = "trisam-dlq-reason"
    /// Header with the topic the message was read from.
    public static let sourceTopicHeader = "trisam-dlq-source-topic"
    /// Header with the partition the message was read from.
    public static let sourcePartitionHeader = "trisam-dlq-source-partition"
    /// Header with the offset the message had.
    public static let sourceOffsetHeader = "trisam-dlq-source-offset"
    /// Header naming the consumer (service) that refused it.
    public static let consumerHeader = "trisam-dlq-consumer"

    /// The dead-letter message for a refused message.
    public static func message(for original: ConsumedMessage, reason: String, consumer: String) -> OutgoingMessage {
        var headers = original.headers
        headers.append(KafkaHeader(name: reasonHeader, string: reason))
        headers.append(KafkaHeader(name: sourceTopicHeader, string: original.topic))
        headers.append(KafkaHeader(name: sourcePartitionHeader, string: String(original.partition)))
        headers.append(KafkaHeader(name: sourceOffsetHeader, string: String(original.offset)))
        headers.append(KafkaHeader(name: consumerHeader, string: consumer))
        return OutgoingMessage(topic: Topic.deadLetter, key: original.key, value: original.value, headers: headers)
    }
}
