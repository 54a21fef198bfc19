import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization
import TrisamBus
import TrisamContracts
import TrisamHTTP
import TrisamKafka

/// The durable outbox: outgoing events are stored as Kafka messages (one row per destination
/// topic, all with the event's id) in the same transaction as the change that caused them.
public enum Outbox {
    /// Stores the messages of `envelope`. Refuses (400) an event that violates its contract, so
    /// the surrounding transaction rolls back and nothing is written.
    static func enqueue(_ envelope: EventEnvelope, _ db: Database) throws {
        try enqueue(prepare(envelope), db)
    }

    /// An event encoded for the outbox, ready to insert: encoding is done before the write
    /// transaction where a request allows, so the single writer spends its time writing.
    struct Prepared: Sendable {
        let eventId: String
        let type: String
        let rows: [(topic: String, key: Data, value: Data, headers: String)]
    }

    /// Encodes `envelope` (one row per destination topic). Refuses (400) an event that violates
    /// its contract.
    static func prepare(_ envelope: EventEnvelope) throws(APIError) -> Prepared {
        let messages: [OutgoingMessage]
        do {
            messages = try EventPublisher.messages(for: envelope)
        } catch let error as EventContractError {
            if case .invalidPayload(let violation) = error { throw APIError.violation(violation) }
            throw APIError.invalid("(body)", error.description)
        } catch {
            throw APIError.invalid("(body)", "\(error)")
        }
        return Prepared(
            eventId: envelope.id, type: envelope.type.rawValue,
            rows: messages.map { message in
                (message.topic, Data(message.key ?? []), Data(message.value), StoredHeaders.encode(message.headers))
            })
    }

