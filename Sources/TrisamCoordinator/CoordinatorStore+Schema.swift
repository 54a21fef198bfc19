import Foundation
import GRDB
import TrisamBus
import TrisamCoordinatorCore
import TrisamKafka

/// The store's tables, and every migration between their formats.
extension CoordinatorStore {
    /// Every format the store has had, oldest first (internal: tests build older stores with it).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE person (
                        clientRef TEXT PRIMARY KEY NOT NULL,
                        state BLOB NOT NULL, -- PersonState.binaryEncoded()
                        flags BLOB NOT NULL,
                        nextCheck REAL
                    ) WITHOUT ROWID;
                    CREATE INDEX person_next_check ON person(nextCheck) WHERE nextCheck IS NOT NULL;
                    CREATE TABLE seen_event (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                    CREATE TABLE timeline (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        clientRef TEXT NOT NULL,
                        eventId TEXT NOT NULL,
                        type TEXT NOT NULL,
                        source TEXT NOT NULL,
                        time REAL NOT NULL,
                        summary TEXT NOT NULL
                    );
                    CREATE INDEX timeline_person ON timeline(clientRef, seq);
                    CREATE TABLE flag (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        flagId TEXT NOT NULL UNIQUE,
                        clientRef TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        title TEXT NOT NULL,
                        explanation TEXT NOT NULL,
                        agencies TEXT NOT NULL,
                        evidence TEXT NOT NULL,
                        since REAL NOT NULL,
                        raisedAt REAL NOT NULL,
                        resolvedAt REAL,
                        resolution TEXT,
                        resolvedEvidence TEXT
                    );
                    CREATE INDEX flag_open ON flag(seq) WHERE resolvedAt IS NULL;
                    CREATE INDEX flag_person ON flag(clientRef, seq);
                    CREATE TABLE flag_outbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        eventId TEXT NOT NULL,
                        message BLOB NOT NULL
                    );
                    CREATE TABLE consumed_offset (
                        topic TEXT NOT NULL,
                        partition INTEGER NOT NULL,
                        nextOffset INTEGER NOT NULL,
                        PRIMARY KEY (topic, partition)
                    ) WITHOUT ROWID;
                    CREATE TABLE access_log (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        time REAL NOT NULL,
                        reader TEXT NOT NULL,
                        clientRef TEXT NOT NULL,
                        path TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-outbox-columns") { db in
            // The flags outbox held each message as JSON (byte arrays as lists of numbers), whose
            // encoding and decoding was a quarter of the coordinator's time. Now: plain columns.
            try db.execute(
                sql: """
                    CREATE TABLE flag_outbox_v2 (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        eventId TEXT NOT NULL,
                        key BLOB NOT NULL,
                        value BLOB NOT NULL,
                        headers TEXT NOT NULL -- StoredHeaders
                    )
                    """)
            for row in try Row.fetchAll(db, sql: "SELECT eventId, message FROM flag_outbox ORDER BY seq") {
                let legacy = try JSONDecoder().decode(LegacyOutboxMessage.self, from: row["message"] as Data)
                try db.execute(
                    sql: "INSERT INTO flag_outbox_v2(eventId, key, value, headers) VALUES (?, ?, ?, ?)",
                    arguments: [
                        row["eventId"] as String, Data(legacy.key), Data(legacy.value),
                        StoredHeaders.encode(legacy.headers.map { KafkaHeader(name: $0[0], string: $0.count > 1 ? $0[1] : "") }),
                    ])
            }
            try db.execute(sql: "DROP TABLE flag_outbox; ALTER TABLE flag_outbox_v2 RENAME TO flag_outbox")
        }
        migrator.registerMigration("v3-timeline-is-seen") { db in
            // Each event cost three B-tree inserts at random places (seen_event, the timeline's
            // person index) plus a timeline append. Now one: the timeline is keyed by person and
            // event id, and its primary key is what tells a duplicate. `seq` keeps arrival order,
            // numbered from a counter in coordinator_counter.
            try db.execute(
                sql: """
                    CREATE TABLE timeline_v3 (
                        clientRef TEXT NOT NULL,
                        eventId TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        source TEXT NOT NULL,
                        time REAL NOT NULL,
                        summary TEXT NOT NULL,
                        PRIMARY KEY (clientRef, eventId)
                    ) WITHOUT ROWID;
                    INSERT OR IGNORE INTO timeline_v3(clientRef, eventId, seq, type, source, time, summary)
                        SELECT clientRef, eventId, seq, type, source, time, summary FROM timeline ORDER BY seq;
                    CREATE TABLE coordinator_counter (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
                    INSERT INTO coordinator_counter(name, value)
                        SELECT 'timelineSeq', coalesce(max(seq), 0) FROM timeline_v3;
                    DROP TABLE seen_event;
                    DROP TABLE timeline;
                    ALTER TABLE timeline_v3 RENAME TO timeline;
                    """)
        }
        migrator.registerMigration("v4-consumed-log") { db in
            // The log the consumed offsets are positions in (one row at most).
            try db.execute(sql: "CREATE TABLE consumed_log (identity TEXT NOT NULL)")
        }
        migrator.registerMigration("v5-timeline-effective-date") { db in
            // The day each fact took effect and its content in Swedish (issue 21). Rows stored
            // before have neither: the page shows them with the time they were recorded only.
            try db.execute(
                sql: """
                    ALTER TABLE timeline ADD COLUMN effectiveOn TEXT;
                    ALTER TABLE timeline ADD COLUMN detail TEXT;
                    """)
        }
        migrator.registerMigration("v6-timeline-summary") { db in
            // Bounded storage (issue 22): entries older than the retention window are summarised
            // here, per person, agency and kind of event, and leave the timeline.
            try db.execute(
                sql: """
                    CREATE TABLE timeline_summary (
                        clientRef TEXT NOT NULL,
                        source TEXT NOT NULL,
                        type TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        firstTime REAL NOT NULL,
                        lastTime REAL NOT NULL,
                        PRIMARY KEY (clientRef, source, type)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v7-overview-sums") { db in
            // The overview's sums over everyone (issue 22), kept up to date with each batch; filled
            // here once from the stored people.
            try db.execute(
                sql: "CREATE TABLE overview_count (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID")
            var sums: [String: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT state FROM person")
            while let row = try rows.next() {
                let state = try PersonState(binary: [UInt8](row["state"] as Data))
                OverviewTally.add(OverviewTally(state).delta(from: OverviewTally()), to: &sums)
            }
            try CoordinatorStore.addToOverview(sums, in: db)
        }
        migrator.registerMigration("v8-access-log-actions") { db in
            // Searches and exports are audited beside reads (issue 21): what was done, and for a
            // search how many persons matched. Earlier rows are reads.
            try db.execute(
                sql: """
                    ALTER TABLE access_log ADD COLUMN action TEXT NOT NULL DEFAULT 'read';
                    ALTER TABLE access_log ADD COLUMN matches INTEGER;
                    """)
        }
        migrator.registerMigration("v9-calendar-entries") { db in
            // The SIP calendar's items per person (issue 22), kept with each batch; filled here
            // once from the stored people.
            try db.execute(
                sql: """
                    CREATE TABLE calendar_entry (
                        clientRef TEXT NOT NULL,
                        key TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        moment REAL NOT NULL,
                        entry BLOB NOT NULL,
                        PRIMARY KEY (clientRef, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX calendar_entry_kind ON calendar_entry(kind, moment);
                    """)
            let rows = try Row.fetchCursor(db, sql: "SELECT clientRef, state FROM person")
            while let row = try rows.next() {
                let state = try PersonState(binary: [UInt8](row["state"] as Data))
                try CoordinatorStore.replaceCalendar(of: state.clientRef, with: CalendarEntry.entries(of: state), in: db)
            }
        }
        migrator.registerMigration("v10-flag-work") { db in
            // The work coordinators do on a flag (issue 21): who works it (a coordinator who took
            // it, or a named person at an agency it is assigned to), whether it is set aside until
            // a day or closed as no gap, the next step agreed, and every action in flag_history.
            // The access log's action (v8) says what a request did to a flag.
            try db.execute(
                sql: """
                    ALTER TABLE flag ADD COLUMN ownerKind TEXT; -- coordinator | assignee
                    ALTER TABLE flag ADD COLUMN ownerName TEXT;
                    ALTER TABLE flag ADD COLUMN ownerAgency TEXT;
                    ALTER TABLE flag ADD COLUMN ownerPhone TEXT;
                    ALTER TABLE flag ADD COLUMN parked TEXT; -- aside | closed
                    ALTER TABLE flag ADD COLUMN parkedUntil TEXT; -- YYYY-MM-DD
                    ALTER TABLE flag ADD COLUMN parkedReason TEXT;
                    ALTER TABLE flag ADD COLUMN nextStep TEXT;
                    ALTER TABLE flag ADD COLUMN nextStepDue TEXT;
                    ALTER TABLE flag ADD COLUMN workCount INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX flag_parked ON flag(clientRef) WHERE parked IS NOT NULL AND resolvedAt IS NULL;
                    CREATE INDEX flag_open_person ON flag(clientRef, severity, since) WHERE resolvedAt IS NULL;
                    CREATE TABLE flag_history (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        flagId TEXT NOT NULL,
                        clientRef TEXT NOT NULL,
                        eventId TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        time REAL NOT NULL,
                        actor TEXT,
                        text TEXT,
                        day TEXT,
                        assignee TEXT,
                        agency TEXT,
                        phone TEXT
                    );
                    CREATE INDEX flag_history_person ON flag_history(clientRef, seq);
                    """)
        }
        migrator.registerMigration("v11-queue-order") { db in
            // The dashboard's queue, counts and overview at a million people (issue 22): what they
            // computed from every open flag at each request is kept by the flag table's triggers
            // (``QueueOrder``), in the transaction that changes the flags, and filled here once.
            try db.execute(sql: QueueOrder.schema)
            try db.execute(sql: QueueOrder.fill)
            try CoordinatorStore.fillTrend(in: db)
        }
        return migrator
    }
}

/// How the first store format kept an outbox message (read once, by the v2 migration).
private struct LegacyOutboxMessage: Decodable {
    var key: [UInt8]
    var headers: [[String]]
    var value: [UInt8]
}
