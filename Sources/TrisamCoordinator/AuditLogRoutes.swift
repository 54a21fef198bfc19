import Foundation
import GRDB
import Hummingbird
import NIOCore
import TrisamContracts
import TrisamHTTP

/// One entry of the coordinator's audit log: who (the token's or session's name) read, searched
/// for or exported which person, or did what to one of their flags, when.
public struct AuditEntry: Codable, Sendable, Equatable {
    /// Position in the log; pass the last one of a page as `cursor` for the next (older) page.
    public var seq: Int64
    public var time: Date
    public var reader: String
    /// What was done: `read`, `search`, `export`, or for work on a flag its event type and the
    /// flag's id (`flag.taken <flagId>`).
    public var action: String
    /// The person; nil for a search that did not find exactly one.
    public var clientRef: String?
    public var path: String
    /// For a search: how many persons matched (never what was typed).
    public var matches: Int?
}

/// A page of the audit log, newest first.
public struct AuditPage: Codable, Sendable, Equatable {
    public var entries: [AuditEntry]
    /// The cursor of the next, older page; nil on the last page.
    public var nextCursor: String?
}

extension CoordinatorStore {
    /// The audit log of person reads, newest first: at most `limit` entries older than `cursor`
    /// (a `seq`), optionally only those about `clientRef`.
    public func auditPage(limit: Int, cursor: Int64? = nil, clientRef: ClientRef? = nil) throws -> AuditPage {
        try pool.read { db in
            var sql = "SELECT seq, time, reader, action, clientRef, path, matches FROM access_log WHERE seq < ?"
            var arguments: [any DatabaseValueConvertible] = [cursor ?? Int64.max]
            if let clientRef {
                sql += " AND clientRef = ?"
                arguments.append(clientRef.rawValue)
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            arguments.append(limit + 1)
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let entries = rows.prefix(limit).map { row in
                AuditEntry(
                    seq: row["seq"], time: Date(timeIntervalSince1970: row["time"]), reader: row["reader"],
                    action: row["action"] ?? "read",
                    clientRef: (row["clientRef"] as String).isEmpty ? nil : row["clientRef"], path: row["path"], matches: row["matches"])
            }
            return AuditPage(entries: Array(entries), nextCursor: rows.count > limit ? entries.last.map { String($0.seq) } : nil)
        }
    }
}

/// `GET /audit?limit=&cursor=&clientRef=`: the coordinator's audit log of person reads and searches, newest
/// first, paged like `GET /flags` (token required; registered on the authenticated group).
enum AuditLogRoutes {
    static let defaultLimit = 100

    static func register(on group: RouterGroup<CoordinatorRequestContext>, store: CoordinatorStore) {
        group.get("/audit") { request, _ in
            let parameters = request.uri.queryParameters
            let (limit, cursor, clientRef) = try query(names: parameters.map { String($0.key) }, get: { parameters.get($0) })
            let page = try store.auditPage(limit: limit, cursor: cursor, clientRef: clientRef)
            let data = try EventEnvelope.encoder().encode(page)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// Validates the query: `limit` 1...1000 (default 100), `cursor` a `nextCursor`, `clientRef`
    /// 32 lowercase hex characters; any other parameter is refused by name.
    static func query(names: [String], get: (String) -> String?) throws(APIError) -> (Int, Int64?, ClientRef?) {
        let known: Set<String> = ["limit", "cursor", "clientRef"]
        for name in names where !known.contains(name) {
            throw APIError.unknownQueryParameter(name, known: known)
        }
        var limit = defaultLimit
        if let text = get("limit") {
            guard let value = Int(text), (1...1000).contains(value) else {
                throw APIError.invalid("limit", "must be a whole number from 1 to 1000, got \"\(APIError.redacted(text.prefix(40)))\"")
            }
            limit = value
        }
        var cursor: Int64?
        if let text = get("cursor") {
            guard let value = Int64(text), value > 0 else {
                throw APIError.invalid("cursor", "must be the nextCursor of a previous page, got \"\(APIError.redacted(text.prefix(40)))\"")
            }
            cursor = value
        }
        var clientRef: ClientRef?
        if let text = get("clientRef") {
            guard let value = ClientRef(rawValue: text) else {
                throw APIError.invalid("clientRef", "must be 32 lowercase hex characters")
            }
            clientRef = value
        }
        return (limit, cursor, clientRef)
    }
}
