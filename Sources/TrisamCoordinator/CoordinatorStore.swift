import Foundation
import GRDB
import TrisamBus
import TrisamStore
import TrisamContracts
import TrisamCoordinatorCore
import TrisamKafka

/// The coordinator's own SQLite store (WAL): per-person state, each person's timeline (which is
/// also the record of the events already seen), flags, the flags outbox, the consumed offsets,
/// and the read audit log.
///
/// Everything an event changes is written in one transaction together with the consumed offset
/// of its partition, so a crash at any moment leaves either all of it or none of it.
public final class CoordinatorStore: Sendable {
    /// The underlying pool (one writer, concurrent readers).
    @_spi(Benchmarks) public let pool: DatabasePool

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        // A lock held elsewhere (a checkpoint, a reader opening) is waited out, not an error.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL + NORMAL, checkpoints in the background (StoreTuning).
            try StoreTuning.prepare(db)
            // 32 MB of page cache: the person and timeline B-trees are read and
            // written at random; a small cache turned that into a read per page.
            try db.execute(sql: "PRAGMA cache_size = -32000")
        }
        configuration.maximumReaderCount = 4
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// Every format the store has had, oldest first (internal: tests build older stores with it).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
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
            try db.execute(sql: """
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
                try db.execute(sql: "INSERT INTO flag_outbox_v2(eventId, key, value, headers) VALUES (?, ?, ?, ?)",
                               arguments: [row["eventId"] as String, Data(legacy.key), Data(legacy.value),
                                           StoredHeaders.encode(legacy.headers.map { KafkaHeader(name: $0[0], string: $0.count > 1 ? $0[1] : "") })])
            }
            try db.execute(sql: "DROP TABLE flag_outbox; ALTER TABLE flag_outbox_v2 RENAME TO flag_outbox")
        }
        migrator.registerMigration("v3-timeline-is-seen") { db in
            // Each event cost three B-tree inserts at random places (seen_event, the timeline's
            // person index) plus a timeline append. Now one: the timeline is keyed by person and
            // event id, and its primary key is what tells a duplicate. `seq` keeps arrival order,
            // numbered from a counter in coordinator_counter.
            try db.execute(sql: """
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
        return migrator
    }

    // MARK: offsets

    /// The stored next offsets (the next message to read) of every partition consumed so far.
    public func consumedOffsets() throws -> [TopicPartition: Int64] {
        try pool.read(Self.consumedOffsets(in:))
    }

    static func consumedOffsets(in db: Database) throws -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT topic, partition, nextOffset FROM consumed_offset") {
            result[TopicPartition(topic: row["topic"], partition: row["partition"])] = row["nextOffset"]
        }
        return result
    }

    static func storeOffsets(_ offsets: [TopicPartition: Int64], in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO consumed_offset(topic, partition, nextOffset) VALUES (?, ?, ?)
            ON CONFLICT(topic, partition) DO UPDATE SET nextOffset = max(nextOffset, excluded.nextOffset)
            """)
        for (partition, offset) in offsets {
            try statement.execute(arguments: [partition.topic, partition.partition, offset])
        }
    }

    // MARK: persons

    static func loadPerson(_ clientRef: ClientRef, in db: Database) throws -> PersonRecord? {
        try loadStoredPerson(clientRef, in: db)?.decoded()
    }

    /// A person's row as stored, not yet decoded (decoding is pure and can run on any thread).
    struct StoredBytes: Sendable {
        var state: [UInt8]
        var flags: [UInt8]

        func decoded() throws -> PersonRecord {
            PersonRecord(state: try PersonState(binary: state), flags: try PersonFlags(stored: flags))
        }
    }

    static func loadStoredPerson(_ clientRef: ClientRef, in db: Database) throws -> StoredBytes? {
        let statement = try BoundStatement("SELECT state, flags FROM person WHERE clientRef = ?", in: db)
        try statement.bind(1, clientRef.rawValue)
        return try statement.firstRow { StoredBytes(state: $0.bytes(0), flags: $0.bytes(1)) }
    }

    /// A person as the store keeps it, encoded before the write (encoding is pure and can run on
    /// any thread).
    struct StoredPerson: Sendable {
        var clientRef: String
        var state: Data
        var flags: Data
        var nextCheck: Date?

        init(_ record: PersonRecord, nextCheck: Date?) {
            self.init(clientRef: record.state.clientRef.rawValue, state: Data(record.state.binaryEncoded()),
                      flags: Data(record.flags.binaryEncoded()), nextCheck: nextCheck)
        }

        init(clientRef: String, state: Data, flags: Data, nextCheck: Date?) {
            self.clientRef = clientRef
            self.state = state
            self.flags = flags
            self.nextCheck = nextCheck
        }
    }

    static func savePerson(_ record: PersonRecord, nextCheck: Date?, in db: Database) throws {
        try savePerson(StoredPerson(record, nextCheck: nextCheck), in: db)
    }

    static func savePerson(_ person: StoredPerson, in db: Database) throws {
        let statement = try BoundStatement("""
            INSERT INTO person(clientRef, state, flags, nextCheck) VALUES (?, ?, ?, ?)
            ON CONFLICT(clientRef) DO UPDATE SET state = excluded.state, flags = excluded.flags, nextCheck = excluded.nextCheck
            """, in: db)
        try statement.bind(1, person.clientRef)
        try statement.bind(2, person.state)
        try statement.bind(3, person.flags)
        try statement.bind(4, person.nextCheck?.timeIntervalSince1970)
        try statement.run()
    }

    /// The number of the latest timeline entry (0 for none); entries are numbered in arrival order.
    static func timelineSequence(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM coordinator_counter WHERE name = 'timelineSeq'") ?? 0
    }

    static func storeTimelineSequence(_ value: Int64, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO coordinator_counter(name, value) VALUES ('timelineSeq', ?)
            ON CONFLICT(name) DO UPDATE SET value = excluded.value
            """).execute(arguments: [value])
    }

    /// Adds the event to its person's timeline as entry `seq`; false if the person's timeline
    /// already has this event id (a duplicate, which must not be folded again).
    static func appendTimeline(_ envelope: EventEnvelope, seq: Int64, in db: Database) throws -> Bool {
        let statement = try BoundStatement("""
            INSERT OR IGNORE INTO timeline(clientRef, eventId, seq, type, source, time, summary) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, in: db)
        try statement.bind(1, envelope.subject.rawValue)
        try statement.bind(2, envelope.id)
        try statement.bind(3, seq)
        try statement.bind(4, envelope.type.rawValue)
        try statement.bind(5, envelope.source.uri)
        try statement.bind(6, envelope.time.timeIntervalSince1970)
        try statement.bind(7, TimelineSummary.text(for: envelope))
        return try statement.run() > 0
    }

    /// The persons whose time-dependent rules must be re-evaluated at `now`.
    static func duePersons(at now: Date, limit: Int, in db: Database) throws -> [ClientRef] {
        try String.fetchAll(db, sql: "SELECT clientRef FROM person WHERE nextCheck <= ? ORDER BY nextCheck, clientRef LIMIT ?",
                            arguments: [now.timeIntervalSince1970, limit]).compactMap(ClientRef.init(rawValue:))
    }

    // MARK: flags

    static func insertFlag(_ flag: FlagRow, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO flag(flagId, clientRef, rule, severity, title, explanation, agencies, evidence, since, raisedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [flag.flagId, flag.clientRef, flag.rule, flag.severity.rawValue, flag.title,
                                     flag.explanation, FlagRow.encodeAgencies(flag.agencies),
                                     FlagRow.encodeList(flag.evidence), flag.since.timeIntervalSince1970,
                                     flag.raisedAt.timeIntervalSince1970])
    }

    static func updateOpenFlag(_ flagId: String, finding: RuleFinding, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE flag SET severity = ?, title = ?, explanation = ?, agencies = ?, evidence = ?
            WHERE flagId = ? AND resolvedAt IS NULL
            """).execute(arguments: [finding.severity.rawValue, finding.title, finding.explanation,
                                     FlagRow.encodeAgencies(finding.agencies), FlagRow.encodeList(finding.evidence), flagId])
    }

    static func resolveFlag(_ flagId: String, at time: Date, resolution: String, evidence: [String], in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE flag SET resolvedAt = ?, resolution = ?, resolvedEvidence = ? WHERE flagId = ? AND resolvedAt IS NULL
            """).execute(arguments: [time.timeIntervalSince1970, resolution, FlagRow.encodeList(evidence), flagId])
    }

    /// Stores a flag event's message (flag events go to `trisam.flags` only, which
    /// ``pendingOutbox(limit:)`` puts back as the topic).
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
            OutboxEntry(eventId: envelope.id, key: Data(message.key ?? []), value: Data(message.value),
                        headers: StoredHeaders.encode(message.headers))
        }
    }

    static func enqueue(_ entries: [OutboxEntry], in db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO flag_outbox(eventId, key, value, headers) VALUES (?, ?, ?, ?)")
        for entry in entries {
            try statement.execute(arguments: [entry.eventId, entry.key, entry.value, entry.headers])
        }
    }

    /// The oldest outbox entries, in order, as messages for `trisam.flags`.
    public func pendingOutbox(limit: Int) throws -> [PendingFlagEvent] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, eventId, key, value, headers FROM flag_outbox ORDER BY seq LIMIT ?",
                             arguments: [limit]).map { row in
                let key: Data = row["key"]
                let value: Data = row["value"]
                return PendingFlagEvent(seq: row["seq"], eventId: row["eventId"], message: OutgoingMessage(
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

    /// Number of open flags per rule.
    public func openFlagCounts() throws -> [String: Int] {
        try pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rule, count(*) AS n FROM flag WHERE resolvedAt IS NULL GROUP BY rule") {
                counts[row["rule"]] = row["n"]
            }
            return counts
        }
    }

    /// Open flags matching the query, oldest raised first, after `query.cursor`.
    public func openFlags(_ query: FlagQuery) throws -> [FlagRow] {
        var conditions = ["resolvedAt IS NULL"]
        var arguments: [any DatabaseValueConvertible] = []
        if let rule = query.rule { conditions.append("rule = ?"); arguments.append(rule) }
        if let severity = query.severity { conditions.append("severity = ?"); arguments.append(severity.rawValue) }
        if let agency = query.agency { conditions.append("instr(agencies, ?) > 0"); arguments.append(",\(agency.rawValue),") }
        if let sinceBefore = query.sinceAtOrBefore { conditions.append("since <= ?"); arguments.append(sinceBefore.timeIntervalSince1970) }
        if let cursor = query.cursor { conditions.append("seq > ?"); arguments.append(cursor) }
        arguments.append(query.limit)
        let sql = "SELECT * FROM flag WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT ?"
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(FlagRow.init(row:))
        }
    }

    /// Every flag of a person (open and resolved), oldest first.
    public func flags(of clientRef: ClientRef) throws -> [FlagRow] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM flag WHERE clientRef = ? ORDER BY seq", arguments: [clientRef.rawValue])
                .map(FlagRow.init(row:))
        }
    }

    /// A person's state and newest timeline entries (newest last), or nil if unknown. Records
    /// the read in the audit log in the same transaction.
    public func readPerson(_ clientRef: ClientRef, reader: String, path: String, at time: Date,
                           timelineLimit: Int = 500) throws -> (state: PersonState, timeline: [TimelineEntry])? {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO access_log(time, reader, clientRef, path) VALUES (?, ?, ?, ?)",
                           arguments: [time.timeIntervalSince1970, reader, clientRef.rawValue, path])
            guard let record = try Self.loadPerson(clientRef, in: db) else { return nil }
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM (SELECT * FROM timeline WHERE clientRef = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq
                """, arguments: [clientRef.rawValue, timelineLimit])
            return (record.state, rows.map(TimelineEntry.init(row:)))
        }
    }

    /// The audit log of person reads, newest last.
    public func accessLog(limit: Int = 1000) throws -> [(reader: String, clientRef: String, path: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT reader, clientRef, path FROM access_log ORDER BY seq DESC LIMIT ?", arguments: [limit])
                .reversed().map { ($0["reader"], $0["clientRef"], $0["path"]) }
        }
    }

    /// Counts for health and progress reporting.
    public func statistics() throws -> StoreStatistics {
        try pool.read { db in
            StoreStatistics(
                persons: try Int.fetchOne(db, sql: "SELECT count(*) FROM person") ?? 0,
                eventsSeen: Int(try Self.timelineSequence(in: db)),
                openFlags: try Int.fetchOne(db, sql: "SELECT count(*) FROM flag WHERE resolvedAt IS NULL") ?? 0,
                outbox: try Int.fetchOne(db, sql: "SELECT count(*) FROM flag_outbox") ?? 0)
        }
    }

    /// A digest of the store's effective content: every person's state and open flags and every
    /// flag ever raised or resolved (by id). Two stores that processed the same events agree.
    public func digest() throws -> String {
        try pool.read { db in
            var hasher = StableHasher()
            for row in try Row.fetchAll(db, sql: "SELECT clientRef, state, flags FROM person ORDER BY clientRef") {
                hasher.combine(row["clientRef"] as String)
                hasher.combine(row["state"] as Data)
                hasher.combine(row["flags"] as Data)
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT flagId, clientRef, rule, severity, evidence, since, resolvedAt IS NULL AS open, resolvedEvidence
                FROM flag ORDER BY flagId
                """) {
                hasher.combine("\(row["flagId"] as String)|\(row["clientRef"] as String)|\(row["rule"] as String)|\(row["severity"] as String)|\(row["evidence"] as String)|\(row["since"] as Double)|\(row["open"] as Bool)|\(row["resolvedEvidence"] as String? ?? "")")
            }
            return hasher.hexDigest
        }
    }
}

/// Counts kept by the store.
public struct StoreStatistics: Codable, Sendable, Equatable {
    public var persons: Int
    public var eventsSeen: Int
    public var openFlags: Int
    public var outbox: Int
}

/// A person's folded state with the coordinator's bookkeeping of its flags.
struct PersonRecord: Sendable {
    var state: PersonState
    var flags: PersonFlags
}

/// Per person: the open flag of each rule, and how many times each rule has been raised (so a
/// flag id is derived deterministically: a replay of the same events yields the same ids).
public struct PersonFlags: Codable, Sendable, Equatable {
    public struct Open: Codable, Sendable, Equatable {
        public var flagId: String
        public var since: Date
        /// Digest of the finding last stored for the flag (an unchanged finding is not rewritten).
        public var fingerprint: String?
    }
    public var open: [String: Open] = [:]
    public var raised: [String: Int] = [:]
    public init() {}
}

extension PersonFlags {
    /// First byte of the binary form (the first format, JSON, starts with `{`).
    static let binaryTag: UInt8 = 0x01

    /// The compact binary form, rules in sorted order (equal bookkeeping, equal bytes).
    func binaryEncoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.byte(Self.binaryTag)
        writer.array(open.keys.sorted()) { writer, rule in
            let flag = open[rule]!
            writer.string(rule)
            writer.string(flag.flagId)
            writer.time(flag.since)
            writer.optionalString(flag.fingerprint)
        }
        writer.array(raised.keys.sorted()) { writer, rule in
            writer.string(rule)
            writer.int(raised[rule]!)
        }
        return writer.bytes
    }

    /// Reads the binary form, or the JSON of stores written before it.
    init(stored bytes: [UInt8]) throws {
        if bytes.first == UInt8(ascii: "{") {
            self = try JSONDecoder().decode(PersonFlags.self, from: Data(bytes))
            return
        }
        var reader = BinaryReader(bytes: bytes)
        guard try reader.byte() == Self.binaryTag else { throw BinaryStateError(reason: "unknown flags format") }
        self.init()
        for _ in 0..<(try reader.count()) {
            let rule = try reader.string()
            open[rule] = Open(flagId: try reader.string(), since: try reader.time(), fingerprint: try reader.optionalString())
        }
        for _ in 0..<(try reader.count()) {
            let rule = try reader.string()
            raised[rule] = try reader.int()
        }
        guard reader.isAtEnd else { throw BinaryStateError(reason: "trailing bytes after the flags") }
    }
}

/// Filters of `GET /flags`.
public struct FlagQuery: Sendable, Equatable {
    public var rule: String?
    public var severity: FlagSeverity?
    public var agency: Agency?
    /// Only flags whose condition began at or before this time (age filter).
    public var sinceAtOrBefore: Date?
    public var limit: Int = 100
    /// The `seq` of the last flag of the previous page.
    public var cursor: Int64?
    public init() {}
}

/// One flag as stored.
public struct FlagRow: Sendable, Equatable {
    public var seq: Int64 = 0
    public var flagId: String
    public var clientRef: String
    public var rule: String
    public var severity: FlagSeverity
    public var title: String
    public var explanation: String
    public var agencies: [Agency]
    public var evidence: [String]
    public var since: Date
    public var raisedAt: Date
    public var resolvedAt: Date?
    public var resolution: String?

    init(flagId: String, clientRef: String, finding: RuleFinding, raisedAt: Date) {
        self.flagId = flagId
        self.clientRef = clientRef
        rule = finding.rule
        severity = finding.severity
        title = finding.title
        explanation = finding.explanation
        agencies = finding.agencies
        evidence = finding.evidence
        since = finding.since
        self.raisedAt = raisedAt
    }

    init(row: Row) {
        seq = row["seq"]
        flagId = row["flagId"]
        clientRef = row["clientRef"]
        rule = row["rule"]
        severity = FlagSeverity(rawValue: row["severity"]) ?? .medium
        title = row["title"]
        explanation = row["explanation"]
        agencies = (row["agencies"] as String).split(separator: ",").compactMap { Agency(rawValue: String($0)) }
        evidence = (try? JSONDecoder().decode([String].self, from: Data((row["evidence"] as String).utf8))) ?? []
        since = Date(timeIntervalSince1970: row["since"])
        raisedAt = Date(timeIntervalSince1970: row["raisedAt"])
        resolvedAt = (row["resolvedAt"] as Double?).map(Date.init(timeIntervalSince1970:))
        resolution = row["resolution"]
    }

    /// `,af,fk,`: searchable with instr().
    static func encodeAgencies(_ agencies: [Agency]) -> String { "," + agencies.map(\.rawValue).joined(separator: ",") + "," }
    /// A JSON array of strings (flag evidence).
    static func encodeList(_ list: [String]) -> String {
        var writer = JSONByteWriter(capacity: 2 + 40 * list.count)
        writer.strings(list)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// One timeline entry: what happened to a person, without any personal data.
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var eventId: String
    public var type: String
    public var source: String
    public var time: Date
    public var summary: String

    init(row: Row) {
        eventId = row["eventId"]
        type = row["type"]
        source = row["source"]
        time = Date(timeIntervalSince1970: row["time"])
        summary = row["summary"]
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

/// How the first store format kept an outbox message (read once, by the v2 migration).
private struct LegacyOutboxMessage: Decodable {
    var key: [UInt8]
    var headers: [[String]]
    var value: [UInt8]
}

/// FNV-1a 64-bit over a stream of strings and bytes, with separators: stable across runs and
/// processes (unlike `Hasher`), good enough to compare two stores.
struct StableHasher {
    private var a: UInt64 = 0xcbf29ce484222325
    private var b: UInt64 = 0x84222325cbf29ce4
    private var count = 0

    mutating func combine(_ bytes: some Sequence<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ combine(buffer: $0) }) != nil { return }
        for byte in bytes { mix(byte) }
        finishItem()
    }

    mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(buffer: $0) }
    }

    private mutating func combine(buffer: UnsafeBufferPointer<UInt8>) {
        for byte in buffer { mix(byte) }
        finishItem()
    }

    @inline(__always) private mutating func mix(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* 0x100000001b3
        b = (b ^ UInt64(byte)) &* 0x100000001b3 &+ 0x9e3779b97f4a7c15
    }

    private mutating func finishItem() {
        a = (a ^ 0xff) &* 0x100000001b3
        count += 1
    }

    var hexDigest: String { String(format: "%016llx%016llx-%d", a, b, count) }
    var shortDigest: String {
        let hex = String(a ^ (b &* 31), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension CoordinatorStore {
    /// The ids of every flag event the store has produced (raised, and resolved where resolved).
    public func flagEventIds() throws -> Set<String> {
        try pool.read { db in
            var ids = Set<String>()
            for row in try Row.fetchAll(db, sql: "SELECT flagId, resolvedAt IS NOT NULL AS resolved FROM flag") {
                let flagId: String = row["flagId"]
                ids.insert("\(flagId):raised")
                if row["resolved"] as Bool { ids.insert("\(flagId):resolved") }
            }
            return ids
        }
    }
}
