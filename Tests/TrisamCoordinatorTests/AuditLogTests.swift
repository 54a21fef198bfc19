import Foundation
import Testing
import TrisamContracts
import TrisamCoordinator
import TrisamTestSupport

/// The coordinator's audit log read back in pages (the store query behind `GET /audit`).
@Suite("Coordinator audit log")
struct AuditLogTests {
    @Test("reads come back newest first, paged by cursor, and filtered by person")
    func pages() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let anna = ClientRef(rawValue: String(repeating: "a1", count: 16))!
        let bo = ClientRef(rawValue: String(repeating: "b2", count: 16))!
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<5 {
            let ref = index.isMultiple(of: 2) ? anna : bo
            _ = try store.readPerson(
                ref, reader: "Läsare \(index)", path: "/persons/\(ref.rawValue)", at: start.addingTimeInterval(Double(index)))
        }

        let first = try store.auditPage(limit: 2)
        #expect(first.entries.map(\.reader) == ["Läsare 4", "Läsare 3"])
        #expect(first.entries.first?.time == start.addingTimeInterval(4))
        let cursor = try #require(first.nextCursor.flatMap { Int64($0) })
        let second = try store.auditPage(limit: 2, cursor: cursor)
        #expect(second.entries.map(\.reader) == ["Läsare 2", "Läsare 1"])
        let last = try store.auditPage(limit: 2, cursor: Int64(second.nextCursor ?? "") ?? -1)
        #expect(last.entries.map(\.reader) == ["Läsare 0"] && last.nextCursor == nil)

        let onlyAnna = try store.auditPage(limit: 10, clientRef: anna)
        #expect(onlyAnna.entries.map(\.reader) == ["Läsare 4", "Läsare 2", "Läsare 0"])
        #expect(onlyAnna.entries.allSatisfy { $0.clientRef == anna.rawValue && $0.path == "/persons/\(anna.rawValue)" })
        #expect(onlyAnna.nextCursor == nil)
    }
}
