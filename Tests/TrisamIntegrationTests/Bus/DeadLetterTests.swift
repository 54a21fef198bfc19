import Foundation
import Logging
import Testing
import TrisamBus
import TrisamContracts
import TrisamKafka
import TrisamTestSupport

@Suite("Event bus against an embedded cluster")
struct DeadLetterTests {
    static let person = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!

    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .error
        return logger
    }

    static let fastGroup: [String: String] = [
        "session.timeout.ms": "6000", "heartbeat.interval.ms": "500", "topic.metadata.refresh.interval.ms": "1000",
    ]

    @Test("a message that fails to decode lands on trisam.deadletter with its reason while consumption goes on")
    func undecodableMessageIsDeadLettered() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: Self.logger("cluster"))
        defer { cluster.shutdown() }
        for topic in Topic.all { try cluster.createTopic(topic, partitions: 2) }
        let producer = try KafkaProducer(configuration: cluster.clientConfiguration, logger: Self.logger("producer"))
        let publisher = EventPublisher(producer: producer)

        let before = EventEnvelope(
            source: .agency(.af), subject: Self.person,
            event: .afRegistered(AfRegistered(registeredOn: LocalDate("2026-11-02")!, workCapacityPercent: 50)))
        let after = EventEnvelope(
            source: .agency(.af), subject: Self.person,
            event: .afDeregistered(AfDeregistered(deregisteredOn: LocalDate("2026-11-20")!, reason: .lackingWorkCapacity)))
        try await publisher.publish(before)
        // A message with an unknown field in between: same person, same topic, so same partition.
        var broken = try EventPublisher.messages(for: after)[0]
        broken.value = Array(#"{"deregisteredOn":"2026-11-20","reason":"employed","personnummer":"x"}"#.utf8)
        let brokenReport = try await producer.send(broken)
        try await publisher.publish(after)

        let consumer = try KafkaConsumer(
            configuration: cluster.clientConfiguration.merging(Self.fastGroup),
            groupID: "test-bus", topics: [Topic.status(.af)], logger: Self.logger("consumer"))
        let bus = EventConsumer(consumer: consumer, deadLetters: producer, name: "bus-test", logger: Self.logger("bus"))
        let seen = Collected()
        let run = Task {
            try await bus.run { delivery in
                await seen.append(delivery.envelope.id)
                return .processed
            }
        }
        try await eventually("both valid events are handled", limit: .seconds(30)) { await seen.ids.count == 2 }
        #expect(await seen.ids == [before.id, after.id])

        let dlq = try KafkaConsumer(
            configuration: cluster.clientConfiguration.merging(Self.fastGroup),
            groupID: "test-dlq-reader", topics: [Topic.deadLetter], logger: Self.logger("dlq"))
        let letter = try await firstMessage(of: dlq)
        #expect(letter.value == broken.value)
        #expect(letter.key == broken.key)
        #expect(letter.header(DeadLetter.reasonHeader) == "field personnummer: is not a field of this event type")
        #expect(letter.header(DeadLetter.sourceTopicHeader) == Topic.status(.af))
        #expect(letter.header(DeadLetter.sourceOffsetHeader) == String(brokenReport.offset))
        #expect(letter.header(DeadLetter.consumerHeader) == "bus-test")
        #expect(letter.header("ce_id") == after.id)

        run.cancel()
        await consumer.close()
        await dlq.close()
        await producer.close()
    }

    @Test("a handler's refusal is dead-lettered with the handler's reason")
    func handlerRefusalIsDeadLettered() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: Self.logger("cluster"))
        defer { cluster.shutdown() }
        for topic in Topic.all { try cluster.createTopic(topic, partitions: 1) }
        let producer = try KafkaProducer(configuration: cluster.clientConfiguration, logger: Self.logger("producer"))
        let event = EventEnvelope(
            source: .agency(.kommun), subject: Self.person,
            event: .referralSent(
                ReferralSent(
                    referralId: "r-1", from: .kommun, to: .af, reason: "Behöver stöd att söka arbete",
                    requestedMeasure: "Inskrivning", area: .arbeteAktivitet)))
        try await EventPublisher(producer: producer).publish(event)
        #expect(event.destinationTopics == [Topic.inbox(.af)])

        let consumer = try KafkaConsumer(
            configuration: cluster.clientConfiguration.merging(Self.fastGroup),
            groupID: "test-refusal", topics: [Topic.inbox(.af)], logger: Self.logger("consumer"))
        let bus = EventConsumer(consumer: consumer, deadLetters: producer, name: "af-inbox", logger: Self.logger("bus"))
        let run = Task { try await bus.run { _ in .deadLetter(reason: "no consent covers af") } }
        let dlq = try KafkaConsumer(
            configuration: cluster.clientConfiguration.merging(Self.fastGroup),
            groupID: "test-dlq-reader", topics: [Topic.deadLetter], logger: Self.logger("dlq"))
        let letter = try await firstMessage(of: dlq)
        #expect(letter.header(DeadLetter.reasonHeader) == "no consent covers af")
        #expect(letter.header(DeadLetter.consumerHeader) == "af-inbox")
        run.cancel()
        await consumer.close()
        await dlq.close()
        await producer.close()
    }
}

actor Collected {
    var ids: [String] = []
    func append(_ id: String) { ids.append(id) }
}

func firstMessage(of consumer: KafkaConsumer, limit: Duration = .seconds(30)) async throws -> ConsumedMessage {
    try await withTimeout(limit, "the first message") {
        for try await message in consumer.messages { return message }
        throw TimeoutError(what: "the consumer ended before a message", limit: limit)
    }
}
