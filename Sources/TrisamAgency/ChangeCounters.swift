import GRDB

/// Counters that SQLite triggers keep up to date, so that the Inkorg's live marker (polled by
/// every open Inkorg every few seconds) reads two rows instead of aggregating its tables: the
/// inbox's row count, and a version of the agency's flags that every insert, update or delete
/// of `agencyFlag` advances, whichever code path wrote it.
enum ChangeCounters {
    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v-change-counters") { db in
            try db.execute(
                sql: """
                    CREATE TABLE changeCounter (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
                    INSERT INTO changeCounter (name, value) SELECT 'inboxRows', COUNT(*) FROM inbox;
                    INSERT INTO changeCounter (name, value) VALUES ('flagVersion', 0);
                    CREATE TRIGGER inbox_counted_insert AFTER INSERT ON inbox
                    BEGIN UPDATE changeCounter SET value = value + 1 WHERE name = 'inboxRows'; END;
                    CREATE TRIGGER inbox_counted_delete AFTER DELETE ON inbox
                    BEGIN UPDATE changeCounter SET value = value - 1 WHERE name = 'inboxRows'; END;
                    CREATE TRIGGER agencyFlag_versioned_insert AFTER INSERT ON agencyFlag
                    BEGIN UPDATE changeCounter SET value = value + 1 WHERE name = 'flagVersion'; END;
                    CREATE TRIGGER agencyFlag_versioned_update AFTER UPDATE ON agencyFlag
                    BEGIN UPDATE changeCounter SET value = value + 1 WHERE name = 'flagVersion'; END;
                    CREATE TRIGGER agencyFlag_versioned_delete AFTER DELETE ON agencyFlag
                    BEGIN UPDATE changeCounter SET value = value + 1 WHERE name = 'flagVersion'; END;
                    """)
        }
    }

    static let tables = ["changeCounter"]

    /// The inbox's row count and the flags' version.
    static func read(_ db: Database) throws -> (inboxRows: Int, flagVersion: Int64) {
        let rows = try Row.fetchAll(db, sql: "SELECT name, value FROM changeCounter")
        var values: [String: Int64] = [:]
        for row in rows { values[row["name"]] = row["value"] }
        return (Int(values["inboxRows"] ?? 0), values["flagVersion"] ?? 0)
    }
}
