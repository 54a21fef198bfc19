import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore

/// Flags: written as evaluations change them, read by the API and the dashboard.
extension CoordinatorStore {
    static func insertFlag(_ flag: FlagRow, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO flag(flagId, clientRef, rule, severity, title, explanation, agencies, evidence, since, raisedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            flag.flagId, flag.clientRef, flag.rule, flag.severity.rawValue, flag.title,
            flag.explanation, FlagRow.encodeAgencies(flag.agencies),
            FlagRow.encodeList(flag.evidence), flag.since.timeIntervalSince1970,
            flag.raisedAt.timeIntervalSince1970,
        ])
        try trendRaised(flag, in: db)
    }

    static func updateOpenFlag(_ flagId: String, finding: RuleFinding, in db: Database) throws {
        guard let before = try openFlagForTrend(flagId, in: db) else { return }
        try db.cachedStatement(
            sql: """
                UPDATE flag SET severity = ?, title = ?, explanation = ?, agencies = ?, evidence = ?
                WHERE flagId = ? AND resolvedAt IS NULL
                """
        ).execute(arguments: [
            finding.severity.rawValue, finding.title, finding.explanation,
            FlagRow.encodeAgencies(finding.agencies), FlagRow.encodeList(finding.evidence), flagId,
        ])
        try moveInTrend(
            from: (before.since, before.raisedAt, nil, before.severity),
            to: (before.since, before.raisedAt, nil, finding.severity.rawValue), in: db)
    }

    static func resolveFlag(_ flagId: String, at time: Date, resolution: String, evidence: [String], in db: Database) throws {
        guard let before = try openFlagForTrend(flagId, in: db) else { return }
        try db.cachedStatement(
            sql: """
                UPDATE flag SET resolvedAt = ?, resolution = ?, resolvedEvidence = ? WHERE flagId = ? AND resolvedAt IS NULL
                """
        ).execute(arguments: [time.timeIntervalSince1970, resolution, FlagRow.encodeList(evidence), flagId])
        try moveInTrend(
            from: (before.since, before.raisedAt, nil, before.severity),
            to: (before.since, before.raisedAt, time.timeIntervalSince1970, before.severity), in: db)
    }

    /// Number of open flags per rule (kept by the flag table's triggers, ``QueueOrder``).
    public func openFlagCounts() throws -> [String: Int] {
        try pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rule, count AS n FROM flag_open_count") {
                counts[row["rule"]] = row["n"]
            }
            return counts
        }
    }

    /// The conditions on the `flag` table of a query's filters (the cursor left out).
    static func conditions(_ query: FlagQuery) -> (sql: String, arguments: [any DatabaseValueConvertible]) {
        var conditions = ["resolvedAt IS NULL"]
        var arguments: [any DatabaseValueConvertible] = []
        if let rule = query.rule {
            conditions.append("rule = ?")
            arguments.append(rule)
        }
        if let severity = query.severity {
            conditions.append("severity = ?")
            arguments.append(severity.rawValue)
        }
        if let agency = query.agency {
            conditions.append("instr(agencies, ?) > 0")
            arguments.append(",\(agency.rawValue),")
        }
        if let sinceBefore = query.sinceAtOrBefore {
            conditions.append("since <= ?")
            arguments.append(sinceBefore.timeIntervalSince1970)
        }
        if let view = query.view {
            let condition = view.condition
            conditions.append(condition.sql)
            arguments += condition.arguments.map { $0 as any DatabaseValueConvertible }
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    /// Open flags matching the query, oldest raised first, after `query.cursor`.
    public func openFlags(_ query: FlagQuery) throws -> [FlagRow] {
        var (conditions, arguments) = Self.conditions(query)
        if let cursor = query.cursor {
            conditions += " AND seq > ?"
            arguments.append(cursor)
        }
        arguments.append(query.limit)
        let sql = "SELECT * FROM flag WHERE \(conditions) ORDER BY seq LIMIT ?"
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
