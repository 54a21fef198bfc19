import Foundation
import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamCoordinatorCore

/// The engine's pure work for a batch, with no store: every person's events folded in order, the
/// rules evaluated after each event, flag diffs, flag events and person blobs encoded, spread over
/// the cores exactly as `CoordinatorEngine.process(_:)` does; people are kept in memory between
/// batches. `trisam-bench engine --pure` runs it on the same events as the engine, so that beside
/// `StoreFloor` it shows what the coordinator costs with the store taken away.
public struct PureFold: Sendable {
    private let rules: GapRules
    private var people: [ClientRef: BenchmarkHooks.FoldedPerson] = [:]

    public init(rules: GapRules) {
        self.rules = rules
    }

    /// Folds the batch at `now`; returns the number of flags raised and resolved.
    @discardableResult
    @_spi(Benchmarks) public mutating func process(_ batch: [IncomingEvent], now: Date) throws -> (raised: Int, resolved: Int) {
        try BenchmarkHooks.fold(batch, people: &people, rules: rules, now: now)
    }

    /// People folded so far.
    public var count: Int { people.count }
}
