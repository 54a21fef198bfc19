import Logging
import ServiceLifecycle
import TrisamBus
import TrisamKafka

/// The second stage of the coordinator: takes what the reader batched, dead-letters what did
/// not decode, and has the engine store each batch in one transaction (state, flags, outbox and
/// offsets together).
///
/// It stops only once the reader has finished the batcher and everything read is stored, and
/// graceful shutdown has reached it (the reader stops first), so that no event read is left
/// unstored.
struct BatchProcessor: Service {
    let batcher: MessageBatcher<ReadMessage>
    let engine: CoordinatorEngine
    let producer: KafkaProducer
    let logger: Logger

    func run() async throws {
        while true {
            let items = await batcher.take()
            if items.isEmpty { break }
            var incoming: [IncomingEvent] = []
            incoming.reserveCapacity(items.count)
            for item in items {
                switch item {
                case .decoded(let event):
                    incoming.append(event)
                case .undecodable(let message, let reason):
                    try await deadLetter(message, reason: reason)
                    incoming.append(
                        IncomingEvent(partition: message.topicPartition, offset: message.offset, envelope: nil, log: message.log))
                }
            }
            try await engine.process(incoming)
        }
        // Drained. A service group shuts its services down one after the other, so wait for
        // our turn (at once if it has come; a cancelled group ends the wait too).
        try? await gracefulShutdown()
    }

    private func deadLetter(_ message: ConsumedMessage, reason: String) async throws {
        logger.warning(
            "dead-lettering message",
            metadata: [
                "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)", "reason": "\(reason)",
            ])
        while true {
            do {
                _ = try await producer.send(DeadLetter.message(for: message, reason: reason, consumer: "coordinator"))
                return
            } catch {
                logger.error("dead letter not delivered, retrying: \(error)")
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
