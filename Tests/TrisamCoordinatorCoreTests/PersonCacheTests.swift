import Testing
import TrisamContracts
import TrisamCoordinatorCore

/// The decoded-state cache stays bounded and keeps what was used recently.
@Suite("Person cache") struct PersonCacheTests {
    func ref(_ index: Int) -> ClientRef {
        ClientRef(rawValue: String(repeating: "0", count: 24) + String(format: "%08x", index))!
    }

    func record(_ index: Int) -> PersonRecord {
        PersonRecord(state: PersonState(clientRef: ref(index)), flags: PersonFlags())
    }

    @Test("never holds more than its capacity, and a record looked up recently survives")
    func boundedAndRecent() {
        var cache = PersonCache(capacity: 100)
        cache[ref(0)] = record(0)
        for index in 1..<1000 {
            cache[ref(index)] = record(index)
            #expect(cache.count <= 100)
            // Person 0 is used all the time; it must never be dropped.
            #expect(cache[ref(0)]?.state.clientRef == ref(0), "after \(index) insertions")
        }
        // The newest records are present; the oldest are gone.
        #expect(cache[ref(999)] != nil)
        #expect(cache[ref(1)] == nil)
        cache[ref(999)] = nil
        #expect(cache[ref(999)] == nil)
    }

    @Test("a capacity of zero caches nothing")
    func disabled() {
        var cache = PersonCache(capacity: 0)
        cache[ref(1)] = record(1)
        #expect(cache[ref(1)] == nil)
        #expect(cache.count == 0)
    }
}
