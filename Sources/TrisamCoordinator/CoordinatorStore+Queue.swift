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
extension CoordinatorStore {
    private static let rankSQL = "max(CASE severity WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END)"

    /// A page of at most `limit` people whose open flags match `query` (its cursor and limit are
    /// not used): the first page, the page after `after`, or the page before `before`.
    public func personQueue(
        _ query: FlagQuery, limit: Int, after: PersonCursor? = nil, before: PersonCursor? = nil
    ) throws -> PersonQueuePage {
        let (conditions, arguments) = Self.conditions(query)
        return try pool.read { db in
            var sql = """
                SELECT clientRef, \(Self.rankSQL) AS rank, min(since) AS oldest FROM flag
                WHERE \(conditions) GROUP BY clientRef
                """
            var all = arguments
            let backwards = before != nil
            if let cursor = before ?? after {
                sql +=
                    backwards
                    ? " HAVING rank > ? OR (rank = ? AND (oldest < ? OR (oldest = ? AND clientRef < ?)))"
                    : " HAVING rank < ? OR (rank = ? AND (oldest > ? OR (oldest = ? AND clientRef > ?)))"
                all += [cursor.rank, cursor.rank, cursor.oldest, cursor.oldest, cursor.clientRef]
            }
            sql += backwards ? " ORDER BY rank ASC, oldest DESC, clientRef DESC" : " ORDER BY rank DESC, oldest ASC, clientRef ASC"
            sql += " LIMIT ?"
            all.append(limit + 1)
            var keys = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(all)).map { row in
                PersonCursor(rank: row["rank"], oldest: row["oldest"], clientRef: row["clientRef"])
            }
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
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM (SELECT clientRef, \(Self.rankSQL) AS rank, min(since) AS oldest FROM flag
                    WHERE \(conditions) GROUP BY clientRef
                    HAVING rank > ? OR (rank = ? AND (oldest < ? OR (oldest = ? AND clientRef < ?))))
                    """,
                arguments: StatementArguments(
                    arguments + [cursor.rank, cursor.rank, cursor.oldest, cursor.oldest, cursor.clientRef]
                        as [any DatabaseValueConvertible])) ?? 0
        }
    }

    /// How many people and open flags match `query` (its cursor and limit are not used).
    public func queueCount(_ query: FlagQuery) throws -> QueueCount {
        let (conditions, arguments) = Self.conditions(query)
        return try pool.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT count(DISTINCT clientRef) AS persons, count(*) AS flags FROM flag WHERE \(conditions)",
                arguments: StatementArguments(arguments))
            return QueueCount(persons: row?["persons"] ?? 0, flags: row?["flags"] ?? 0)
        }
    }
}
