import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A failure of a child process: it would not start, stop or say what was waited for.
public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A child process: started with arguments and environment, its output captured in a file,
/// forwarded to this process's own or discarded; stopped with SIGTERM and, after a grace period,
/// SIGKILL; killed with SIGKILL if it is still running when the object goes away, and, if this
/// process dies first, ending itself (``ParentWatch``, for children that start it). Foundation's
/// `Process` reaps it; every way of stopping returns only once it is gone.
///
/// One helper for `trisam dev` (the roles as children), `trisam-bench` (the services it measures)
/// and the tests (services started from the built `trisam`).
public final class ChildProcess: @unchecked Sendable {
    /// Where the child's standard output or standard error goes.
    public enum Destination: Sendable, Equatable {
        /// Appended to this file (created empty first). Output and error may share one file.
        case file(URL)
        /// To this process's own standard output or error.
        case inherit
        /// Nowhere (/dev/null).
        case discard
    }

    /// The underlying process (for its identifier and exit status; start and stop it through this type).
    public let process = Process()
    /// The file standard output goes to, if it goes to one (else the file standard error goes to).
    public let outputFile: URL?

    /// Starts `executable` with `arguments`.
    /// - Parameters:
    ///   - directory: its working directory (by default this process's).
    ///   - environment: variables added to this process's environment, or, with
    ///     `inheritEnvironment: false`, its whole environment.
    ///   - standardOutput, standardError: where they go; `.file` of the same URL for both shares
    ///     one file.
    public init(
        _ executable: URL, _ arguments: [String], directory: URL? = nil, environment: [String: String] = [:],
        inheritEnvironment: Bool = true, standardOutput: Destination, standardError: Destination
    ) throws {
        var handles: [URL: FileHandle] = [:]
        func handle(for destination: Destination) throws -> Any? {
            switch destination {
            case .inherit:
                return nil
            case .discard:
                return FileHandle.nullDevice
            case .file(let url):
                if let open = handles[url] { return open }
                guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                    throw ChildProcessError("cannot create the log file \(url.path)")
                }
                let open = try FileHandle(forWritingTo: url)
                handles[url] = open
                return open
            }
        }
        switch (standardOutput, standardError) {
        case (.file(let url), _), (_, .file(let url)): outputFile = url
        default: outputFile = nil
        }
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let output = try handle(for: standardOutput) { process.standardOutput = output }
        if let error = try handle(for: standardError) { process.standardError = error }
        // The child ends itself if this process dies without stopping it (``ParentWatch``).
        let parent = [ParentWatch.variable: String(getpid())]
        if !inheritEnvironment {
            process.environment = environment.merging(parent) { $1 }
        } else {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.merging(parent) { $1 }
        }
        try process.run()
    }

    /// Starts `executable` with `arguments` in `directory`, standard output and error in a new log
    /// file there; `environment` adds to this process's own.
    public convenience init(_ executable: URL, _ arguments: [String], directory: URL, environment: [String: String] = [:]) throws {
        let log = directory.appendingPathComponent("output-\(UUID().uuidString.prefix(6)).log")
        try self.init(
            executable, arguments, directory: directory, environment: environment,
            standardOutput: .file(log), standardError: .file(log))
    }

    /// Everything the child wrote to ``outputFile`` so far ("" without one).
    public var output: String {
        guard let outputFile else { return "" }
        return (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { process.isRunning }

    /// The child's process identifier.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// The exit status (or the signal that ended it); meaningful once ``isRunning`` is false.
    public var terminationStatus: Int32 { process.terminationStatus }

    /// Waits until a line of ``output`` satisfies `matches` and returns it; fails when the child
    /// exits first or after `limit`, with its output in the error.
    public func waitForLine(limit: Duration = .seconds(60), where matches: (Substring) -> Bool) async throws -> Substring {
        let deadline = ContinuousClock.now + limit
        while true {
            let text = output
            if let line = text.split(separator: "\n").first(where: matches) { return line }
            guard isRunning else { throw ChildProcessError("\(name) exited (status \(terminationStatus)):\n\(text)") }
            guard ContinuousClock.now < deadline else { throw ChildProcessError("\(name) did not start within \(limit):\n\(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Sends SIGTERM and waits up to `grace` for the child to exit; then sends SIGKILL and waits
    /// until it is gone. Returns the exit status when it stopped on SIGTERM, nil when it had to be
    /// killed. Not cancellable: it returns only once the child is gone.
    @discardableResult
    public func terminate(grace: Duration = .seconds(20)) async -> Int32? {
        guard isRunning else { return terminationStatus }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while isRunning {
            if ContinuousClock.now > deadline {
                _ = Foundation.kill(processIdentifier, SIGKILL)
                while isRunning { await Self.pause(.milliseconds(20)) }
                return nil
            }
            await Self.pause(.milliseconds(50))
        }
        return terminationStatus
    }

    /// ``terminate(grace:)`` for synchronous code (a `defer` block): blocks the thread meanwhile.
    @discardableResult
    public func terminateBlocking(grace: Duration = .seconds(20)) -> Int32? {
        guard isRunning else { return terminationStatus }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while isRunning {
            if ContinuousClock.now > deadline {
                _ = Foundation.kill(processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            usleep(20_000)
        }
        return terminationStatus
    }

    /// Like ``terminate(grace:)``, but a child that had to be killed is an error (with its output).
    public func stop(limit: Duration = .seconds(20)) async throws -> Int32 {
        guard let status = await terminate(grace: limit) else {
            throw ChildProcessError("\(name) did not stop within \(limit) after SIGTERM:\n\(output)")
        }
        return status
    }

    /// Sends SIGKILL (a crash at an arbitrary moment) and waits until the child is gone; fails if
    /// it is still there after `limit`.
    public func kill(limit: Duration = .seconds(10)) async throws {
        if isRunning { _ = Foundation.kill(processIdentifier, SIGKILL) }
        let deadline = ContinuousClock.now + limit
        while isRunning {
            if ContinuousClock.now > deadline { throw ChildProcessError("\(name) survived SIGKILL") }
            await Self.pause(.milliseconds(20))
        }
    }

    deinit {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    private var name: String { process.executableURL?.lastPathComponent ?? "the child process" }

    /// Sleeps, also when the task is cancelled (a stop must not be cut short).
    private static func pause(_ duration: Duration) async {
        do { try await Task.sleep(for: duration) } catch {
            usleep(UInt32(duration.components.attoseconds / 1_000_000_000_000))
        }
    }
}

extension ChildProcess {
    /// What a child run to completion printed.
    public struct Completion: Sendable {
        /// Its exit status.
        public var status: Int32
        /// Its standard output.
        public var output: Data
        /// Its standard error.
        public var errors: Data
    }

    /// Runs `executable` with `arguments` to completion, `input` on its standard input, its
    /// standard output and error captured (both read at once, so neither pipe can fill up).
    public static func run(_ executable: URL, _ arguments: [String], input: Data? = nil) throws -> Completion {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let errors = ErrorsReader(stderr.fileHandleForReading)
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.wait()
        process.waitUntilExit()
        return Completion(status: process.terminationStatus, output: output, errors: errorData)
    }

    /// The running executable (to start another role of the same program).
    public static func currentExecutable() throws -> URL {
        if let url = Bundle.main.executableURL, FileManager.default.isExecutableFile(atPath: url.path) { return url }
        let link = "/proc/self/exe"
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: link) { return URL(fileURLWithPath: path) }
        throw ChildProcessError("cannot find the running executable")
    }

    /// The executable named `name` in the folder of the running executable (where SwiftPM puts
    /// every executable of a build), e.g. `trisam` for `trisam-bench`.
    public static func sibling(named name: String) throws -> URL {
        let own = try currentExecutable().resolvingSymlinksInPath()
        let candidate = own.deletingLastPathComponent().appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw ChildProcessError("\(name) not found beside \(own.path); build it first (swift build -c release)")
        }
        return candidate
    }
}

/// Reads a pipe to its end on another thread.
private final class ErrorsReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
