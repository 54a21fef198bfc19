import Foundation
import GRDB
import Logging
import ServiceLifecycle
import TrisamContracts
import TrisamHTTP

/// The escalation to the caller when an invitation stays unanswered past its answer date: the
/// calling agency's service writes one Swedish item per overdue invitation into its own inbox
/// (type ``itemType``), once. The item's event id is derived from the SIP and the invitee, so
/// running the check again (on every tick, after a restart) adds nothing.
public enum SipReminders {
    /// The inbox item type of a reminder (not an event on the bus).
    public static let itemType = "sip.invitation.overdue"

    /// The stable inbox event id of the reminder for one invitation.
    static func eventId(sipId: String, invitee: Agency) -> String { "sip-reminder:\(sipId):\(invitee.rawValue)" }

    /// The line staff read, in Swedish.
    static func summary(invitee: Agency, answerBy: LocalDate) -> String {
        "Påminnelse: \(invitee.displayName) har inte svarat på kallelsen till SIP-mötet (svar senast \(answerBy)). "
            + "Kontakta dem, eller boka mötet med dem som har tackat ja."
    }

    /// Writes a reminder for every invitation of a SIP this agency called that is still
    /// unanswered after its answer date while the SIP waits to be scheduled. Returns how many
    /// reminders are new.
    @discardableResult
    static func escalate(_ db: Database, agency: Agency, today: LocalDate, now: Date) throws -> Int {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT sip.sipId, sip.clientRef, invitation.invitee, invitation.answerBy
                FROM sipInvitation AS invitation JOIN sip ON sip.sipId = invitation.sipId
                WHERE sip.role = 'caller' AND sip.state = 'requested' AND invitation.answer IS NULL AND invitation.answerBy < ?
                ORDER BY invitation.answerBy, sip.sipId, invitation.invitee
                """, arguments: [today.description])
        var added = 0
        for row in rows {
            guard let invitee = Agency(rawValue: row["invitee"]), let answerBy = LocalDate(row["answerBy"] as String) else { continue }
            let sipId: String = row["sipId"]
            let payload = AgencyStore.json(["sipId": sipId, "invitee": invitee.rawValue, "answerBy": answerBy.description])
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO inbox (eventId, type, fromSource, clientRef, receivedAt, eventTime, summary, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    eventId(sipId: sipId, invitee: invitee), itemType, agency.rawValue, row["clientRef"] as String,
                    Timestamp.format(now), Timestamp.format(now), summary(invitee: invitee, answerBy: answerBy), payload,
                ])
            added += db.changesCount
        }
        return added
    }
}

extension SipService {
    /// Runs the escalation check once with the service's clock (see ``SipReminders``).
    @discardableResult
    public func remindOverdueInvitations() async throws(APIError) -> Int {
        let agency = self.agency
        let today = base.today()
        let now = self.now()
        return try await base.transaction { db in try SipReminders.escalate(db, agency: agency, today: today, now: now) }
    }
}

/// Runs ``SipService/remindOverdueInvitations()`` at start and then every `interval`.
struct SipReminderService: Service {
    let sip: SipService
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // Graceful shutdown cancels the loop; a cancelled sleep ends it.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let added = try await sip.remindOverdueInvitations()
                    if added > 0 { logger.info("SIP reminders: \(added) unanswered invitation(s) past their answer date") }
                } catch {
                    logger.warning("SIP reminder check failed: \((error as? APIError)?.code.rawValue ?? "store error")")
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
