import Testing
import TrisamContracts

@testable import TrisamCoordinator

/// Every topic keyed by clientRef must have the same partition count, or one person's events
/// land on different partition numbers and coordinators sharing the work own a person in halves.
@Suite("Partition layout")
struct PartitionLayoutTests {
    static func counts(_ partitions: Int) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: PartitionLayout.topics.map { ($0, partitions) })
    }

    @Test("equal counts pass, and a missing topic is not judged here")
    func equalCounts() {
        #expect(PartitionLayout.refusal(counts: Self.counts(3)) == nil)
        var missing = Self.counts(12)
        missing[Topic.flags] = nil
        #expect(PartitionLayout.refusal(counts: missing) == nil)
        // Topics outside the layout (the dead letters, anything else) may have their own count.
        var others = Self.counts(3)
        others[Topic.deadLetter] = 1
        others["something.else"] = 7
        #expect(PartitionLayout.refusal(counts: others) == nil)
    }

    @Test("a topic with another count is refused, naming it, its count and the usual one")
    func oddTopicNamed() throws {
        var counts = Self.counts(3)
        counts[Topic.inbox(.af)] = 4
        let refusal = try #require(PartitionLayout.refusal(counts: counts))
        #expect(refusal.contains("trisam.af.inbox has 4 while the other 9 have 3"), "\(refusal)")
        #expect(refusal.contains("trisam topics create"))
    }
}
