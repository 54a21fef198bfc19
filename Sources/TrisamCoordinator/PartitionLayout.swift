import TrisamContracts
import TrisamKafka

/// The check that every topic the coordinator reads or writes has the same partition count.
///
/// Every Trisam topic is keyed by `clientRef`, so one person's events land on the same partition
/// number in every topic only when the counts agree; coordinators that share the work (a
/// consumer group) then own a person whole. A topic created with another count (by hand, or by
/// a broker's automatic creation with its own default) is refused at start.
public enum PartitionLayout {
    /// The topics whose counts must agree: what the coordinator reads, and `trisam.flags`.
    public static var topics: [String] { CoordinatorConfiguration.topics + [Topic.flags] }

    /// Why the counts in `counts` (topic → partitions, as the cluster answered) cannot be
    /// worked with, in a sentence for an operator; nil when every one of `topics` that exists
    /// has the same count. Missing topics are not judged here (the consumer waits for them).
    public static func refusal(counts: [String: Int], topics: [String] = topics) -> String? {
        let present = topics.compactMap { topic in counts[topic].map { (topic, $0) } }
        let byCount = Dictionary(grouping: present, by: \.1)
        guard byCount.count > 1 else { return nil }
        // The count most topics have is taken as the intended one; the others are named.
        let usual = byCount.max { ($0.value.count, -$0.key) < ($1.value.count, -$1.key) }!.key
        let odd = present.filter { $0.1 != usual }.map { "\($0.0) has \($0.1)" }
        return "every Trisam topic must have the same number of partitions (they are keyed by clientRef), "
            + "but \(odd.joined(separator: ", ")) while the other \(byCount[usual]!.count) have \(usual); "
            + "create the topics with `trisam topics create`, or add partitions until the counts agree"
    }
}
