import TrisamContracts

/// A bounded map of decoded person records, in two generations: new and looked-up records go
/// to the young one; when it holds half the capacity, the old generation is dropped and the young
/// one becomes old. Recently used records survive, memory stays bounded, and each step costs
/// constant time. (Dropping an arbitrary half of one dictionary instead leaves its hash table
/// with long runs of occupied buckets, which made lookups slow.)
public struct PersonCache: Sendable {
    /// At most this many records are kept.
    public let capacity: Int
    private var young: [ClientRef: PersonRecord] = [:]
    private var old: [ClientRef: PersonRecord] = [:]

    public init(capacity: Int) { self.capacity = max(0, capacity) }

    /// The record of `ref`, if kept; setting nil forgets it.
    public subscript(ref: ClientRef) -> PersonRecord? {
        mutating get {
            if let record = young[ref] { return record }
            guard let record = old.removeValue(forKey: ref) else { return nil }
            insert(record, for: ref)
            return record
        }
        set {
            guard capacity > 0 else { return }
            guard let newValue else {
                young.removeValue(forKey: ref)
                old.removeValue(forKey: ref)
                return
            }
            if young[ref] == nil { old.removeValue(forKey: ref) }
            insert(newValue, for: ref)
        }
    }

    /// Removes and returns the record (the caller then holds the only copy).
    public mutating func take(_ ref: ClientRef) -> PersonRecord? {
        young.removeValue(forKey: ref) ?? old.removeValue(forKey: ref)
    }

    private mutating func insert(_ record: PersonRecord, for ref: ClientRef) {
        if young[ref] == nil, young.count >= max(1, capacity / 2) {
            old = young
            young = [:]
            young.reserveCapacity(max(1, capacity / 2))
        }
        young[ref] = record
    }

    /// The number of records kept.
    public var count: Int { young.count + old.count }
}
