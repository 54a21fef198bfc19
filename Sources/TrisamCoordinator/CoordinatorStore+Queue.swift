import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore

/// Where a page of the person queue begins or ends: the person's place in the order (their most
/// severe matching flag, then their oldest, then the person), as text for a link.
public struct PersonCursor: Sendable, Equatable, CustomStringConvertible {
    /// 2 high, 1 medium, 0 low.
    public var rank: Int
    /// When the person's oldest matching flag's condition began (seconds since 1970).
    public var oldest: Double
    public var clientRef: String

    public init(rank: Int, oldest: Double, clientRef: String) {
        self.rank = rank
        self.oldest = oldest
        self.clientRef = clientRef
    }

    /// `2_1795000000.5_<clientRef>`.
    public var description: String { "\(rank)_\(oldest)_\(clientRef)" }

    /// Reads ``description``; nil if it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, let rank = Int(parts[0]), (0...2).contains(rank), let oldest = Double(parts[1]), oldest.isFinite,
            ClientRef(rawValue: String(parts[2])) != nil
        else { return nil }
        self.init(rank: rank, oldest: oldest, clientRef: String(parts[2]))
    }
}

/// One person of the queue with their open flags that match the filters.
public struct QueuedPerson: Sendable, Equatable {
    public var clientRef: String
    /// Their matching open flags, most severe first, then oldest first.
    public var flags: [FlagRow]
    public var cursor: PersonCursor

    public init(clientRef: String, flags: [FlagRow], cursor: PersonCursor) {
        self.clientRef = clientRef
        self.flags = flags
        self.cursor = cursor
    }
}

/// A page of the person queue, with the cursors of the pages before and after (nil: none).
public struct PersonQueuePage: Sendable, Equatable {
    public var persons: [QueuedPerson]
    public var previous: PersonCursor?
    public var next: PersonCursor?
}

/// How many people and flags match.
public struct QueueCount: Sendable, Equatable {
    public var persons: Int
    public var flags: Int
}

/// The queue by person (issue 21): keyset paging over people, ordered by their most severe and
/// then oldest open flag, without reading every flag into memory.
///
/// At a million people (issue 22) the unfiltered views read the order kept in `queue_person`
/// (``QueueOrder``): a page is a range of its index, the people before it a count over a range,
/// the counts a row of `queue_total`. Only the people with a flag back from being set aside are
/// computed from their flags. A page filtered by rule reads the open flags of that rule in the
/// queue's order (a person has at most one open flag per rule: ``FlagDiff`` raises a rule's flag
/// only when none is open). Other filters group the open flags by person, from a covering index.
extension CoordinatorStore {
    /// How the queue of a query is read.
    enum QueuePlan: Equatable {
        /// `queue_person`'s view, with the people whose set-aside flags came back by `today`
        /// computed from their flags.
        case kept(view: String, today: String)
        /// The open flags of one rule, one per person, in the queue's order.
        case byRule
        /// The matching open flags grouped by person.
        case grouped
    }

    static func plan(_ query: FlagQuery) -> QueuePlan {
        if query.rule != nil { return .byRule }
        if query.severity == nil, query.agency == nil, query.sinceAtOrBefore == nil, let kept = QueueOrder.maintainedView(query.view) {
            return .kept(view: kept.name, today: kept.today)
        }
        return .grouped
    }

    /// `(tier, oldest, clientRef)` after (before, `backwards`) the cursor, for `columns`.
    private static func keyset(_ cursor: PersonCursor, backwards: Bool, columns: String) -> (
        sql: String, arguments: [any DatabaseValueConvertible]
    ) {
        ("(\(columns)) \(backwards ? "<" : ">") (?, ?, ?)", [2 - cursor.rank, cursor.oldest, cursor.clientRef])
    }

    private static func order(_ columns: [String], backwards: Bool) -> String {
        " ORDER BY " + columns.map { backwards ? "\($0) DESC" : $0 }.joined(separator: ", ")
    }

    private static func cursors(_ rows: [Row]) -> [PersonCursor] {
        rows.map { row in PersonCursor(rank: 2 - (row["personTier"] as Int), oldest: row["oldest"], clientRef: row["clientRef"]) }
    }

    /// Whether `a` comes before `b` in the queue.
    static func precedes(_ a: PersonCursor, _ b: PersonCursor) -> Bool {
        if a.rank != b.rank { return a.rank > b.rank }
        if a.oldest != b.oldest { return a.oldest < b.oldest }
        return a.clientRef < b.clientRef
    }

