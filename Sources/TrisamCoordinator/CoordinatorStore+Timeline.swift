import Foundation
import GRDB
import TrisamContracts

/// Each person's timeline, which is also the record of the events already seen.
extension CoordinatorStore {
    /// The number of the latest timeline entry (0 for none); entries are numbered in arrival order.
    static func timelineSequence(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM coordinator_counter WHERE name = 'timelineSeq'") ?? 0
    }

    static func storeTimelineSequence(_ value: Int64, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO coordinator_counter(name, value) VALUES ('timelineSeq', ?)
                ON CONFLICT(name) DO UPDATE SET value = excluded.value
                """
        ).execute(arguments: [value])
    }

    /// Adds the event to its person's timeline as entry `seq`; false if the person's timeline
    /// already has this event id (a duplicate, which must not be folded again).
    static func appendTimeline(_ envelope: EventEnvelope, seq: Int64, in db: Database) throws -> Bool {
        let statement = try BoundStatement(
            """
            INSERT OR IGNORE INTO timeline(clientRef, eventId, seq, type, source, time, summary, effectiveOn, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, in: db)
        try statement.bind(1, envelope.subject.rawValue)
        try statement.bind(2, envelope.id)
        try statement.bind(3, seq)
        try statement.bind(4, envelope.type.rawValue)
        try statement.bind(5, envelope.source.uri)
        try statement.bind(6, envelope.time.timeIntervalSince1970)
        try statement.bind(7, TimelineSummary.text(for: envelope))
        // Unbound parameters are NULL (the statement clears its bindings before each use).
        if let day = TimelineSummary.effectiveDate(of: envelope) { try statement.bind(8, day.description) }
        if let detail = TimelineSummary.detail(of: envelope) { try statement.bind(9, detail) }
        return try statement.run() > 0
    }
}

/// One timeline entry: what happened to a person (see ``TimelineSummary``).
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var eventId: String
    public var type: String
    public var source: String
    /// When the event was recorded (the event's time).
    public var time: Date
    public var summary: String
    /// The day the fact took effect, when the event names one.
    public var effectiveOn: LocalDate?
    /// What the event reported, in Swedish (``TimelineSummary/detail(of:)``).
    public var detail: String?

    init(row: Row) {
        eventId = row["eventId"]
        type = row["type"]
        source = row["source"]
        time = Date(timeIntervalSince1970: row["time"])
        summary = row["summary"]
        effectiveOn = (row["effectiveOn"] as String?).flatMap(LocalDate.init)
        detail = row["detail"]
    }
}
