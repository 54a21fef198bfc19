import Foundation

/// The `trisam` executable built beside the test bundle.
func trisamExecutable() throws -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    // On Linux the tests run from <build>/debug/TrisamPackageTests.xctest; on macOS from inside a bundle.
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("trisam")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    throw ProcessTestError("trisam executable not found near \(CommandLine.arguments[0]); run `swift build` first")
}

struct ProcessTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A child process of the test, killed on `stop` (SIGTERM) or when the test forgets (SIGKILL in deinit).
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let outputFile: URL

    init(_ executable: URL, _ arguments: [String], directory: URL) throws {
        outputFile = directory.appendingPathComponent("output-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM and waits for the exit status.
    func stop() async throws -> Int32 {
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw ProcessTestError("process did not stop within 20 s after SIGTERM:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A fresh temporary folder.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("trisam-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Waits until `condition` holds, failing after `limit`.
func eventually(_ what: String, limit: Duration = .seconds(20), _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while try !condition() {
        if ContinuousClock.now > deadline { throw ProcessTestError("timed out after \(limit): \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}
