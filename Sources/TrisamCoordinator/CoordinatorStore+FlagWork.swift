import Foundation
import GRDB
import Logging
import TrisamContracts
import TrisamCoordinatorCore

/// One entry of a flag's history of work: who did what, when.
public struct FlagHistoryEntry: Sendable, Equatable, Codable {
    public var flagId: String
    /// The event on `trisam.flags` that recorded it (`flag.taken`, …, `flag.reopened`).
    public var type: String
    public var eventId: String
    public var time: Date
    /// The coordinator; nil when the coordinator service itself reopened the flag.
    public var actor: String?
    /// The comment, reason or next step.
    public var text: String?
    /// The day set aside until, or the next step's day.
    public var day: LocalDate?
    /// The person assigned, their agency and phone number.
    public var assignee: String?
    public var agency: Agency?
    public var phone: String?

    public init(
        flagId: String, type: String, eventId: String, time: Date, actor: String?, text: String? = nil, day: LocalDate? = nil,
        assignee: String? = nil, agency: Agency? = nil, phone: String? = nil
    ) {
        self.flagId = flagId
        self.type = type
        self.eventId = eventId
        self.time = time
        self.actor = actor
        self.text = text
        self.day = day
        self.assignee = assignee
        self.agency = agency
        self.phone = phone
    }
}

/// Why a work action was not recorded.
public enum FlagWorkError: Error, Equatable, Sendable {
    /// No flag has this id.
    case unknownFlag
    /// The action is not allowed now, or a field is wrong.
    case refused(FlagWorkRefusal)
}

