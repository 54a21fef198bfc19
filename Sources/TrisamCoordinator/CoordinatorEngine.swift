import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization
import TrisamContracts
import TrisamCoordinatorCore
import TrisamKafka
import TrisamStore

/// One consumed message handed to the engine: where it came from and, if it decoded, the event.
/// Messages that did not decode have already been dead-lettered; only their offset is stored.
@_spi(Benchmarks) public struct IncomingEvent: Sendable {
    public var partition: TopicPartition
    public var offset: Int64
    public var envelope: EventEnvelope?
    /// The identity of the log the message was read from (``KafkaLogIdentity``), when known.
    public var log: String?

    public init(partition: TopicPartition, offset: Int64, envelope: EventEnvelope?, log: String? = nil) {
        self.partition = partition
        self.offset = offset
        self.envelope = envelope
        self.log = log
    }
}

/// What a batch did.
public struct BatchOutcome: Sendable, Equatable {
    public var applied = 0
    public var duplicates = 0
    public var deadLettered = 0
    /// Messages at offsets already stored (re-delivered after a rebalance or restart).
    public var alreadyStored = 0
    /// Events older than the horizon of the retention window, not folded: their ids may no longer
    /// be kept, so whether they were seen cannot be told (see ``TimelineRetention``).
    public var beyondWindow = 0
    /// Whether the batch began reading a new log (its earlier offsets were dropped).
    public var newLog = false
    public var raised: [String] = []
    public var resolved: [String] = []
    /// Flags set aside or closed as no gap that a change of the person's situation reopened.
    public var reopened = 0
    /// Flags taken by an agency's staff (`flag.take.requested`) and recorded as assigned to them.
    public var agencyTakes = 0
}

