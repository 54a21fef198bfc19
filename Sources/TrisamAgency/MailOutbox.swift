import Foundation
import GRDB
import Logging
import ServiceLifecycle
import TrisamContracts
import TrisamHTTP
import TrisamMail

/// How the agency service sends its e-mail: the relay (nil: mail is queued and waits until a
/// relay is configured) and the workspace address the mails link to.
public struct MailConfiguration: Sendable {
    /// The SMTP relay; nil when none is configured.
    public var relay: SMTPRelay?
    /// The staff workspace the mails link to, e.g. `https://trisam.timra.se/`.
    public var workspaceURL: String
    /// How often the sender looks for queued mail when nothing woke it.
    public var pollInterval: Duration = .milliseconds(500)

    public init(relay: SMTPRelay? = nil, workspaceURL: String = "http://127.0.0.1/") {
        self.relay = relay
        self.workspaceURL = workspaceURL
    }
}

/// The durable mail outbox of an agency store (table `mailOutbox`): one row per message and
/// recipient, written in the same transaction as the SIP fact that causes it, with a stable
/// `Message-ID`. A row is `queued` until the relay accepted it (`sent`) or refused it for good
/// (`refused`, with the relay's answer); it is never deleted, so what was mailed to whom can be
/// looked up. Rows hold the subject, the text and the `.ics`; the `From` of the relay in force
/// is added when the row is sent, the `Date` is when the row was written.
public enum MailOutbox {
    /// The tables ``registerMigrations(_:)`` creates.
    static let tables = ["mailOutbox", "sipMailContact"]

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v-mail-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE mailOutbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        messageId TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        sipId TEXT,
                        recipient TEXT NOT NULL,
                        recipientName TEXT,
                        subject TEXT NOT NULL,
                        body TEXT NOT NULL,
                        calendarMethod TEXT,
                        calendar TEXT,
                        createdAt TEXT NOT NULL,
                        state TEXT NOT NULL DEFAULT 'queued',
                        attempts INTEGER NOT NULL DEFAULT 0,
                        nextAttemptAt TEXT,
                        lastError TEXT,
                        sentAt TEXT
                    );
                    CREATE INDEX mailOutbox_queued ON mailOutbox(seq) WHERE state = 'queued';
                    CREATE TABLE sipMailContact (
                        sipId TEXT NOT NULL,
                        agency TEXT NOT NULL,
                        name TEXT NOT NULL,
                        email TEXT,
                        PRIMARY KEY (sipId, agency)
                    );
                    """)
        }
    }

    /// One mail to one recipient, before it is stored.
    struct Mail: Sendable, Hashable {
        var messageId: String
        /// `sip.invitation`, `sip.scheduled`, `sip.rescheduled`, `sip.cancelled`, `sip.reminder`.
        var kind: String
        var sipId: String?
        var recipient: String
        var recipientName: String?
        var text: MailTexts.Text
        var calendar: CalendarAttachment?
    }

    /// Stores `mail` unless a mail with its `Message-ID` is already stored (the same fact seen
    /// again); true when it is new.
    @discardableResult
    static func enqueue(_ mail: Mail, _ db: Database) throws -> Bool {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO mailOutbox
                    (messageId, kind, sipId, recipient, recipientName, subject, body, calendarMethod, calendar, createdAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                mail.messageId, mail.kind, mail.sipId, mail.recipient, mail.recipientName, mail.text.subject, mail.text.body,
                mail.calendar?.method, mail.calendar?.content, AgencyStore.now(),
            ])
        return db.changesCount > 0
    }

    /// A stored mail due for sending.
    struct Pending: Sendable {
        var seq: Int64
        var kind: String
        var attempts: Int
        var message: MailMessage
        var recipient: String
    }

    /// The oldest queued mails whose next attempt is due at `now` (all of them when `now` is nil).
    static func due(_ db: Database, now: Date?, from: Mailbox, limit: Int) throws -> [Pending] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM mailOutbox WHERE state = 'queued' AND (? IS NULL OR nextAttemptAt IS NULL OR nextAttemptAt <= ?)
                ORDER BY seq LIMIT ?
                """, arguments: [now.map { Timestamp.format($0) }, now.map { Timestamp.format($0) }, limit])
        return rows.map { row in
            let calendar: CalendarAttachment? = (row["calendarMethod"] as String?).flatMap { method in
                (row["calendar"] as String?).map { CalendarAttachment(method: method, content: $0) }
            }
            let recipient: String = row["recipient"]
            return Pending(
                seq: row["seq"], kind: row["kind"], attempts: row["attempts"],
                message: MailMessage(
                    messageId: row["messageId"], date: Timestamp.parse(row["createdAt"] as String) ?? Date(), from: from,
                    to: [Mailbox(recipient, name: row["recipientName"])], subject: row["subject"], text: row["body"],
                    calendar: calendar),
                recipient: recipient)
        }
    }

    /// The mails about one SIP meeting, oldest first.
    static func forSip(_ db: Database, sipId: String) throws -> [SipMailRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT kind, recipient, recipientName, state, attempts, lastError, createdAt, sentAt
                FROM mailOutbox WHERE sipId = ? ORDER BY seq
                """, arguments: [sipId]
        ).map { row in
            SipMailRecord(
                kind: row["kind"], recipient: row["recipient"], recipientName: row["recipientName"], state: row["state"],
                attempts: row["attempts"], lastError: row["lastError"], createdAt: row["createdAt"], sentAt: row["sentAt"])
        }
    }

    /// Counts of mail rows by state (`queued`, `sent`, `refused`).
    public static func counts(_ store: AgencyStore) async throws -> [String: Int] {
        try await store.pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM mailOutbox GROUP BY state") {
                counts[row["state"] as String] = row["n"] as Int
            }
            return counts
        }
    }

    /// The wait before the next attempt of a mail that failed `attempts` times: 2, 4, 8 … seconds,
    /// at most 15 minutes.
    static func retryDelay(attempts: Int) -> TimeInterval { min(900, pow(2, Double(min(max(attempts, 1), 10)))) }
}

/// Sends the mail outbox to the SMTP relay: the oldest due mail first, one SMTP session per
/// mail. A mail is marked sent only once the relay accepted it, so a crash in between sends it
/// again with the same `Message-ID` (mail programs show it once). While the relay cannot be
/// reached it waits (0.5 s doubling to 30 s) and tries again; a 4xx answer retries that mail
/// with its own backoff (up to 15 minutes); a 5xx answer marks it `refused` with the answer and
/// it is not tried again. On start every queued mail is due at once. Without a relay it says so
/// once and leaves the mail queued.
public final class MailOutboxSender: Service, Sendable {
    private let store: AgencyStore
    private let sender: SMTPSender?
    private let from: Mailbox?
    private let pollInterval: Duration
    private let logger: Logger

    public init(store: AgencyStore, configuration: MailConfiguration, logger: Logger) {
        self.store = store
        self.sender = configuration.relay.map(SMTPSender.init(relay:))
        self.from = configuration.relay.map { Mailbox($0.from, name: $0.fromName ?? MailTexts.senderName(store.agency)) }
        self.pollInterval = configuration.pollInterval
        self.logger = logger
    }

    public func run() async throws {
        guard let sender, let from else {
            let queued = (try? await MailOutbox.counts(store))?["queued"] ?? 0
            logger.warning(
                "mail: no SMTP relay configured (--smtp-url or \(SMTPRelay.urlVariable)); e-mail is kept queued in the store and sent once a relay is configured",
                metadata: ["queued": "\(queued)"])
            try? await gracefulShutdown()
            return
        }
        logger.info("mail: sending through \(sender.relay.description)")
        try? await cancelWhenGracefulShutdown { [self] in
            var first = true
            var backoff: Duration = .milliseconds(500)
            while !Task.isCancelled {
                switch await self.drainOnce(sender, from: from, everything: first) {
                case .idle:
                    first = false
                    backoff = .milliseconds(500)
                    try await Task.sleep(for: self.pollInterval)
                case .relayAway:
                    try await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(30))
                }
            }
        }
        let queued = (try? await MailOutbox.counts(store))?["queued"] ?? -1
        logger.info("mail sender stopped", metadata: ["queued": "\(queued)"])
    }

    private enum Round { case idle, relayAway }

    /// Sends every due mail once; stops at the first mail the relay could not be reached for.
    private func drainOnce(_ sender: SMTPSender, from: Mailbox, everything: Bool) async -> Round {
        let pending: [MailOutbox.Pending]
        do {
            pending = try await store.pool.read { db in try MailOutbox.due(db, now: everything ? nil : Date(), from: from, limit: 50) }
        } catch {
            logger.error("mail: cannot read the mail outbox: \(error)")
            return .relayAway
        }
        for mail in pending {
            if Task.isCancelled { return .idle }
            let outcome = await sender.send(mail.message.rendered(), to: [mail.recipient])
            let metadata: Logger.Metadata = ["messageId": "\(mail.message.messageId)", "kind": "\(mail.kind)"]
            do {
                switch outcome {
                case .accepted:
                    try await mark(
                        mail.seq, "UPDATE mailOutbox SET state = 'sent', sentAt = ?, attempts = attempts + 1 WHERE seq = ?",
                        [
                            AgencyStore.now()
                        ])
                    logger.info("mail sent", metadata: metadata)
                case .refused(let code, let message):
                    try await mark(
                        mail.seq, "UPDATE mailOutbox SET state = 'refused', attempts = attempts + 1, lastError = ? WHERE seq = ?",
                        [String(message.prefix(500))])
                    logger.error("mail refused by the relay; not retried", metadata: metadata.merging(["code": "\(code)"]) { $1 })
                case .temporary(let message, let connection):
                    let next = Date().addingTimeInterval(MailOutbox.retryDelay(attempts: mail.attempts + 1))
                    try await mark(
                        mail.seq,
                        "UPDATE mailOutbox SET attempts = attempts + 1, lastError = ?, nextAttemptAt = ? WHERE seq = ?",
                        [String(message.prefix(500)), connection ? nil : Timestamp.format(next)])
                    logger.warning("mail not delivered; retrying", metadata: metadata.merging(["error": "\(message)"]) { $1 })
                    if connection { return .relayAway }
                }
            } catch {
                // Accepted but not marked: sent again later with the same Message-ID.
                logger.error("mail: cannot record the outcome: \(error)")
                return .relayAway
            }
        }
        return .idle
    }

    /// Runs `sql` with the text `arguments` and the row's `seq` last.
    private func mark(_ seq: Int64, _ sql: String, _ arguments: [String?]) async throws {
        try await store.pool.write { db in
            let values: [(any DatabaseValueConvertible)?] = arguments.map { $0 } + [seq]
            try db.execute(sql: sql, arguments: StatementArguments(values))
        }
    }
}

/// One mail about a SIP meeting and how it went (``MailOutbox``).
public struct SipMailRecord: Sendable, Equatable {
    /// `sip.invitation`, `sip.scheduled`, `sip.rescheduled`, `sip.cancelled`, `sip.reminder`.
    public var kind: String
    public var recipient: String
    public var recipientName: String?
    /// `queued`, `sent` or `refused` (by the relay, for good).
    public var state: String
    public var attempts: Int
    /// The relay's answer to the last attempt that failed.
    public var lastError: String?
    public var createdAt: String
    public var sentAt: String?
}

extension AgencyService {
    /// The mails about one SIP meeting this agency sent or queued, so that staff see a refused
    /// address (a relay's 5xx) rather than only the service's log.
    public func sipMails(sipId: String) async throws(APIError) -> [SipMailRecord] {
        try await readOnly { db in try MailOutbox.forSip(db, sipId: sipId) }
    }
}
