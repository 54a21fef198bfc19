import Foundation
import GRDB
import GRDBSQLite

/// A GRDB prepared statement run through SQLite's C API, for the few statements the coordinator
/// runs for every event (timeline insert, person load and store).
///
/// GRDB turns each argument into a `DatabaseValue` inside a `StatementArguments` array before it
/// binds it; for these short statements that cost about as much as SQLite's own work. The
/// statement still comes from GRDB's cache on the same connection and transaction, so only the
/// binding and stepping are done here. Texts and blobs are copied by SQLite when bound.
struct BoundStatement {
    private let handle: OpaquePointer
    private let db: Database

    /// Takes the statement for `sql` from the connection's cache, reset and without bindings.
    init(_ sql: String, in db: Database) throws {
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        self.db = db
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds a text to the 1-based parameter `index`.
    func bind(_ index: Int32, _ text: String) throws {
        var text = text
        try check(
            text.withUTF8 { utf8 in
                let base = UnsafeRawPointer(utf8.baseAddress) ?? Self.empty
                return sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(utf8.count), Self.transient)
            })
    }

    /// Binds a blob (`Data` or `[UInt8]`) to the 1-based parameter `index`.
    func bind(_ index: Int32, _ bytes: some ContiguousBytes) throws {
        try check(
            bytes.withUnsafeBytes { raw in
                sqlite3_bind_blob(handle, index, raw.baseAddress ?? Self.empty, Int32(raw.count), Self.transient)
            })
    }

    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ index: Int32, _ value: Double) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds a number, or NULL when there is none.
    func bind(_ index: Int32, _ value: Double?) throws {
        if let value { try bind(index, value) } else { try check(sqlite3_bind_null(handle, index)) }
    }

    /// Runs the statement to its end (an insert or update); returns the number of rows it changed.
    @discardableResult
    func run() throws -> Int {
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        try finish(code)
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// Steps to the first row and hands it to `read`; nil when the statement gives no row.
    func firstRow<T>(_ read: (Row) throws -> T) throws -> T? {
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE {
            sqlite3_reset(handle)
            return nil
        }
        guard code == SQLITE_ROW else {
            try finish(code)
            return nil
        }
        defer { sqlite3_reset(handle) }
        return try read(Row(handle))
    }

    /// A row the statement stands on, read by 0-based column.
    struct Row {
        fileprivate let handle: OpaquePointer
        fileprivate init(_ handle: OpaquePointer) { self.handle = handle }

        /// The column's bytes (empty for NULL or an empty blob).
        func bytes(_ column: Int32) -> [UInt8] {
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let base = sqlite3_column_blob(handle, column) else { return [] }
            return Array(UnsafeRawBufferPointer(start: base, count: count))
        }
    }

    private func check(_ code: Int32) throws {
        guard code != SQLITE_OK else { return }
        throw error(code)
    }

    private func finish(_ code: Int32) throws {
        guard code != SQLITE_DONE else { return }
        let failure = error(code)
        sqlite3_reset(handle)
        throw failure
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_errmsg(db.sqliteConnection).map { String(cString: $0) }
        return DatabaseError(
            resultCode: ResultCode(rawValue: code), message: message,
            sql: sqlite3_sql(handle).map { String(cString: $0) })
    }

    /// SQLite's SQLITE_TRANSIENT: copy the bound bytes now.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    /// A valid pointer for empty texts and blobs (NULL would bind NULL, not an empty value).
    nonisolated(unsafe) private static let empty = UnsafeRawPointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))
}
