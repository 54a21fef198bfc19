import Dispatch

/// A serial executor backed by a dispatch queue of its own. An actor that runs on it
/// (`nonisolated var unownedExecutor`) executes its synchronous work, long SQLite
/// transactions included, on that queue's thread instead of on one of Swift's cooperative
/// threads, which stay free for the rest of the process; callers simply `await` the actor.
public final class SerialQueueExecutor: SerialExecutor, Sendable {
    private let queue: DispatchQueue

    /// A new executor whose queue carries `label` (shown in debuggers and profiles).
    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
