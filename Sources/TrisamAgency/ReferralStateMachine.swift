/// The states of a referral (remiss) as a closed loop, as in FHIR Task / 360X.
public enum ReferralState: String, Sendable, CaseIterable, Codable {
    /// Sent, not yet confirmed by the receiver.
    case sent
    /// The receiver confirmed it has the referral.
    case received
    /// The receiver accepted it, with a named contact; interim updates may follow.
    case accepted
    /// The receiver rejected it, with a reason (final).
    case rejected
    /// The receiver completed it with an outcome (final).
    case completed
    /// The sender cancelled it (final).
    case cancelled

    /// Whether no further transition is possible.
    public var isFinal: Bool { self == .rejected || self == .completed || self == .cancelled }
}

/// Which side of a referral acts.
public enum ReferralParty: String, Sendable {
    case sender
    case receiver
}

/// What a party does to a referral; the raw value is the path segment of the API.
public enum ReferralAction: String, Sendable, CaseIterable {
    case received
    case accept
    case reject
    case update
    case close
    case cancel

    /// Who may take this action: the receiver answers, the sender only cancels.
    public var party: ReferralParty { self == .cancel ? .sender : .receiver }
}

/// Why a referral transition is refused.
public enum ReferralTransitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The action belongs to the other side.
    case wrongParty(action: ReferralAction, required: ReferralParty)
    /// The action is not possible in the current state.
    case illegal(action: ReferralAction, from: ReferralState)

    public var description: String {
        switch self {
        case .wrongParty(let action, let required):
            "only the \(required == .sender ? "referring" : "receiving") agency may \(action.rawValue == "received" ? "confirm receipt of" : action.rawValue) this referral"
        case .illegal(let action, let from):
            "the referral is \(from.rawValue); \(action.rawValue) is possible only when it is \(ReferralStateMachine.allowedStates(for: action).map(\.rawValue).joined(separator: " or "))"
        }
    }
}

/// The referral state machine. Pure: no I/O. Each side sets only its own states.
public enum ReferralStateMachine {
    /// The states from which `action` is possible.
    public static func allowedStates(for action: ReferralAction) -> [ReferralState] {
        switch action {
        case .received: [.sent]
        case .accept, .reject: [.sent, .received]
        case .update, .close: [.accepted]
        case .cancel: [.sent, .received, .accepted]
        }
    }

    /// The state after `party` takes `action` in `state`.
    public static func next(_ state: ReferralState, _ action: ReferralAction, by party: ReferralParty) throws(ReferralTransitionError)
        -> ReferralState
    {
        guard action.party == party else { throw .wrongParty(action: action, required: action.party) }
        guard allowedStates(for: action).contains(state) else { throw .illegal(action: action, from: state) }
        switch action {
        case .received: return .received
        case .accept, .update: return .accepted
        case .reject: return .rejected
        case .close: return .completed
        case .cancel: return .cancelled
        }
    }
}

/// The states of a handover of an area between agencies.
public enum HandoverState: String, Sendable, CaseIterable, Codable {
    /// Asked; the sender is still the owner.
    case requested
    /// The receiver took over the area.
    case accepted
    /// The receiver refused; the area stays with the sender.
    case refused
}

/// The handover state machine. Pure: no I/O. Only the receiver answers, once.
public enum HandoverStateMachine {
    /// An answer of the receiver.
    public enum Answer: String, Sendable { case accept, refuse }

    /// Why an answer is refused.
    public enum TransitionError: Error, Equatable, Sendable, CustomStringConvertible {
        case wrongParty
        case alreadyAnswered(HandoverState)

        public var description: String {
            switch self {
            case .wrongParty: "only the receiving agency answers a handover"
            case .alreadyAnswered(let state): "the handover is already \(state.rawValue)"
            }
        }
    }

    /// The state after the answer; `byReceiver` says whether the receiving agency answers.
    public static func next(_ state: HandoverState, _ answer: Answer, byReceiver: Bool) throws(TransitionError) -> HandoverState {
        guard byReceiver else { throw .wrongParty }
        guard state == .requested else { throw .alreadyAnswered(state) }
        return answer == .accept ? .accepted : .refused
    }
}
