import Foundation
import GRDB
import Logging
import ServiceLifecycle
import TrisamBus
import TrisamContracts
import TrisamKafka

extension AgencyService {
    /// Stores one incoming event idempotently (by event id) and applies its effect, in one
    /// transaction: a referral or handover addressed here is recorded, an answer updates the
    /// sender's record, and an accepted handover closes this agency's case (case.closed with
    /// reason handover, through the outbox). Consents are kept when they cover this agency.
    /// When `position` is given (the consumed message), a processed event's position is
    /// recorded in the same transaction (``ConsumerPositions``): one write per message.
    public func receive(_ envelope: EventEnvelope, topic: String, position: ConsumedMessage? = nil) async throws -> EventDisposition {
        let disposition = try await store.pool.write { [self] db -> EventDisposition in
            let disposition = try self.apply(db, envelope, topic: topic)
            if disposition == .processed, let position { try ConsumerPositions.record(db, position) }
            return disposition
        }
        signal.notify()
        return disposition
    }

    /// The effect of one incoming event, in the caller's transaction (see ``receive(_:topic:position:)``).
    private func apply(_ db: Database, _ envelope: EventEnvelope, topic: String) throws -> EventDisposition {
        let agency = self.agency
        let logger = self.logger
        let today = self.today()
        if try InboxRows.wasConsumed(db, envelope.id) { return .processed }
        // Refused before anything is written, so a redelivery is refused again.
        if topic == Topic.flags {
            try InboxRows.markConsumed(db, envelope.id, topic: topic)
            try AgencyFlags.apply(db, envelope, agency: agency, today: today)
            return .processed
        }
        if topic != Topic.consent,
            let refusal = try Self.misaddressed(envelope.event, to: agency) ?? Self.wrongParty(envelope, db)
                ?? SipInbox.wrongParty(envelope, db)
        {
            return .deadLetter(reason: refusal)
        }
        try InboxRows.markConsumed(db, envelope.id, topic: topic)
        let clientRef = envelope.subject
        if topic == Topic.consent {
            switch envelope.event {
            case .consentGiven(let consent) where consent.agencies.contains(agency):
                try AgencyStore.storeConsent(db, clientRef, consent, registeredBy: envelope.source.agency ?? agency)
            case .consentWithdrawn(let withdrawal):
                // Only an agency the consent covers withdraws it.
                try AgencyStore.withdrawConsent(db, withdrawal, of: clientRef, by: envelope.source.agency)
                try IdentityRegister.eraseUnfounded(db, today: today, staff: self.system, only: clientRef)
            default: break
            }
            try AgencyFlags.review(db, agency: agency, today: today, only: clientRef)
            return .processed
        }
        _ = try AgencyStore.notePerson(db, clientRef, registeredHere: false)
        try self.receiveIdentity(db, envelope, today: today)
        // The sealed identity is opened into the register, not kept in the inbox.
        try InboxRows.insert(
            db,
            EventEnvelope(
                id: envelope.id, source: envelope.source, time: envelope.time, subject: clientRef,
                event: envelope.event.withoutSealedIdentity))
        try SipInbox.apply(db, envelope, agency: agency)
        switch envelope.event {
        case .referralSent(let sent):
            try ReferralRows.insert(db, clientRef, sent)
        case .handoverRequested(let request):
            try HandoverRows.insertRequested(
                db, handoverId: request.handoverId, clientRef, area: request.area, from: envelope.source.agency, to: agency,
                reason: request.reason)
        case .handoverAccepted(let accepted):
            if try HandoverRows.accept(db, accepted.handoverId, contact: accepted.contact), let receiver = envelope.source.agency,
                let caseId = try AgencyStore.openCase(db, clientRef, accepted.area)
            {
                let closed = CaseClosed(area: accepted.area, reason: .handover, handoverTo: receiver, closedOn: today)
                try CaseRows.closeByHandover(db, caseId: caseId, on: today, to: receiver)
                try Outbox.enqueue(EventEnvelope(source: .agency(agency), subject: clientRef, event: .caseClosed(closed)), db)
                try IdentityRegister.eraseUnfounded(db, today: today, staff: self.system, only: clientRef)
            }
        case .handoverRefused(let refused):
            try HandoverRows.refuse(db, refused.handoverId, reason: refused.reason)
        default:
            if let (id, action, text, contact) = ReferralRows.action(of: envelope.event),
                let referral = try ReferralRows.fetch(db, id)
            {
                let party: ReferralParty = action.party
                if let next = try? ReferralStateMachine.next(referral.state, action, by: party) {
                    try ReferralRows.apply(db, id, next, action, text: text, contact: contact)
                } else {
                    logger.warning(
                        "referral event out of order; kept in the inbox only",
                        metadata: ["referralId": "\(id)", "type": "\(envelope.type.rawValue)", "state": "\(referral.state.rawValue)"])
                }
            }
        }
        return .processed
    }