/// The heart of the service: folds events into person states, evaluates the gap rules, and
/// stores state, timeline, flag changes, flag events (outbox) and consumed offsets in one
/// transaction per batch. Person states live on disk; a bounded cache keeps recent ones decoded.
///
/// The engine runs on a serial executor of its own (a dispatch queue), so its transactions (a
/// batch of up to 50,000 events, the due checks) never hold one of Swift's cooperative threads.
/// Its methods are synchronous inside the actor: one batch or due check runs to its end before
/// the next begins, so the cache and the stored offsets always match what was committed.
public actor CoordinatorEngine {
    private let executor = SerialQueueExecutor(label: "trisam.coordinator.engine")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let store: CoordinatorStore
    private let rules: GapRules
    private let clock: CoordinatorClock
    private let metrics: CoordinatorMetrics
    private let logger: Logger
    private var cache: PersonCache
    /// Next offset to process per partition, as stored.
    private var stored: [TopicPartition: Int64]
    /// The log those offsets belong to, as stored (`nil`: not known).
    private var log: String?
    /// Number of the latest timeline entry, as stored.
    private var timelineSequence: Int64
    /// Called after every commit that put something in the outbox.
    private let outboxChanged: @Sendable () -> Void

    @_spi(Benchmarks) public init(
        store: CoordinatorStore, rules: GapRules, clock: CoordinatorClock, metrics: CoordinatorMetrics,
        cacheCapacity: Int = 10_000, logger: Logger = Logger(label: "trisam.coordinator"),
        outboxChanged: @escaping @Sendable () -> Void = {}
    ) throws {
        self.store = store
        self.rules = rules
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.cache = PersonCache(capacity: cacheCapacity)
        self.stored = try store.consumedOffsets()
        self.log = try store.logIdentity()
        self.timelineSequence = try store.pool.read(CoordinatorStore.timelineSequence(in:))
        self.outboxChanged = outboxChanged
        metrics.setOpenFlags(try store.openFlagCounts())
    }

    /// The stored next offsets (what a restart resumes from).
    public var storedOffsets: [TopicPartition: Int64] { stored }

    /// Processes a batch of consumed messages in one transaction, in three steps: record each new
    /// event in its person's timeline (which tells duplicates) and load the people concerned;
    /// fold each person's events and evaluate the rules after every event (pure, spread over the
    /// cores when many people are concerned); store flags, flag events, people and offsets.
    @discardableResult
    @_spi(Benchmarks) public func process(_ batch: [IncomingEvent]) throws -> BatchOutcome {
        let started = ContinuousClock.now
        let now = clock.now()
        let rules = self.rules
        var outcome = BatchOutcome()
        var offsets: [TopicPartition: Int64] = [:]
        var people: [PersonWork] = []
        var sequence = timelineSequence
        var log = self.log
        var stored = self.stored

        try store.pool.write { db in
            var index: [ClientRef: Int] = [:]
            // Read in the batch's transaction: pruning stores the horizon before it deletes.
            let horizon = try CoordinatorStore.duplicateHorizon(in: db)
            for item in batch {
                if let itemLog = item.log, itemLog != log {
                    // Read from a new log (the broker restarted empty): the stored offsets are
                    // positions in the old one. From here on only the new log's offsets count;
                    // events seen before are still told by their ids.
                    if log != nil {
                        logger.warning("the log is new: offsets of the earlier log no longer apply", metadata: ["log": "\(itemLog)"])
                    }
                    try CoordinatorStore.adoptLog(itemLog, in: db)
                    log = itemLog
                    stored = [:]
                    offsets = [:]
                    outcome.newLog = true
                }
                let next = offsets[item.partition] ?? stored[item.partition] ?? 0
                if item.offset < next {
                    outcome.alreadyStored += 1
                    continue
                }
                offsets[item.partition] = item.offset + 1
                guard let envelope = item.envelope else {
                    outcome.deadLettered += 1
                    continue
                }
                if case .flagTakeRequested(let take) = envelope.event {
                    // An agency's staff take a flag that names the agency: recorded once (the
                    // timeline tells a redelivery), as the flag assigned to them at the agency.
                    guard try CoordinatorStore.appendTimeline(envelope, seq: sequence + 1, in: db) else {
                        outcome.duplicates += 1
                        continue
                    }
                    sequence += 1
                    outcome.applied += 1
                    if try CoordinatorStore.recordAgencyTake(take, from: envelope, now: now, in: db, logger: logger) {
                        outcome.agencyTakes += 1
                    }
                    continue
                }
                if envelope.source == .coordinator || envelope.type.rawValue.hasPrefix("flag.") {
                    outcome.duplicates += 1 // not an agency fact; nothing to fold
                    continue
                }
                if let horizon, envelope.time < horizon {
                    outcome.beyondWindow += 1
                    continue
                }
                // The timeline entry doubles as the record that the event was seen.
                guard try CoordinatorStore.appendTimeline(envelope, seq: sequence + 1, in: db) else {
                    outcome.duplicates += 1
                    continue
                }
                sequence += 1
                outcome.applied += 1
                let ref = envelope.subject
                if let position = index[ref] {
                    people[position].events.append(envelope)
                } else {
                    // Taken out of the cache, so that folding changes the only copy in place; a
                    // stored person is decoded with the folding, off this thread.
                    var work = PersonWork(
                        record: PersonRecord(state: PersonState(clientRef: ref), flags: PersonFlags()),
                        events: [envelope])
                    if let cached = cache.take(ref) {
                        work.record = cached
                    } else {
                        work.undecoded = try CoordinatorStore.loadStoredPerson(ref, in: db)
                        work.isNew = work.undecoded == nil
                    }
                    index[ref] = people.count
                    people.append(work)
                }
            }
            try Self.foldAll(&people, rules: rules, now: now)
            var overview: [String: Int] = [:]
            for person in people { OverviewTally.add(person.overviewDelta, to: &overview) }
            try CoordinatorStore.addToOverview(overview, in: db)
            for person in people {
                if let calendar = person.calendar {
                    try CoordinatorStore.replaceCalendar(of: person.record.state.clientRef, with: calendar, in: db)
                }
                for changes in person.changes {
                    try store(changes, of: person.record.state.clientRef, now: now, outcome: &outcome, in: db)
                }
                try CoordinatorStore.savePerson(person.stored!, in: db)
                if !person.consent.isEmpty {
                    try CoordinatorStore.eraseWithoutConsent(person.record.state.clientRef, person.consent, in: db)
                }
            }
            if sequence != timelineSequence { try CoordinatorStore.storeTimelineSequence(sequence, in: db) }
            try CoordinatorStore.storeOffsets(offsets, in: db)
        }
        timelineSequence = sequence
        for person in people { cache[person.record.state.clientRef] = person.record }
        if outcome.beyondWindow > 0 {
            logger.warning(
                "events older than the retention window were not folded",
                metadata: ["events": "\(outcome.beyondWindow)"])
        }
        self.log = log
        self.stored = stored
        for (partition, offset) in offsets { self.stored[partition] = offset }
        finish(outcome, started: started)
        return outcome
    }

    /// Folds every person's events (``PersonFolding/foldAll(_:_:)``): decodes a person read from
    /// the store, folds, encodes the flag events for the outbox and the person for the store, all
    /// off the writing thread and spread over the cores.
    static func foldAll(_ people: inout [PersonWork], rules: GapRules, now: Date) throws {
        try PersonFolding.foldAll(&people) { person in
            if let stored = person.undecoded {
                person.record = try stored.decoded()
                person.undecoded = nil
            }
            let before = person.isNew ? OverviewTally() : OverviewTally(person.record.state)
            let calendarBefore = person.isNew ? [] : CalendarEntry.entries(of: person.record.state)
            let folded = person.record.fold(person.events, rules: rules, now: now)
            person.overviewDelta = OverviewTally(person.record.state).delta(from: before)
            let calendarAfter = CalendarEntry.entries(of: person.record.state)
            if calendarAfter != calendarBefore { person.calendar = calendarAfter }
            for diff in folded.diffs { person.changes.append(try FlagChanges(diff)) }
            person.consent = folded.consent
            if !person.events.isEmpty { person.nextCheck = folded.nextCheck }
            person.stored = CoordinatorStore.StoredPerson(person.record, nextCheck: person.nextCheck)
        }
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
                    let assessment = record.assess(rules: rules, trigger: [], now: now)
                    if let diff = assessment.diff { try store(try FlagChanges(diff), of: ref, now: now, outcome: &outcome, in: db) }
                    try CoordinatorStore.savePerson(record, nextCheck: assessment.nextCheck, in: db)
                    if !assessment.consentEnded.isEmpty {
                        var effects = ConsentEffects()
                        effects.ended = assessment.consentEnded
                        try CoordinatorStore.eraseWithoutConsent(ref, effects, in: db)
                    }
                    updated.append((ref, record))
                }
                return due.count
            }
            for (ref, record) in updated { cache[ref] = record }
            if !outcome.raised.isEmpty || !outcome.resolved.isEmpty || outcome.reopened > 0 {
                finish(outcome, started: started, countEvents: false)
            }
            total.raised += outcome.raised
            total.resolved += outcome.resolved
            total.reopened += outcome.reopened
            if count < batchSize { return total }
        }
    }

    /// Stores what an evaluation changed: flag rows and the flag events in the outbox.
    private func store(_ changes: FlagChanges, of clientRef: ClientRef, now: Date, outcome: inout BatchOutcome, in db: Database) throws {
        // Before the rows change: what was stored is what "changed" is measured against.
        outcome.reopened += try CoordinatorStore.reopenOnChange(clientRef, diff: changes.diff, now: now, in: db)
        for raise in changes.diff.raises {
            try CoordinatorStore.insertFlag(
                FlagRow(
                    flagId: raise.flagId, clientRef: raise.clientRef.rawValue,
                    finding: raise.finding, raisedAt: now), in: db)
            outcome.raised.append(raise.finding.rule)
        }
        for update in changes.diff.updates {
            try CoordinatorStore.updateOpenFlag(update.flagId, finding: update.finding, in: db)
        }
        for resolve in changes.diff.resolves {
            try CoordinatorStore.resolveFlag(
                resolve.flagId, at: now, resolution: resolve.resolution,
                evidence: resolve.evidence, in: db)
            outcome.resolved.append(resolve.rule)
        }
        try CoordinatorStore.enqueue(changes.outbox, in: db)
    }

    private func finish(_ outcome: BatchOutcome, started: ContinuousClock.Instant, countEvents: Bool = true) {
        if countEvents {
            metrics.recordBatch(
                applied: outcome.applied, duplicates: outcome.duplicates,
                deadLettered: outcome.deadLettered, skipped: outcome.alreadyStored,
                beyondWindow: outcome.beyondWindow, duration: ContinuousClock.now - started)
        }
        if !outcome.raised.isEmpty || !outcome.resolved.isEmpty {
            metrics.flagsChanged(raised: outcome.raised, resolved: outcome.resolved)
        }
        if !outcome.raised.isEmpty || !outcome.resolved.isEmpty || outcome.reopened > 0 || outcome.agencyTakes > 0 { outboxChanged() }
    }

    /// Records a coordinator's action on a flag (``CoordinatorStore/recordWork(flagId:action:actor:path:now:in:)``):
    /// the flag's row, its history, the audit log and the event in the flags outbox, in one
    /// transaction, then wakes the flag publisher.
    public func work(flagId: String, action: FlagAction, actor: String, path: String) throws -> (flag: FlagRow, event: EventEnvelope) {
        let now = clock.now()
        let result = try store.pool.write { db in
            try CoordinatorStore.recordWork(flagId: flagId, action: action, actor: actor, path: path, now: now, in: db)
        }
        outboxChanged()
        return result
    }
}

