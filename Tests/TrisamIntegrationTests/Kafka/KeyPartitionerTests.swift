import Foundation
import Testing
import TrisamTestSupport

@testable import TrisamKafka

/// The partition a person's events land in, computed without a broker: the same as Kafka's
/// Java client and as librdkafka's producers put them.
@Suite("Key partitioner")
struct KeyPartitionerTests {
    @Test("murmur2 gives the values of Kafka's own tests (Utils.murmur2, as signed 32-bit)")
    func javaVectors() {
        let vectors: [(String, Int32)] = [
            ("21", -973_932_308), ("foobar", -790_332_482), ("a-little-bit-long-string", -985_981_536),
            ("a-little-bit-longer-string", -1_486_304_829), ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
            ("abc", 479_470_107),
        ]
        for (key, expected) in vectors {
            #expect(Int32(bitPattern: KeyPartitioner.murmur2(Array(key.utf8))) == expected, "\(key)")
        }
    }

    @Test("every clientRef lands where librdkafka's producer put it, for 1, 3, 7 and 12 partitions")
    func matchesTheProducer() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger("cluster"))
        defer { cluster.shutdown() }
        let producer = try KafkaProducer(configuration: cluster.clientConfiguration, logger: testLogger("producer"))
        var generator = SystemRandomNumberGenerator()
        let keys = (0..<200).map { _ in (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        }
        for count in [1, 3, 7, 12] {
            let topic = uniqueName("partitions-\(count)")
            try cluster.createTopic(topic, partitions: count)
            let reports = try await producer.send(keys.map { OutgoingMessage(topic: topic, key: $0, value: [1], headers: []) })
            for (key, report) in zip(keys, reports) {
                #expect(try report.get().partition == KeyPartitioner.partition(of: key, partitionCount: count), "\(key) of \(count)")
            }
        }
        await producer.close()
    }
}
