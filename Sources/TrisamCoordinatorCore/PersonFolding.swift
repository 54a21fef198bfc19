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
    /// Samordning consent that ended by `now` (its agencies' facts were erased before the rules ran).
    public var consentEnded: [ConsentEnd] = []
}

/// What folding a person's events did under the consent rules, for the store to follow: the
/// events not folded, and the ends whose agencies' facts were erased.
public struct ConsentEffects: Sendable, Equatable {
    /// Ids of events not folded (from agencies without consent); the store keeps no trace of them.
    public var dropped: [String] = []
    /// Ends of samordning consent recorded during the fold.
    public var ended: [ConsentEnd] = []

    public init() {}

    /// Whether the store has nothing to erase.
    public var isEmpty: Bool { dropped.isEmpty && ended.isEmpty }
}

extension PersonRecord {
    /// Pure: applies the consent rules on `now`'s day (a samordning consent that has ended erases
    /// its agencies' facts), evaluates the rules for the person, updates its flag bookkeeping,
    /// and says what changed (with the flag events) and when the result can next change by
    /// itself. Flags resolved because consent ended carry the resolution ``ConsentEnd/resolution(_:)``.
    /// - Parameters:
    ///   - trigger: ids of the events that caused the evaluation (evidence of a resolution);
    ///     empty when the clock caused it.
    ///   - consentEnded: ends already recorded by the event that triggered the evaluation.
    public mutating func assess(rules: GapRules, trigger: [String], now: Date, consentEnded: [ConsentEnd] = []) -> Assessment {
        let ended = consentEnded + state.enforceConsent(on: StockholmTime.date(of: now))
        let evaluation = rules.evaluate(state, now: now)
        let diff = FlagDiff.compute(
            clientRef: state.clientRef, findings: evaluation.findings,
            flags: &flags, trigger: trigger, now: now, resolution: ended.isEmpty ? nil : ConsentEnd.resolution(ended))
        // A next check that is not in the future would loop; the core promises a future moment.
        let nextCheck = evaluation.nextCheck.flatMap { $0 > now ? $0 : nil }
        return Assessment(diff: diff.isEmpty ? nil : diff, nextCheck: nextCheck, consentEnded: ended)
    }

    /// Pure: folds the person's events in order and evaluates the rules after each (not once
    /// per batch), so that which flags are raised and resolved does not depend on where batch
    /// boundaries fall.
    /// Consent is judged on `now`'s day (``PersonState/apply(_:today:)``).
    /// - Returns: every non-empty flag diff, in order, the next check after the last event (nil
    ///   without events), and what the store must erase under the consent rules.
    public mutating func fold(
        _ events: [EventEnvelope], rules: GapRules, now: Date
    ) -> (diffs: [FlagDiff], nextCheck: Date?, consent: ConsentEffects) {
        var diffs: [FlagDiff] = []
        var nextCheck: Date?
        var consent = ConsentEffects()
        let today = StockholmTime.date(of: now)
        for envelope in events {
            let outcome = state.apply(envelope, today: today)
            if outcome.dropped { consent.dropped.append(envelope.id) }
            let assessment = assess(rules: rules, trigger: [envelope.id], now: now, consentEnded: outcome.ended)
            consent.ended += assessment.consentEnded
            if let diff = assessment.diff { diffs.append(diff) }
            nextCheck = assessment.nextCheck
        }
        return (diffs, nextCheck, consent)
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
