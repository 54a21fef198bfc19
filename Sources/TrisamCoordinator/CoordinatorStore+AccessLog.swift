import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore

/// Person reads, each recorded in the audit log in the transaction that reads.
extension CoordinatorStore {
    /// A person's state and newest timeline entries (newest last), or nil if unknown. Records
    /// the read in the audit log in the same transaction.
    public func readPerson(
        _ clientRef: ClientRef, reader: String, path: String, at time: Date,
        timelineLimit: Int = 500
    ) throws -> (state: PersonState, timeline: [TimelineEntry])? {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO access_log(time, reader, clientRef, path) VALUES (?, ?, ?, ?)",
                arguments: [time.timeIntervalSince1970, reader, clientRef.rawValue, path])
            guard let record = try Self.loadPerson(clientRef, in: db) else { return nil }
            let rows = try Row.fetchAll(
                db,
                sql: """
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
}
