import Foundation
import Testing
import TrisamTestSupport

@testable import TrisamKafka

@Suite("Kafka layer against an embedded cluster", .serialized)
struct KafkaRoundTripTests {
    @Test("messages sent with keys and headers arrive intact through a consumer group")
    func roundTrip() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger("cluster"))
        defer { cluster.shutdown() }
        let topic = uniqueName("roundtrip")
        try cluster.createTopic(topic, partitions: 4)

        let producer = try KafkaProducer(configuration: cluster.clientConfiguration, logger: testLogger("producer"))
        let keys = (0..<10).map { "person-\($0)" }
        var outgoing: [OutgoingMessage] = []
        for index in 0..<100 {
            outgoing.append(
                OutgoingMessage(
                    topic: topic, key: keys[index % keys.count], value: Array("{\"n\":\(index)}".utf8),
                    headers: [KafkaHeader(name: "ce_id", string: "id-\(index)"), KafkaHeader(name: "empty", value: nil)]))
        }
        let results = try await producer.send(outgoing)
        let reports = try results.map { try $0.get() }
        #expect(reports.count == 100)
        #expect(Set(reports.map(\.topic)) == [topic])
        // The same key always lands in the same partition.
        var partitionOfKey: [String: Int32] = [:]
        for (index, report) in reports.enumerated() {
            let key = keys[index % keys.count]
            if let known = partitionOfKey[key] { #expect(known == report.partition) }
            partitionOfKey[key] = report.partition
        }
        await producer.close()

        let consumer = try KafkaConsumer(
            configuration: cluster.clientConfiguration.merging(fastGroupProperties),
            groupID: uniqueName("group"), topics: [topic], logger: testLogger("consumer"))
        let received = try await collect(consumer, count: 100)
        await consumer.close()

        #expect(received.count == 100)
        let byID = Dictionary(uniqueKeysWithValues: received.map { ($0.header("ce_id")!, $0) })
        for (index, message) in outgoing.enumerated() {
            let got = try #require(byID["id-\(index)"])
            #expect(got.value == message.value)
            #expect(got.key == message.key)
            #expect(got.topic == topic)
            #expect(got.partition == reports[index].partition)
            #expect(got.offset == reports[index].offset)
            #expect(got.headers.count == 2)
            #expect(got.headers.last == KafkaHeader(name: "empty", value: nil))
            let timestamp = try #require(got.timestamp)
            #expect(abs(timestamp.timeIntervalSinceNow) < 120)
        }
    }

    @Test("a batch larger than librdkafka's local queue waits for room and delivers every message once")
    func fullLocalQueue() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger("cluster"))
        defer { cluster.shutdown() }
        let topic = uniqueName("fullqueue")
        try cluster.createTopic(topic, partitions: 3)
        // Room for 20 messages: a batch of 1,000 meets a full queue again and again.
        let producer = try KafkaProducer(
            configuration: cluster.clientConfiguration.merging(["queue.buffering.max.messages": "20"]),
            logger: testLogger("producer"))
        let outgoing = (0..<1000).map { index in
            OutgoingMessage(
                topic: topic, key: "person-\(index % 7)", value: Array("{\"n\":\(index)}".utf8),
                headers: [KafkaHeader(name: "ce_id", string: "id-\(index)")])
        }
        let reports = try await producer.send(outgoing).map { try $0.get() }
        await producer.close()
        #expect(reports.count == 1000)
        // Every message stored exactly once: per partition, offsets 0..<n without gaps.
        for (partition, group) in Dictionary(grouping: reports, by: \.partition) {
            #expect(group.map(\.offset).sorted() == Array(0..<Int64(group.count)), "partition \(partition)")
        }
    }

    @Test("a restarted consumer resumes after its last commit and sees no committed message again")
    func resumesAfterCommit() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger("cluster"))
        defer { cluster.shutdown() }
        let topic = uniqueName("resume")
        try cluster.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(configuration: cluster.clientConfiguration, logger: testLogger("producer"))
        _ = try await producer.send((0..<60).map { OutgoingMessage(topic: topic, key: "k\($0 % 7)", value: Array("m\($0)".utf8)) })
        let group = uniqueName("group")
        let configuration = cluster.clientConfiguration.merging(fastGroupProperties)

        // First run: process (and mark) 25 messages, read 5 more without marking them, stop.
        let first = try KafkaConsumer(configuration: configuration, groupID: group, topics: [topic], logger: testLogger("c1"))
        let processed = try await collect(first, count: 25)
        let unmarked = try await collect(first, count: 5, markProcessed: false)
        try await first.commit()
        await first.close()

        // Second run, same group: everything not marked arrives, nothing marked does.
        let second = try KafkaConsumer(configuration: configuration, groupID: group, topics: [topic], logger: testLogger("c2"))
        let rest = try await collect(second, count: 35)
        let committedBefore = Set(processed.map { "\($0.partition)/\($0.offset)" })
        let seenAgain = rest.filter { committedBefore.contains("\($0.partition)/\($0.offset)") }
        #expect(seenAgain.isEmpty, "committed messages delivered again: \(seenAgain.map(\.offset))")
        let unmarkedIDs = Set(unmarked.map { "\($0.partition)/\($0.offset)" })
        #expect(
            unmarkedIDs.isSubset(of: Set(rest.map { "\($0.partition)/\($0.offset)" })),
            "messages read but not marked processed must be delivered again")
        #expect(Set(processed.map(\.value)).union(rest.map(\.value)).count == 60)

        // Nothing more is waiting.
        await #expect(throws: TimeoutError.self) { _ = try await collect(second, count: 1, limit: .seconds(2)) }
        await second.close()
        // And a producer sending after both runs is seen by a third run as the only news.
        _ = try await producer.send(OutgoingMessage(topic: topic, key: "late", value: Array("late".utf8)))
        await producer.close()
        let third = try KafkaConsumer(configuration: configuration, groupID: group, topics: [topic], logger: testLogger("c3"))
        let late = try await collect(third, count: 1)
        #expect(late.map(\.value) == [Array("late".utf8)])
        await third.close()
    }

    @Test("a producer whose brokers go down delivers everything, once, when they are back")
    func deliversAfterBrokerOutage() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger("cluster"))
        defer { cluster.shutdown() }
        let topic = uniqueName("outage")
        try cluster.createTopic(topic, partitions: 3, replicationFactor: 3)
        let producer = try KafkaProducer(
            configuration: cluster.clientConfiguration.merging(["message.send.max.retries": "1000000"]),
            logger: testLogger("producer"))
        let before = try await producer.send(
            (0..<20).map { OutgoingMessage(topic: topic, key: "k\($0)", value: Array("before-\($0)".utf8)) })
        #expect(before.allSatisfy { (try? $0.get()) != nil })

        for id in cluster.brokerIDs { try cluster.setBrokerDown(id) }
        let during = Task {
            try await producer.send((0..<50).map { OutgoingMessage(topic: topic, key: "k\($0)", value: Array("during-\($0)".utf8)) })
        }
        try await Task.sleep(for: .seconds(3))
        #expect(producer.outstandingCount == 50, "nothing can be delivered while every broker is down")
        for id in cluster.brokerIDs { try cluster.setBrokerUp(id) }

        let results = try await withTimeout(.seconds(60), "delivery after outage") { try await during.value }
        let failures = results.compactMap { result -> KafkaError? in
            if case .failure(let error) = result { return error } else { return nil }
        }
        #expect(failures.isEmpty, "\(failures)")
        await producer.close()

        let consumer = try KafkaConsumer(
            configuration: cluster.clientConfiguration.merging(fastGroupProperties),
            groupID: uniqueName("group"), topics: [topic], logger: testLogger("consumer"))
        let received = try await collect(consumer, count: 70)
        await #expect(throws: TimeoutError.self) { _ = try await collect(consumer, count: 1, limit: .seconds(2)) }
        await consumer.close()
        let values = received.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(Set(values).count == 70, "each message exactly once")
        #expect(values.filter { $0.hasPrefix("during-") }.count == 50)
    }

    @Test("when a second member joins, partitions are split and every message is still processed")
    func survivesRebalance() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger("cluster"))
        defer { cluster.shutdown() }
        let topic = uniqueName("rebalance")
        try cluster.createTopic(topic, partitions: 6)
        let producer = try KafkaProducer(configuration: cluster.clientConfiguration, logger: testLogger("producer"))
        _ = try await producer.send((0..<300).map { OutgoingMessage(topic: topic, key: "k\($0)", value: Array("v\($0)".utf8)) })
        let group = uniqueName("group")
        let configuration = cluster.clientConfiguration.merging(fastGroupProperties)

        // The first member processes 50 messages (it has the rest buffered), then a second joins.
        let first = try KafkaConsumer(configuration: configuration, groupID: group, topics: [topic], logger: testLogger("c1"))
        let early = try await collect(first, count: 50)
        let second = try KafkaConsumer(configuration: configuration, groupID: group, topics: [topic], logger: testLogger("c2"))
        try await withTimeout(.seconds(30), "the second member gets partitions") {
            while second.assignment.isEmpty || first.assignment.count == 6 { try await Task.sleep(for: .milliseconds(100)) }
        }
        let firstAssignment = first.assignment
        let secondAssignment = second.assignment
        #expect(Set(firstAssignment).isDisjoint(with: secondAssignment))
        #expect(firstAssignment.count + secondAssignment.count == 6)

        // Together they process every message at least once; the first member's buffered
        // messages of revoked partitions were dropped, so the second reads them from the commit.
        let seen = SeenSet(early.map { String(decoding: $0.value, as: UTF8.self) })
        let perMember = SeenSet([])
        try await withTimeout(.seconds(60), "both members together process all messages") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, consumer) in [("first", first), ("second", second)] {
                    group.addTask {
                        for try await message in consumer.messages {
                            seen.insert(String(decoding: message.value, as: UTF8.self))
                            perMember.insert(name)
                            try? consumer.markProcessed(message)
                        }
                    }
                }
                while seen.count < 300 { try await Task.sleep(for: .milliseconds(50)) }
                group.cancelAll()
            }
        }
        #expect(seen.count == 300)
        #expect(perMember.count == 2, "both members processed messages after the rebalance")
        await second.close()
        await first.close()
        await producer.close()
    }

    @Test("one long-lived watermark client reports partition counts and high watermarks as messages arrive")
    func watermarks() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger("cluster"))
        defer { cluster.shutdown() }
        let topic = uniqueName("marks")
        try cluster.createTopic(topic, partitions: 3)
        let client = try KafkaWatermarks(configuration: cluster.clientConfiguration, logger: testLogger("watermarks"))
        let partitions = try await client.partitionCounts(of: [topic, uniqueName("absent")])
        #expect(partitions == [topic: 3], "only known topics, with their partition counts")
        let empty = try await client.watermarks(of: partitions)
        #expect(empty.count == 3 && empty.values.allSatisfy { $0 == Watermarks(low: 0, high: 0) })

        let producer = try KafkaProducer(configuration: cluster.clientConfiguration, logger: testLogger("producer"))
        let reports = try await producer.send((0..<10).map { OutgoingMessage(topic: topic, key: "k\($0)", value: Array("m\($0)".utf8)) })
        await producer.close()
        var produced: [TopicPartition: Int64] = [:]
        for report in reports { produced[TopicPartition(topic: topic, partition: try report.get().partition), default: 0] += 1 }
        // The same client again: its connections stay open between queries.
        let marks = try await client.watermarks(of: partitions)
        for partition in 0..<Int32(3) {
            let key = TopicPartition(topic: topic, partition: partition)
            #expect(marks[key] == Watermarks(low: 0, high: produced[key] ?? 0))
        }
        client.close()
        await #expect(throws: KafkaError.self) { _ = try await client.watermarks(of: partitions) }
    }

    @Test("topic administration finds existing topics and names the limit of the embedded broker")
    func ensureTopics() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger("cluster"))
        defer { cluster.shutdown() }
        let name = uniqueName("admin")
        try cluster.createTopic(name, partitions: 5)
        let created = try await KafkaAdmin.ensureTopics(
            [TopicSpec(name: name, partitions: 5)],
            configuration: cluster.clientConfiguration, logger: testLogger("admin"))
        #expect(created.isEmpty, "an existing topic is not created again")
        let topics = try await KafkaAdmin.describeTopics(configuration: cluster.clientConfiguration, logger: testLogger("admin"))
        #expect(topics[name] == 5)

        // The mock cluster of librdkafka 2.0.2 has no CreateTopics: the error says so.
        await #expect {
            try await KafkaAdmin.ensureTopics(
                [TopicSpec(name: uniqueName("missing"), partitions: 1)],
                configuration: cluster.clientConfiguration, timeout: .seconds(2),
                logger: testLogger("admin"))
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.kind == .admin && error.message.contains("CreateTopics")
        }
    }

    @Test("an unknown librdkafka property is refused with its name")
    func rejectsUnknownProperty() throws {
        #expect {
            _ = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: ["no.such.property": "1"]))
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.kind == .configuration && error.message.contains("no.such.property")
        }
    }

    @Test("properties files parse, and a malformed line is named")
    func parsesProperties() throws {
        let parsed = try KafkaConfiguration.parseProperties(
            """
            # TLS
            security.protocol=SASL_SSL
            sasl.mechanisms = SCRAM-SHA-512
            ! comment

            ssl.ca.location=/etc/ssl/ca.pem
            """)
        #expect(parsed == ["security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512", "ssl.ca.location": "/etc/ssl/ca.pem"])
        #expect(throws: KafkaError.self) { _ = try KafkaConfiguration.parseProperties("a=1\nnonsense") }
    }
}

/// A thread-safe set of strings shared by the test's consumer tasks.
final class SeenSet: @unchecked Sendable {
    private let lock = NSLock()
    private var values: Set<String>

    init(_ initial: [String]) { values = Set(initial) }

    func insert(_ value: String) { lock.withLock { _ = values.insert(value) } }
    var count: Int { lock.withLock { values.count } }
}
