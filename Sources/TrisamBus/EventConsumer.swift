import Logging
import TrisamContracts
import TrisamKafka

/// What a handler decided about one event.
public enum EventDisposition: Sendable, Equatable {
    /// The effect is stored (or the event was a duplicate): move on.
    case processed
    /// The event is well-formed but cannot be accepted here (e.g. violates a business rule):
    /// send it to the dead-letter topic with this reason and move on.
    case deadLetter(reason: String)
}

/// Runs a consumer loop over Trisam events: each message is decoded and handed to the handler;
/// what cannot be decoded, or what the handler refuses, goes to `trisam.deadletter` with its
/// reason, and consumption goes on. A message is marked processed only after its effect (or
/// its dead letter) is stored, so a crash re-delivers it; handlers are idempotent by event id.
public struct EventConsumer: Sendable {
    /// Decoded event with where it came from.
    public struct Delivery: Sendable {
        public let envelope: EventEnvelope
        public let message: ConsumedMessage
    }

    private let consumer: KafkaConsumer
    private let deadLetters: KafkaProducer
    private let name: String
    private let logger: Logger

    /// - Parameters:
    ///   - consumer: the subscribed consumer.
    ///   - deadLetters: the producer used for dead letters.
    ///   - name: this consumer's name, recorded on dead letters (e.g. `coordinator`, `af-inbox`).
    public init(
        consumer: KafkaConsumer, deadLetters: KafkaProducer, name: String,
        logger: Logger = Logger(label: "trisam.bus.consumer")
    ) {
        self.consumer = consumer
        self.deadLetters = deadLetters
        self.name = name
        self.logger = logger
    }

    /// Consumes until the consumer is closed or the task cancelled. A handler error stops the
    /// loop without marking the message (it is delivered again after restart). `handled` is
    /// called for every message once it is processed or dead-lettered (the second argument:
    /// true when it went to the dead-letter topic, undecodable or refused), before its offset is
    /// marked (a consumer keeping its own positions records them there).
    public func run(
        _ handler: @Sendable (Delivery) async throws -> EventDisposition,
        handled: (@Sendable (ConsumedMessage, _ deadLettered: Bool) async throws -> Void)? = nil
    ) async throws {
        for try await message in consumer.messages {
            let disposition: EventDisposition
            switch Self.decode(message) {
            case .success(let envelope):
                disposition = try await handler(Delivery(envelope: envelope, message: message))
            case .failure(let error):
                disposition = .deadLetter(reason: error.description)
            }
            var deadLettered = false
            if case .deadLetter(let reason) = disposition {
                try await sendDeadLetter(message, reason: reason)
                deadLettered = true
            }
            try await handled?(message, deadLettered)
            try? consumer.markProcessed(message)
        }
    }

    /// Decodes a consumed message into an envelope, and checks that it arrived on a topic that
    /// its type and source are published to: whoever may write one topic cannot make it carry
    /// another agency's facts, inbox events from an agency the contract does not let send them,
    /// or flags from anyone but the coordinator.
    public static func decode(_ message: ConsumedMessage) -> Result<EventEnvelope, EventContractError> {
        let encoded = EncodedEvent(
            key: message.key ?? [],
            headers: message.headers.map { EventHeader(name: $0.name, value: $0.value ?? []) },
            value: message.value)
        let envelope: EventEnvelope
        do {
            envelope = try EventEnvelope(decoding: encoded)
        } catch {
            return .failure(error)
        }
        let expected = envelope.destinationTopics
        guard expected.contains(message.topic) else {
            return .failure(.wrongTopic(topic: message.topic, type: envelope.type, source: envelope.source.uri, expected: expected))
        }
        return .success(envelope)
    }

    private func sendDeadLetter(_ message: ConsumedMessage, reason: String) async throws {
        logger.warning(
            "dead-lettering message",
            metadata: [
                "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)", "reason": "\(reason)",
            ])
        let report = try await deadLetters.send(DeadLetter.message(for: message, reason: reason, consumer: name))
        logger.debug("dead letter stored", metadata: ["offset": "\(report.offset)"])
    }
}
