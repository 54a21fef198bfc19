import Logging
import TrisamKafka

/// Drains the flags outbox to `trisam.flags`: oldest first, removing entries only once the
/// broker has acknowledged them. After a crash, entries not yet removed are sent again with the
/// same event id (receivers drop duplicates by id).
struct FlagPublisher: Sendable {
    let store: CoordinatorStore
    let producer: KafkaProducer
    let logger: Logger
    var batchSize = 500

    /// Runs until `wakeups` finishes (then drains once more) or the task is cancelled.
    func run(wakeups: AsyncStream<Void>) async throws {
        try await drain()
        // The service also wakes the publisher every second, in case a send failed.
        for await _ in wakeups {
            try await drain()
        }
        try? await drain()
    }

    /// Sends everything pending. Called from one task only.
    func drain() async throws {
        while !Task.isCancelled {
            let pending = try store.pendingOutbox(limit: batchSize)
            if pending.isEmpty { return }
            let results = try await producer.send(pending.map(\.message))
            var delivered: [Int64] = []
            for (entry, result) in zip(pending, results) {
                switch result {
                case .success: delivered.append(entry.seq)
                case .failure(let error):
                    logger.warning("flag event not delivered, will retry", metadata: ["eventId": "\(entry.eventId)", "error": "\(error.message)"])
                }
            }
            try store.removeFromOutbox(delivered)
            if delivered.count < pending.count {
                try await Task.sleep(for: .milliseconds(500))
                return
            }
        }
    }
}