    /// Why an answer to a handover or referral this agency knows comes from the wrong party,
    /// or nil: only the agency a handover was asked of answers it, and referral events must
    /// name the same two agencies as the referral.
    static func wrongParty(_ envelope: EventEnvelope, _ db: Database) throws -> String? {
        var handoverId: String?
        switch envelope.event {
        case .handoverAccepted(let p): handoverId = p.handoverId
        case .handoverRefused(let p): handoverId = p.handoverId
        default: break
        }
        if let handoverId {
            guard let asked = try HandoverRows.addressee(db, handoverId) else { return nil }
            if asked.to != envelope.source.agency?.rawValue {
                return
                    "\(envelope.type.rawValue) from \(envelope.source.agency?.rawValue ?? "?") for handover \(handoverId), which was asked of \(asked.to)"
            }
            if asked.clientRef != envelope.subject.rawValue {
                return "\(envelope.type.rawValue) for handover \(handoverId) names another person than the handover"
            }
            return nil
        }
        var referral: (id: String, from: Agency, to: Agency)?
        switch envelope.event {
        case .referralSent(let p): referral = (p.referralId, p.from, p.to)
        case .referralReceived(let p): referral = (p.referralId, p.from, p.to)
        case .referralAccepted(let p): referral = (p.referralId, p.from, p.to)
        case .referralRejected(let p): referral = (p.referralId, p.from, p.to)
        case .referralUpdated(let p): referral = (p.referralId, p.from, p.to)
        case .referralClosed(let p): referral = (p.referralId, p.from, p.to)
        case .referralCancelled(let p): referral = (p.referralId, p.from, p.to)
        default: break
        }
        if let referral, let stored = try ReferralRows.fetch(db, referral.id) {
            if stored.from != referral.from || stored.to != referral.to || stored.clientRef != envelope.subject {
                return "\(envelope.type.rawValue) for referral \(referral.id) names other agencies or another person than the referral"
            }
        }
        return nil
    }

    /// Why an event on this agency's inbox is not addressed to it, or nil.
    static func misaddressed(_ event: TrisamEvent, to agency: Agency) -> String? {
        switch event {
        case .referralSent(let p) where p.to != agency: "referral.sent addressed to \(p.to.rawValue) arrived in \(agency.rawValue)'s inbox"
        case .referralCancelled(let p) where p.to != agency:
            "referral.cancelled addressed to \(p.to.rawValue) arrived in \(agency.rawValue)'s inbox"
        case .handoverRequested(let p) where p.to != agency:
            "handover.requested addressed to \(p.to.rawValue) arrived in \(agency.rawValue)'s inbox"
        case .handoverAccepted(let p) where p.from != agency:
            "handover.accepted for \(p.from.rawValue) arrived in \(agency.rawValue)'s inbox"
        case .handoverRefused(let p) where p.from != agency: "handover.refused for \(p.from.rawValue) arrived in \(agency.rawValue)'s inbox"
        default: nil
        }
    }
}

/// Consumes `trisam.<agency>.inbox` and `trisam.consent` as consumer group
/// `trisam-agency-<agency>`, and the coordinator's flags in a group of their own, side by side:
/// each event's effect and its position (``ConsumerPositions``, where the consumer resumes) are
/// stored in one transaction before its offset is marked; undecodable messages go to the dead-letter
/// topic (``EventConsumer``). On graceful shutdown every consumer is closed at once, so that with
/// the broker away the service waits one close limit, not one per consumer.
public final class InboxConsumerService: Service, Sendable {
    private let service: AgencyService
    private let consumers: [KafkaConsumer]
    private let buses: [EventConsumer]

    public init(service: AgencyService, consumers: [KafkaConsumer], deadLetters: KafkaProducer, logger: Logger) {
        self.service = service
        self.consumers = consumers
        self.buses = consumers.map {
            EventConsumer(consumer: $0, deadLetters: deadLetters, name: "agency-\(service.agency.rawValue)", logger: logger)
        }
    }

    /// The consumer group of an agency's service.
    public static func groupID(_ agency: Agency) -> String { "trisam-agency-\(agency.rawValue)" }

    /// The consumer group in which an agency's service reads the coordinator's flags.
    public static func flagsGroupID(_ agency: Agency) -> String { groupID(agency) + "-flags" }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                for bus in buses {
                    group.addTask { [service] in
                        try await bus.run(
                            { delivery in
                                try await service.receive(delivery.envelope, topic: delivery.message.topic, position: delivery.message)
                            },
                            // A processed event's position is recorded with its effect; a dead
                            // letter's once it is sent.
                            handled: { message, deadLettered in if deadLettered { try await service.recordPosition(message) } })
                    }
                }
            }
        } onGracefulShutdown: {
            Task { await self.closeAll() }
        }
        await closeAll()
    }

    /// Closes every consumer at once (closing is idempotent).
    private func closeAll() async {
        await withDiscardingTaskGroup { group in for consumer in consumers { group.addTask { await consumer.close() } } }
    }
}
