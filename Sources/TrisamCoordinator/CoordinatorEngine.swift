import Foundation
import GRDB
import Logging
import TrisamContracts
import TrisamCoordinatorCore
import TrisamKafka

/// One consumed message handed to the engine: where it came from and, if it decoded, the event.
/// Messages that did not decode have already been dead-lettered; only their offset is stored.
public struct IncomingEvent: Sendable {
    public var partition: TopicPartition
    public var offset: Int64
    public var envelope: EventEnvelope?

    public init(partition: TopicPartition, offset: Int64, envelope: EventEnvelope?) {
        self.partition = partition
        self.offset = offset
        self.envelope = envelope
    }
}

/// What a batch did.
public struct BatchOutcome: Sendable, Equatable {
    public var applied = 0
    public var duplicates = 0
    public var deadLettered = 0
    /// Messages at offsets already stored (re-delivered after a rebalance or restart).
    public var alreadyStored = 0
    public var raised: [String] = []
    public var resolved: [String] = []
}

/// The heart of the service: folds events into person states, evaluates the gap rules, and
/// stores state, timeline, flag changes, flag events (outbox) and consumed offsets in one
/// transaction per batch. Person states live on disk; a bounded cache keeps recent ones decoded.
public actor CoordinatorEngine {
    private let store: CoordinatorStore
    private let rules: GapRules
    private let clock: CoordinatorClock
    private let metrics: CoordinatorMetrics
    private let logger: Logger
    private var cache: PersonCache
    /// Next offset to process per partition, as stored.
    private var stored: [TopicPartition: Int64]
    /// Number of the latest timeline entry, as stored.
    private var timelineSequence: Int64
    /// Called after every commit that put something in the outbox.
    private let outboxChanged: @Sendable () -> Void

    public init(store: CoordinatorStore, rules: GapRules, clock: CoordinatorClock, metrics: CoordinatorMetrics,
                cacheCapacity: Int = 10_000, logger: Logger = Logger(label: "trisam.coordinator"),
                outboxChanged: @escaping @Sendable () -> Void = {}) throws {
        self.store = store
        self.rules = rules
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.cache = PersonCache(capacity: cacheCapacity)
        self.stored = try store.consumedOffsets()
        self.timelineSequence = try store.pool.read(CoordinatorStore.timelineSequence(in:))
        self.outboxChanged = outboxChanged
        metrics.setOpenFlags(try store.openFlagCounts())
    }

    /// The stored next offsets (what a restart resumes from).
    public var storedOffsets: [TopicPartition: Int64] { stored }

    /// Processes a batch of consumed messages in one transaction.
    @discardableResult
    public func process(_ batch: [IncomingEvent]) throws -> BatchOutcome {
        let started = ContinuousClock.now
        let now = clock.now()
        var outcome = BatchOutcome()
        var offsets: [TopicPartition: Int64] = [:]
        var touched: [ClientRef: TouchedPerson] = [:]
        var order: [ClientRef] = []
        var sequence = timelineSequence

        try store.pool.write { db in
            for item in batch {
                let next = offsets[item.partition] ?? stored[item.partition] ?? 0
                if item.offset < next { outcome.alreadyStored += 1; continue }
                offsets[item.partition] = item.offset + 1
                guard let envelope = item.envelope else { outcome.deadLettered += 1; continue }
                if envelope.source == .coordinator || envelope.type == .flagRaised || envelope.type == .flagResolved {
                    outcome.duplicates += 1 // not an agency fact; nothing to fold
                    continue
                }
                // The timeline entry doubles as the record that the event was seen.
                guard try CoordinatorStore.appendTimeline(envelope, seq: sequence + 1, in: db) else {
                    outcome.duplicates += 1
                    continue
                }
                sequence += 1
                let ref = envelope.subject
                if touched[ref] == nil {
                    // Taken out of the cache, so that folding changes the only copy in place.
                    let record = try cache.take(ref) ?? CoordinatorStore.loadPerson(ref, in: db)
                        ?? PersonRecord(state: PersonState(clientRef: ref), flags: PersonFlags())
                    touched[ref] = TouchedPerson(record: record)
                    order.append(ref)
                }
                try fold(envelope, into: &touched[ref]!, now: now, outcome: &outcome, in: db)
                outcome.applied += 1
            }
            for ref in order {
                let entry = touched[ref]!
                try CoordinatorStore.savePerson(entry.record, nextCheck: entry.nextCheck, in: db)
            }
            if sequence != timelineSequence { try CoordinatorStore.storeTimelineSequence(sequence, in: db) }
            try CoordinatorStore.storeOffsets(offsets, in: db)
        }
        timelineSequence = sequence
        for ref in order { cache[ref] = touched.removeValue(forKey: ref)!.record }
        for (partition, offset) in offsets { stored[partition] = offset }
        finish(outcome, started: started)
        return outcome
    }

    /// Folds one event into a person and evaluates the rules. Rules run after every event (not
    /// once per batch), so that which flags are raised and resolved does not depend on where
    /// batch boundaries fall.
    private func fold(_ envelope: EventEnvelope, into person: inout TouchedPerson, now: Date,
                      outcome: inout BatchOutcome, in db: Database) throws {
        person.record.state.apply(envelope)
        person.nextCheck = try evaluate(&person.record, trigger: [envelope.id], now: now, outcome: &outcome, in: db)
    }

    /// Re-evaluates every person whose time-dependent rules are due at the clock's current time.
    /// Returns the flag changes.
    @discardableResult
    public func runDueChecks(batchSize: Int = 500) throws -> BatchOutcome {
        var total = BatchOutcome()
        while true {
            let now = clock.now()
            let started = ContinuousClock.now
            var outcome = BatchOutcome()
            var updated: [(ClientRef, PersonRecord)] = []
            let count = try store.pool.write { db -> Int in
                let due = try CoordinatorStore.duePersons(at: now, limit: batchSize, in: db)
                for ref in due {
                    guard var record = try cache[ref] ?? CoordinatorStore.loadPerson(ref, in: db) else { continue }
                    let nextCheck = try evaluate(&record, trigger: [], now: now, outcome: &outcome, in: db)
                    try CoordinatorStore.savePerson(record, nextCheck: nextCheck, in: db)
                    updated.append((ref, record))
                }
                return due.count
            }
            for (ref, record) in updated { cache[ref] = record }
            if !outcome.raised.isEmpty || !outcome.resolved.isEmpty { finish(outcome, started: started, countEvents: false) }
            total.raised += outcome.raised
            total.resolved += outcome.resolved
            if count < batchSize { return total }
        }
    }

    /// Evaluates the rules for one person, stores the flag changes and flag events, and returns
    /// the next time the result can change by itself (the caller stores the person).
    private func evaluate(_ record: inout PersonRecord, trigger: [String], now: Date, outcome: inout BatchOutcome,
                          in db: Database) throws -> Date? {
        let evaluation = rules.evaluate(record.state, now: now)
        let ref = record.state.clientRef
        let diff = FlagDiff.compute(clientRef: ref, findings: evaluation.findings, flags: &record.flags,
                                    trigger: trigger, now: now)
        for raise in diff.raises {
            try CoordinatorStore.insertFlag(raise.flag, in: db)
            try CoordinatorStore.enqueue(raise.event, in: db)
            outcome.raised.append(raise.flag.rule)
        }
        for update in diff.updates {
            try CoordinatorStore.updateOpenFlag(update.flagId, finding: update.finding, in: db)
        }
        for resolve in diff.resolves {
            try CoordinatorStore.resolveFlag(resolve.flagId, at: now, resolution: resolve.resolution,
                                             evidence: resolve.evidence, in: db)
            try CoordinatorStore.enqueue(resolve.event, in: db)
            outcome.resolved.append(resolve.rule)
        }
        // A next check that is not in the future would loop; the core promises a future moment.
        return evaluation.nextCheck.flatMap { $0 > now ? $0 : nil }
    }

    private func finish(_ outcome: BatchOutcome, started: ContinuousClock.Instant, countEvents: Bool = true) {
        if countEvents {
            metrics.recordBatch(applied: outcome.applied, duplicates: outcome.duplicates,
                                deadLettered: outcome.deadLettered, skipped: outcome.alreadyStored,
                                duration: ContinuousClock.now - started)
        }
        if !outcome.raised.isEmpty || !outcome.resolved.isEmpty {
            metrics.flagsChanged(raised: outcome.raised, resolved: outcome.resolved)
            outboxChanged()
        }
    }
}

