import Foundation
import Testing
import TrisamBus
import TrisamContracts
import TrisamKafka

/// A message is only accepted on a topic its type and source are published to
/// (contracts/README.md): writing one topic must not let anyone state another agency's facts.
@Suite("Events are accepted only on the topics they belong to")
struct TopicOwnershipTests {
    static let person = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!

    /// The envelope as a consumer would read it from `topic`.
    static func consumed(_ envelope: EventEnvelope, on topic: String) throws -> ConsumedMessage {
        let message = try EventPublisher.messages(for: envelope)[0]
        return ConsumedMessage(
            topic: topic, partition: 0, offset: 0, key: message.key, value: message.value, headers: message.headers, timestamp: nil)
    }

    static let afRegistered = EventEnvelope(
        source: .agency(.af), subject: person,
        event: .afRegistered(AfRegistered(registeredOn: LocalDate("2026-11-02")!, workCapacityPercent: 50)))
    static let referral = EventEnvelope(
        source: .agency(.kommun), subject: person,
        event: .referralSent(
            ReferralSent(
                referralId: "r-1", from: .kommun, to: .af, reason: "Arbetslös sedan länge.", requestedMeasure: "Kartläggning.",
                area: .arbeteAktivitet)))

    @Test("an event on a topic it is published to is accepted")
    func ownTopic() throws {
        #expect(throws: Never.self) { try EventConsumer.decode(Self.consumed(Self.afRegistered, on: Topic.status(.af))).get() }
        #expect(throws: Never.self) { try EventConsumer.decode(Self.consumed(Self.referral, on: Topic.inbox(.af))).get() }
    }

    @Test("an AF status on the kommun's status topic is refused, naming where it belongs")
    func statusOnAnotherAgencysTopic() throws {
        let result = EventConsumer.decode(try Self.consumed(Self.afRegistered, on: Topic.status(.kommun)))
        guard case .failure(let error) = result else {
            Issue.record("af.registered on trisam.kommun.status was accepted")
            return
        }
        #expect(
            error == .wrongTopic(topic: Topic.status(.kommun), type: .afRegistered, source: "/trisam/af", expected: [Topic.status(.af)]))
        #expect(error.description.contains("trisam.kommun.status"))
        #expect(error.description.contains("trisam.af.status"))
    }

    @Test("a referral in an inbox it is not addressed to is refused")
    func referralInAnotherInbox() throws {
        for agency in [Agency.kommun, .fk, .region] {
            let result = EventConsumer.decode(try Self.consumed(Self.referral, on: Topic.inbox(agency)))
            guard case .failure(.wrongTopic) = result else {
                Issue.record("a referral to af was accepted in \(Topic.inbox(agency))")
                continue
            }
        }
        guard case .failure(.wrongTopic) = EventConsumer.decode(try Self.consumed(Self.referral, on: Topic.consent)) else {
            Issue.record("a referral was accepted on trisam.consent")
            return
        }
    }

    @Test("a flag is accepted only on trisam.flags, and a flag from an agency nowhere")
    func flags() throws {
        let flag = FlagRaised(
            flagId: "f-1", rule: "grey-zone", severity: .high, title: "Gråzon", explanation: "Ingen ersättning.",
            agencies: [.fk], evidence: ["e-1"])
        let fromCoordinator = EventEnvelope(source: .coordinator, subject: Self.person, event: .flagRaised(flag))
        #expect(throws: Never.self) { try EventConsumer.decode(Self.consumed(fromCoordinator, on: Topic.flags)).get() }
        for topic in [Topic.status(.kommun), Topic.inbox(.af), Topic.consent] {
            guard case .failure(.wrongTopic) = EventConsumer.decode(try Self.consumed(fromCoordinator, on: topic)) else {
                Issue.record("a flag was accepted on \(topic)")
                continue
            }
        }
        // An agency cannot publish a flag at all, on any topic.
        var forged = try EventPublisher.messages(for: fromCoordinator)[0]
        forged.headers = forged.headers.map { $0.name == "ce_source" ? KafkaHeader(name: "ce_source", string: "/trisam/kommun") : $0 }
        let consumed = ConsumedMessage(
            topic: Topic.flags, partition: 0, offset: 0, key: forged.key, value: forged.value, headers: forged.headers, timestamp: nil)
        guard case .failure = EventConsumer.decode(consumed) else {
            Issue.record("a flag from the kommun was accepted")
            return
        }
    }
}
