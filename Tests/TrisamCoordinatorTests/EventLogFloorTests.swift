import Foundation
import Testing
import TrisamBenchSupport
import TrisamCoordinator
import TrisamKafka

/// The benchmark's durable floor stores what a durable consumer must: every message's bytes and
/// the next offset of each partition, across batches.
@Suite("Event log floor")
struct EventLogFloorTests {
    private func message(_ topic: String, _ partition: Int32, _ offset: Int64, _ text: String) -> ConsumedMessage {
        ConsumedMessage(topic: topic, partition: partition, offset: offset, key: nil, value: Array(text.utf8), headers: [], timestamp: nil)
    }

    @Test("every message is appended in order and each partition's next offset is stored")
    func appendsAndStoresOffsets() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("floor-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let floor = try EventLogFloor(path: directory.appendingPathComponent("floor.sqlite").path)
        try floor.append([message("a", 0, 4, "one"), message("b", 1, 7, ""), message("a", 0, 5, "two")])
        try floor.append([message("a", 0, 6, "åäö"), message("a", 2, 0, "x")])
        let (values, offsets) = try floor.contents()
        #expect(values.map { String(decoding: $0, as: UTF8.self) } == ["one", "", "two", "åäö", "x"])
        #expect(
            offsets == [
                TopicPartition(topic: "a", partition: 0): 7, TopicPartition(topic: "b", partition: 1): 8,
                TopicPartition(topic: "a", partition: 2): 1,
            ])
    }
}