    /// The persons with matching flags grouped from the open flags. (`personTier`, not `tier`:
    /// in HAVING a column of the table would win over an alias of the same name.)
    private static func groupedKeys(
        _ conditions: String, _ arguments: [any DatabaseValueConvertible], cursor: PersonCursor?, backwards: Bool, limit: Int?,
        in db: Database
    ) throws -> [PersonCursor] {
        var sql = "SELECT clientRef, min(tier) AS personTier, min(since) AS oldest FROM flag WHERE \(conditions) GROUP BY clientRef"
        var all = arguments
        if let cursor {
            let having = keyset(cursor, backwards: backwards, columns: "personTier, oldest, clientRef")
            sql += " HAVING " + having.sql
            all += having.arguments
        }
        sql += order(["personTier", "oldest", "clientRef"], backwards: backwards)
        if let limit {
            sql += " LIMIT ?"
            all.append(limit)
        }
        return cursors(try Row.fetchAll(db, sql: sql, arguments: StatementArguments(all)))
    }

    /// At most `limit` persons after (before, `backwards`) `cursor` in the queue of `query`, in
    /// the direction read.
    /// At most `limit` rows of `select` (which ends in a WHERE clause) after (before,
    /// `backwards`) `cursor` in the order of the three `order` columns: a range scan of the index
    /// in that order.
    private static func rangeKeys(
        _ select: String, _ arguments: [any DatabaseValueConvertible], order columns: [String], cursor: PersonCursor?,
        backwards: Bool, limit: Int, in db: Database
    ) throws -> [PersonCursor] {
        var sql = select
        var all = arguments
        if let cursor {
            let after = keyset(cursor, backwards: backwards, columns: columns.joined(separator: ", "))
            sql += " AND " + after.sql
            all += after.arguments
        }
        sql += order(columns, backwards: backwards) + " LIMIT ?"
        all.append(limit)
        return cursors(try Row.fetchAll(db, sql: sql, arguments: StatementArguments(all)))
    }

    private static func queueKeys(
        _ query: FlagQuery, cursor: PersonCursor?, backwards: Bool, limit: Int, in db: Database
    ) throws -> [PersonCursor] {
        let (conditions, arguments) = Self.conditions(query)
        switch plan(query) {
        case .grouped:
            return try groupedKeys(conditions, arguments, cursor: cursor, backwards: backwards, limit: limit, in: db)
        case .byRule:
            return try rangeKeys(
                "SELECT clientRef, tier AS personTier, since AS oldest FROM flag WHERE \(conditions)", arguments,
                order: ["tier", "since", "clientRef"], cursor: cursor, backwards: backwards, limit: limit, in: db)
        case .kept(let view, let today):
            let kept = try rangeKeys(
                "SELECT clientRef, tier AS personTier, oldest FROM queue_person WHERE view = ? AND clientRef NOT IN (\(QueueOrder.returnedFromAside))",
                [view, today], order: ["tier", "oldest", "clientRef"], cursor: cursor, backwards: backwards, limit: limit, in: db)
            let returned = try groupedKeys(
                conditions + " AND clientRef IN (\(QueueOrder.returnedFromAside))", arguments + [today], cursor: cursor,
                backwards: backwards, limit: limit, in: db)
            if returned.isEmpty { return kept }
            return Array((kept + returned).sorted { backwards ? precedes($1, $0) : precedes($0, $1) }.prefix(limit))
        }
    }