/// The work on flags: each action changes the flag's row, adds to its history and to the audit
/// log, and puts its event in the flags outbox, all in one transaction (exactly once with the
/// state, as the flags themselves).
extension CoordinatorStore {
    /// Records `action` by `actor` on the flag (the request's `path` goes to the audit log).
    static func recordWork(
        flagId: String, action: FlagAction, actor: String, path: String, now: Date, in db: Database
    ) throws -> (flag: FlagRow, event: EventEnvelope) {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM flag WHERE flagId = ?", arguments: [flagId]) else {
            throw FlagWorkError.unknownFlag
        }
        var flag = FlagRow(row: row)
        guard let ref = ClientRef(rawValue: flag.clientRef) else { throw FlagWorkError.unknownFlag }
        let today = StockholmTime.date(of: now)
        let work: FlagWork
        do { work = try flag.work.applying(action, by: actor, today: today) } catch { throw FlagWorkError.refused(error) }
        let event = EventEnvelope(
            id: "\(flagId):work:\(flag.workCount + 1)", source: .coordinator, time: now, subject: ref,
            event: action.event(flagId: flagId, rule: flag.rule, actor: actor))
        flag.work = work
        flag.workCount += 1
        try storeWork(flag, in: db)
        try appendHistory(event, flagId: flagId, clientRef: ref, in: db)
        try db.execute(
            sql: "INSERT INTO access_log(time, reader, clientRef, path, action) VALUES (?, ?, ?, ?, ?)",
            arguments: [now.timeIntervalSince1970, actor, ref.rawValue, path, "\(event.type.rawValue) \(flagId)"])
        try enqueue(try outboxEntries(for: event), in: db)
        return (flag, event)
    }

    /// Writes the work columns of a flag.
    static func storeWork(_ flag: FlagRow, in db: Database) throws {
        var ownerKind: String?
        var ownerAgency: String?
        var ownerPhone: String?
        switch flag.work.owner {
        case .coordinator: ownerKind = "coordinator"
        case .assignee(let contact, let agency):
            ownerKind = "assignee"
            ownerAgency = agency.rawValue
            ownerPhone = contact.phone
        case nil: break
        }
        var parked: String?
        var until: String?
        var reason: String?
        switch flag.work.parked {
        case .aside(let day, let why):
            parked = "aside"
            until = day.description
            reason = why
        case .closed(let why):
            parked = "closed"
            reason = why
        case nil: break
        }
        try db.execute(
            sql: """
                UPDATE flag SET ownerKind = ?, ownerName = ?, ownerAgency = ?, ownerPhone = ?, parked = ?, parkedUntil = ?,
                    parkedReason = ?, nextStep = ?, nextStepDue = ?, workCount = ?
                WHERE flagId = ?
                """,
            arguments: [
                ownerKind, flag.work.owner?.name, ownerAgency, ownerPhone, parked, until, reason, flag.work.nextStep?.text,
                flag.work.nextStep?.dueOn.description, flag.workCount, flag.flagId,
            ])
    }

    static func appendHistory(_ event: EventEnvelope, flagId: String, clientRef: ClientRef, in db: Database) throws {
        var entry = FlagHistoryEntry(
            flagId: flagId, type: event.type.rawValue, eventId: event.id, time: event.time, actor: nil)
        switch event.event {
        case .flagTaken(let e): entry.actor = e.actor
        case .flagAssigned(let e):
            entry.actor = e.actor
            entry.assignee = e.assignee.name
            entry.phone = e.assignee.phone
            entry.agency = e.agency
        case .flagCommented(let e):
            entry.actor = e.actor
            entry.text = e.comment
        case .flagNextStepAgreed(let e):
            entry.actor = e.actor
            entry.text = e.nextStep
            entry.day = e.dueOn
        case .flagSetAside(let e):
            entry.actor = e.actor
            entry.text = e.reason
            entry.day = e.until
        case .flagClosed(let e):
            entry.actor = e.actor
            entry.text = e.reason
        case .flagReopened(let e): entry.text = e.reason
        default: return
        }
        try db.execute(
            sql: """
                INSERT INTO flag_history(flagId, clientRef, eventId, type, time, actor, text, day, assignee, agency, phone)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                flagId, clientRef.rawValue, entry.eventId, entry.type, entry.time.timeIntervalSince1970, entry.actor, entry.text,
                entry.day?.description, entry.assignee, entry.agency?.rawValue, entry.phone,
            ])
    }

    /// Puts back into the queue the person's flags set aside or closed as no gap when what an
    /// evaluation changed is a change of their situation: a flag of theirs raised or resolved, or
    /// the evidence of one changed. Returns the number reopened. Cheap for people with no parked
    /// flag (one lookup in a partial index).
    static func reopenOnChange(_ clientRef: ClientRef, diff: FlagDiff, now: Date, in db: Database) throws -> Int {
        guard !diff.isEmpty,
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM flag WHERE clientRef = ? AND parked IS NOT NULL AND resolvedAt IS NULL LIMIT 1",
                arguments: [clientRef.rawValue]) != nil
        else { return 0 }
        let today = StockholmTime.date(of: now)
        let open = try Row.fetchAll(
            db, sql: "SELECT * FROM flag WHERE clientRef = ? AND resolvedAt IS NULL", arguments: [clientRef.rawValue]
        ).map(FlagRow.init(row:))
        let evidenceBefore = Dictionary(open.map { ($0.flagId, $0.evidence) }, uniquingKeysWith: { a, _ in a })
        // What changed: flag id → the new evidence ids (empty when time changed it).
        var changed: [String: [String]] = [:]
        for raise in diff.raises { changed[raise.flagId] = raise.finding.evidence }
        for resolve in diff.resolves { changed[resolve.flagId] = resolve.evidence }
        for update in diff.updates where evidenceBefore[update.flagId] != update.finding.evidence {
            let before = Set(evidenceBefore[update.flagId] ?? [])
            changed[update.flagId] = update.finding.evidence.filter { !before.contains($0) }
        }
        guard !changed.isEmpty else { return 0 }
        let resolving = Set(diff.resolves.map(\.flagId))
        var reopened = 0
        for var flag in open where flag.work.reopensOnChange(today: today) && !resolving.contains(flag.flagId) {
            let own = changed[flag.flagId]
            guard own != nil || changed.keys.contains(where: { $0 != flag.flagId }) else { continue }
            var evidence: [String] = []
            for id in (own ?? changed.filter { $0.key != flag.flagId }.sorted { $0.key < $1.key }.flatMap(\.value))
            where !evidence.contains(id) {
                evidence.append(id)
            }
            let event = EventEnvelope(
                id: "\(flag.flagId):work:\(flag.workCount + 1)", source: .coordinator, time: now, subject: clientRef,
                event: .flagReopened(
                    FlagReopened(
                        flagId: flag.flagId, rule: flag.rule, reason: Svenska.flagReopened(ownEvidence: own != nil),
                        evidence: Array(evidence.prefix(200)))))
            flag.work = flag.work.reopened()
            flag.workCount += 1
            try storeWork(flag, in: db)
            try appendHistory(event, flagId: flag.flagId, clientRef: clientRef, in: db)
            try enqueue(try outboxEntries(for: event), in: db)
            reopened += 1
        }
        return reopened
    }

    /// Records an agency's `flag.take.requested` as the flag assigned to that member of staff at
    /// the agency (``recordWork(flagId:action:actor:path:now:in:)``, so `flag.assigned` follows on
    /// `trisam.flags`). Ignored, with a log line, when the flag is not this person's, does not name
    /// the agency, or its state refuses it (resolved, closed, already theirs). Returns whether it
    /// was recorded.
    static func recordAgencyTake(_ take: FlagTakeRequested, from envelope: EventEnvelope, now: Date, in db: Database, logger: Logger)
        throws -> Bool
    {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM flag WHERE flagId = ?", arguments: [take.flagId]) else {
            logger.notice("flag.take.requested for an unknown flag", metadata: ["flagId": "\(take.flagId)"])
            return false
        }
        let flag = FlagRow(row: row)
        guard flag.clientRef == envelope.subject.rawValue, flag.agencies.contains(take.agency), envelope.source == .agency(take.agency)
        else {
            logger.notice("flag.take.requested for a flag that does not name the agency", metadata: ["flagId": "\(take.flagId)"])
            return false
        }
        do {
            _ = try recordWork(
                flagId: take.flagId, action: .assign(Contact(name: take.actor), take.agency),
                actor: "\(take.actor) (\(take.agency.displayName))", path: Topic.status(take.agency), now: now, in: db)
            return true
        } catch FlagWorkError.refused(let refusal) {
            logger.notice("flag.take.requested not recorded: \(refusal.message)", metadata: ["flagId": "\(take.flagId)"])
            return false
        }
    }

    /// One flag by its id, or nil.
    public func flag(_ flagId: String) throws -> FlagRow? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM flag WHERE flagId = ?", arguments: [flagId]).map(FlagRow.init(row:))
        }
    }

    /// The history of work on a person's flags, oldest first.
    public func flagHistory(of clientRef: ClientRef) throws -> [FlagHistoryEntry] {
        try pool.read { db in try Self.flagHistory(clientRef.rawValue, in: db) }
    }

    static func flagHistory(_ clientRef: String, flagId: String? = nil, in db: Database) throws -> [FlagHistoryEntry] {
        var sql = "SELECT * FROM flag_history WHERE clientRef = ?"
        var arguments: [any DatabaseValueConvertible] = [clientRef]
        if let flagId {
            sql += " AND flagId = ?"
            arguments.append(flagId)
        }
        return try Row.fetchAll(db, sql: sql + " ORDER BY seq", arguments: StatementArguments(arguments)).map { row in
            FlagHistoryEntry(
                flagId: row["flagId"], type: row["type"], eventId: row["eventId"], time: Date(timeIntervalSince1970: row["time"]),
                actor: row["actor"], text: row["text"], day: (row["day"] as String?).flatMap(LocalDate.init),
                assignee: row["assignee"], agency: (row["agency"] as String?).flatMap(Agency.init(rawValue:)), phone: row["phone"])
        }
    }

    /// The history of one flag, oldest first.
    public func flagHistory(flagId: String, clientRef: String) throws -> [FlagHistoryEntry] {
        try pool.read { db in try Self.flagHistory(clientRef, flagId: flagId, in: db) }
    }

    /// The number of work actions ever recorded (changes with each; for live updates).
    public func flagWorkMarker() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM flag_history") ?? 0 }
    }
}
