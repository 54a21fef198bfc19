import Foundation
import GRDB
import Logging
import Testing

@testable import TrisamStore

/// Checkpoints happen in the background, not inside commits.
@Suite("Checkpoint") struct CheckpointTests {
    @Test("commits leave the log alone; the checkpointer moves it into the database file")
    func backgroundCheckpoint() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        var configuration = Configuration()
        configuration.prepareDatabase(StoreTuning.prepare)
        let pool = try DatabasePool(path: path, configuration: configuration)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE item (n INTEGER NOT NULL, text TEXT NOT NULL)") }
        let filler = String(repeating: "x", count: 2000)
        // Far more than SQLite's automatic threshold of 1,000 pages, one commit each.
        for index in 0..<1500 {
            try await pool.write { db in try db.execute(sql: "INSERT INTO item VALUES (?, ?)", arguments: [index, filler]) }
        }
        func fileSize(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
        let databaseBefore = try fileSize(path)
        #expect(try fileSize(path + "-wal") > 1500 * 2000, "every commit stays in the log")
        #expect(databaseBefore < 100_000, "no commit checkpointed on its own (database file \(databaseBefore) bytes)")

        let checkpointer = WALCheckpointer(path: path, logger: Logger(label: "test"))
        let connection = try DatabaseQueue(path: path)
        let logPages = await checkpointer.checkpoint(connection)
        #expect((logPages ?? 0) > 1000)
        #expect(try fileSize(path) > 1500 * 2000, "the rows are in the database file now")
        // Everything in the log is checkpointed: a second pass finds nothing left to move.
        let counts = try await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        #expect(counts.walFrameCount == counts.checkpointedFrameCount)
        let rows = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") }
        #expect(rows == 1500)
    }
}
