import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore
import TrisamHTTP

/// What a coordinator looks for a person by: a number (personnummer, samordningsnummer or
/// reservnummer), which only becomes a `clientRef` here with the collaboration secret, or the
/// start of a `clientRef` (the short reference the pages show).
public enum PersonSearchKey: Sendable, Equatable {
    /// A number; its `clientRef` needs the collaboration secret.
    case number(PersonIdentity)
    /// 4 to 32 lowercase hex characters: the start of a `clientRef`.
    case reference(String)
}

/// One person a search found.
public struct PersonMatch: Codable, Sendable, Equatable {
    public var clientRef: String
    /// The short reference pages show (the first 8 characters).
    public var reference: String
    public var openFlags: Int
    /// When the latest event about the person happened, if the state says.
    public var lastEventTime: Date?

    public init(clientRef: String, openFlags: Int, lastEventTime: Date?) {
        self.clientRef = clientRef
        self.reference = String(clientRef.prefix(8))
        self.openFlags = openFlags
        self.lastEventTime = lastEventTime
    }
}

/// What a search found: at most ``PersonSearch/maxMatches`` persons, in `clientRef` order.
public struct PersonSearchResult: Codable, Sendable, Equatable {
    public var matches: [PersonMatch]
    /// More persons match than were answered.
    public var truncated: Bool
}

/// Finding a person (issue 21): by number, turned into the `clientRef` on the server, or by the
/// short reference shown on pages. Pure parsing here; the store query and its audit entry are
/// ``CoordinatorStore/searchPersons(prefix:reader:path:at:)``.
public enum PersonSearch {
    /// At most this many matches are answered.
    public static let maxMatches = 50
    /// The shortest reference searched for.
    public static let minReferenceLength = 4

    /// The body fields of `POST /persons/search`.
    public static let fields = ["personnummer", "reservnummer", "reference"]

    /// A reference as typed (either case), lowercased; nil unless 4 to 32 hex characters.
    public static func reference(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard (minReferenceLength...32).contains(bytes.count),
            bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) })
        else { return nil }
        return text.lowercased()
    }

    /// The key of a `POST /persons/search` body: exactly one of `personnummer`, `reservnummer`
    /// and `reference`, each a string written without surrounding spaces; refusals name the
    /// field and never echo the number.
    public static func key(json object: [String: Any], now: Date = Date()) throws(APIError) -> PersonSearchKey {
        for name in object.keys.sorted() where !fields.contains(name) { throw APIError.unknownField(APIError.redacted(name.prefix(64))) }
        let given = fields.filter { object[$0] != nil }
        guard let field = given.first else {
            throw APIError(
                status: 400, code: .missingField, field: "personnummer",
                message: "one of personnummer, reservnummer and reference is required")
        }
        guard given.count == 1 else { throw APIError.invalid(given[1], "give only one of personnummer, reservnummer and reference") }
        guard let text = object[field] as? String else {
            throw APIError.invalid(field, "must be a string, got \(StrictBody.kind(of: object[field] ?? NSNull()))")
        }
        guard text == text.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw APIError.invalid(field, "must be written without spaces around it")
        }
        switch field {
        case "personnummer":
            do {
                return .number(PersonIdentity(try PersonalIdentityNumber(text, referenceDate: now), name: nil))
            } catch {
                throw APIError.invalid("personnummer", "is not valid: \(error.description)")
            }
        case "reservnummer":
            guard let number = Reservnummer(text) else {
                throw APIError.invalid("reservnummer", "must be 6 to 20 upper-case letters A-Z and digits, with at least one of each")
            }
            return .number(PersonIdentity(number, name: nil))
        default:
            guard let prefix = reference(text) else {
                throw APIError.invalid("reference", "must be 4 to 32 hex characters (0-9, a-f): the start of a clientRef")
            }
            return .reference(prefix)
        }
    }
}

extension CoordinatorStore {
    /// The persons whose `clientRef` starts with `prefix` (a whole `clientRef` finds at most
    /// that person), at most ``PersonSearch/maxMatches``, with their open flags. Records the
    /// search in the audit log in the same transaction: who, when, the request (`POST /sok`) and how many
    /// matched, with the `clientRef` only when exactly one did. `prefix` is lowercase hex.
    public func searchPersons(prefix: String, reader: String, path: String, at time: Date) throws -> PersonSearchResult {
        try pool.write { db in
            // Every clientRef starting with the prefix sorts from it to before prefix + "g".
            let rows = try Row.fetchAll(
                db, sql: "SELECT clientRef, state FROM person WHERE clientRef >= ? AND clientRef < ? ORDER BY clientRef LIMIT ?",
                arguments: [prefix, prefix + "g", PersonSearch.maxMatches + 1])
            var matches: [PersonMatch] = []
            for row in rows.prefix(PersonSearch.maxMatches) {
                let ref: String = row["clientRef"]
                let open =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM flag WHERE clientRef = ? AND resolvedAt IS NULL", arguments: [ref]) ?? 0
                let state = try? PersonState(binary: Array(row["state"] as Data))
                matches.append(PersonMatch(clientRef: ref, openFlags: open, lastEventTime: state?.lastEventTime))
            }
            try db.execute(
                sql: "INSERT INTO access_log(time, reader, clientRef, path, action, matches) VALUES (?, ?, ?, ?, 'search', ?)",
                arguments: [time.timeIntervalSince1970, reader, matches.count == 1 ? matches[0].clientRef : "", path, matches.count])
            return PersonSearchResult(matches: matches, truncated: rows.count > PersonSearch.maxMatches)
        }
    }

    /// Records that each of `clientRefs` was in an export (one `export` entry each, one transaction).
    public func recordExport(of clientRefs: [String], reader: String, path: String, at time: Date) throws {
        try pool.write { db in
            let statement = try db.cachedStatement(
                sql: "INSERT INTO access_log(time, reader, clientRef, path, action) VALUES (?, ?, ?, ?, 'export')")
            for ref in clientRefs {
                try statement.execute(arguments: [time.timeIntervalSince1970, reader, ref, path])
            }
        }
    }
}
