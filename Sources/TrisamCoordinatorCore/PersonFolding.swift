import Dispatch
import Foundation
import Synchronization
import TrisamContracts

/// What one evaluation of a person's rules gave.
public struct Assessment: Sendable {
    /// The flags to raise, update and resolve; nil when nothing changed.
    public var diff: FlagDiff?
    /// The next moment at which the result can change without a new event.
    public var nextCheck: Date?
}

extension PersonRecord {
    /// Pure: evaluates the rules for the person, updates its flag bookkeeping, and says what
    /// changed (with the flag events) and when the result can next change by itself.
    /// - Parameter trigger: ids of the events that caused the evaluation (evidence of a
    ///   resolution); empty when the clock caused it.
    public mutating func assess(rules: GapRules, trigger: [String], now: Date) -> Assessment {
        let evaluation = rules.evaluate(state, now: now)
        let diff = FlagDiff.compute(
            clientRef: state.clientRef, findings: evaluation.findings,
            flags: &flags, trigger: trigger, now: now)
        // A next check that is not in the future would loop; the core promises a future moment.
        let nextCheck = evaluation.nextCheck.flatMap { $0 > now ? $0 : nil }
        return Assessment(diff: diff.isEmpty ? nil : diff, nextCheck: nextCheck)
    }

    /// Pure: folds the person's events in order and evaluates the rules after each (not once
    /// per batch), so that which flags are raised and resolved does not depend on where batch
    /// boundaries fall.
    /// - Returns: every non-empty flag diff, in order, and the next check after the last event
    ///   (nil without events).
    public mutating func fold(_ events: [EventEnvelope], rules: GapRules, now: Date) -> (diffs: [FlagDiff], nextCheck: Date?) {
        var diffs: [FlagDiff] = []
        var nextCheck: Date?
        for envelope in events {
            state.apply(envelope)
            let assessment = assess(rules: rules, trigger: [envelope.id], now: now)
            if let diff = assessment.diff { diffs.append(diff) }
            nextCheck = assessment.nextCheck
        }
        return (diffs, nextCheck)
    }
}

/// Folding the people of a batch.
public enum PersonFolding {
    /// Runs `foldOne` on every person's work, spread over the cores when there are enough people
    /// to be worth it (64 or more). People are independent, so the result is the same as folding
    /// them in order. The first error thrown is rethrown once all have run.
    public static func foldAll<Work: Sendable>(_ people: inout [Work], _ foldOne: @Sendable (inout Work) throws -> Void) throws {
        let workers = people.count >= 64 ? ProcessInfo.processInfo.activeProcessorCount : 1
        if workers <= 1 {
            for index in people.indices { try foldOne(&people[index]) }
            return
        }
        let failure = Mutex<(any Error)?>(nil)
        // More slices than cores: a core that is busy elsewhere (the reader decodes beside us)
        // takes fewer of them instead of holding up the batch.
        let slices = workers * 8
        people.withUnsafeMutableBufferPointer { buffer in
            // Each slice changes its own elements (every `slices`-th one) and nothing else.
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                for index in stride(from: slice, to: buffer.count, by: slices) {
                    do { try foldOne(&buffer[index]) } catch {
                        failure.withLock { $0 = $0 ?? error }
                        return
                    }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
