import Logging
import ServiceLifecycle
import TrisamBus
import TrisamKafka

/// The first stage of the coordinator: reads every consumed message, decodes it (beside the
/// processor, on another core) and hands it to the batcher.
///
/// On graceful shutdown it closes the consumer, which ends the message sequence; whatever was
/// read is handed on for ``BatchProcessor`` to store. Whenever it ends it finishes the batcher,
/// so the processor never waits for messages that will not come.
struct EventReader: Service {
    let consumer: KafkaConsumer
    let batcher: MessageBatcher<ReadMessage>
    let logger: Logger

    func run() async throws {
        defer { batcher.finish() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await gracefulShutdown()
                } catch {
                    // Cancelled (another service failed): nobody may take from the batcher any
                    // more, so a reader waiting for room must not wait for it.
                    batcher.finish()
                }
                logger.info("coordinator stopping")
                await consumer.close()
            }
            // The sequence ends once the consumer is closed (or the task is cancelled).
            try await read()
            group.cancelAll()
        }
    }

    private func read() async throws {
        for try await message in consumer.messages {
            switch EventConsumer.decode(message) {
            case .success(let envelope):
                await batcher.add(
                    .decoded(
                        IncomingEvent(
                            partition: message.topicPartition, offset: message.offset,
                            envelope: envelope, log: message.log)))
            case .failure(let error):
                await batcher.add(.undecodable(message, reason: error.description))
            }
        }
    }
}

/// A consumed message as the reader hands it on: decoded, or with the reason it did not decode.
enum ReadMessage: Sendable {
    case decoded(IncomingEvent)
    case undecodable(ConsumedMessage, reason: String)
}
