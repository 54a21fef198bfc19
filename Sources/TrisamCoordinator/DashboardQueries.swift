import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore

/// One flag reduced to what a trend over time needs.
public struct FlagSpan: Sendable, Equatable {
    public var rule: String
    public var severity: FlagSeverity
    /// When the condition began.
    public var since: Date
    /// When the flag was raised.
    public var raisedAt: Date
    /// When it was resolved; nil while open.
    public var resolvedAt: Date?

    public init(rule: String, severity: FlagSeverity, since: Date, raisedAt: Date, resolvedAt: Date?) {
        self.rule = rule
        self.severity = severity
        self.since = since
        self.raisedAt = raisedAt
        self.resolvedAt = resolvedAt
    }
}

/// Read-only queries the coordinators' dashboard needs beyond the JSON API.
extension CoordinatorStore {
    /// A value that changes whenever a flag is raised or resolved (for live updates): the number
    /// of flags ever raised and the number resolved.
    public func flagChangeMarker() throws -> (raised: Int, resolved: Int, open: Int) {
        try pool.read { db in
            // Kept by the flag table's triggers (``QueueOrder``), not counted over every flag.
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT name, value FROM coordinator_counter WHERE name IN ('flagsRaised', 'flagsResolved')")
            {
                counts[row["name"]] = row["value"]
            }
            let raised = counts["flagsRaised"] ?? 0
            let resolved = counts["flagsResolved"] ?? 0
            return (raised, resolved, raised - resolved)
        }
    }

    /// Every flag open at some moment at or after `from` (open now, or resolved after `from`).
    public func flagSpans(openAtOrAfter from: Date) throws -> [FlagSpan] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT rule, severity, since, raisedAt, resolvedAt FROM flag
                    WHERE resolvedAt IS NULL OR resolvedAt >= ?
                    """, arguments: [from.timeIntervalSince1970]
            ).map { row in
                FlagSpan(
                    rule: row["rule"], severity: FlagSeverity(rawValue: row["severity"]) ?? .medium,
                    since: Date(timeIntervalSince1970: row["since"]),
                    raisedAt: Date(timeIntervalSince1970: row["raisedAt"]),
                    resolvedAt: (row["resolvedAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    /// The folded states of up to `limit` persons (ordered by clientRef), for views across
    /// people (SIP calendar, ownership and referral statistics). States that cannot be decoded
    /// are skipped. Reads every row: meant for the populations of one kommun, not a country.
    public func personStates(limit: Int = 100_000) throws -> [PersonState] {
        try pool.read { db in
            var states: [PersonState] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT state FROM person ORDER BY clientRef LIMIT ?", arguments: [limit])
            while let row = try cursor.next() {
                if let state = try? PersonState(binary: Array(row["state"] as Data)) { states.append(state) }
            }
            return states
        }
    }
}

extension FlagRow {
    /// A flag row built from its parts (for views and their tests).
    public init(
        seq: Int64, flagId: String, clientRef: String, rule: String, severity: FlagSeverity, title: String,
        explanation: String, agencies: [Agency], evidence: [String] = [], since: Date, raisedAt: Date,
        resolvedAt: Date? = nil, resolution: String? = nil
    ) {
        self.init(
            flagId: flagId, clientRef: clientRef,
            finding: RuleFinding(
                rule: rule, severity: severity, title: title, explanation: explanation,
                agencies: agencies, evidence: evidence, since: since),
            raisedAt: raisedAt)
        self.seq = seq
        self.resolvedAt = resolvedAt
        self.resolution = resolution
    }
}

extension TimelineEntry {
    /// A timeline entry built from its parts (for views and their tests).
    public init(
        eventId: String, type: String, source: String, time: Date, summary: String, effectiveOn: LocalDate? = nil, detail: String? = nil
    ) {
        self.eventId = eventId
        self.type = type
        self.source = source
        self.time = time
        self.summary = summary
        self.effectiveOn = effectiveOn
        self.detail = detail
    }

    /// The entry the coordinator stores for an event (for views and their tests).
    public init(_ envelope: EventEnvelope) {
        self.init(
            eventId: envelope.id, type: envelope.type.rawValue, source: envelope.source.uri, time: envelope.time,
            summary: TimelineSummary.text(for: envelope), effectiveOn: TimelineSummary.effectiveDate(of: envelope),
            detail: TimelineSummary.detail(of: envelope))
    }
}
