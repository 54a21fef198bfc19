import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore

/// Person states: read and written as blobs, decoded and encoded off the writing thread.
extension CoordinatorStore {
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
            self.init(
                clientRef: record.state.clientRef.rawValue, state: Data(record.state.binaryEncoded()),
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
        let statement = try BoundStatement(
            """
            INSERT INTO person(clientRef, state, flags, nextCheck) VALUES (?, ?, ?, ?)
            ON CONFLICT(clientRef) DO UPDATE SET state = excluded.state, flags = excluded.flags, nextCheck = excluded.nextCheck
            """, in: db)
        try statement.bind(1, person.clientRef)
        try statement.bind(2, person.state)
        try statement.bind(3, person.flags)
        try statement.bind(4, person.nextCheck?.timeIntervalSince1970)
        try statement.run()
    }

    /// The persons whose time-dependent rules must be re-evaluated at `now`.
    static func duePersons(at now: Date, limit: Int, in db: Database) throws -> [ClientRef] {
        try String.fetchAll(
            db, sql: "SELECT clientRef FROM person WHERE nextCheck <= ? ORDER BY nextCheck, clientRef LIMIT ?",
            arguments: [now.timeIntervalSince1970, limit]
        ).compactMap(ClientRef.init(rawValue:))
    }
}
