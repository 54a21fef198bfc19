import Foundation
import GRDB
import Testing

@testable import TrisamCoordinator

/// The C-API fast path binds exactly what GRDB would: texts (also empty and non-ASCII), blobs,
/// numbers and NULL, and reports SQLite's errors as GRDB's `DatabaseError`.
@Suite("Bound statements")
struct BoundStatementTests {
    private func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL, b BLOB, n INTEGER, d REAL)")
        }
        return queue
    }

    @Test("values bound through the C API read back through GRDB unchanged")
    func roundTrip() throws {
        let queue = try database()
        let cases: [(String, Data, Int64, Double?)] = [
            ("", Data(), 0, nil),
            ("försörjningsstöd – åäö \u{1F600}", Data([0, 1, 2, 255]), Int64.max, -1.5),
            (String(repeating: "x", count: 10_000), Data(repeating: 7, count: 5_000), -3, 1.7e9),
        ]
        try queue.write { db in
            for (text, blob, number, real) in cases {
                let insert = try BoundStatement("INSERT INTO t(k, b, n, d) VALUES (?, ?, ?, ?)", in: db)
                try insert.bind(1, text)
                try insert.bind(2, blob)
                try insert.bind(3, number)
                try insert.bind(4, real)
                #expect(try insert.run() == 1)
            }
        }
        try queue.read { db in
            for (text, blob, number, real) in cases {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM t WHERE k = ?", arguments: [text]))
                #expect(row["k"] as String == text)
                #expect(row["b"] as Data? ?? Data() == blob)
                #expect(row["n"] as Int64 == number)
                #expect(row["d"] as Double? == real)
                // An empty text is bound as '' and an empty blob as an empty value, never as NULL.
                #expect(try Bool.fetchOne(db, sql: "SELECT k IS NULL OR b IS NULL FROM t WHERE k = ?", arguments: [text]) == false)
            }
        }
    }

    @Test("the first row is read by column; no row gives nil")
    func firstRow() throws {
        let queue = try database()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t(k, b) VALUES ('a', x'0102')")
            let select = try BoundStatement("SELECT b, k FROM t WHERE k = ?", in: db)
            try select.bind(1, "a")
            #expect(try select.firstRow { $0.bytes(0) } == [1, 2])
            let missing = try BoundStatement("SELECT b, k FROM t WHERE k = ?", in: db)
            try missing.bind(1, "zz")
            #expect(try missing.firstRow { $0.bytes(0) } == nil)
        }
    }

    @Test("a failing statement throws SQLite's error, and the statement can run again")
    func failure() throws {
        let queue = try database()
        try queue.write { db in
            let insert = { (key: String) throws -> Int in
                let statement = try BoundStatement("INSERT INTO t(k) VALUES (?)", in: db)
                try statement.bind(1, key)
                return try statement.run()
            }
            #expect(try insert("a") == 1)
            let error = try #require(throws: DatabaseError.self) { try insert("a") }
            #expect(error.resultCode == .SQLITE_CONSTRAINT)
            #expect(error.message?.contains("UNIQUE") == true)
            #expect(try insert("b") == 1)
            let ignore = try BoundStatement("INSERT OR IGNORE INTO t(k) VALUES (?)", in: db)
            try ignore.bind(1, "b")
            #expect(try ignore.run() == 0) // ignored: no row changed
        }
    }
}
