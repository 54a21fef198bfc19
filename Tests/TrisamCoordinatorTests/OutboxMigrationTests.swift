import Foundation
import GRDB
import Testing
import TrisamContracts
import TrisamCoordinator
import TrisamKafka
import TrisamTestSupport

/// A store written by the first format (flag events kept as JSON) is read by the current one.
@Suite("Coordinator store migration")
struct OutboxMigrationTests {
    @Test("flag events waiting in a v1 outbox survive the move to plain columns, in order and byte for byte")
    func v1OutboxMigrates() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("coordinator.sqlite").path
        let events = (0..<3).map { index in
            Scenario.event(Scenario.newClientRef(), .kommun, .kommunBistandDecided(BistandDecided(
                decision: .granted, effectiveDate: LocalDate("2026-11-0\(index + 1)")!, month: YearMonth(year: 2026, month: 11)!)),
                at: Scenario.time("2026-11-24T08:00:00Z"), id: "migrated-\(index)")
        }
        // What the first format stored: the message as JSON with byte arrays as lists of numbers.
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1');
                CREATE TABLE flag_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, eventId TEXT NOT NULL, message BLOB NOT NULL);
                """)
            for event in events {
                let encoded = try event.encoded()
                let legacy: [String: Any] = [
                    "eventId": event.id, "key": encoded.key, "value": encoded.value,
                    "headers": encoded.headers.map { [$0.name, String(decoding: $0.value, as: UTF8.self)] },
                ]
                try db.execute(sql: "INSERT INTO flag_outbox(eventId, message) VALUES (?, ?)",
                               arguments: [event.id, try JSONSerialization.data(withJSONObject: legacy)])
            }
        }
        try old.close()

        let store = try CoordinatorStore(path: path)
        let pending = try store.pendingOutbox(limit: 10)
        #expect(pending.map(\.eventId) == events.map(\.id))
        for (entry, event) in zip(pending, events) {
            let encoded = try event.encoded()
            #expect(entry.message.topic == Topic.flags)
            #expect(entry.message.key == encoded.key)
            #expect(entry.message.value == encoded.value)
            #expect(entry.message.headers == encoded.headers.map { KafkaHeader(name: $0.name, value: $0.value) })
        }
        try store.removeFromOutbox(pending.map(\.seq))
        #expect(try store.pendingOutbox(limit: 10).isEmpty)
    }
}
