import Foundation
import Logging
import Testing
@testable import TrisamKafka

/// Fails the test (instead of hanging it) when `body` takes longer than `limit`.
func withTimeout<T: Sendable>(_ limit: Duration, _ what: String,
                              _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw TimeoutError(what: what, limit: limit)
        }
        group.cancelAll()
        return value
    }
}

struct TimeoutError: Error, CustomStringConvertible {
    let what: String
    let limit: Duration
    var description: String { "timed out after \(limit): \(what)" }
}

/// A quiet logger for tests; set TRISAM_TEST_LOG=debug to see librdkafka's lines.
func testLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["TRISAM_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
    return logger
}

/// Consumer settings that make group joins fast on the embedded cluster.
let fastGroupProperties: [String: String] = [
    "session.timeout.ms": "6000",
    "heartbeat.interval.ms": "500",
    "topic.metadata.refresh.interval.ms": "1000",
]

/// Reads from the consumer until `count` messages arrived (or the timeout fails the test).
func collect(_ consumer: KafkaConsumer, count: Int, limit: Duration = .seconds(30),
             markProcessed: Bool = true) async throws -> [ConsumedMessage] {
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

func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }
