import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Ends a child process whose parent is gone. ``ChildProcess`` names its own process id in
/// ``variable`` for every child it starts; a child that calls ``startIfAsked(environment:)``
/// then checks once a second whether its parent is still that process and, once it is not (the
/// parent crashed or was killed with SIGKILL, so it could not stop its children), sends itself
/// SIGTERM (its graceful stop) and exits after ``stopLimit`` if that did not end it. So a test
/// run or a `trisam dev` that dies leaves no services running.
public enum ParentWatch {
    /// The environment variable holding the parent's process id.
    public static let variable = "TRISAM_PARENT_PID"
    /// How long the graceful stop may take before the process exits anyway.
    public static let stopLimit: Duration = .seconds(20)

    /// Starts the watch if `environment` names a parent, and removes the variable from this
    /// process's environment so that its own children (started some other way) do not inherit a
    /// parent that is not theirs. Returns whether the watch runs.
    @discardableResult
    public static func startIfAsked(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let text = environment[variable], let parent = pid_t(text), parent > 1 else { return false }
        unsetenv(variable)
        // Already gone between the fork and this call.
        if getppid() != parent { endOrphan() }
        Thread.detachNewThread {
            while true {
                sleep(1)
                if getppid() != parent { endOrphan() }
            }
        }
        return true
    }

    private static func endOrphan() -> Never {
        FileHandle.standardError.write(Data("trisam: the parent process is gone; stopping\n".utf8))
        kill(getpid(), SIGTERM)
        Thread.sleep(forTimeInterval: Double(stopLimit.components.seconds))
        _exit(1)
    }
}
