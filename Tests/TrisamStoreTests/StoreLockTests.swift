import Foundation
import Testing
import TrisamStore

/// One process at a time per store: a second lock is refused with who holds it, and the lock is
/// free again once its holder lets go.
@Suite("Store lock")
struct StoreLockTests {
    private func temporaryStore() throws -> (directory: URL, store: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-lock-\(UUID().uuidString)")
        return (directory, directory.appendingPathComponent("nested/service.sqlite").path)
    }

    @Test("a held lock refuses the next taker, naming the holder's process; released, it can be taken again")
    func exclusive() throws {
        let (directory, store) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        var first: StoreLock? = try StoreLock(store: store, holder: "trisam coordinator")
        #expect(first?.path == store + ".lock")
        #expect(FileManager.default.fileExists(atPath: store + ".lock"), "the lock creates the store's folder")
        do {
            _ = try StoreLock(store: store, holder: "trisam coordinator")
            Issue.record("a second lock on a held store was taken")
        } catch {
            #expect(error.description.contains("another trisam coordinator already runs on the store \(store)"), "\(error)")
            #expect(error.description.contains("(process \(getpid()))"), "\(error)")
        }
        withExtendedLifetime(first) {}
        first = nil
        let second = try StoreLock(store: store, holder: "trisam coordinator")
        withExtendedLifetime(second) {}
    }

    @Test("stores are locked one by one: another store's lock is independent")
    func perStore() throws {
        let (directory, store) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let one = try StoreLock(store: store, holder: "trisam agency (af)")
        let other = try StoreLock(store: store + "-other", holder: "trisam agency (fk)")
        withExtendedLifetime((one, other)) {}
    }
}
