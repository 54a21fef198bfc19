import Logging
import ServiceLifecycle
import Synchronization
import TrisamKafka

/// Wakes the ``FlagPublisher`` when the flags outbox may hold something new. Wake-ups that
/// arrive while it is busy fold into one.
struct OutboxWakeups: Sendable {
    private let pair = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// Asks the publisher to look at the outbox.
    func signal() { pair.continuation.yield() }

    /// No more wake-ups: the publisher drains once more and stops.
    func finish() { pair.continuation.finish() }

    var stream: AsyncStream<Void> { pair.stream }
}

/// Drains the flags outbox to `trisam.flags`: oldest first, removing entries only once the
/// broker has acknowledged them. After a crash, entries not yet removed are sent again with the
/// same event id (receivers drop duplicates by id).
///
/// On graceful shutdown (after the processor and the timer have stored their last flag
/// changes) it publishes what is pending once more, for at most ``shutdownGrace`` while the
/// broker does not answer, then stops; what was not delivered stays in the outbox.
struct FlagPublisher: Service {
    let store: CoordinatorStore
    let producer: KafkaProducer
    let wakeups: OutboxWakeups
    let logger: Logger
    var batchSize = 500
    /// How long the last drain may wait for the broker when stopping.
    static let shutdownGrace: Duration = .seconds(3)

    func run() async throws {
        let wakeups = self.wakeups
        let finished = Finished()
        defer { finished.value.store(true, ordering: .releasing) }
        try await withGracefulShutdownHandler {
            try await drain()
            // The timer also wakes the publisher every second, in case a send failed.
            for await _ in wakeups.stream {
                try await drain()
            }
            try? await drain()
        } onGracefulShutdown: { [producer] in
            wakeups.finish()
            // A send waiting for an unreachable broker would wait for librdkafka's message
            // timeout (minutes): after a grace, what is undelivered fails (again every half
            // second, for the last drain's sends too) and stays in the outbox for the next start.
            Task {
                try? await Task.sleep(for: Self.shutdownGrace)
                while !finished.value.load(ordering: .acquiring) {
                    producer.abandonUndelivered()
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
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
                    logger.warning(
                        "flag event not delivered, will retry", metadata: ["eventId": "\(entry.eventId)", "error": "\(error.message)"])
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

/// Set once the publisher's run has ended.
private final class Finished: Sendable {
    let value = Atomic<Bool>(false)
}
