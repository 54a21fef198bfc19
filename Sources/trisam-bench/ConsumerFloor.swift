import ArgumentParser
import Foundation
import Logging
import TrisamBenchSupport
import TrisamBus
@_spi(Benchmarks) import TrisamCoordinator
import TrisamKafka

/// A floor of `trisam-bench coordinator --floors`: reading the coordinator's topics with only part of
/// the work any coordinator must do for each message, as fast as the machine allows. Stages run
/// as a pipeline (reading, decoding, storing), so each may have a core while the others work.
enum ConsumerFloor: CaseIterable, CustomStringConvertible {
    /// Read, and append each message to a SQLite log with the offsets: what storing every fact
    /// with its offset costs at the least.
    case log
    /// Read and decode each message (the coordinator's decoder, strict validation included).
    case decode
    /// Both.
    case decodeAndLog

    var description: String {
        switch self {
        case .log: "consume + SQLite log append with offsets"
        case .decode: "consume + decode"
        case .decodeAndLog: "consume + decode + SQLite log append"
        }
    }

    private var decodes: Bool { self != .log }
    private var logs: Bool { self != .decode }

    /// Messages handed from one stage to the next at a time.
    private static let chunk = 2_000
    /// Messages per SQLite transaction at most: as many as the coordinator's batches under load.
    private static let transaction = CoordinatorConfiguration.defaultMaxBatch

    /// Reads `expected` messages of `topics` as a new consumer group and does this floor's work on
    /// each; returns the time from the first message read to the last one's work done.
    func consume(
        configuration: KafkaConfiguration, topics: [String], expected: Int, directory: URL,
        logger: Logger
    ) async throws -> Duration {
        let consumer = try KafkaConsumer(
            configuration: configuration, groupID: "bench-floor-\(UUID().uuidString.prefix(6))",
            topics: topics, logger: logger)
        let log = try logs ? EventLogFloor(path: directory.appendingPathComponent("floor-\(UUID().uuidString.prefix(6)).sqlite").path) : nil
        let decodes = self.decodes
        let (toDecode, decodeInput) = AsyncStream.makeStream(of: [ConsumedMessage].self)
        let (toStore, storeInput) = AsyncStream.makeStream(of: [ConsumedMessage].self)
        let times = try await withThrowingTaskGroup(of: (first: ContinuousClock.Instant?, last: ContinuousClock.Instant?).self) { group in
            group.addTask {
                defer { decodeInput.finish() }
                var first: ContinuousClock.Instant?
                var chunk: [ConsumedMessage] = []
                var count = 0
                for try await message in consumer.messages {
                    if first == nil { first = .now }
                    chunk.append(message)
                    count += 1
                    if chunk.count == Self.chunk || count >= expected {
                        decodeInput.yield(chunk)
                        chunk = []
                    }
                    if count >= expected { break }
                }
                return (first, nil)
            }
            group.addTask {
                defer { storeInput.finish() }
                for await chunk in toDecode {
                    if decodes {
                        for message in chunk {
                            if case .failure(let error) = EventConsumer.decode(message) {
                                throw ValidationError("floor: a message of the mix did not decode: \(error)")
                            }
                        }
                    }
                    storeInput.yield(chunk)
                }
                return (nil, nil)
            }
            group.addTask {
                var pending: [ConsumedMessage] = []
                var stored = 0
                for await chunk in toStore {
                    stored += chunk.count
                    guard let log else { continue }
                    pending += chunk
                    if pending.count >= Self.transaction || stored >= expected {
                        try log.append(pending)
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                guard stored >= expected else { throw ValidationError("floor: \(stored) of \(expected) messages read") }
                return (nil, .now)
            }
            var first: ContinuousClock.Instant?
            var last: ContinuousClock.Instant?
            for try await result in group {
                first = first ?? result.first
                last = last ?? result.last
            }
            return (first: first!, last: last!)
        }
        await consumer.close()
        return times.last - times.first
    }
}
