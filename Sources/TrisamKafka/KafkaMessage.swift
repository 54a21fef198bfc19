import Foundation

/// One Kafka record header.
public struct KafkaHeader: Sendable, Equatable, Hashable {
    /// Header name, e.g. `ce_type`.
    public var name: String
    /// Header value bytes; `nil` for a null header.
    public var value: [UInt8]?

    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// A header whose value is the UTF-8 bytes of `string`.
    public init(name: String, string: String) {
        self.init(name: name, value: Array(string.utf8))
    }

    /// The value decoded as UTF-8, if any.
    public var stringValue: String? { value.map { String(decoding: $0, as: UTF8.self) } }
}

/// A message to be produced.
public struct OutgoingMessage: Sendable, Equatable {
    /// Destination topic.
    public var topic: String
    /// Partitioning key; messages with the same key land in the same partition (murmur2, as Java clients).
    public var key: [UInt8]?
    /// Message body.
    public var value: [UInt8]
    /// Record headers, in order.
    public var headers: [KafkaHeader]
    /// Explicit partition, or `nil` to let the partitioner choose from the key.
    public var partition: Int32?

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    /// Convenience: a message with a UTF-8 string key.
    public init(topic: String, key: String, value: [UInt8], headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: Array(key.utf8), value: value, headers: headers)
    }
}

/// Where the broker stored a message: returned once the broker has acknowledged it.
public struct DeliveryReport: Sendable, Equatable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
}

/// A topic and partition.
public struct TopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A message received by a ``KafkaConsumer``.
public struct ConsumedMessage: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// This message's offset. The offset to commit once it is processed is `offset + 1`.
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// The record timestamp (create or log-append time), if the broker supplied one.
    public var timestamp: Date?
    /// The identity of the log the message was read from, when the consumer follows it
    /// (``KafkaLogIdentity``); its offset means something only in that log.
    public var log: String?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8],
        headers: [KafkaHeader], timestamp: Date?, log: String? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
        self.log = log
    }

    /// The topic and partition this message came from.
    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// The key decoded as UTF-8, if any.
    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }

    /// The first header with this name, decoded as UTF-8.
    public func header(_ name: String) -> String? {
        headers.first(where: { $0.name == name })?.stringValue
    }
}
