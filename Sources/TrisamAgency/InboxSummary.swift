import TrisamContracts

/// The one-line Swedish summary staff read for an inbox item. Pure: no I/O.
public enum InboxSummary {
    public static func text(for envelope: EventEnvelope) -> String {
        let sender = envelope.source.agency?.displayName ?? "Samordnaren"
        switch envelope.event {
        case .referralSent(let p):
            return "Remiss från \(p.from.displayName) (\(p.area.displayName)): \(p.requestedMeasure). Anledning: \(p.reason)"
                + (p.answerBy.map { ". Svar senast \($0)" } ?? "")
        case .referralReceived(let p): return "\(p.to.displayName) har tagit emot remissen"
        case .referralAccepted(let p): return "\(p.to.displayName) har accepterat remissen. Kontaktperson: \(p.contact.name)"
        case .referralRejected(let p): return "\(p.to.displayName) har avvisat remissen: \(p.reason)"
        case .referralUpdated(let p): return "Lägesrapport från \(p.to.displayName): \(p.note)"
        case .referralClosed(let p): return "\(p.to.displayName) har avslutat remissen. Resultat: \(p.outcome)"
        case .referralCancelled(let p): return "\(p.from.displayName) har återkallat remissen: \(p.reason)"
        case .handoverRequested(let p): return "\(sender) vill överlämna området \(p.area.displayName) till er: \(p.reason)"
        case .handoverAccepted(let p): return "\(sender) har tagit över området \(p.area.displayName). Kontaktperson: \(p.contact.name)"
        case .handoverRefused(let p): return "\(sender) har avböjt överlämningen av \(p.area.displayName): \(p.reason)"
        case .caseClosed(let p):
            return "\(sender) har avslutat sitt ärende för \(p.area.displayName)"
                + (p.handoverTo.map { " (överlämnat till \($0.displayName))" } ?? "")
        case .sipInvitationSent: return "Kallelse till SIP-möte från \(sender)"
        case .planActionAssigned(let p): return "Åtgärd i handlingsplanen för \(p.owner.displayName): \(p.description), senast \(p.dueDate)"
        case .planActionCompleted(let p): return "\(p.owner.displayName) har slutfört en åtgärd i handlingsplanen"
        default: return "Händelse \(envelope.type.rawValue) från \(sender)"
        }
    }
}
