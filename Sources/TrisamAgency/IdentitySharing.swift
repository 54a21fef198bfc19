import Foundation
import GRDB
import Logging
import TrisamContracts
import TrisamHTTP

/// Identity between agencies: sealing the person's identity into what is addressed to another
/// agency (only under the consent that covers the sharing), and opening what arrives sealed to
/// this agency into its register.
extension AgencyService {
    /// Who writes the audit rows of what the service does on its own (arrivals, erasures).
    var system: Staff { Self.system(agency) }

    /// The audit rows' author for what `agency`'s service does on its own.
    static func system(_ agency: Agency) -> Staff { Staff(agency: agency, name: "Trisam", role: "system") }

    /// The person's identity sealed to `receiver` for the event `eventId` of `type`, or nil when
    /// the register holds none (or the receiver is this agency). `consent` is what covers the
    /// sharing; it is named inside the sealed identity and in the audit row of the disclosure.
    func sealIdentity(
        _ db: Database, _ clientRef: ClientRef, eventId: String, type: EventType, to receiver: Agency, consent: ConsentRecord, staff: Staff
    ) throws -> SealedIdentity? {
        guard receiver != agency, let identity = try IdentityRegister.read(db, clientRef, key: registerKey, pseudonymizer: pseudonymizer)
        else { return nil }
        guard let key = keyring.sealingKey(for: receiver) else {
            logger.warning("no public key of the receiver; the identity is not shared", metadata: ["receiver": "\(receiver.rawValue)"])
            return nil
        }
        let sealed = try IdentitySeal.seal(
            identity, consentId: consent.consentId, to: key, from: keyring.authenticatingKey,
            binding: IdentityBinding(eventId: eventId, type: type, clientRef: clientRef, from: agency, to: receiver))
        try AgencyStore.audit(
            db, staff, "identity.share", clientRef: clientRef,
            detail:
                "sealed to \(receiver.rawValue) (key \(key.id), authenticated by \(keyring.authenticatingKey.id)) in \(type.rawValue) under \(consent.purpose.rawValue) consent \(consent.consentId)"
        )
        return sealed
    }

    /// Opens the identity an arriving event carries sealed to this agency and keeps it in the
    /// register, on the ground of the consent the sender named. Nothing is kept when it does not
    /// open, names another person than the event, or its consent is known here and no longer in
    /// force; the reason is logged and audited, never the identity.
    func receiveIdentity(_ db: Database, _ envelope: EventEnvelope, today: LocalDate) throws {
        guard let (sealed, receiver, purpose) = envelope.event.sealedIdentity, receiver == agency,
            let from = envelope.source.agency
        else { return }
        let clientRef = envelope.subject
        let binding = IdentityBinding(eventId: envelope.id, type: envelope.type, clientRef: clientRef, from: from, to: agency)
        let refusal: String
        do {
            let opened = try IdentitySeal.open(sealed, keys: keyring, binding: binding)
            if opened.identity.clientRef(pseudonymizer) != clientRef {
                refusal = "the sealed identity names another person than the event"
            } else if let consentId = opened.consentId,
                let consent = try AgencyStore.consents(db, clientRef).first(where: { $0.consentId == consentId }),
                !consent.isValid(on: today)
            {
                refusal = "the consent it was shared under (\(consentId)) is no longer in force"
            } else {
                try IdentityRegister.store(db, clientRef, opened.identity, key: registerKey, source: .received(from: from))
                try IdentityRegister.addGround(
                    db, clientRef, consentId: opened.consentId ?? "event:\(envelope.id)", purpose: purpose, from: from, eventId: envelope.id
                )
                try AgencyStore.audit(
                    db, system, "identity.receive", clientRef: clientRef,
                    detail:
                        "from \(from.rawValue) in \(envelope.type.rawValue) under \(purpose.rawValue) consent \(opened.consentId ?? "not named")"
                )
                return
            }
        } catch let error as IdentitySealError {
            refusal = error.description
        }
        logger.warning(
            "sealed identity not kept",
            metadata: [
                "eventId": "\(envelope.id)", "type": "\(envelope.type.rawValue)", "keyId": "\(sealed.keyId.prefix(64))",
                "reason": "\(refusal)",
            ])
        try AgencyStore.audit(
            db, system, "identity.unreadable", clientRef: clientRef, detail: "\(envelope.type.rawValue) from \(from.rawValue): \(refusal)")
    }

    /// Erases the received identities whose grounds have lapsed (``IdentityRegister/eraseUnfounded(_:today:staff:only:now:)``)
    /// and the coordinator's flags held too long without consent (``AgencyFlags/review(_:agency:today:now:only:)``);
    /// run on a timer so that an expired consent takes effect on its own.
    @discardableResult
    public func eraseLapsedIdentities() async throws(APIError) -> Int {
        let (today, system, agency) = (self.today(), self.system, self.agency)
        return try await transaction { db in
            try AgencyFlags.review(db, agency: agency, today: today)
            return try IdentityRegister.eraseUnfounded(db, today: today, staff: system).count
        }
    }

    /// The identity for each listed person, read (and audited) once per person.
    func people(_ db: Database, _ refs: [String], staff: Staff, detail: String) throws -> [String: IdentityBody] {
        var found: [String: IdentityBody] = [:]
        for raw in Set(refs).sorted() {
            guard let ref = ClientRef(rawValue: raw),
                let identity = try IdentityRegister.read(db, ref, key: registerKey, pseudonymizer: pseudonymizer)
            else { continue }
            found[raw] = IdentityBody(identity)
            try AgencyStore.audit(db, staff, "identity.read", clientRef: ref, detail: detail)
        }
        return found
    }
}

extension TrisamEvent {
    /// The sealed identity an event carries, the agency it is sealed for and the consent purpose
    /// that covers the sharing.
    var sealedIdentity: (SealedIdentity, receiver: Agency, purpose: ConsentPurpose)? {
        switch self {
        case .referralSent(let p): p.sealedIdentity.map { ($0, p.to, .remiss) }
        case .handoverRequested(let p): p.sealedIdentity.map { ($0, p.to, .samordning) }
        case .sipInvitationSent(let p): p.sealedIdentity.map { ($0, p.invitee, .sip) }
        case .planActionAssigned(let p): p.sealedIdentity.map { ($0, p.owner, .sip) }
        default: nil
        }
    }

    /// The event without its sealed identity (as kept in the inbox once opened).
    var withoutSealedIdentity: TrisamEvent {
        switch self {
        case .referralSent(var p):
            p.sealedIdentity = nil
            return .referralSent(p)
        case .handoverRequested(var p):
            p.sealedIdentity = nil
            return .handoverRequested(p)
        case .sipInvitationSent(var p):
            p.sealedIdentity = nil
            return .sipInvitationSent(p)
        case .planActionAssigned(var p):
            p.sealedIdentity = nil
            return .planActionAssigned(p)
        default: return self
        }
    }
}
