import Foundation
import GRDB
import TrisamContracts
import TrisamHTTP

/// The coordinator's flags that name this agency (issue 21), read from `trisam.flags` and kept
/// only for people whose `samordning` consent covers this agency; the agency's staff list them
/// (`GET /flags`) and take one (`POST /flags/{flagId}/take`), which goes to the coordinator as
/// `flag.take.requested` on this agency's status topic.
///
/// Flags and consents arrive on different topics, read by different consumers, so a flag may come
/// before the consent it rests on. A flag whose person has no covering consent is therefore
/// *held*: stored, never shown or listed, and erased after ``holdLimit`` unless a covering consent
/// arrives first. A consent that ends holds the person's flags again the same way.
enum AgencyFlags {
    /// How long a flag without covering consent is held before it is erased.
    static let holdLimit: TimeInterval = 24 * 3600

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v-flags") { db in
            try db.execute(
                sql: """
                    CREATE TABLE agencyFlag (
                        flagId TEXT PRIMARY KEY NOT NULL,
                        clientRef TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        title TEXT NOT NULL,
                        explanation TEXT NOT NULL,
                        agencies TEXT NOT NULL,
                        raisedAt TEXT NOT NULL,
                        resolvedAt TEXT,
                        closed INTEGER NOT NULL DEFAULT 0,
                        owner TEXT,
                        ownerAgency TEXT
                    ) WITHOUT ROWID;
                    CREATE INDEX agencyFlag_open ON agencyFlag(raisedAt) WHERE resolvedAt IS NULL;
                    """)
        }
        migrator.registerMigration("v-flags-held") { db in
            // When the flag was last found without covering consent; NULL while consent covers it.
            try db.execute(sql: "ALTER TABLE agencyFlag ADD COLUMN heldSince TEXT")
        }
    }

    static let tables = ["agencyFlag"]

    /// Applies one event of `trisam.flags`: a flag naming `agency` is kept (held while no consent
    /// covers the person); its resolution, closing, reopening and owner are followed.
    static func apply(_ db: Database, _ envelope: EventEnvelope, agency: Agency, today: LocalDate, now: Date = Date()) throws {
        let ref = envelope.subject.rawValue
        switch envelope.event {
        case .flagRaised(let flag):
            guard flag.agencies.contains(agency) else { return }
            let covered = try covers(db, envelope.subject, agency: agency, today: today)
            // A person this agency must act for is one its staff can open (not before consent covers it).
            if covered { _ = try AgencyStore.notePerson(db, envelope.subject, registeredHere: false) }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO agencyFlag(flagId, clientRef, rule, severity, title, explanation, agencies, raisedAt, heldSince)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    flag.flagId, ref, flag.rule, flag.severity.rawValue, flag.title, flag.explanation,
                    flag.agencies.map(\.rawValue).joined(separator: ","), Timestamp.format(envelope.time),
                    covered ? nil : Timestamp.format(now),
                ])
        case .flagResolved(let flag):
            try db.execute(
                sql: "UPDATE agencyFlag SET resolvedAt = ? WHERE flagId = ? AND clientRef = ?",
                arguments: [Timestamp.format(envelope.time), flag.flagId, ref])
        case .flagClosed(let flag):
            try db.execute(sql: "UPDATE agencyFlag SET closed = 1 WHERE flagId = ? AND clientRef = ?", arguments: [flag.flagId, ref])
        case .flagReopened(let flag):
            try db.execute(sql: "UPDATE agencyFlag SET closed = 0 WHERE flagId = ? AND clientRef = ?", arguments: [flag.flagId, ref])
        case .flagTaken(let flag):
            try db.execute(
                sql: "UPDATE agencyFlag SET owner = ?, ownerAgency = NULL WHERE flagId = ? AND clientRef = ?",
                arguments: [flag.actor, flag.flagId, ref])
        case .flagAssigned(let flag):
            try db.execute(
                sql: "UPDATE agencyFlag SET owner = ?, ownerAgency = ? WHERE flagId = ? AND clientRef = ?",
                arguments: [flag.assignee.name, flag.agency.rawValue, flag.flagId, ref])
        default: break
        }
    }

    /// Whether a `samordning` consent covering `agency` holds for the person today.
    static func covers(_ db: Database, _ clientRef: ClientRef, agency: Agency, today: LocalDate) throws -> Bool {
        ConsentCoverage.covering(try AgencyStore.consents(db, clientRef), purpose: .samordning, agencies: [agency], on: today) != nil
    }

    /// Looks at the consent of the people with flags here (`only` one of them, or everyone):
    /// flags of a person whom consent covers are released, the others held from now if they were
    /// not already; flags held longer than ``holdLimit`` are erased. Answers how many were erased.
    @discardableResult
    static func review(_ db: Database, agency: Agency, today: LocalDate, now: Date = Date(), only: ClientRef? = nil) throws -> Int {
        let refs =
            try only.map { [$0.rawValue] }
            ?? String.fetchAll(db, sql: "SELECT DISTINCT clientRef FROM agencyFlag")
        for raw in refs {
            guard let ref = ClientRef(rawValue: raw) else { continue }
            if try covers(db, ref, agency: agency, today: today) {
                try db.execute(sql: "UPDATE agencyFlag SET heldSince = NULL WHERE clientRef = ?", arguments: [raw])
                if db.changesCount > 0 { _ = try AgencyStore.notePerson(db, ref, registeredHere: false) }
            } else {
                try db.execute(
                    sql: "UPDATE agencyFlag SET heldSince = ? WHERE clientRef = ? AND heldSince IS NULL",
                    arguments: [Timestamp.format(now), raw])
            }
        }
        try db.execute(
            sql: "DELETE FROM agencyFlag WHERE heldSince IS NOT NULL AND heldSince < ?",
            arguments: [Timestamp.format(now.addingTimeInterval(-holdLimit))])
        return db.changesCount
    }

    /// The open flags naming the agency (not closed as no gap) of people whose consent covers
    /// it today, oldest raised first.
    static func open(_ db: Database, agency: Agency, today: LocalDate, limit: Int, only: ClientRef? = nil) throws -> [AgencyFlag] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM agencyFlag WHERE resolvedAt IS NULL AND closed = 0 AND heldSince IS NULL
                AND (? IS NULL OR clientRef = ?) ORDER BY raisedAt, flagId LIMIT ?
                """,
            arguments: [only?.rawValue, only?.rawValue, limit])
        var consent: [String: Bool] = [:]
        var flags: [AgencyFlag] = []
        for row in rows {
            let ref: String = row["clientRef"]
            if consent[ref] == nil, let clientRef = ClientRef(rawValue: ref) {
                consent[ref] = try covers(db, clientRef, agency: agency, today: today)
            }
            guard consent[ref] == true else { continue }
            flags.append(AgencyFlag(row: row))
        }
        return flags
    }

    static func fetch(_ db: Database, _ flagId: String) throws -> (flag: AgencyFlag, resolved: Bool, closed: Bool)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM agencyFlag WHERE flagId = ?", arguments: [flagId]) else { return nil }
        return (AgencyFlag(row: row), (row["resolvedAt"] as String?) != nil, (row["closed"] as Int) != 0)
    }
}

/// One flag as `GET /flags` shows it.
public struct AgencyFlag: Encodable, Sendable, Equatable {
    public var flagId: String
    public var clientRef: String
    public var rule: String
    public var severity: String
    /// The rule's title for coordinators, in Swedish.
    public var title: String
    /// Why the flag is raised, in Swedish.
    public var explanation: String
    public var agencies: [String]
    public var raisedAt: String
    /// Who works it, as the coordinator last said (`flag.taken`, `flag.assigned`); nil if nobody.
    @Nullable public var owner: String?
    @Nullable public var ownerAgency: String?
    /// Who the flag is about, when this agency's identity register holds it (the read is audited).
    @Nullable public var person: IdentityBody?

    init(row: Row) {
        flagId = row["flagId"]
        clientRef = row["clientRef"]
        rule = row["rule"]
        severity = row["severity"]
        title = row["title"]
        explanation = row["explanation"]
        agencies = (row["agencies"] as String).split(separator: ",").map(String.init)
        raisedAt = row["raisedAt"]
        owner = row["owner"]
        ownerAgency = row["ownerAgency"]
        person = nil
    }
}

/// `GET /flags`.
public struct AgencyFlagList: Encodable, Sendable {
    public var flags: [AgencyFlag]
}

extension AgencyService {
    /// `GET /flags`: the coordinator's open flags that name this agency, for people whose
    /// consent covers it (`clientRef`: one person's); the listing is audited per person, and so is
    /// each identity shown with it.
    public func flags(_ staff: Staff, clientRef: String? = nil) async throws(APIError) -> JSONReply<AgencyFlagList> {
        let agency = self.agency
        let today = self.today()
        var only: ClientRef?
        if let clientRef {
            guard let ref = ClientRef(rawValue: clientRef) else {
                throw APIError.invalid("clientRef", "must be 32 lowercase hex characters")
            }
            only = ref
        }
        let flags = try await transaction { [only] db -> [AgencyFlag] in
            var flags = try AgencyFlags.open(db, agency: agency, today: today, limit: 1000, only: only)
            for person in Set(flags.map(\.clientRef)).sorted() {
                try AgencyStore.audit(db, staff, "flags.read", clientRef: ClientRef(rawValue: person), detail: "flag listing")
            }
            let people = try self.people(db, flags.map(\.clientRef), staff: staff, detail: "flag listing")
            for index in flags.indices { flags[index].person = people[flags[index].clientRef] }
            return flags
        }
        return JSONReply(200, AgencyFlagList(flags: flags))
    }

    /// `POST /flags/{flagId}/take`: the member of staff takes a flag that names this agency; the
    /// coordinator hears of it as `flag.take.requested` through the outbox (202). 404 for a flag
    /// not known here, 409 when it is resolved or closed as no gap, 403 without consent.
    public func takeFlag(_ staff: Staff, flagId: String) async throws(APIError) -> JSONReply<EventPublished> {
        let agency = self.agency
        let today = self.today()
        let envelopeId = EventID.random()
        try await transaction { db in
            guard let found = try AgencyFlags.fetch(db, flagId), let ref = ClientRef(rawValue: found.flag.clientRef) else {
                throw APIError.notFound("flagId", "no flag naming \(agency.rawValue) has this id")
            }
            if found.resolved { throw APIError.conflict("the flag is resolved: its work has ended", field: "flagId") }
            if found.closed { throw APIError.conflict("the flag is closed as no gap", field: "flagId") }
            try AgencyStore.requireConsent(db, ref, .samordning, [agency], today: today)
            let envelope = EventEnvelope(
                id: envelopeId, source: .agency(agency), subject: ref,
                event: .flagTakeRequested(FlagTakeRequested(flagId: flagId, rule: found.flag.rule, actor: staff.name, agency: agency)))
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(db, staff, "flag.take", clientRef: ref, detail: flagId)
        }
        return JSONReply(202, EventPublished(eventId: envelopeId))
    }
}
