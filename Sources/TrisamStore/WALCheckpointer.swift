import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// SQLite settings shared by the services' stores.
public enum StoreTuning {
    /// Applies the settings every connection of a store's pool needs:
    /// - WAL with `synchronous=NORMAL`: a commit survives a process crash (kill -9); only a power
    ///   loss may lose the newest commits.
    /// - No automatic checkpoint: it would run inside whichever commit crosses the threshold,
    ///   copying pages and syncing files while every other request waits for the writer.
    ///   ``WALCheckpointer`` checkpoints on a connection of its own instead.
    public static func prepare(_ db: Database) throws {
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
    }
}

/// Moves the write-ahead log into the database file in the background.
///
/// Runs passive checkpoints on a connection of its own. A passive checkpoint never takes the
/// write lock, so requests keep committing while pages are copied and files are synced. Without
/// it the log would grow for ever, because the pool's connections do not checkpoint
/// (``StoreTuning/prepare(_:)``). SQLite starts the log afresh at the first commit after a
/// checkpoint has moved all of it, so its size stays bounded by what is written between two
/// rounds (plus what long readers hold back).
public struct WALCheckpointer: Service {
    let path: String
    let interval: Duration
    let logger: Logger

    public init(path: String, interval: Duration = .milliseconds(500), logger: Logger) {
        self.path = path
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        configuration.label = "wal-checkpointer"
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        // Runs until graceful shutdown; a last checkpoint leaves a short log behind.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { break }
            await checkpoint(connection)
        }
        // GRDB refuses (or interrupts) an access in a cancelled task, so the last checkpoint runs
        // in a task of its own.
        let checkpointer = self
        await Task.detached { await checkpointer.checkpoint(connection) }.value
    }

    /// One passive checkpoint; returns the log's size in pages, or nil if it did not run.
    @discardableResult
    func checkpoint(_ connection: DatabaseQueue) async -> Int? {
        do {
            return try await connection.writeWithoutTransaction { db in
                try db.checkpoint(.passive).walFrameCount
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            // Another checkpoint held the lock; the next round tries again.
            return nil
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT && Task.isCancelled {
            return nil // stopping while a round ran; the last one runs in a task of its own
        } catch is CancellationError {
            return nil // the same, before the round began
        } catch {
            logger.warning("WAL checkpoint failed: \(error)")
            return nil
        }
    }
}
