import Foundation
import Logging

/// Fails the test (instead of hanging it) when `body` takes longer than `limit`.
public func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
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

/// A wait that took longer than its limit.
public struct TimeoutError: Error, CustomStringConvertible {
    public let what: String
    public let limit: Duration
    public var description: String { "timed out after \(limit): \(what)" }

    public init(what: String, limit: Duration) {
        self.what = what
        self.limit = limit
    }
}

/// A quiet logger for tests; set TRISAM_TEST_LOG=debug to see librdkafka's lines.
public func testLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["TRISAM_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
    return logger
}

/// A name no other test uses (topics, consumer groups).
public func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

/// The seed of a test's random choices (kill moments, pauses): `TRISAM_CHAOS_SEED` when set, so
/// that a failure can be replayed, else a new one. Printed either way, with how to replay it.
public func chaosSeed(_ test: String) -> UInt64 {
    let given = ProcessInfo.processInfo.environment["TRISAM_CHAOS_SEED"].flatMap(UInt64.init)
    let seed = given ?? UInt64.random(in: 1...UInt64(UInt32.max))
    print("chaos seed of \"\(test)\": \(seed)\(given == nil ? "" : " (from TRISAM_CHAOS_SEED)"); replay with TRISAM_CHAOS_SEED=\(seed)")
    return seed
}
