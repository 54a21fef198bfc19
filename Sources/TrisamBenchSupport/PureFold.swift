import Foundation
import TrisamContracts
import TrisamCoordinatorCore

/// The engine's pure work for a batch, with no store: every person's events folded in order, the
/// rules evaluated after each event, flag diffs, flag events and person blobs encoded, spread over
/// the cores exactly as ``CoordinatorEngine/process(_:)`` does; people are kept in memory between
/// batches. `trisam bench engine --pure` runs it on the same events as the engine, so that beside
/// ``StoreFloor`` it shows what the coordinator costs with the store taken away.
public struct PureFold: Sendable {
    private let rules: GapRules
    private var people: [ClientRef: PersonRecord] = [:]

    public init(rules: GapRules) {
        self.rules = rules
    }

    /// Folds the batch at `now`; returns the number of flags raised and resolved.
    @discardableResult
    public mutating func process(_ batch: [IncomingEvent], now: Date) throws -> (raised: Int, resolved: Int) {
        var work: [PersonWork] = []
        var index: [ClientRef: Int] = [:]
        for item in batch {
            guard let envelope = item.envelope else { continue }
            let ref = envelope.subject
            if let position = index[ref] {
                work[position].events.append(envelope)
                continue
            }
            let record = people.removeValue(forKey: ref) ?? PersonRecord(state: PersonState(clientRef: ref), flags: PersonFlags())
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
            people[person.record.state.clientRef] = person.record
        }
        return counts
    }

    /// People folded so far.
    public var count: Int { people.count }
}
