import Foundation
import Logging
import ServiceLifecycle

/// How long the coordinator keeps each event of a person's timeline (issue 22, point 6).
///
/// The timeline is also the record of the event ids already seen, so the same window bounds
/// duplicate detection. The rule that keeps it exact: an event whose time is before the
/// *horizon* (`now − days`, as of the last pruning) is not folded at all, since its id may no
/// longer be kept; every event at or after the horizon still has its id in the timeline. The
/// window therefore only has to outlast the longest time an accepted event can wait to reach the
/// coordinator (an agency's outbox through a broker outage: hours or days) — and, for the people
/// reading a person page, a year's history with its yearly follow-up.
///
/// What is older is summarised per person, agency and kind of event (how many, first and last
/// time), without content: the law's "no longer than the purpose lasts" for the details, while a
/// coordinator can still see that a person has an older history.
public struct TimelineRetention: Sendable, Equatable {
    /// Days a timeline entry is kept in full.
    public var days: Int

    /// Entries are kept `days` days (400 by default: a year and a month).
    public init(days: Int = TimelineRetention.defaultDays) {
        self.days = days
    }

    /// 400 days: a whole year of history plus its follow-up month.
    public static let defaultDays = 400

    /// The time before which entries are summarised and events are no longer folded.
    public func horizon(now: Date) -> Date {
        now.addingTimeInterval(-Double(days) * 86_400)
    }
}

/// Summarises, every `interval` (the first time one interval after start), the timeline entries older than the retention window (see
/// ``TimelineRetention``), a chunk of people per transaction so that the engine's batches go on
/// between them. Stops on graceful shutdown.
struct TimelinePruner: Service {
    let store: CoordinatorStore
    let retention: TimelineRetention
    let clock: CoordinatorClock
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do {
                    let outcome = try store.pruneTimeline(before: retention.horizon(now: clock.now()))
                    if outcome.entries > 0 {
                        logger.info(
                            "timeline entries beyond the retention window summarised",
                            metadata: ["entries": "\(outcome.entries)", "people": "\(outcome.people)", "days": "\(retention.days)"])
                    }
                } catch {
                    logger.error("timeline pruning failed: \(error)")
                }
            }
        }
    }
}
