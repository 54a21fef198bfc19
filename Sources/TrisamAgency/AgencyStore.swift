import Foundation
import GRDB
import TrisamContracts
import TrisamHTTP
import TrisamStore

/// One agency's own SQLite store (GRDB `DatabasePool`, WAL): persons it knows (by clientRef), its
/// identity register (numbers and names encrypted per field, ``IdentityRegister``), consents, its
/// cases, handovers, referrals, published statuses, its inbox, the durable outbox and the audit log.
public final class AgencyStore: Sendable {
    /// The database.
    public let pool: DatabasePool
    /// The agency that owns this store.
    public let agency: Agency

    /// Opens (creating) the store at `path` and migrates it.
    public init(path: String, agency: Agency) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // WAL (DatabasePool's default) with synchronous=NORMAL, checkpoints in the background.
        configuration.prepareDatabase(StoreTuning.prepare)
        pool = try DatabasePool(path: path, configuration: configuration)
        self.agency = agency
        try Self.migrator.migrate(pool)
    }

    /// The schema, in migrations.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE person (
                        clientRef TEXT PRIMARY KEY,
                        firstSeenAt TEXT NOT NULL,
                        registeredHere INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE consent (
                        consentId TEXT PRIMARY KEY,
                        clientRef TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        agencies TEXT NOT NULL,
                        givenOn TEXT NOT NULL,
                        validUntil TEXT NOT NULL,
                        withdrawnOn TEXT,
                        registeredBy TEXT NOT NULL
                    );
                    CREATE INDEX consent_person ON consent(clientRef);
                    CREATE TABLE caseFile (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        clientRef TEXT NOT NULL,
                        area TEXT NOT NULL,
                        contact TEXT NOT NULL,
                        openedOn TEXT NOT NULL,
                        closedOn TEXT,
                        closeReason TEXT,
                        handoverTo TEXT
                    );
                    CREATE UNIQUE INDEX case_open ON caseFile(clientRef, area) WHERE closedOn IS NULL;
                    CREATE TABLE handover (
                        handoverId TEXT PRIMARY KEY,
                        clientRef TEXT NOT NULL,
                        area TEXT NOT NULL,
                        fromAgency TEXT NOT NULL,
                        toAgency TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        state TEXT NOT NULL,
                        refusalReason TEXT,
                        contact TEXT,
                        requestedAt TEXT NOT NULL,
                        answeredAt TEXT
                    );
                    CREATE INDEX handover_person ON handover(clientRef);
                    CREATE TABLE referral (
                        referralId TEXT PRIMARY KEY,
                        clientRef TEXT NOT NULL,
                        fromAgency TEXT NOT NULL,
                        toAgency TEXT NOT NULL,
                        area TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        requestedMeasure TEXT NOT NULL,
                        answerBy TEXT,
                        state TEXT NOT NULL,
                        contact TEXT,
                        lastNote TEXT,
                        outcome TEXT,
                        rejectReason TEXT,
                        cancelReason TEXT,
                        sentAt TEXT NOT NULL,
                        updatedAt TEXT NOT NULL
                    );
                    CREATE INDEX referral_person ON referral(clientRef);
                    CREATE TABLE status (
                        eventId TEXT PRIMARY KEY,
                        clientRef TEXT NOT NULL,
                        type TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        publishedAt TEXT NOT NULL
                    );
                    CREATE INDEX status_person ON status(clientRef);
                    CREATE TABLE inbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        eventId TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        fromSource TEXT NOT NULL,
                        clientRef TEXT NOT NULL,
                        receivedAt TEXT NOT NULL,
                        eventTime TEXT NOT NULL,
                        summary TEXT NOT NULL,
                        payload TEXT NOT NULL
                    );
                    CREATE INDEX inbox_person ON inbox(clientRef);
                    CREATE TABLE consumedEvent (
                        eventId TEXT PRIMARY KEY,
                        topic TEXT NOT NULL,
                        consumedAt TEXT NOT NULL
                    );
                    CREATE TABLE outbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        eventId TEXT NOT NULL,
                        type TEXT NOT NULL,
                        topic TEXT NOT NULL,
                        key BLOB NOT NULL,
                        value BLOB NOT NULL,
                        headers TEXT NOT NULL,
                        createdAt TEXT NOT NULL,
                        sentAt TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        lastError TEXT
                    );
                    CREATE INDEX outbox_unsent ON outbox(seq) WHERE sentAt IS NULL;
                    CREATE TABLE audit (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL,
                        staffName TEXT NOT NULL,
                        staffRole TEXT NOT NULL,
                        action TEXT NOT NULL,
                        clientRef TEXT,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX audit_person ON audit(clientRef, seq);
                    """)
        }
        SipStore.registerMigrations(&migrator)
        migrator.registerMigration("v-published-log") { db in
            // The log the outbox's sent rows went to (one row at most; see OutboxPublisher).
            try db.execute(sql: "CREATE TABLE published_log (identity TEXT NOT NULL)")
        }
        IdentityRegister.registerMigrations(&migrator)
        MailOutbox.registerMigrations(&migrator)
        AgencyFlags.registerMigrations(&migrator)
        ConsumerPositions.registerMigrations(&migrator)
        ChangeCounters.registerMigrations(&migrator)
        return migrator
    }

    /// The tables of the store, including the SIP and plan tables (``SipStore/tables``).
    public static let tables =
        [
            "person", "consent", "caseFile", "handover", "referral", "status", "inbox",
            "consumedEvent", "outbox", "audit", "published_log",
        ] + SipStore.tables + IdentityRegister.tables + MailOutbox.tables + AgencyFlags.tables
        + ConsumerPositions.tables + ChangeCounters.tables

    /// Row counts per table (tests use them to prove a refused request wrote nothing).
    public func rowCounts() async throws -> [String: Int] {
        try await pool.read { db in
            var counts: [String: Int] = [:]
            for table in Self.tables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }

    /// Number of outbox rows not yet delivered.
    public func unsentCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE sentAt IS NULL") ?? 0 }
    }
}

/// Store helpers used inside transactions.
extension AgencyStore {
    static func now() -> String { Timestamp.format(Date()) }

    static func json<T: Encodable>(_ value: T) -> String {
        (try? EventEnvelope.encoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Records a staff read or change in the audit log.
    static func audit(_ db: Database, _ staff: Staff, _ action: String, clientRef: ClientRef?, detail: String) throws {
        try db.cachedStatement(sql: "INSERT INTO audit (at, staffName, staffRole, action, clientRef, detail) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [now(), staff.name, staff.role, action, clientRef?.rawValue, detail])
    }

    /// Makes sure the person is known (from a registration or an incoming event).
    static func notePerson(_ db: Database, _ clientRef: ClientRef, registeredHere: Bool) throws -> Bool {
        let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM person WHERE clientRef = ?", arguments: [clientRef.rawValue]) ?? false
        if !existed {
            try db.execute(
                sql: "INSERT INTO person (clientRef, firstSeenAt, registeredHere) VALUES (?, ?, ?)",
                arguments: [clientRef.rawValue, now(), registeredHere])
        } else if registeredHere {
            try db.execute(sql: "UPDATE person SET registeredHere = 1 WHERE clientRef = ?", arguments: [clientRef.rawValue])
        }
        return !existed
    }

    /// Refuses an unknown person with 404.
    static func requirePerson(_ db: Database, _ clientRef: ClientRef) throws {
        guard
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM person WHERE clientRef = ?"), arguments: [clientRef.rawValue]) ?? false
        else {
            throw APIError.notFound(
                "clientRef", "no person with clientRef \(clientRef) is known to this agency; register with POST /persons")
        }
    }

    /// The consents stored for a person.
    static func consents(_ db: Database, _ clientRef: ClientRef) throws -> [ConsentRecord] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM consent WHERE clientRef = ? ORDER BY givenOn"), arguments: [clientRef.rawValue]
        ).compactMap { row in
            guard let purpose = ConsentPurpose(rawValue: row["purpose"]),
                let given = LocalDate(row["givenOn"] as String), let until = LocalDate(row["validUntil"] as String)
            else { return nil }
            let agencies = Set((row["agencies"] as String).split(separator: ",").compactMap { Agency(rawValue: String($0)) })
            return ConsentRecord(
                consentId: row["consentId"], purpose: purpose, agencies: agencies, givenOn: given,
                validUntil: until, withdrawnOn: (row["withdrawnOn"] as String?).flatMap(LocalDate.init))
        }
    }

    /// Refuses with 403 consent_missing unless a valid consent for `purpose` covers `agencies`;
    /// `field` names what needs it (by default the person, `clientRef`).
    /// Answers the consent that covers the sharing.
    @discardableResult
    static func requireConsent(
        _ db: Database, _ clientRef: ClientRef, _ purpose: ConsentPurpose, _ agencies: Set<Agency>,
        today: LocalDate, field: String = "clientRef"
    ) throws -> ConsentRecord {
        guard let consent = ConsentCoverage.covering(try consents(db, clientRef), purpose: purpose, agencies: agencies, on: today) else {
            throw APIError.consentMissing(ConsentCoverage.refusal(purpose: purpose, agencies: agencies), field: field)
        }
        return consent
    }

    /// Stores a consent (insert-or-ignore by id).
    static func storeConsent(_ db: Database, _ clientRef: ClientRef, _ consent: ConsentGiven, registeredBy: Agency) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO consent (consentId, clientRef, purpose, agencies, givenOn, validUntil, registeredBy)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                consent.consentId, clientRef.rawValue, consent.purpose.rawValue,
                consent.agencies.map(\.rawValue).joined(separator: ","), consent.givenOn.description,
                consent.validUntil.description, registeredBy.rawValue,
            ])
    }

    /// Marks a consent withdrawn (by this agency).
    static func withdrawConsent(_ db: Database, _ consentId: String, on day: LocalDate) throws {
        try db.execute(sql: "UPDATE consent SET withdrawnOn = ? WHERE consentId = ?", arguments: [day.description, consentId])
    }

    /// Marks a consent withdrawn by another agency, as read from the consent topic: only an agency
    /// the consent covers withdraws it.
    static func withdrawConsent(_ db: Database, _ withdrawal: ConsentWithdrawn, of clientRef: ClientRef, by source: Agency?) throws {
        try db.execute(
            sql: """
                UPDATE consent SET withdrawnOn = ? WHERE consentId = ? AND clientRef = ? AND withdrawnOn IS NULL
                AND (',' || agencies || ',') LIKE ('%,' || ? || ',%')
                """,
            arguments: [withdrawal.withdrawnOn.description, withdrawal.consentId, clientRef.rawValue, source?.rawValue ?? ""])
    }

    /// Keeps a published status change with the payload as published.
    static func insertStatus(_ db: Database, _ envelope: EventEnvelope, payloadJSON: String) throws {
        try db.cachedStatement(sql: "INSERT INTO status (eventId, clientRef, type, payload, publishedAt) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [envelope.id, envelope.subject.rawValue, envelope.type.rawValue, payloadJSON, now()])
    }

    /// The open case of this agency for an area, if any: (id, contact JSON).
    static func openCase(_ db: Database, _ clientRef: ClientRef, _ area: Area) throws -> Int64? {
        try Int64.fetchOne(
            db, sql: "SELECT id FROM caseFile WHERE clientRef = ? AND area = ? AND closedOn IS NULL",
            arguments: [clientRef.rawValue, area.rawValue])
    }

    /// This agency's open case for `area`, or 404 naming the area.
    static func requireOpenCase(_ db: Database, _ clientRef: ClientRef, _ area: Area) throws -> Int64 {
        guard let caseId = try openCase(db, clientRef, area) else {
            throw APIError.notFound("area", "this agency has no open case for area \(area.rawValue)")
        }
        return caseId
    }
}