/// A person folded in the current batch, with the next time its rules must be looked at again.
private struct TouchedPerson {
    var record: PersonRecord
    var nextCheck: Date?
}

/// A bounded map of decoded person records, in two generations: new and looked-up records go
/// to the young one; when it holds half the capacity, the old generation is dropped and the young
/// one becomes old. Recently used records survive, memory stays bounded, and each step costs
/// constant time. (Dropping an arbitrary half of one dictionary instead leaves its hash table
/// with long runs of occupied buckets, which made lookups slow.)
struct PersonCache {
    let capacity: Int
    private var young: [ClientRef: PersonRecord] = [:]
    private var old: [ClientRef: PersonRecord] = [:]

    init(capacity: Int) { self.capacity = max(0, capacity) }

    subscript(ref: ClientRef) -> PersonRecord? {
        mutating get {
            if let record = young[ref] { return record }
            guard let record = old.removeValue(forKey: ref) else { return nil }
            insert(record, for: ref)
            return record
        }
        set {
            guard capacity > 0 else { return }
            guard let newValue else {
                young.removeValue(forKey: ref)
                old.removeValue(forKey: ref)
                return
            }
            if young[ref] == nil { old.removeValue(forKey: ref) }
            insert(newValue, for: ref)
        }
    }

    /// Removes and returns the record (the caller then holds the only copy).
    mutating func take(_ ref: ClientRef) -> PersonRecord? {
        young.removeValue(forKey: ref) ?? old.removeValue(forKey: ref)
    }

    private mutating func insert(_ record: PersonRecord, for ref: ClientRef) {
        if young[ref] == nil, young.count >= max(1, capacity / 2) {
            old = young
            young = [:]
            young.reserveCapacity(max(1, capacity / 2))
        }
        young[ref] = record
    }

    var count: Int { young.count + old.count }
}
