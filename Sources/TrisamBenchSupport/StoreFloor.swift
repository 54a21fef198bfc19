import Foundation
import GRDB
@_spi(Benchmarks) import TrisamCoordinator
import TrisamKafka

/// The least SQLite work the coordinator's store design needs for a batch, with nothing else:
/// every event's timeline entry (which also tells duplicates), a read and a write of every person
/// the batch concerns, and the consumed offsets, in one transaction. No decoding, folding, rules
/// or flags. `trisam-bench engine --floor` runs it on the same events as the engine, so the two
/// figures show how much of the coordinator's time the store alone takes on a machine.
public struct StoreFloor: Sendable {
    private let store: CoordinatorStore
    private let state: Data
    private let flags: Data
    private var sequence: Int64 = 0

    /// - Parameters:
    ///   - stateBytes, flagBytes: the size of the person blobs written (by default the averages
    ///     of the `trisam-bench engine` mix: 404 and 90 bytes).
    public init(store: CoordinatorStore, stateBytes: Int = 404, flagBytes: Int = 90) throws {
        self.store = store
        state = Data(repeating: 0x5A, count: stateBytes)
        flags = Data(repeating: 0x3C, count: flagBytes)
        sequence = try store.pool.read(BenchmarkHooks.timelineSequence(in:))
    }

    /// Stores the batch as described above; returns the number of new events.
    @discardableResult
    @_spi(Benchmarks) public mutating func process(_ batch: [IncomingEvent]) throws -> Int {
        var sequence = self.sequence
        let (state, flags) = (self.state, self.flags)
        try store.pool.write { db in
            var offsets: [TopicPartition: Int64] = [:]
            var seen = Set<String>()
            var people: [String] = []
            for item in batch {
                offsets[item.partition] = item.offset + 1
                guard let envelope = item.envelope,
                    try BenchmarkHooks.appendTimeline(envelope, seq: sequence + 1, in: db)
                else { continue }
                sequence += 1
                let ref = envelope.subject.rawValue
                if seen.insert(ref).inserted {
                    try BenchmarkHooks.readPerson(envelope.subject, in: db)
                    people.append(ref)
                }
            }
            for ref in people {
                try BenchmarkHooks.savePerson(clientRef: ref, state: state, flags: flags, in: db)
            }
            try BenchmarkHooks.storeTimelineSequence(sequence, in: db)
            try BenchmarkHooks.storeOffsets(offsets, in: db)
        }
        let added = Int(sequence - self.sequence)
        self.sequence = sequence
        return added
    }
}
