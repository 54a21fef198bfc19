import Foundation
import GRDB
import TrisamContracts

/// This agency's case files: one row per case, open until `closedOn` is set.
enum CaseRows {
    /// Opens a case; answers its id.
    static func insert(_ db: Database, _ clientRef: ClientRef, area: Area, contact: Contact, openedOn: LocalDate) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO caseFile (clientRef, area, contact, openedOn) VALUES (?, ?, ?, ?)",
            arguments: [clientRef.rawValue, area.rawValue, AgencyStore.json(contact), openedOn.description])
        return db.lastInsertedRowID
    }

    /// Closes a case for a reason of this agency's own.
    static func close(_ db: Database, caseId: Int64, on day: LocalDate, reason: CaseCloseReason) throws {
        try db.execute(
            sql: "UPDATE caseFile SET closedOn = ?, closeReason = ? WHERE id = ?", arguments: [day.description, reason.rawValue, caseId])
    }

    /// Closes a case because the area was handed over to `receiver`.
    static func closeByHandover(_ db: Database, caseId: Int64, on day: LocalDate, to receiver: Agency) throws {
        try db.execute(
            sql: "UPDATE caseFile SET closedOn = ?, closeReason = 'handover', handoverTo = ? WHERE id = ?",
            arguments: [day.description, receiver.rawValue, caseId])
    }

    /// Sets the named contact of a case.
    static func setContact(_ db: Database, caseId: Int64, _ contact: Contact) throws {
        try db.execute(sql: "UPDATE caseFile SET contact = ? WHERE id = ?", arguments: [AgencyStore.json(contact), caseId])
    }
}
