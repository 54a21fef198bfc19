import Foundation
import GRDB
import TrisamContracts
import TrisamHTTP

/// The SIP and handlingsplan tables of an agency store and their row helpers.
///
/// - `sip`: a SIP this agency called (`role = caller`) or was invited to (`role = invitee`),
///   with the latest scheduled meeting as every participant knows it.
/// - `sipInvitation`: one row per invited agency; the caller holds every invitee's row, an
///   invitee only its own.
/// - `plan`, `planRevision`, `planAction`: plans this agency leads (every revision kept as a
///   JSON snapshot) and actions it owns or leads.
enum SipStore {
    /// The tables `registerMigrations` creates.
    static let tables = ["sip", "sipInvitation", "plan", "planRevision", "planAction"]

    /// Adds the SIP and plan tables to the store's migrations.
    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-sip-plan") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sip (
                        sipId TEXT PRIMARY KEY,
                        clientRef TEXT NOT NULL,
                        caller TEXT NOT NULL,
                        role TEXT NOT NULL,
                        reason TEXT,
                        afterDischarge INTEGER NOT NULL DEFAULT 0,
                        organizer TEXT,
                        state TEXT NOT NULL,
                        meetingStart TEXT,
                        meetingEnd TEXT,
                        sequence INTEGER,
                        location TEXT,
                        participants TEXT,
                        attendees TEXT,
                        cancelReason TEXT,
                        heldOn TEXT,
                        heldAttendees TEXT,
                        createdAt TEXT NOT NULL,
                        updatedAt TEXT NOT NULL
                    );
                    CREATE INDEX sip_person ON sip(clientRef);
                    CREATE TABLE sipInvitation (
                        sipId TEXT NOT NULL,
                        invitee TEXT NOT NULL,
                        answerBy TEXT NOT NULL,
                        answer TEXT,
                        participant TEXT,
                        availability TEXT,
                        declineReason TEXT,
                        answeredAt TEXT,
                        PRIMARY KEY (sipId, invitee)
                    );
                    CREATE TABLE plan (
                        planId TEXT PRIMARY KEY,
                        clientRef TEXT NOT NULL,
                        sipId TEXT,
                        leadAgency TEXT NOT NULL,
                        participants TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        followUpOn TEXT,
                        closeReason TEXT,
                        outcome TEXT,
                        closedOn TEXT,
                        createdAt TEXT NOT NULL,
                        updatedAt TEXT NOT NULL
                    );
                    CREATE INDEX plan_person ON plan(clientRef);
                    CREATE TABLE planRevision (
                        planId TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        content TEXT NOT NULL,
                        revisedAt TEXT NOT NULL,
                        revisedBy TEXT NOT NULL,
                        PRIMARY KEY (planId, revision)
                    );
                    CREATE TABLE planAction (
                        planId TEXT NOT NULL,
                        actionId TEXT NOT NULL,
                        clientRef TEXT NOT NULL,
                        leadAgency TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        ownerContact TEXT,
                        description TEXT NOT NULL,
                        dueDate TEXT NOT NULL,
                        state TEXT NOT NULL,
                        completedOn TEXT,
                        note TEXT,
                        reason TEXT,
                        assignedAt TEXT NOT NULL,
                        PRIMARY KEY (planId, actionId)
                    );
                    CREATE INDEX planAction_owner ON planAction(owner, state);
                    """)
        }
    }

    static func agencies(_ text: String?) -> [Agency] {
        (text ?? "").split(separator: ",").compactMap { Agency(rawValue: String($0)) }
    }

    static func list(_ agencies: [Agency]) -> String { agencies.map(\.rawValue).joined(separator: ",") }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        guard let text else { return nil }
        return try? EventEnvelope.decoder().decode(T.self, from: Data(text.utf8))
    }

    // MARK: SIP rows

    /// A SIP as this agency's store knows it.
    struct SipRow: Sendable {
        var sipId: String
        var clientRef: ClientRef
        var caller: Agency
        var isCaller: Bool
        var reason: String?
        var afterDischarge: Bool
        var organizer: String?
        var state: String
        var meeting: TimeSlot?
        var sequence: Int?
        var location: String?
        var participants: [Agency]
        var attendees: [Attendee]
        var cancelReason: String?
        var heldOn: String?
        var heldAttendees: [Attendee]
    }

    static func sip(_ db: Database, _ sipId: String) throws -> SipRow? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sip WHERE sipId = ?", arguments: [sipId]),
            let clientRef = ClientRef(rawValue: row["clientRef"]), let caller = Agency(rawValue: row["caller"])
        else { return nil }
        var meeting: TimeSlot?
        if let start = (row["meetingStart"] as String?).flatMap(Timestamp.parse),
            let end = (row["meetingEnd"] as String?).flatMap(Timestamp.parse)
        {
            meeting = TimeSlot(start: start, end: end)
        }
        return SipRow(
            sipId: sipId, clientRef: clientRef, caller: caller, isCaller: (row["role"] as String) == "caller",
            reason: row["reason"], afterDischarge: row["afterDischarge"], organizer: row["organizer"], state: row["state"],
            meeting: meeting, sequence: row["sequence"], location: row["location"],
            participants: agencies(row["participants"]), attendees: decode([Attendee].self, row["attendees"]) ?? [],
            cancelReason: row["cancelReason"], heldOn: row["heldOn"],
            heldAttendees: decode([Attendee].self, row["heldAttendees"]) ?? [])
    }

    /// The SIP or 404 naming `sipId`.
    static func requireSip(_ db: Database, _ sipId: String) throws -> SipRow {
        guard let sip = try sip(db, sipId) else {
            throw APIError.notFound("sipId", "no SIP \(sipId.prefix(128)) is known to this agency")
        }
        return sip
    }

    /// One invited agency's invitation and answer.
    struct InvitationRow: Sendable {
        var invitee: Agency
        var answerBy: LocalDate
        var answer: SipAnswer?
        var participant: Contact?
        var availability: [TimeSlot]
        var declineReason: String?
    }

    static func invitations(_ db: Database, _ sipId: String) throws -> [InvitationRow] {
        try Row.fetchAll(db, sql: "SELECT * FROM sipInvitation WHERE sipId = ? ORDER BY invitee", arguments: [sipId]).compactMap { row in
            guard let invitee = Agency(rawValue: row["invitee"]), let answerBy = LocalDate(row["answerBy"] as String) else { return nil }
            return InvitationRow(
                invitee: invitee, answerBy: answerBy, answer: (row["answer"] as String?).flatMap(SipAnswer.init(rawValue:)),
                participant: decode(Contact.self, row["participant"]),
                availability: decode([TimeSlot].self, row["availability"]) ?? [], declineReason: row["declineReason"])
        }
    }

    /// An invitation of a SIP this agency called, unanswered while the SIP waits to be scheduled.
    struct OverdueInvitation {
        var sipId: String
        var clientRef: ClientRef
        var invitee: Agency
        var answerBy: LocalDate
    }

    /// The invitations of SIPs this agency called that are unanswered, with an answer date
    /// before `day`, while the SIP waits to be scheduled; oldest answer date first.
    static func overdueInvitations(_ db: Database, answerByBefore day: LocalDate) throws -> [OverdueInvitation] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT sip.sipId, sip.clientRef, invitation.invitee, invitation.answerBy
                FROM sipInvitation AS invitation JOIN sip ON sip.sipId = invitation.sipId
                WHERE sip.role = 'caller' AND sip.state = 'requested' AND invitation.answer IS NULL AND invitation.answerBy < ?
                ORDER BY invitation.answerBy, sip.sipId, invitation.invitee
                """, arguments: [day.description]
        ).compactMap { row in
            guard let invitee = Agency(rawValue: row["invitee"]), let answerBy = LocalDate(row["answerBy"] as String),
                let clientRef = ClientRef(rawValue: row["clientRef"])
            else { return nil }
            return OverdueInvitation(sipId: row["sipId"], clientRef: clientRef, invitee: invitee, answerBy: answerBy)
        }
    }

    static func insertSip(
        _ db: Database, sipId: String, clientRef: ClientRef, caller: Agency, isCaller: Bool, reason: String?,
        afterDischarge: Bool, organizer: String?
    ) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO sip (sipId, clientRef, caller, role, reason, afterDischarge, organizer, state, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)
                """,
            arguments: [
                sipId, clientRef.rawValue, caller.rawValue, isCaller ? "caller" : "invitee", reason, afterDischarge, organizer,
                AgencyStore.now(), AgencyStore.now(),
            ])
    }

    static func insertInvitation(_ db: Database, sipId: String, invitee: Agency, answerBy: LocalDate) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO sipInvitation (sipId, invitee, answerBy) VALUES (?, ?, ?)",
            arguments: [sipId, invitee.rawValue, answerBy.description])
    }

    static func storeAnswer(_ db: Database, _ answer: SipInvitationAnswered) throws {
        try db.execute(
            sql: """
                UPDATE sipInvitation SET answer = ?, participant = ?, availability = ?, declineReason = ?, answeredAt = ?
                WHERE sipId = ? AND invitee = ? AND answer IS NULL
                """,
            arguments: [
                answer.answer.rawValue, answer.participant.map(AgencyStore.json), answer.availability.map(AgencyStore.json),
                answer.reason, AgencyStore.now(), answer.sipId, answer.invitee.rawValue,
            ])
    }

    static func storeScheduled(_ db: Database, _ scheduled: SipScheduled) throws {
        try db.execute(
            sql: """
                UPDATE sip SET state = 'scheduled', meetingStart = ?, meetingEnd = ?, sequence = ?, location = ?, participants = ?,
                    attendees = ?, updatedAt = ?
                WHERE sipId = ? AND (sequence IS NULL OR sequence <= ?) AND state IN ('requested', 'scheduled')
                """,
            arguments: [
                Timestamp.format(scheduled.meeting.start), Timestamp.format(scheduled.meeting.end), scheduled.sequence,
                scheduled.location, list(scheduled.participants), scheduled.attendees.map(AgencyStore.json),
                AgencyStore.now(), scheduled.sipId, scheduled.sequence,
            ])
    }

    static func storeCancelled(_ db: Database, _ cancelled: SipCancelled) throws {
        try db.execute(
            sql:
                "UPDATE sip SET state = 'cancelled', cancelReason = ?, participants = ?, updatedAt = ? WHERE sipId = ? AND state != 'held'",
            arguments: [cancelled.reason, list(cancelled.participants), AgencyStore.now(), cancelled.sipId])
    }

    static func storeHeld(_ db: Database, _ held: SipHeld) throws {
        try db.execute(
            sql: "UPDATE sip SET state = 'held', heldOn = ?, heldAttendees = ?, updatedAt = ? WHERE sipId = ?",
            arguments: [held.heldOn.description, AgencyStore.json(held.attendees), AgencyStore.now(), held.sipId])
    }

    // MARK: Plan rows

    /// A plan as the lead's store holds it.
    struct PlanRow: Sendable {
        var planId: String
        var clientRef: ClientRef
        var sipId: String?
        var leadAgency: Agency
        var participants: [Agency]
        var revision: Int
        var state: String
        var followUpOn: String?
        var closeReason: String?
        var outcome: String?
        var closedOn: String?
    }

    static func plan(_ db: Database, _ planId: String) throws -> PlanRow? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM plan WHERE planId = ?", arguments: [planId]),
            let clientRef = ClientRef(rawValue: row["clientRef"]), let lead = Agency(rawValue: row["leadAgency"])
        else { return nil }
        return PlanRow(
            planId: planId, clientRef: clientRef, sipId: row["sipId"], leadAgency: lead, participants: agencies(row["participants"]),
            revision: row["revision"], state: row["state"], followUpOn: row["followUpOn"], closeReason: row["closeReason"],
            outcome: row["outcome"], closedOn: row["closedOn"])
    }

    /// One action of a plan.
    struct ActionRow: Sendable {
        var planId: String
        var actionId: String
        var clientRef: ClientRef
        var leadAgency: Agency
        var owner: Agency
        var ownerContact: Contact?
        var description: String
        var dueDate: LocalDate
        var state: String
        var completedOn: String?
        var note: String?
        var reason: String?

        /// The action as the API answers it.
        var json: ActionItem {
            ActionItem(
                planId: planId, actionId: actionId, clientRef: clientRef.rawValue, leadAgency: leadAgency.rawValue,
                owner: owner.rawValue, ownerContact: ownerContact, description: description, dueDate: dueDate.description,
                state: state, completedOn: completedOn, note: note, reason: reason)
        }
    }

    static func actions(_ db: Database, planId: String? = nil, owner: Agency? = nil) throws -> [ActionRow] {
        var sql = "SELECT * FROM planAction WHERE 1 = 1"
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let planId {
            sql += " AND planId = ?"
            arguments.append(planId)
        }
        if let owner {
            sql += " AND owner = ?"
            arguments.append(owner.rawValue)
        }
        sql += " ORDER BY dueDate, planId, actionId"
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).compactMap { row in
            guard let clientRef = ClientRef(rawValue: row["clientRef"]), let lead = Agency(rawValue: row["leadAgency"]),
                let owner = Agency(rawValue: row["owner"]), let due = LocalDate(row["dueDate"] as String)
            else { return nil }
            return ActionRow(
                planId: row["planId"], actionId: row["actionId"], clientRef: clientRef, leadAgency: lead, owner: owner,
                ownerContact: decode(Contact.self, row["ownerContact"]), description: row["description"], dueDate: due,
                state: row["state"], completedOn: row["completedOn"], note: row["note"], reason: row["reason"])
        }
    }

    /// A new plan led by this agency (revision 1, open).
    static func insertPlan(
        _ db: Database, planId: String, _ clientRef: ClientRef, sipId: String?, lead: Agency, participants: [Agency], followUpOn: LocalDate
    ) throws {
        let now = AgencyStore.now()
        try db.execute(
            sql: """
                INSERT INTO plan (planId, clientRef, sipId, leadAgency, participants, revision, state, followUpOn, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, 1, 'open', ?, ?, ?)
                """,
            arguments: [planId, clientRef.rawValue, sipId, lead.rawValue, list(participants), followUpOn.description, now, now])
    }

    /// The plan's current revision and follow-up date.
    static func storeRevisionNumber(_ db: Database, planId: String, revision: Int, followUpOn: LocalDate) throws {
        try db.execute(
            sql: "UPDATE plan SET revision = ?, followUpOn = ?, updatedAt = ? WHERE planId = ?",
            arguments: [revision, followUpOn.description, AgencyStore.now(), planId])
    }

    /// A plan closed by its lead.
    static func storeClosed(_ db: Database, _ closed: PlanClosed) throws {
        try db.execute(
            sql: "UPDATE plan SET state = 'closed', closeReason = ?, outcome = ?, closedOn = ?, updatedAt = ? WHERE planId = ?",
            arguments: [closed.reason.rawValue, closed.outcome?.rawValue, closed.closedOn.description, AgencyStore.now(), closed.planId])
    }

    /// One kept version of a plan (its content as JSON).
    static func insertRevision(_ db: Database, planId: String, revision: Int, content: String, by staffName: String) throws {
        try db.execute(
            sql: "INSERT INTO planRevision (planId, revision, content, revisedAt, revisedBy) VALUES (?, ?, ?, ?, ?)",
            arguments: [planId, revision, content, AgencyStore.now(), staffName])
    }

    /// Every kept version of a plan, oldest first, with when and by whom.
    static func revisions(_ db: Database, planId: String) throws -> [JSONValue] {
        try Row.fetchAll(db, sql: "SELECT * FROM planRevision WHERE planId = ? ORDER BY revision", arguments: [planId]).map { row in
            JSONValue(parsing: row["content"]).merging([
                "revision": .integer(row["revision"]), "revisedAt": .string(row["revisedAt"]), "revisedBy": .string(row["revisedBy"]),
            ])
        }
    }

    static func insertAction(_ db: Database, clientRef: ClientRef, _ action: PlanActionAssigned) throws {
        try db.execute(
            sql: """
                INSERT INTO planAction (planId, actionId, clientRef, leadAgency, owner, ownerContact, description, dueDate, state, assignedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)
                ON CONFLICT (planId, actionId) DO UPDATE SET owner = excluded.owner, ownerContact = excluded.ownerContact,
                    description = excluded.description, dueDate = excluded.dueDate
                """,
            arguments: [
                action.planId, action.actionId, clientRef.rawValue, action.leadAgency.rawValue, action.owner.rawValue,
                action.ownerContact.map(AgencyStore.json), action.description, action.dueDate.description, AgencyStore.now(),
            ])
    }

    static func storeCompleted(_ db: Database, _ completed: PlanActionCompleted) throws {
        try db.execute(
            sql: """
                UPDATE planAction SET state = ?, completedOn = ?, note = ?, reason = ? WHERE planId = ? AND actionId = ? AND state = 'open'
                """,
            arguments: [
                completed.finalOutcome.rawValue, completed.completedOn.description, completed.note, completed.reason,
                completed.planId, completed.actionId,
            ])
    }
}
