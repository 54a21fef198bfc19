import Foundation
// Tests start services with TrisamProcess's `ChildProcess` (stop with SIGTERM, kill with SIGKILL,
// killed when a test forgets); importing TrisamTestSupport is enough to use it.
@_exported import TrisamProcess

/// The `trisam` executable built beside the test bundle.
public func trisamExecutable() throws -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    // On Linux the tests run from <build>/debug/TrisamPackageTests.xctest; on macOS from inside a bundle.
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("trisam")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    throw ProcessTestError("trisam executable not found near \(CommandLine.arguments[0]); run `swift build` first")
}

/// A failure of test plumbing (a process that would not start or stop, a wait that timed out).
public struct ProcessTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A fresh temporary folder.
public func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("trisam-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Waits until `condition` holds, failing after `limit`.
public func eventually(_ what: String, limit: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        if ContinuousClock.now > deadline { throw ProcessTestError("timed out after \(limit): \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ProcessTestError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw ProcessTestError("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw ProcessTestError("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The checkout's root folder (the one holding `Package.swift`), found upwards from a test
/// file's `#filePath`, so tests read `contracts/` wherever in `Tests/` their file lives.
public func repositoryRoot(from filePath: String = #filePath) -> URL {
    var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    while directory.path != "/" {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { return directory }
        directory.deleteLastPathComponent()
    }
    preconditionFailure("no Package.swift above \(filePath)")
}

/// Consumer group settings that let a test's consumers (and a restarted coordinator) join and
/// take over partitions of an embedded broker within seconds.
public let fastGroupProperties: [String: String] = [
    "session.timeout.ms": "6000",
    "heartbeat.interval.ms": "500",
    "topic.metadata.refresh.interval.ms": "1000",
]
