import Foundation
import Logging
import Testing
import TrisamTestSupport

@testable import TrisamKafka

/// Reads from the consumer until `count` messages arrived (or the timeout fails the test).
func collect(
    _ consumer: KafkaConsumer, count: Int, limit: Duration = .seconds(30),
    markProcessed: Bool = true
) async throws -> [ConsumedMessage] {
    try await withTimeout(limit, "waiting for \(count) messages") {
        var received: [ConsumedMessage] = []
        for try await message in consumer.messages {
            received.append(message)
            if markProcessed { try consumer.markProcessed(message) }
            if received.count == count { break }
        }
        return received
    }
}
