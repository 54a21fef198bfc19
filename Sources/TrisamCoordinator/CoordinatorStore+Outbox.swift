import Foundation
import GRDB
import TrisamBus
import TrisamContracts
import TrisamKafka

/// The flags outbox: flag events stored with the change that caused them, sent by ``FlagPublisher``.
extension CoordinatorStore {

    /// A flag event as the outbox stores it, encoded before the write (encoding is pure and can
    /// run on any thread).
    struct OutboxEntry: Sendable {
        var eventId: String
        var key: Data
        var value: Data
        var headers: String
    }

    /// The outbox entries for a flag event: one per destination topic.
    static func outboxEntries(for envelope: EventEnvelope) throws -> [OutboxEntry] {
        try EventPublisher.messages(for: envelope).map { message in
            OutboxEntry(
                eventId: envelope.id, key: Data(message.key ?? []), value: Data(message.value),
                headers: StoredHeaders.encode(message.headers))
        }
    }

    /// Stores flag events' messages (flag events go to `trisam.flags` only, which
    /// ``pendingOutbox(limit:)`` puts back as the topic).
    static func enqueue(_ entries: [OutboxEntry], in db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO flag_outbox(eventId, key, value, headers) VALUES (?, ?, ?, ?)")
        for entry in entries {
            try statement.execute(arguments: [entry.eventId, entry.key, entry.value, entry.headers])
        }
    }

    /// The oldest outbox entries, in order, as messages for `trisam.flags`.
    public func pendingOutbox(limit: Int) throws -> [PendingFlagEvent] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, eventId, key, value, headers FROM flag_outbox ORDER BY seq LIMIT ?",
                arguments: [limit]
            ).map { row in
                let key: Data = row["key"]
                let value: Data = row["value"]
                return PendingFlagEvent(
                    seq: row["seq"], eventId: row["eventId"],
                    message: OutgoingMessage(
                        topic: Topic.flags, key: Array(key), value: Array(value), headers: StoredHeaders.decode(row["headers"])))
            }
        }
    }

    /// Removes delivered outbox entries.
    public func removeFromOutbox(_ seqs: [Int64]) throws {
        guard !seqs.isEmpty else { return }
        try pool.write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM flag_outbox WHERE seq = ?")
            for seq in seqs { try statement.execute(arguments: [seq]) }
        }
    }
}

/// A flag event waiting in the outbox, ready to send.
public struct PendingFlagEvent: Sendable, Equatable {
    /// Its place in the outbox (removed by it once delivered).
    public var seq: Int64
    public var eventId: String
    /// The message for `trisam.flags`.
    public var message: OutgoingMessage
}
