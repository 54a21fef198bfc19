import Logging
import ServiceLifecycle

/// Re-evaluates, every `interval`, the people whose time-based rules are due on the
/// coordinator's clock (an unanswered referral turns into a flag without any new event), and
/// wakes the flag publisher, so that a send that failed is retried. Stops on graceful shutdown.
struct DueCheckTimer: Service {
    let engine: CoordinatorEngine
    let interval: Duration
    let wakeups: OutboxWakeups
    let logger: Logger

    func run() async throws {
        // Graceful shutdown cancels the loop; a cancelled sleep ends it, a running check finishes.
        try? await cancelWhenGracefulShutdown { [engine, interval, wakeups, logger] in
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                wakeups.signal() // retry pending flag events now and then
                do { try await engine.runDueChecks() } catch {
                    logger.error("due checks failed: \(error)")
                }
            }
        }
    }
}
