import Testing
import TrisamKafka

@testable import TrisamCoordinator

/// Consumer lag as the lag monitor sums it from watermarks and stored offsets.
@Suite("Lag monitor") struct LagMonitorTests {
    @Test("lag counts what the broker holds beyond the stored offsets, from the low watermark where none is stored")
    func lagFromWatermarks() {
        let a = TopicPartition(topic: "t", partition: 0)
        let b = TopicPartition(topic: "t", partition: 1)
        let c = TopicPartition(topic: "t", partition: 2)
        let marks = [a: Watermarks(low: 0, high: 10), b: Watermarks(low: 5, high: 8), c: Watermarks(low: 20, high: 30)]
        // a: 10 - 4; b: nothing stored, 8 - 5; c: stored below the low watermark (trimmed), 30 - 20.
        #expect(LagMonitor.lag(marks, stored: [a: 4, c: 3]) == 6 + 3 + 10)
        // Stored beyond the high watermark: a position in an earlier log (the broker restarted
        // empty), so everything the new log holds is still to be read, not hidden as 0.
        #expect(LagMonitor.lag([a: Watermarks(low: 0, high: 2)], stored: [a: 9]) == 2)
        #expect(LagMonitor.lag([a: Watermarks(low: 0, high: 9)], stored: [a: 9]) == 0)
    }
}
