import Foundation
import GRDB
import TrisamContracts
import TrisamHTTP

/// The agency's identity register: who each of its people is (number and name), encrypted per
/// field with the ``IdentityRegisterKey``, for the people it registered or received. A received
/// identity is kept on the grounds it came under (the consent named in the sealed identity);
/// when none of them is in force any more and the agency has no case of its own and did not
/// register the person itself, the identity is erased (``eraseUnfounded(_:key:today:staff:only:)``).
///
/// Every read of an identity is written to the audit log by the caller, in the same transaction.
enum IdentityRegister {
    /// An identity received without its consent known here yet is kept this long on that ground
    /// alone (the consent travels on another topic and may arrive later).
    static let unknownConsentGrace: TimeInterval = 24 * 3600

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v-identity-register") { db in
            try db.execute(
                sql: """
                    CREATE TABLE identity (
                        clientRef TEXT PRIMARY KEY,
                        number BLOB NOT NULL,
                        name BLOB,
                        source TEXT NOT NULL,
                        fromAgency TEXT,
                        recordedAt TEXT NOT NULL
                    );
                    CREATE TABLE identity_ground (
                        clientRef TEXT NOT NULL,
                        consentId TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        fromAgency TEXT NOT NULL,
                        eventId TEXT NOT NULL,
                        receivedAt TEXT NOT NULL,
                        PRIMARY KEY (clientRef, consentId)
                    );
                    """)
        }
    }

    /// The tables, for ``AgencyStore/tables``.
    static let tables = ["identity", "identity_ground"]

    /// Where an identity came from.
    enum Source: Equatable {
        case registered
        case received(from: Agency)
    }

    /// Keeps `identity` for `clientRef`: a new row, or the name added to (registration: replacing)
    /// the one kept.
    static func store(_ db: Database, _ clientRef: ClientRef, _ identity: PersonIdentity, key: IdentityRegisterKey, source: Source) throws {
        let number = try key.seal("\(identity.kind.rawValue):\(identity.number)", clientRef: clientRef, field: "number")
        let name = try identity.name.map { try key.seal($0, clientRef: clientRef, field: "name") }
        let existing = try Row.fetchOne(db, sql: "SELECT name FROM identity WHERE clientRef = ?", arguments: [clientRef.rawValue])
        if let existing {
            if let name, source == .registered || (existing["name"] as Data?) == nil {
                try db.execute(sql: "UPDATE identity SET name = ? WHERE clientRef = ?", arguments: [name, clientRef.rawValue])
            }
            if source == .registered {
                try db.execute(
                    sql: "UPDATE identity SET source = 'registered', fromAgency = NULL WHERE clientRef = ?", arguments: [clientRef.rawValue]
                )
            }
            return
        }
        var fromAgency: String?
        if case .received(let from) = source { fromAgency = from.rawValue }
        try db.execute(
            sql: "INSERT INTO identity (clientRef, number, name, source, fromAgency, recordedAt) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                clientRef.rawValue, number, name, source == .registered ? "registered" : "received", fromAgency, AgencyStore.now(),
            ])
    }

    /// The identity kept for `clientRef`, decrypted, or nil. A row that does not decrypt to a
    /// valid identity of this very person (another key, a row moved) is treated as absent.
    static func read(_ db: Database, _ clientRef: ClientRef, key: IdentityRegisterKey, pseudonymizer: Pseudonymizer) throws
        -> PersonIdentity?
    {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT number, name FROM identity WHERE clientRef = ?"), arguments: [clientRef.rawValue])
        else { return nil }
        guard let text = try? key.open(row["number"], clientRef: clientRef, field: "number"),
            let colon = text.firstIndex(of: ":"), let kind = PersonIdentity.Kind(rawValue: String(text[..<colon]))
        else { return nil }
        let name = (row["name"] as Data?).flatMap { try? key.open($0, clientRef: clientRef, field: "name") }
        guard let identity = PersonIdentity(kind: kind, number: String(text[text.index(after: colon)...]), name: name),
            identity.clientRef(pseudonymizer) == clientRef
        else { return nil }
        return identity
    }

    /// Records that the identity of `clientRef` was received under `consentId`.
    static func addGround(
        _ db: Database, _ clientRef: ClientRef, consentId: String, purpose: ConsentPurpose, from: Agency, eventId: String
    ) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO identity_ground (clientRef, consentId, purpose, fromAgency, eventId, receivedAt)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [clientRef.rawValue, consentId, purpose.rawValue, from.rawValue, eventId, AgencyStore.now()])
    }

    /// Erases the identities with no ground left (of `only`, or of everyone): not registered
    /// here, no open case of this agency, and no consent they were received under still in
    /// force on `today`. Each erasure is audited (the log keeps that it was, not who it was).
    /// Returns the people whose identity was erased.
    @discardableResult
    static func eraseUnfounded(_ db: Database, today: LocalDate, staff: Staff, only: ClientRef? = nil, now: Date = Date()) throws
        -> [ClientRef]
    {
        let rows =
            if let only {
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT i.clientRef FROM identity i JOIN person p ON p.clientRef = i.clientRef
                        WHERE i.clientRef = ? AND i.source = 'received' AND p.registeredHere = 0
                        """, arguments: [only.rawValue])
            } else {
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT i.clientRef FROM identity i JOIN person p ON p.clientRef = i.clientRef
                        WHERE i.source = 'received' AND p.registeredHere = 0
                        """)
            }
        var erased: [ClientRef] = []
        for row in rows {
            guard let clientRef = ClientRef(rawValue: row["clientRef"]) else { continue }
            let openCases =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM caseFile WHERE clientRef = ? AND closedOn IS NULL", arguments: [clientRef.rawValue])
                ?? 0
            if openCases > 0 { continue }
            let consents = try AgencyStore.consents(db, clientRef)
            let grounds = try Row.fetchAll(
                db, sql: "SELECT consentId, receivedAt FROM identity_ground WHERE clientRef = ?", arguments: [clientRef.rawValue])
            let founded = grounds.contains { ground in
                let consentId: String = ground["consentId"]
                if let consent = consents.first(where: { $0.consentId == consentId }) { return consent.isValid(on: today) }
                let received = Timestamp.parse(ground["receivedAt"]) ?? .distantPast
                return now.timeIntervalSince(received) < unknownConsentGrace
            }
            if founded { continue }
            let reasons = grounds.map { $0["consentId"] as String }.sorted().joined(separator: ", ")
            try db.execute(sql: "DELETE FROM identity WHERE clientRef = ?", arguments: [clientRef.rawValue])
            try db.execute(sql: "DELETE FROM identity_ground WHERE clientRef = ?", arguments: [clientRef.rawValue])
            try AgencyStore.audit(
                db, staff, "identity.erase", clientRef: clientRef,
                detail:
                    "received identity erased: no consent it was shared under is in force (\(reasons.isEmpty ? "none recorded" : reasons)) and no case of our own"
            )
            erased.append(clientRef)
        }
        return erased
    }
}

/// The identity as staff read it.
public struct IdentityBody: Encodable, Sendable, Equatable {
    /// personnummer, samordningsnummer or reservnummer.
    public var kind: String
    /// `YYYYMMDD-NNNN`, or the reservnummer.
    public var number: String
    @Nullable public var name: String?

    init(_ identity: PersonIdentity) {
        kind = identity.kind.rawValue
        number = identity.formattedNumber
        name = identity.name
    }
}
