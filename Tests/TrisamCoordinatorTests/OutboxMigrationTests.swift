import Foundation
import GRDB
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamKafka
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// Stores written by earlier formats are read by the current one.
@Suite("Coordinator store migration")
struct OutboxMigrationTests {
    @Test("flag events waiting in a v1 outbox survive the move to plain columns, in order and byte for byte")
    func v1OutboxMigrates() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("coordinator.sqlite").path
        let events = (0..<3).map { index in
            TestEvent.envelope(
                TestEvent.newClientRef(), .kommun,
                .kommunBistandDecided(
                    BistandDecided(
                        decision: .granted, effectiveDate: LocalDate("2026-11-0\(index + 1)")!, month: YearMonth(year: 2026, month: 11)!)),
                at: utc("2026-11-24T08:00:00Z"), id: "migrated-\(index)")
        }
        // What the first format stored: the message as JSON with byte arrays as lists of numbers.
        let old = try DatabaseQueue(path: path)
        try CoordinatorStore.migrator.migrate(old, upTo: "v1")
        try old.write { db in
            for event in events {
                let encoded = try event.encoded()
                let legacy: [String: Any] = [
                    "eventId": event.id, "key": encoded.key, "value": encoded.value,
                    "headers": encoded.headers.map { [$0.name, String(decoding: $0.value, as: UTF8.self)] },
                ]
                try db.execute(
                    sql: "INSERT INTO flag_outbox(eventId, message) VALUES (?, ?)",
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

    @Test("a v2 timeline keeps its order and still tells duplicates once it is the record of seen events")
    func v2TimelineMigrates() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("coordinator.sqlite").path
        let ref = TestEvent.newClientRef()
        let events = (0..<3).map { index in
            TestEvent.envelope(
                ref, .kommun,
                .kommunBistandDecided(
                    BistandDecided(
                        decision: .granted, effectiveDate: LocalDate("2026-11-0\(index + 1)")!, month: YearMonth(year: 2026, month: 11)!)),
                at: utc("2026-11-0\(3 - index)T08:00:00Z"), id: "seen-\(index)")
        }
        // The v2 format: seen events in their own table, the timeline numbered in arrival order
        // (here against time order, to show that arrival order is what is kept).
        let old = try DatabaseQueue(path: path)
        try CoordinatorStore.migrator.migrate(old, upTo: "v2-outbox-columns")
        try await old.write { db in
            var state = PersonState(clientRef: ref)
            for (index, event) in events.enumerated() {
                state.apply(event)
                try db.execute(sql: "INSERT INTO seen_event(id) VALUES (?)", arguments: [event.id])
                try db.execute(
                    sql: """
                        INSERT INTO timeline(seq, clientRef, eventId, type, source, time, summary) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        index + 10, ref.rawValue, event.id, event.type.rawValue, event.source.uri,
                        event.time.timeIntervalSince1970, "entry \(index)",
                    ])
            }
            try db.execute(
                sql: "INSERT INTO person(clientRef, state, flags, nextCheck) VALUES (?, ?, ?, NULL)",
                arguments: [ref.rawValue, Data(state.binaryEncoded()), Data(PersonFlags().binaryEncoded())])
        }
        try old.close()

        let store = try CoordinatorStore(path: path)
        #expect(try store.statistics().eventsSeen == 12) // the counter continues after the highest number
        let timeline = try #require(try store.readPerson(ref, reader: "test", path: "/test", at: Date())?.timeline)
        #expect(timeline.map(\.eventId) == events.map(\.id))
        #expect(timeline.map(\.summary) == ["entry 0", "entry 1", "entry 2"])
        // Rows stored before the effective day and content were kept read without them.
        #expect(timeline.allSatisfy { $0.effectiveOn == nil && $0.detail == nil })

        let engine = try CoordinatorEngine(
            store: store, rules: GapRules(), clock: .fixed(at: utc("2026-11-24T08:00:00Z")),
            metrics: CoordinatorMetrics())
        let partition = TopicPartition(topic: "t", partition: 0)
        let fresh = TestEvent.envelope(
            ref, .kommun,
            .kommunBistandDecided(
                BistandDecided(
                    decision: .granted, effectiveDate: LocalDate("2026-12-01")!, month: YearMonth(year: 2026, month: 12)!)),
            at: utc("2026-12-01T08:00:00Z"), id: "after-migration")
        let outcome = try await engine.process([
            IncomingEvent(partition: partition, offset: 0, envelope: events[1]),
            IncomingEvent(partition: partition, offset: 1, envelope: fresh),
        ])
        #expect(outcome.duplicates == 1)
        #expect(outcome.applied == 1)
        let after = try #require(try store.readPerson(ref, reader: "test", path: "/test", at: Date())?.timeline)
        #expect(after.map(\.eventId) == events.map(\.id) + ["after-migration"])
        #expect(after.last?.effectiveOn == LocalDate("2026-12-01"))
        #expect(after.last?.detail == "Ekonomiskt bistånd beviljat för december 2026")
        #expect(try store.statistics().eventsSeen == 13)
    }
}
