import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One process at a time runs a service over a store: an exclusive lock on `<store>.lock`,
/// held for as long as the value lives.
///
/// Two services on one store would each publish its outbox (every event twice) and each trust
/// the state it keeps in memory, which the other changes underneath. The lock is an advisory
/// `flock`, which the kernel releases when the holder ends in any way, `kill -9` included, so
/// a restart never finds a stale lock. The file holds the holder's process id, for the message
/// the next one gets.
public final class StoreLock: Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock of the store at `store` (creating its folder if needed), or refuses at once
    /// if a process holds it.
    /// - Parameter holder: what runs on the store, for the refusal (e.g. "trisam coordinator").
    public init(store: String, holder: String) throws(StoreLockError) {
        path = store + ".lock"
        let directory = (store as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreLockError(description: "cannot open the store's lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let other = Self.holderProcess(descriptor)
            close(descriptor)
            guard reason == EWOULDBLOCK else {
                throw StoreLockError(description: "cannot lock \(path): \(String(cString: strerror(reason)))")
            }
            throw StoreLockError(
                description: """
                    another \(holder) already runs on the store \(store)\(other.map { " (process \($0))" } ?? ""); \
                    one process per store: stop it first, or give this one a store of its own
                    """)
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 { _ = pwrite(descriptor, pid, pid.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        // Closing the only descriptor of the open file releases the lock.
        close(descriptor)
    }

    /// The process id the lock file names, if it names one.
    private static func holderProcess(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Why a store's lock was not taken.
public struct StoreLockError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
