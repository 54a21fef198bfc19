import Foundation
import GRDB
import TrisamBus
import TrisamContracts
import TrisamCoordinatorCore
import TrisamKafka
import TrisamStore

/// The coordinator's own SQLite store (WAL): per-person state, each person's timeline (which is
/// also the record of the events already seen), flags, the flags outbox, the consumed offsets,
/// and the read audit log.
///
/// Everything an event changes is written in one transaction together with the consumed offset
/// of its partition, so a crash at any moment leaves either all of it or none of it.
public final class CoordinatorStore: Sendable {
    /// The underlying pool (one writer, concurrent readers).
    @_spi(Benchmarks) public let pool: DatabasePool

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        // A lock held elsewhere (a checkpoint, a reader opening) is waited out, not an error.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL + NORMAL, checkpoints in the background (StoreTuning).
            try StoreTuning.prepare(db)
            // 32 MB of page cache: the person and timeline B-trees are read and
            // written at random; a small cache turned that into a read per page.
            try db.execute(sql: "PRAGMA cache_size = -32000")
        }
        configuration.maximumReaderCount = 4
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }
}
