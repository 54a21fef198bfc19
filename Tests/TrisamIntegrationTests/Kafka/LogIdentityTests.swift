import Foundation
import Testing
import TrisamTestSupport

@testable import TrisamKafka

/// Fixed ports for the embedded cluster and the log identity that tells one log from the next.
@Suite("Embedded cluster on fixed ports and the log identity", .serialized)
struct LogIdentityTests {
    @Test("a cluster started again on the same port is reached at the same address, with a new identity")
    func restartOnSamePort() async throws {
        let port = try freeLoopbackPort()
        var identities: [String] = []
        for _ in 0..<2 {
            let cluster = try EmbeddedKafkaCluster(brokers: 1, firstPort: port, logger: testLogger("cluster"))
            #expect(cluster.bootstrapServers == "127.0.0.1:\(port)")
            try cluster.createTopic(KafkaLogIdentity.topic, partitions: 1)
            let identity = try await KafkaLogIdentity.establish(configuration: cluster.clientConfiguration, logger: testLogger("identity"))
            // Established once: read back, and established again it stays the same.
            #expect(try KafkaLogIdentity.read(configuration: cluster.clientConfiguration) == identity)
            #expect(
                try await KafkaLogIdentity.establish(configuration: cluster.clientConfiguration, logger: testLogger("identity")) == identity
            )
            identities.append(identity)
            cluster.shutdown()
        }
        #expect(Set(identities).count == 2, "each log has its own identity")
    }

    @Test("a read of the identity is judged against the one known: a still-empty topic is no answer")
    func change() {
        #expect(KafkaLogIdentity.change(from: nil, to: nil) == .unchanged)
        #expect(KafkaLogIdentity.change(from: "a", to: nil) == .unanswered)
        #expect(KafkaLogIdentity.change(from: nil, to: "a") == .first("a"))
        #expect(KafkaLogIdentity.change(from: "a", to: "a") == .unchanged)
        #expect(KafkaLogIdentity.change(from: "a", to: "b") == .new("b"))
    }

    @Test("a taken port is refused with a message naming it")
    func portTaken() throws {
        let port = try freeLoopbackPort()
        let first = try EmbeddedKafkaCluster(brokers: 1, firstPort: port, logger: testLogger("cluster"))
        defer { first.shutdown() }
        #expect {
            _ = try EmbeddedKafkaCluster(brokers: 1, firstPort: port, logger: testLogger("cluster"))
        } throws: { error in
            "\(error)".contains("127.0.0.1:\(port)")
        }
    }

    @Test("a cluster without the identity topic has no identity, and an unreachable one is an error")
    func noIdentity() throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger("cluster"))
        #expect(try KafkaLogIdentity.read(configuration: cluster.clientConfiguration) == nil)
        try cluster.createTopic(KafkaLogIdentity.topic, partitions: 1)
        #expect(try KafkaLogIdentity.read(configuration: cluster.clientConfiguration) == nil, "empty topic: no identity yet")
        let address = cluster.bootstrapServers
        cluster.shutdown()
        #expect(throws: KafkaError.self) {
            try KafkaLogIdentity.read(configuration: KafkaConfiguration(bootstrapServers: address), timeout: .seconds(1))
        }
    }
}