    /// Stores a prepared event.
    static func enqueue(_ prepared: Prepared, _ db: Database) throws {
        let created = AgencyStore.now()
        for row in prepared.rows {
            try db.cachedStatement(
                sql: """
                    INSERT INTO outbox (eventId, type, topic, key, value, headers, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [prepared.eventId, prepared.type, row.topic, row.key, row.value, row.headers, created])
        }
    }

    /// An unsent outbox row as a Kafka message.
    struct Pending: Sendable {
        let seq: Int64
        let message: OutgoingMessage
    }

    /// The oldest unsent rows.
    static func pending(_ db: Database, limit: Int) throws -> [Pending] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT seq, topic, key, value, headers FROM outbox WHERE sentAt IS NULL ORDER BY seq LIMIT ?"),
            arguments: [limit]
        ).map { row in
            let headers = StoredHeaders.decode(row["headers"])
            let key: Data = row["key"]
            let value: Data = row["value"]
            return Pending(
                seq: row["seq"], message: OutgoingMessage(topic: row["topic"], key: Array(key), value: Array(value), headers: headers))
        }
    }
}

/// Wakes the outbox publisher when new rows were stored.
public final class OutboxSignal: Sendable {
    let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// New rows are waiting.
    public func notify() { continuation.yield() }

    func finish() { continuation.finish() }
}

/// Drains the outbox to Kafka: sends the oldest unsent rows in order, marks a row sent only when
/// the broker acknowledged it, and retries with backoff while the broker is unreachable. On
/// start it sends whatever an earlier run left; on graceful shutdown it flushes what it can
/// within `shutdownGrace`, and leaves the rest for the next start.
///
/// It follows the log it sends to (``KafkaLogIdentity``): at start, after the producer lost every
/// broker connection, and every ``logCheckInterval``. When the log is new (an embedded broker
/// restarted empty), every row still kept (``retention``) is sent again, so that what the old log
/// held and nobody had read yet is not lost; receivers drop what they already have by event id.
public final class OutboxPublisher: Service, Sendable {
    private let store: AgencyStore
    private let producer: KafkaProducer
    private let signal: OutboxSignal
    private let logger: Logger
    private let batchSize: Int
    private let shutdownGrace: Duration
    private let stopping = Mutex(false)
    private let followed = Mutex(FollowedLog())

    /// What the publisher last learnt about the log it sends to.
    private struct FollowedLog {
        /// The producer's ``KafkaProducer/connectionLosses`` at the last successful check.
        var losses: UInt64?
        var checkedAt: ContinuousClock.Instant?
    }

    /// How often the log identity is checked even without a lost connection.
    public static let logCheckInterval: Duration = .seconds(10)

    public init(
        store: AgencyStore, producer: KafkaProducer, signal: OutboxSignal, batchSize: Int = 500,
        shutdownGrace: Duration = .seconds(5), logger: Logger
    ) {
        self.store = store
        self.producer = producer
        self.signal = signal
        self.batchSize = batchSize
        self.shutdownGrace = shutdownGrace
        self.logger = logger
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    public func run() async throws {
        let ticker = Task { [signal] in
            // A periodic wake-up in case a notification is missed.
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                signal.notify()
            }
        }
        defer { ticker.cancel() }
        try await withGracefulShutdownHandler {
            try await loop()
        } onGracefulShutdown: { [self] in
            stopping.withLock { $0 = true }
            signal.finish()
            // A send waiting on an unreachable broker is released by closing the producer
            // (undelivered messages fail and stay unsent in the outbox).
            let producer = self.producer
            let grace = self.shutdownGrace
            Task {
                try? await Task.sleep(for: grace)
                await producer.close(timeout: .milliseconds(200))
            }
        }
        await producer.close(timeout: .seconds(2))
        let left = (try? await store.unsentCount()) ?? -1
        logger.info("outbox publisher stopped", metadata: ["unsent": "\(left)"])
    }

    /// Delivered rows are kept this long (for inspection), then deleted.
    public static let retention: Duration = .seconds(7 * 24 * 3600)

    /// Deletes rows delivered longer ago than ``retention``.
    func prune() async {
        let cutoff = Timestamp.format(Date().addingTimeInterval(-Double(Self.retention.components.seconds)))
        do {
            try await store.pool.write { db in
                try db.execute(sql: "DELETE FROM outbox WHERE sentAt IS NOT NULL AND sentAt < ?", arguments: [cutoff])
            }
        } catch {
            logger.warning("cannot prune the outbox: \(error)")
        }
    }

    private func loop() async throws {
        var iterator = signal.stream.makeAsyncIterator()
        var lastPrune = ContinuousClock.now - .seconds(3600)
        var backoff: Duration = .milliseconds(100)
        while true {
            let outcome = await drainOnce()
            switch outcome {
            case .sentAll(let count):
                backoff = .milliseconds(100)
                // A full batch means more may wait; when stopping, drain until nothing is left.
                if count == batchSize || (count > 0 && isStopping) { continue }
                if isStopping { return }
                if ContinuousClock.now - lastPrune > .seconds(3600) {
                    lastPrune = ContinuousClock.now
                    await prune()
                }
                if await iterator.next() == nil {
                    // The signal finished (graceful shutdown) or the task was cancelled: one
                    // more round drains what is left, then the loop ends.
                    stopping.withLock { $0 = true }
                }
            case .failed:
                if isStopping || Task.isCancelled { return }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private enum DrainOutcome {
        case sentAll(Int)
        case failed
    }

    /// Checks, when due, whether the log is still the one the sent rows went to; if it is new,
    /// marks every kept row unsent again.
    private func followLog() async {
        let losses = producer.connectionLosses
        let due = followed.withLock { state in
            guard let checked = state.losses, let at = state.checkedAt else { return true }
            return checked != losses || ContinuousClock.now - at > Self.logCheckInterval
        }
        guard due else { return }
        let configuration = producer.configuration
        let read = await Task.detached {
            Result { () throws(KafkaError) in try KafkaLogIdentity.read(configuration: configuration, timeout: .seconds(1)) }
        }.value
        // Unreachable: checked again next round.
        guard case .success(let current) = read else { return }
        do {
            let resent = try await store.pool.write { db -> Int? in
                let known = try String.fetchOne(db, sql: "SELECT identity FROM published_log")
                let change = KafkaLogIdentity.change(from: known, to: current)
                switch change {
                case .unanswered: return nil
                case .unchanged: return 0
                case .first(let identity), .new(let identity):
                    try db.execute(sql: "DELETE FROM published_log")
                    try db.execute(sql: "INSERT INTO published_log(identity) VALUES (?)", arguments: [identity])
                    guard change == .new(identity) else { return 0 }
                    try db.execute(sql: "UPDATE outbox SET sentAt = NULL WHERE sentAt IS NOT NULL")
                    return db.changesCount
                }
            }
            // A broker still starting (no identity written yet): checked again next round.
            guard let resent else { return }
            followed.withLock { $0 = FollowedLog(losses: losses, checkedAt: .now) }
            if resent > 0 {
                logger.warning(
                    "the log is new (the broker restarted empty): sending kept events again",
                    metadata: ["messages": "\(resent)", "log": "\(current ?? "-")"])
            }
        } catch {
            logger.error("cannot record the log identity: \(error)")
        }
    }

    /// Sends one batch of unsent rows.
    private func drainOnce() async -> DrainOutcome {
        if !isStopping { await followLog() }
        let pending: [Outbox.Pending]
        do {
            pending = try await store.pool.read { [batchSize] db in try Outbox.pending(db, limit: batchSize) }
        } catch {
            logger.error("cannot read the outbox: \(error)")
            return .failed
        }
        if pending.isEmpty { return .sentAll(0) }
        let results: [Result<DeliveryReport, KafkaError>]
        do {
            results = try await producer.send(pending.map(\.message))
        } catch {
            logger.warning("outbox send failed: \(error.message)")
            return .failed
        }
        var delivered: [Int64] = []
        var failed: [(Int64, String)] = []
        for (row, result) in zip(pending, results) {
            switch result {
            case .success: delivered.append(row.seq)
            case .failure(let error): failed.append((row.seq, error.message))
            }
        }
        do {
            let now = AgencyStore.now()
            let (delivered, failed) = (delivered, failed)
            try await store.pool.write { db in
                for chunk in stride(from: 0, to: delivered.count, by: 500).map({ Array(delivered[$0..<min($0 + 500, delivered.count)]) }) {
                    let marks = chunk.map { _ in "?" }.joined(separator: ",")
                    try db.execute(
                        sql: "UPDATE outbox SET sentAt = ?, attempts = attempts + 1 WHERE seq IN (\(marks))",
                        arguments: StatementArguments([now] + chunk.map { $0 as (any DatabaseValueConvertible) }))
                }
                for (seq, message) in failed {
                    try db.execute(
                        sql: "UPDATE outbox SET attempts = attempts + 1, lastError = ? WHERE seq = ?",
                        arguments: [String(message.prefix(500)), seq])
                }
            }
        } catch {
            // Delivered but not marked: sent again later, receivers drop the duplicate by event id.
            logger.error("cannot mark outbox rows sent: \(error)")
            return .failed
        }
        if !failed.isEmpty {
            logger.warning("outbox: \(failed.count) message(s) not delivered; retrying", metadata: ["error": "\(failed[0].1)"])
            return .failed
        }
        return .sentAll(delivered.count)
    }
}
