import Foundation
import GRDB
import TrisamContracts

/// What SIP and plan events arriving in an agency's inbox change in its store, inside the
/// inbox transaction: an invitation creates the invitee's copy of the SIP, an answer updates
/// the caller's invitation, the meeting's scheduling, cancellation and holding update every
/// participant's copy, an assigned action lands with its owner, a finished action with the lead.
enum SipInbox {
    static func apply(_ db: Database, _ envelope: EventEnvelope, agency: Agency) throws {
        let clientRef = envelope.subject
        switch envelope.event {
        case .sipInvitationSent(let invitation) where invitation.invitee == agency:
            try SipStore.insertSip(
                db, sipId: invitation.sipId, clientRef: clientRef, caller: invitation.caller, isCaller: false,
                reason: nil, afterDischarge: false, organizer: nil)
            try SipStore.insertInvitation(db, sipId: invitation.sipId, invitee: agency, answerBy: invitation.answerBy)
        case .sipInvitationAnswered(let answer) where answer.caller == agency:
            try SipStore.storeAnswer(db, answer)
        case .sipScheduled(let scheduled):
            try SipStore.storeScheduled(db, scheduled)
        case .sipCancelled(let cancelled):
            try SipStore.storeCancelled(db, cancelled)
        case .sipHeld(let held):
            try SipStore.storeHeld(db, held)
        case .planActionAssigned(let action) where action.owner == agency:
            try SipStore.insertAction(db, clientRef: clientRef, action)
        case .planActionCompleted(let completed) where completed.leadAgency == agency:
            try SipStore.storeCompleted(db, completed)
        default:
            break
        }
    }

    /// Why a SIP or plan event names a party that does not match what this agency knows, or
    /// nil: an answer must come from an invited agency of a SIP this agency called, a meeting
    /// change from the SIP's caller about the same person, a finished action from its owner.
    static func wrongParty(_ envelope: EventEnvelope, _ db: Database) throws -> String? {
        let source = envelope.source.agency?.rawValue ?? "?"
        switch envelope.event {
        case .sipInvitationAnswered(let answer):
            guard let sip = try SipStore.sip(db, answer.sipId) else { return nil }
            if !sip.isCaller || sip.clientRef != envelope.subject {
                return "sip.invitation.answered for SIP \(answer.sipId), which this agency did not call for this person"
            }
            if try SipStore.invitations(db, answer.sipId).first(where: { $0.invitee == answer.invitee }) == nil {
                return "sip.invitation.answered from \(source), which was not invited to SIP \(answer.sipId)"
            }
        case .sipScheduled(let p): return try callerMismatch(db, p.sipId, p.caller, envelope)
        case .sipCancelled(let p): return try callerMismatch(db, p.sipId, p.caller, envelope)
        case .sipHeld(let p): return try callerMismatch(db, p.sipId, p.caller, envelope)
        case .planActionCompleted(let completed):
            if let action = try SipStore.actions(db, planId: completed.planId).first(where: { $0.actionId == completed.actionId }),
                action.owner != completed.owner || action.clientRef != envelope.subject
            {
                return "plan.action.completed from \(source) for action \(completed.actionId), which \(action.owner.rawValue) owns"
            }
        default: break
        }
        return nil
    }

    private static func callerMismatch(_ db: Database, _ sipId: String, _ caller: Agency, _ envelope: EventEnvelope) throws -> String? {
        guard let sip = try SipStore.sip(db, sipId) else { return nil }
        if sip.caller != caller || sip.clientRef != envelope.subject {
            return "\(envelope.type.rawValue) for SIP \(sipId) names another caller or person than the SIP"
        }
        return nil
    }
}
