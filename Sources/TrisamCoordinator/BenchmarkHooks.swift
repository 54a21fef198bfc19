import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore
import TrisamKafka

/// What the benchmarks' floors (`TrisamBenchSupport`, used by `trisam-bench` and the tests) reach
/// of the coordinator's internals: the store's per-event statements and the engine's fold, exactly
/// as the coordinator runs them, so a floor measures the same work with parts taken away.
/// System programming interface, not API: `@_spi(Benchmarks) import TrisamCoordinator`.
@_spi(Benchmarks)
public enum BenchmarkHooks {
    // MARK: The store's statements (inside a write transaction of `CoordinatorStore.pool`)

    /// The number of the latest timeline entry (0 for none).
    public static func timelineSequence(in db: Database) throws -> Int64 {
        try CoordinatorStore.timelineSequence(in: db)
    }

    /// Stores the number of the latest timeline entry.
    public static func storeTimelineSequence(_ value: Int64, in db: Database) throws {
        try CoordinatorStore.storeTimelineSequence(value, in: db)
    }

    /// Adds the event to its person's timeline as entry `seq`; false for a duplicate event id.
    public static func appendTimeline(_ envelope: EventEnvelope, seq: Int64, in db: Database) throws -> Bool {
        try CoordinatorStore.appendTimeline(envelope, seq: seq, in: db)
    }

    /// Reads the stored person as the engine does before folding (the bytes are not decoded).
    public static func readPerson(_ clientRef: ClientRef, in db: Database) throws {
        _ = try CoordinatorStore.loadStoredPerson(clientRef, in: db)
    }

    /// Writes a person's row (state and flag blobs as given, no next check) as the engine does.
    public static func savePerson(clientRef: String, state: Data, flags: Data, in db: Database) throws {
        try CoordinatorStore.savePerson(
            CoordinatorStore.StoredPerson(clientRef: clientRef, state: state, flags: flags, nextCheck: nil),
            in: db)
    }

    /// Stores the next offset to consume per partition.
    public static func storeOffsets(_ offsets: [TopicPartition: Int64], in db: Database) throws {
        try CoordinatorStore.storeOffsets(offsets, in: db)
    }

    /// The stored next offset per partition.
    public static func consumedOffsets(in db: Database) throws -> [TopicPartition: Int64] {
        try CoordinatorStore.consumedOffsets(in: db)
    }

    /// Runs `sql` (an insert with one blob parameter) with `bytes` bound, through the coordinator's
    /// cached-statement binder; returns the number of rows changed.
    @discardableResult
    public static func runBlobStatement(_ sql: String, _ bytes: some ContiguousBytes, in db: Database) throws -> Int {
        let statement = try BoundStatement(sql, in: db)
        try statement.bind(1, bytes)
        return try statement.run()
    }

    // MARK: The engine's fold, without a store

    /// A person folded in memory: state and flag bookkeeping.
    public struct FoldedPerson: Sendable {
        fileprivate var record: PersonRecord
    }

    /// Folds every person's events of the batch in order, rules evaluated after each event, flag
    /// diffs and events and person blobs encoded, spread over the cores exactly as
    /// ``CoordinatorEngine/process(_:)`` does; `people` holds the folded people between batches.
    /// Returns the number of flags raised and resolved.
    public static func fold(
        _ batch: [IncomingEvent], people: inout [ClientRef: FoldedPerson], rules: GapRules,
        now: Date
    ) throws -> (raised: Int, resolved: Int) {
        var work: [PersonWork] = []
        var index: [ClientRef: Int] = [:]
        for item in batch {
            guard let envelope = item.envelope else { continue }
            let ref = envelope.subject
            if let position = index[ref] {
                work[position].events.append(envelope)
                continue
            }
            let record = people.removeValue(forKey: ref)?.record ?? PersonRecord(state: PersonState(clientRef: ref), flags: PersonFlags())
            index[ref] = work.count
            work.append(PersonWork(record: record, events: [envelope]))
        }
        try CoordinatorEngine.foldAll(&work, rules: rules, now: now)
        var counts = (raised: 0, resolved: 0)
        for person in work {
            for changes in person.changes {
                counts.raised += changes.diff.raises.count
                counts.resolved += changes.diff.resolves.count
            }
            people[person.record.state.clientRef] = FoldedPerson(record: person.record)
        }
        return counts
    }
}
