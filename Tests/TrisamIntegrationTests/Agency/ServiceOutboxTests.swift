import Foundation
import Testing
import TrisamBus
import TrisamContracts
import TrisamKafka
import TrisamTestSupport

@testable import TrisamAgency

@Suite("Outbox publisher against an embedded broker", .serialized)
struct ServiceOutboxTests {
    @Test(
        "requests are accepted while the broker is down; every event reaches Kafka once it returns, marked sent only then",
        .timeLimit(.minutes(2)))
    func brokerDown() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger("cluster"))
        defer { cluster.shutdown() }
        for topic in Topic.all { try cluster.createTopic(topic, partitions: 2) }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: .af)
        let signal = OutboxSignal()
        let service = AgencyService(
            agency: .af, store: store, pseudonymizer: .development, signal: signal, logger: testLogger("af"),
            today: { LocalDate("2026-11-24")! })
        let staff = Staff(agency: .af, name: "Omar Ali", role: "arbetsformedlare")
        let producer = try KafkaProducer(configuration: cluster.clientConfiguration, logger: testLogger("producer"))
        let publisher = OutboxPublisher(store: store, producer: producer, signal: signal, logger: testLogger("publisher"))

        let ref = ClientRef(
            rawValue: try #require(
                try await service.registerPerson(staff, body: Data(#"{"personnummer":"19121212-1212"}"#.utf8)).body["clientRef"] as? String)
        )!
        _ = try await service.addConsent(
            staff, clientRef: ref,
            body: Data(
                #"{"purpose":"samordning","agencies":["af","kommun"],"validUntil":"2027-06-30","givenOn":"2026-11-20"}"#.utf8))

        try cluster.setBrokerDown(cluster.brokerIDs[0])
        let running = Task { try await publisher.run() }
        defer { running.cancel() }
        var eventIds: Set<String> = []
        for day in 1...20 {
            let result = try await service.publishStatus(
                staff, clientRef: ref,
                body: Data(
                    #"{"type":"af.registered","payload":{"registeredOn":"2026-11-\#(String(format: "%02d", day))"}}"#.utf8))
            #expect(result.status == 202)
            eventIds.insert(try #require(result.body["eventId"] as? String))
        }
        try await Task.sleep(for: .seconds(1))
        #expect(try await store.unsentCount() == 21, "nothing is marked sent while the broker is down")

        try cluster.setBrokerUp(cluster.brokerIDs[0])
        try await eventually("the outbox drains", limit: .seconds(60)) { try await store.unsentCount() == 0 }

        let consumer = try KafkaConsumer(
            configuration: cluster.clientConfiguration.merging(["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]),
            groupID: uniqueName("check"), topics: [Topic.status(.af)], logger: testLogger("consumer"))
        let expected = eventIds
        let seen = try await withTimeout(.seconds(30), "reading the status topic") {
            var ids: [String] = []
            for try await message in consumer.messages {
                ids.append(message.header(EventEnvelope.Header.id) ?? "")
                if Set(ids) == expected { break }
            }
            return ids
        }
        await consumer.close()
        #expect(Set(seen) == eventIds)
        running.cancel()
        await producer.close(timeout: .seconds(1))
    }
}
