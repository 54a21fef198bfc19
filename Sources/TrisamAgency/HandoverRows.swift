import Foundation
import GRDB
import TrisamContracts

/// A handover as stored by either side.
struct StoredHandover {
    let clientRef: ClientRef
    let area: Area
    let from: Agency
    let to: Agency
    let state: HandoverState
}

/// Handover rows: the same table on the sender's and the receiver's side.
enum HandoverRows {
    /// Records a requested handover (`INSERT OR IGNORE`: the receiver may read it twice).
    static func insertRequested(
        _ db: Database, handoverId: String, _ clientRef: ClientRef, area: Area, from: Agency?, to: Agency, reason: String
    ) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO handover (handoverId, clientRef, area, fromAgency, toAgency, reason, state, requestedAt)
                VALUES (?, ?, ?, ?, ?, ?, 'requested', ?)
                """,
            arguments: [handoverId, clientRef.rawValue, area.rawValue, from?.rawValue, to.rawValue, reason, AgencyStore.now()])
    }

    /// Whether `from` has a handover of `area` waiting for an answer.
    static func isWaiting(_ db: Database, _ clientRef: ClientRef, area: Area, from: Agency) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM handover WHERE clientRef = ? AND area = ? AND fromAgency = ? AND state = 'requested'",
            arguments: [clientRef.rawValue, area.rawValue, from.rawValue]) ?? false
    }

    static func fetch(_ db: Database, _ handoverId: String) throws -> StoredHandover? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM handover WHERE handoverId = ?", arguments: [handoverId]),
            let clientRef = ClientRef(rawValue: row["clientRef"]), let area = Area(rawValue: row["area"]),
            let from = Agency(rawValue: row["fromAgency"]), let to = Agency(rawValue: row["toAgency"]),
            let state = HandoverState(rawValue: row["state"])
        else { return nil }
        return StoredHandover(clientRef: clientRef, area: area, from: from, to: to, state: state)
    }

    /// The receiver and person a handover was asked of, as stored (also for rows this side
    /// cannot fully decode).
    static func addressee(_ db: Database, _ handoverId: String) throws -> (to: String, clientRef: String)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT toAgency, clientRef FROM handover WHERE handoverId = ?", arguments: [handoverId])
        else { return nil }
        return (row["toAgency"], row["clientRef"])
    }

    /// Marks a waiting handover accepted; answers whether one was waiting.
    @discardableResult
    static func accept(_ db: Database, _ handoverId: String, contact: Contact) throws -> Bool {
        try db.execute(
            sql: "UPDATE handover SET state = 'accepted', contact = ?, answeredAt = ? WHERE handoverId = ? AND state = 'requested'",
            arguments: [AgencyStore.json(contact), AgencyStore.now(), handoverId])
        return db.changesCount > 0
    }

    /// Marks a waiting handover refused.
    static func refuse(_ db: Database, _ handoverId: String, reason: String) throws {
        try db.execute(
            sql: "UPDATE handover SET state = 'refused', refusalReason = ?, answeredAt = ? WHERE handoverId = ? AND state = 'requested'",
            arguments: [reason, AgencyStore.now(), handoverId])
    }

    /// Settles `from`'s waiting handover of `area` to `to` as accepted (see
    /// ``AgencyService/answerHandover(_:handoverId:answer:body:)``).
    static func settleWaiting(_ db: Database, _ clientRef: ClientRef, area: Area, from: Agency, to: Agency) throws {
        try db.execute(
            sql: """
                UPDATE handover SET state = 'accepted', answeredAt = ?
                WHERE clientRef = ? AND area = ? AND fromAgency = ? AND toAgency = ? AND state = 'requested'
                """, arguments: [AgencyStore.now(), clientRef.rawValue, area.rawValue, from.rawValue, to.rawValue])
    }
}
