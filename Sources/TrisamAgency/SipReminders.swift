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
    static func escalate(_ db: Database, agency: Agency, today: LocalDate, now: Date, mail: MailConfiguration? = nil) throws -> Int {
        var added = 0
        for overdue in try SipStore.overdueInvitations(db, answerByBefore: today) {
            let item = InboxRows.LocalItem(
                eventId: eventId(sipId: overdue.sipId, invitee: overdue.invitee), type: itemType, from: agency,
                clientRef: overdue.clientRef, at: now, summary: summary(invitee: overdue.invitee, answerBy: overdue.answerBy),
                payload: ["sipId": overdue.sipId, "invitee": overdue.invitee.rawValue, "answerBy": overdue.answerBy.description])
            if try InboxRows.insertOnce(db, item) {
                added += 1
                // The invited contact is reminded by e-mail too, once, with the inbox item.
                if let mail {
                    try SipMail.queueReminder(db, sipId: overdue.sipId, invitee: overdue.invitee, answerBy: overdue.answerBy, mail: mail)
                }
            }
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
        let mail = base.mail
        return try await base.transaction { db in try SipReminders.escalate(db, agency: agency, today: today, now: now, mail: mail) }
    }
}

/// Runs ``SipService/remindOverdueInvitations()`` and ``AgencyService/eraseLapsedIdentities()``
/// at start and then every `interval`.
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
                // Received identities whose consent has run out are erased on the same tick.
                do {
                    let erased = try await sip.base.eraseLapsedIdentities()
                    if erased > 0 { logger.info("identity register: \(erased) received identit(y/ies) erased, their consent has ended") }
                } catch {
                    logger.warning("identity retention check failed: \((error as? APIError)?.code.rawValue ?? "store error")")
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
