import Foundation
import GRDB
import TrisamContracts
import TrisamHTTP

/// The inbox: events addressed to this agency, and the record of what was consumed.
enum InboxRows {
    /// Newest first, below the cursor `before` (a `seq`); `next` is set when more follow.
    static func page(_ db: Database, before: Int64?, limit: Int) throws -> Page<InboxItem> {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM inbox WHERE seq < ? ORDER BY seq DESC LIMIT ?", arguments: [before ?? Int64.max, limit + 1])
        return Page(items: rows.prefix(limit).map(item), next: rows.count > limit ? String(rows[limit - 1]["seq"] as Int64) : nil)
    }

    /// Keeps an event addressed to this agency.
    static func insert(_ db: Database, _ envelope: EventEnvelope) throws {
        try db.execute(
            sql: """
                INSERT INTO inbox (eventId, type, fromSource, clientRef, receivedAt, eventTime, summary, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                envelope.id, envelope.type.rawValue, envelope.source.agency?.rawValue ?? "coordinator", envelope.subject.rawValue,
                AgencyStore.now(), Timestamp.format(envelope.time), InboxSummary.text(for: envelope),
                AgencyStore.json(AnyEncodable(envelope.event.payload)),
            ])
    }

    /// An item this agency's service writes into its own inbox (no event on the bus), such as a
    /// reminder; its `eventId` is stable, so writing it again adds nothing.
    struct LocalItem {
        var eventId: String
        var type: String
        var from: Agency
        var clientRef: ClientRef
        var at: Date
        var summary: String
        var payload: [String: String]
    }

    /// Keeps `item` unless an item with its event id is there; answers whether it was new.
    static func insertOnce(_ db: Database, _ item: LocalItem) throws -> Bool {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO inbox (eventId, type, fromSource, clientRef, receivedAt, eventTime, summary, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                item.eventId, item.type, item.from.rawValue, item.clientRef.rawValue, Timestamp.format(item.at),
                Timestamp.format(item.at), item.summary, AgencyStore.json(item.payload),
            ])
        return db.changesCount > 0
    }

    /// Whether an event was consumed already (inbox or consent topic).
    static func wasConsumed(_ db: Database, _ eventId: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM consumedEvent WHERE eventId = ?", arguments: [eventId]) ?? false
    }

    /// Records that an event was consumed, so that a redelivery is dropped.
    static func markConsumed(_ db: Database, _ eventId: String, topic: String) throws {
        try db.execute(
            sql: "INSERT INTO consumedEvent (eventId, topic, consumedAt) VALUES (?, ?, ?)", arguments: [eventId, topic, AgencyStore.now()])
    }

    static func item(_ row: Row) -> InboxItem {
        InboxItem(
            cursor: String(row["seq"] as Int64), eventId: row["eventId"], type: row["type"], from: row["fromSource"],
            clientRef: row["clientRef"], receivedAt: row["receivedAt"], time: row["eventTime"], summary: row["summary"],
            payload: JSONValue(parsing: row["payload"]))
    }
}

/// The agency's audit log.
enum AuditRows {
    /// Newest first (of one person, or of everyone), below the cursor `before`.
    static func page(_ db: Database, of clientRef: ClientRef?, before: Int64, limit: Int) throws -> Page<AuditItem> {
        let rows =
            if let clientRef {
                try Row.fetchAll(
                    db, sql: "SELECT * FROM audit WHERE clientRef = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                    arguments: [clientRef.rawValue, before, limit + 1])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?", arguments: [before, limit + 1])
            }
        let items = rows.prefix(limit).map { row in
            AuditItem(
                cursor: String(row["seq"] as Int64), at: row["at"], staff: row["staffName"], role: row["staffRole"],
                action: row["action"], clientRef: row["clientRef"], detail: row["detail"])
        }
        return Page(items: Array(items), next: rows.count > limit ? String(rows[limit - 1]["seq"] as Int64) : nil)
    }
}
