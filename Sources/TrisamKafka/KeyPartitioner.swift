/// Which partition a keyed message lands in: Kafka's default partitioner for keyed messages,
/// as Java clients and librdkafka's `murmur2_random` (the producers' setting) compute it —
/// the 32-bit murmur2 hash of the key (seed `0x9747b28c`), made positive, modulo the partition
/// count. Every Trisam topic is keyed by `clientRef` and has the same partition count, so this
/// says which partition, and so which coordinator instance, owns a person. Pure.
public enum KeyPartitioner {
    /// The partition of `key` among `partitionCount` partitions (at least 1).
    public static func partition(of key: some Collection<UInt8>, partitionCount: Int) -> Int32 {
        precondition(partitionCount >= 1, "a topic has at least one partition")
        return Int32(truncatingIfNeeded: Int(murmur2(key) & 0x7fff_ffff) % partitionCount)
    }

    /// The partition of the UTF-8 bytes of `key`.
    public static func partition(of key: String, partitionCount: Int) -> Int32 {
        partition(of: Array(key.utf8), partitionCount: partitionCount)
    }

    /// Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`), as an unsigned value.
    public static func murmur2(_ key: some Collection<UInt8>) -> UInt32 {
        let bytes = Array(key)
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        var h: UInt32 = 0x9747_b28c ^ UInt32(truncatingIfNeeded: bytes.count)
        let whole = bytes.count / 4
        for index in 0..<whole {
            let base = index * 4
            var k = UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = whole * 4
        switch bytes.count % 4 {
        case 3:
            h ^= UInt32(bytes[tail + 2]) << 16
            h ^= UInt32(bytes[tail + 1]) << 8
            h ^= UInt32(bytes[tail])
            h = h &* m
        case 2:
            h ^= UInt32(bytes[tail + 1]) << 8
            h ^= UInt32(bytes[tail])
            h = h &* m
        case 1:
            h ^= UInt32(bytes[tail])
            h = h &* m
        default: break
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return h
    }
}
