import Logging
import TrisamContracts
import TrisamKafka

/// Publishes Trisam events: encodes each envelope as a CloudEvents binary-mode Kafka message
/// keyed by its `clientRef`, and sends it to every topic it is routed to.
public struct EventPublisher: Sendable {
    private let producer: KafkaProducer

    public init(producer: KafkaProducer) {
        self.producer = producer
    }

    /// The Kafka messages for one envelope: one per destination topic, all with the same event id.
    public static func messages(for envelope: EventEnvelope) throws -> [OutgoingMessage] {
        let encoded = try envelope.encoded()
        let headers = encoded.headers.map { KafkaHeader(name: $0.name, value: $0.value) }
        return envelope.destinationTopics.map { topic in
            OutgoingMessage(topic: topic, key: encoded.key, value: encoded.value, headers: headers)
        }
    }

    /// Publishes the envelopes and returns when the broker has acknowledged every message.
    /// - Throws: ``PublishError`` listing what was not delivered (the caller retries those;
    ///   receivers drop duplicates by event id).
    @discardableResult
    public func publish(_ envelopes: [EventEnvelope]) async throws -> [DeliveryReport] {
        let messages = try envelopes.flatMap(Self.messages(for:))
        let results = try await producer.send(messages)
        var reports: [DeliveryReport] = []
        var failures: [(topic: String, error: KafkaError)] = []
        for (message, result) in zip(messages, results) {
            switch result {
            case .success(let report): reports.append(report)
            case .failure(let error): failures.append((message.topic, error))
            }
        }
        if !failures.isEmpty { throw PublishError(failures: failures) }
        return reports
    }

    /// Publishes one envelope.
    @discardableResult
    public func publish(_ envelope: EventEnvelope) async throws -> [DeliveryReport] {
        try await publish([envelope])
    }
}

/// Some messages of a publish were not acknowledged.
public struct PublishError: Error, CustomStringConvertible {
    public let failures: [(topic: String, error: KafkaError)]

    public var description: String {
        "\(failures.count) message(s) not delivered: "
            + failures.prefix(3).map { "\($0.topic): \($0.error.message)" }.joined(separator: "; ")
    }
}
