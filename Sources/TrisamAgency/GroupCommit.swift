import GRDB
import Synchronization

/// Group commit for the service's write transactions.
///
/// Requests that arrive while a write is in progress wait together. The next round runs all of
/// them in one SQLite transaction, with one write-ahead-log append and one commit. Each request
/// keeps all-or-nothing through its own savepoint: a refused request rolls back only its own
/// changes. Every request is answered only after the shared commit, so an accepted change is as
/// durable as with a transaction of its own. Under load this removes most of the per-commit cost
/// (page writes to the log, checkpoints); a request that arrives alone waits for nobody.
final class GroupCommitWriter: Sendable {
    private typealias Outcome = Result<any Sendable, any Error>

    private struct Job: Sendable {
        let body: @Sendable (Database) throws -> any Sendable
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    /// Most requests in one shared transaction; more wait for the next round.
    private let maxBatch: Int

    init(pool: DatabasePool, maxBatch: Int = 256) {
        self.pool = pool
        self.maxBatch = maxBatch
    }

    /// Runs `body` in a write transaction shared with concurrent callers, in a savepoint of its
    /// own, and returns once the shared transaction is committed.
    /// - Throws: what `body` threw (its changes rolled back), or the commit's error.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let startDrain = state.withLock { state in
                state.pending.append(Job(body: { try body($0) }, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain {
                Task { await self.drain() }
            }
        }
        // The job stored `body`'s own result, so the cast cannot fail.
        return try outcome.get() as! T
    }

    /// Runs rounds until no request waits.
    private func drain() async {
        while true {
            let jobs: [Job] = state.withLock { state in
                let taken = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(taken.count)
                if taken.isEmpty { state.draining = false }
                return taken
            }
            if jobs.isEmpty { return }
            let outcomes: [Outcome]
            do {
                outcomes = try await pool.write { db in
                    var outcomes: [Outcome] = []
                    outcomes.reserveCapacity(jobs.count)
                    for job in jobs {
                        var outcome: Outcome = .failure(CancellationError())
                        try db.inSavepoint {
                            do {
                                outcome = .success(try job.body(db))
                                return .commit
                            } catch {
                                outcome = .failure(error)
                                return .rollback
                            }
                        }
                        outcomes.append(outcome)
                    }
                    return outcomes
                }
            } catch {
                // The shared commit failed: nothing of this round is stored.
                outcomes = jobs.map { _ in .failure(error) }
            }
            for (job, outcome) in zip(jobs, outcomes) {
                job.continuation.resume(returning: outcome)
            }
        }
    }
}
