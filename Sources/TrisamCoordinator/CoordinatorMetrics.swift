import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The coordinator's metrics (swift-metrics API over a swift-prometheus registry of its own, so
/// several coordinators in one process, e.g. in tests, do not share counters).
public final class CoordinatorMetrics: Sendable {
    /// The registry rendered by `GET /metrics`.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let applied: CoreMetrics.Counter
    private let duplicates: CoreMetrics.Counter
    private let deadLettered: CoreMetrics.Counter
    private let skipped: CoreMetrics.Counter
    private let batchTimer: CoreMetrics.Timer
    private let eventTimer: CoreMetrics.Timer
    private let lagGauge: CoreMetrics.Gauge
    private let raised: CoreMetrics.Counter
    private let resolved: CoreMetrics.Counter
    /// Events older than the retention window's horizon, not folded (see ``TimelineRetention``).
    private let beyondWindow: CoreMetrics.Counter
    private let openByRule: Mutex<[String: Int]>
    private let openGauges: Mutex<[String: CoreMetrics.Gauge]>

    @_spi(Benchmarks) public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let buckets: [Duration] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1),
        ]
        factory.defaultDurationHistogramBuckets = buckets
        self.factory = factory
        let events = "trisam_coordinator_events_total"
        applied = Counter(label: events, dimensions: [("outcome", "applied")], factory: factory)
        duplicates = Counter(label: events, dimensions: [("outcome", "duplicate")], factory: factory)
        deadLettered = Counter(label: events, dimensions: [("outcome", "dead_letter")], factory: factory)
        skipped = Counter(label: events, dimensions: [("outcome", "already_stored")], factory: factory)
        beyondWindow = Counter(label: events, dimensions: [("outcome", "beyond_window")], factory: factory)
        batchTimer = Timer(label: "trisam_coordinator_batch_processing_seconds", factory: factory)
        eventTimer = Timer(label: "trisam_coordinator_event_processing_seconds", factory: factory)
        lagGauge = Gauge(label: "trisam_coordinator_consumer_lag", factory: factory)
        raised = Counter(label: "trisam_coordinator_flags_total", dimensions: [("change", "raised")], factory: factory)
        resolved = Counter(label: "trisam_coordinator_flags_total", dimensions: [("change", "resolved")], factory: factory)
        openByRule = Mutex([:])
        openGauges = Mutex([:])
    }

    /// Records one processed batch: outcomes and time (per batch and per event).
    func recordBatch(applied: Int, duplicates: Int, deadLettered: Int, skipped: Int, beyondWindow: Int, duration: Duration) {
        if applied > 0 { self.applied.increment(by: Int64(applied)) }
        if beyondWindow > 0 { self.beyondWindow.increment(by: Int64(beyondWindow)) }
        if duplicates > 0 { self.duplicates.increment(by: Int64(duplicates)) }
        if deadLettered > 0 { self.deadLettered.increment(by: Int64(deadLettered)) }
        if skipped > 0 { self.skipped.increment(by: Int64(skipped)) }
        batchTimer.recordNanoseconds(duration.nanoseconds)
        let events = applied + duplicates + deadLettered
        if events > 0 { eventTimer.recordNanoseconds(duration.nanoseconds / Int64(events)) }
    }

    /// Sets the consumer lag (messages on the broker not yet processed, summed over partitions).
    func setLag(_ lag: Int64) { lagGauge.record(lag) }

    /// Sets the open-flag counts (at start, from the store).
    func setOpenFlags(_ counts: [String: Int]) {
        openByRule.withLock { $0 = counts }
        for (rule, count) in counts { gauge(rule).record(count) }
    }

    /// Applies flag changes to the open-flag gauges.
    func flagsChanged(raised: [String], resolved: [String]) {
        if !raised.isEmpty { self.raised.increment(by: Int64(raised.count)) }
        if !resolved.isEmpty { self.resolved.increment(by: Int64(resolved.count)) }
        let changed = openByRule.withLock { counts -> [String: Int] in
            var changed: [String: Int] = [:]
            for rule in raised {
                counts[rule, default: 0] += 1
                changed[rule] = counts[rule]
            }
            for rule in resolved {
                counts[rule] = max(0, counts[rule, default: 0] - 1)
                changed[rule] = counts[rule]
            }
            return changed
        }
        for (rule, count) in changed { gauge(rule).record(count) }
    }

    private func gauge(_ rule: String) -> CoreMetrics.Gauge {
        openGauges.withLock { gauges in
            if let gauge = gauges[rule] { return gauge }
            let gauge = Gauge(label: "trisam_coordinator_open_flags", dimensions: [("rule", rule)], factory: factory)
            gauges[rule] = gauge
            return gauge
        }
    }

    /// The Prometheus text exposition.
    public func render() -> String { registry.emitToString() }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
