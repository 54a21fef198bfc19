import Foundation
import GRDB
import Testing

@testable import TrisamAgency

/// Group commit: concurrent writers share transactions, yet each stays all-or-nothing.
@Suite("Group commit") struct GroupCommitTests {
    struct Refused: Error, Equatable { let index: Int }

    @Test("concurrent writes commit together; a refused one rolls back only its own rows")
    func refusalIsolated() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("groupcommit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try DatabasePool(path: directory.appendingPathComponent("t.sqlite").path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE item (n INTEGER NOT NULL)") }
        let writer = GroupCommitWriter(pool: pool, maxBatch: 16)

        // 200 concurrent writers, each inserting two rows; every seventh throws after its first insert.
        let outcomes = await withTaskGroup(of: (Int, Result<Int64, Refused>).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        let id = try await writer.write { db -> Int64 in
                            try db.execute(sql: "INSERT INTO item (n) VALUES (?)", arguments: [index])
                            if index % 7 == 0 { throw Refused(index: index) }
                            try db.execute(sql: "INSERT INTO item (n) VALUES (?)", arguments: [index])
                            return db.lastInsertedRowID
                        }
                        return (index, .success(id))
                    } catch let refused as Refused {
                        return (index, .failure(refused))
                    } catch {
                        Issue.record("unexpected error \(error)")
                        return (index, .failure(Refused(index: -1)))
                    }
                }
            }
            var all: [Int: Result<Int64, Refused>] = [:]
            for await (index, outcome) in group { all[index] = outcome }
            return all
        }

        #expect(outcomes.count == 200)
        for (index, outcome) in outcomes {
            if index % 7 == 0 {
                #expect(outcome == .failure(Refused(index: index)), "writer \(index) should see its own refusal")
            } else {
                #expect((try? outcome.get()) != nil, "writer \(index) should have committed")
            }
        }
        let counts = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT n, COUNT(*) AS c FROM item GROUP BY n").map { (row: Row) -> (Int, Int) in (row["n"], row["c"])
            }
        }
        let byIndex = Dictionary(uniqueKeysWithValues: counts)
        for index in 0..<200 {
            #expect(byIndex[index] == (index % 7 == 0 ? nil : 2), "rows of writer \(index)")
        }
    }
}