    /// A page of at most `limit` people whose open flags match `query` (its cursor and limit are
    /// not used): the first page, the page after `after`, or the page before `before`.
    public func personQueue(
        _ query: FlagQuery, limit: Int, after: PersonCursor? = nil, before: PersonCursor? = nil
    ) throws -> PersonQueuePage {
        let (conditions, arguments) = Self.conditions(query)
        return try pool.read { db in
            let backwards = before != nil
            var keys = try Self.queueKeys(query, cursor: before ?? after, backwards: backwards, limit: limit + 1, in: db)
            let more = keys.count > limit
            keys = Array(keys.prefix(limit))
            if backwards { keys.reverse() }
            var flags: [String: [FlagRow]] = [:]
            if !keys.isEmpty {
                let marks = Array(repeating: "?", count: keys.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM flag WHERE \(conditions) AND clientRef IN (\(marks))",
                    arguments: StatementArguments(arguments + keys.map { $0.clientRef as any DatabaseValueConvertible }))
                for row in rows.map(FlagRow.init(row:)) { flags[row.clientRef, default: []].append(row) }
            }
            let persons = keys.map { key in
                QueuedPerson(
                    clientRef: key.clientRef,
                    flags: (flags[key.clientRef] ?? []).sorted { a, b in
                        if a.severity != b.severity { return a.severity > b.severity }
                        if a.since != b.since { return a.since < b.since }
                        return a.seq < b.seq
                    }, cursor: key)
            }
            let previous = backwards ? (more ? persons.first?.cursor : nil) : (after != nil ? persons.first?.cursor : nil)
            let next = backwards ? persons.last?.cursor : (more ? persons.last?.cursor : nil)
            return PersonQueuePage(persons: persons, previous: previous, next: next)
        }
    }

    /// How many people come before `cursor` in the queue of `query` (for "Visar 51–100").
    public func personsBefore(_ query: FlagQuery, _ cursor: PersonCursor) throws -> Int {
        let (conditions, arguments) = Self.conditions(query)
        return try pool.read { db in
            func grouped(_ conditions: String, _ arguments: [any DatabaseValueConvertible]) throws -> Int {
                let before = Self.keyset(cursor, backwards: true, columns: "personTier, oldest, clientRef")
                return try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM (SELECT clientRef, min(tier) AS personTier, min(since) AS oldest FROM flag
                        WHERE \(conditions) GROUP BY clientRef HAVING \(before.sql))
                        """, arguments: StatementArguments(arguments + before.arguments)) ?? 0
            }
            switch Self.plan(query) {
            case .grouped:
                return try grouped(conditions, arguments)
            case .byRule:
                let before = Self.keyset(cursor, backwards: true, columns: "tier, since, clientRef")
                return try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM flag WHERE \(conditions) AND \(before.sql)",
                    arguments: StatementArguments(arguments + before.arguments)) ?? 0
            case .kept(let view, let today):
                let before = Self.keyset(cursor, backwards: true, columns: "tier, oldest, clientRef")
                let kept =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT count(*) FROM queue_person
                            WHERE view = ? AND clientRef NOT IN (\(QueueOrder.returnedFromAside)) AND \(before.sql)
                            """, arguments: StatementArguments([view, today] + before.arguments)) ?? 0
                return try kept
                    + grouped(conditions + " AND clientRef IN (\(QueueOrder.returnedFromAside))", arguments + [today])
            }
        }
    }

    /// How many people and open flags match `query` (its cursor and limit are not used).
    public func queueCount(_ query: FlagQuery) throws -> QueueCount {
        let (conditions, arguments) = Self.conditions(query)
        return try pool.read { db in
            func grouped(_ conditions: String, _ arguments: [any DatabaseValueConvertible]) throws -> QueueCount {
                // Grouped rather than count(DISTINCT): the grouping reads the covering index by person.
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) AS persons, coalesce(sum(n), 0) AS flags
                        FROM (SELECT clientRef, count(*) AS n FROM flag WHERE \(conditions) GROUP BY clientRef)
                        """, arguments: StatementArguments(arguments))
                return QueueCount(persons: row?["persons"] ?? 0, flags: row?["flags"] ?? 0)
            }
            switch Self.plan(query) {
            case .grouped:
                return try grouped(conditions, arguments)
            case .byRule:
                // One open flag per person and rule.
                let flags =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM flag WHERE \(conditions)", arguments: StatementArguments(arguments))
                    ?? 0
                return QueueCount(persons: flags, flags: flags)
            case .kept(let view, let today):
                let total = try Row.fetchOne(db, sql: "SELECT persons, flags FROM queue_total WHERE view = ?", arguments: [view])
                let kept = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) AS persons, coalesce(sum(flags), 0) AS flags FROM queue_person
                        WHERE view = ? AND clientRef IN (\(QueueOrder.returnedFromAside))
                        """, arguments: [view, today])
                let returned = try grouped(conditions + " AND clientRef IN (\(QueueOrder.returnedFromAside))", arguments + [today])
                return QueueCount(
                    persons: (total?["persons"] ?? 0) - (kept?["persons"] ?? 0) + returned.persons,
                    flags: (total?["flags"] ?? 0) - (kept?["flags"] ?? 0) + returned.flags)
            }
        }
    }
}