/// One person's part of a batch: the events to fold, in order, and what folding them gave.
struct PersonWork: Sendable {
    /// The record (once `undecoded` is decoded into it, when folding begins).
    var record: PersonRecord
    /// The person as stored, when read from the store and not yet decoded.
    var undecoded: CoordinatorStore.StoredBytes?
    var events: [EventEnvelope]
    var changes: [FlagChanges] = []
    /// What the store must erase under the consent rules.
    var consent = ConsentEffects()
    var nextCheck: Date?
    /// The person encoded for the store, once folded.
    var stored: CoordinatorStore.StoredPerson?
    /// Whether the person was not stored before this batch.
    var isNew = false
    /// How folding changed the person's part of the overview's sums (``OverviewTally``).
    var overviewDelta: [String: Int] = [:]
    /// The person's SIP calendar items after folding, when folding changed them.
    var calendar: [CalendarEntry]?
}

/// What one evaluation changed, ready to store: the flag rows to write and the flag events,
/// already encoded, for the outbox (raises first, then resolutions).
struct FlagChanges: Sendable {
    var diff: FlagDiff
    var outbox: [CoordinatorStore.OutboxEntry]

    /// Encodes the diff's flag events for the outbox.
    init(_ diff: FlagDiff) throws {
        self.diff = diff
        outbox = []
        for raise in diff.raises { outbox += try CoordinatorStore.outboxEntries(for: raise.event) }
        for resolve in diff.resolves { outbox += try CoordinatorStore.outboxEntries(for: resolve.event) }
    }
}
