import Foundation
import Testing
import TrisamBus
import TrisamContracts
import TrisamKafka
import TrisamTestSupport

/// The review's forgery: an `af.registered` with `ce_source=/trisam/af`, produced onto the
/// kommun's status topic, was applied. The coordinator must dead-letter it and keep going.
@Suite("trisam coordinator accepts facts only from their owner's topics", .serialized)
struct TopicOwnershipProcessTests {
    @Test("an AF status produced onto trisam.kommun.status is dead-lettered with the reason, not applied")
    func forgedStatusIsDeadLettered() async throws {
        let harness = try CoordinatorHarness()
        let deadLetters = try KafkaConsumer(
            configuration: harness.cluster.clientConfiguration.merging(fastGroupProperties),
            groupID: uniqueName("dlq"), topics: [Topic.deadLetter], logger: testLogger("dlq"))
        do {
            try await harness.start()
            let ref = TestEvent.newClientRef()
            let forged = TestEvent.envelope(
                ref, .af, .afRegistered(AfRegistered(registeredOn: day("2026-11-02"), workCapacityPercent: 50)),
                at: utc("2026-11-02T08:00:00Z"), id: "forged-af")
            var message = try EventPublisher.messages(for: forged)[0]
            message.topic = Topic.status(.kommun)
            _ = try await harness.producer.send(message)
            // A genuine kommun fact about the same person after it: processing goes on.
            let genuine = TestEvent.envelope(
                ref, .kommun,
                .kommunForsorjningshinderReported(
                    ForsorjningshinderReported(code: .arbetslos, month: YearMonth("2026-11")!)), at: utc("2026-11-03T08:00:00Z"),
                id: "genuine-kommun")
            try await harness.publish([genuine])

            let letter = try await withTimeout(.seconds(30), "a dead letter") {
                var iterator = deadLetters.messages.makeAsyncIterator()
                return try await iterator.next()
            }
            #expect(letter?.header(DeadLetter.consumerHeader) == "coordinator")
            #expect(letter?.header(DeadLetter.sourceTopicHeader) == Topic.status(.kommun))
            #expect(letter?.header(DeadLetter.reasonHeader)?.contains("does not belong on trisam.kommun.status") == true)
            try await eventually("the genuine event is stored") { try await harness.eventsSeen() == 1 }
            let person = try await harness.getJSON("/persons/\(ref.rawValue)")
            let timeline = (person["timeline"] as? [[String: Any]]) ?? []
            #expect(timeline.compactMap { $0["eventId"] as? String } == ["genuine-kommun"], "\(timeline)")
            #expect(try await harness.stop() == 0)
        } catch {
            Issue.record("coordinator output:\n\(harness.output)")
            await deadLetters.close()
            await harness.cleanUp()
            throw error
        }
        await deadLetters.close()
        await harness.cleanUp()
    }
}
