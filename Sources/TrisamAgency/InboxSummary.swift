import Foundation
import TrisamContracts

/// The one-line Swedish summary staff read for an inbox item. Pure: no I/O.
public enum InboxSummary {
    public static func text(for envelope: EventEnvelope) -> String {
        let sender = envelope.source.agency?.displayName ?? "Samordnaren"
        let senderInText = envelope.source.agency?.nameInText ?? "samordnaren"
        switch envelope.event {
        case .referralSent(let p):
            // Free texts may end in a full stop of their own: one stop between the parts.
            return
                "Remiss från \(p.from.nameInText) (\(p.area.displayName)): \(clause(p.requestedMeasure)). Anledning: \(clause(p.reason))"
                + (p.answerBy.map { ". Svar senast \($0.swedishText)" } ?? "")
        case .referralReceived(let p): return "\(p.to.displayName) har tagit emot remissen"
        case .referralAccepted(let p): return "\(p.to.displayName) har accepterat remissen. Kontaktperson: \(p.contact.name)"
        case .referralRejected(let p): return "\(p.to.displayName) har avvisat remissen: \(p.reason)"
        case .referralUpdated(let p): return "Lägesrapport från \(p.to.displayName): \(p.note)"
        case .referralClosed(let p): return "\(p.to.displayName) har avslutat remissen. Resultat: \(p.outcome)"
        case .referralCancelled(let p): return "\(p.from.displayName) har återkallat remissen: \(p.reason)"
        case .handoverRequested(let p): return "\(sender) vill överlämna området \(p.area.displayName.lowercased()) till er: \(p.reason)"
        case .handoverAccepted(let p):
            return "\(sender) har tagit över området \(p.area.displayName.lowercased()). Kontaktperson: \(p.contact.name)"
        case .handoverRefused(let p): return "\(sender) har avböjt överlämningen av området \(p.area.displayName.lowercased()): \(p.reason)"
        case .caseClosed(let p):
            return "\(sender) har avslutat sitt ärende för \(p.area.displayName.lowercased())"
                + (p.handoverTo.map { " (överlämnat till \($0.nameInText))" } ?? "")
        case .sipInvitationSent(let p): return "Kallelse till SIP-möte från \(senderInText). Svar senast \(p.answerBy.swedishText)"
        case .sipInvitationAnswered(let p):
            return p.answer == .accepted
                ? "\(p.invitee.displayName) kommer till SIP-mötet: \(p.participant?.name ?? "namn saknas")"
                : "\(p.invitee.displayName) avböjer SIP-mötet: \(p.reason ?? "")"
        case .sipScheduled(let p):
            return (p.sequence == 0 ? "SIP-möte bokat " : "SIP-möte ombokat till ") + SwedishTime.text(p.meeting.start)
                + (p.location.map { ", \($0)" } ?? "")
        case .sipCancelled(let p): return "SIP-mötet är inställt: \(p.reason)"
        case .sipHeld(let p): return "SIP-mötet hölls \(p.heldOn.swedishText)"
        case .planCreated(let p):
            return p.revisionNumber == 1
                ? "Ny handlingsplan med \(p.leadAgency.nameInText) som huvudansvarig"
                : "Handlingsplanen är reviderad (version \(p.revisionNumber))"
        case .planActionAssigned(let p):
            return "Åtgärd i handlingsplanen för \(p.owner.nameInText): \(p.description), senast \(p.dueDate.swedishText)"
        case .planActionCompleted(let p):
            return p.finalOutcome == .done
                ? "\(p.owner.displayName) har slutfört en åtgärd i handlingsplanen"
                : "\(p.owner.displayName) kan inte utföra en åtgärd i handlingsplanen: \(p.reason ?? "")"
        case .planFollowUpSet(let p): return "Handlingsplanen följs upp \(p.followUpOn.swedishText)"
        case .planClosed(let p): return "Handlingsplanen är avslutad" + (p.outcome.map { " (\(PlanOutcomeText.swedish($0)))" } ?? "")
        default: return "Händelse \(envelope.type.rawValue) från \(sender)"
        }
    }

    /// A free text without its closing punctuation, to be followed by ". ".
    static func clause(_ text: String) -> String {
        var text = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        while let last = text.last, ".!?".contains(last) { text = text.dropLast() }
        return String(text)
    }
}

/// A meeting time as staff read it: `30 mar 2027 kl. 10.00` in Swedish local time.
enum SwedishTime {
    static func text(_ date: Date) -> String {
        let day = DateRules.swedishToday(date)
        let parts = DateRules.stockholm.dateComponents([.hour, .minute], from: date)
        return "\(day.swedishText) kl. \(String(format: "%02d.%02d", parts.hour ?? 0, parts.minute ?? 0))"
    }
}

/// Swedish names of plan outcomes.
enum PlanOutcomeText {
    static func swedish(_ outcome: PlanOutcome) -> String {
        switch outcome {
        case .work: "arbete"
        case .studies: "studier"
        case .otherBenefit: "annan ersättning"
        case .moved: "flyttat"
        case .other: "annat"
        }
    }

}
