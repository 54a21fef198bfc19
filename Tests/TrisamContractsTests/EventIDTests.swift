import Foundation
import Testing
import TrisamContracts

/// Ids the services make are UUIDs, and about one in 20,000 UUIDs has digits that read as a
/// personnummer; validation refuses those in every identifier, so the services must never make one.
@Suite("Generated ids")
struct EventIDTests {
    @Test("a UUID whose digits read as a personnummer is refused as an identifier")
    func uuidThatReadsAsAPersonnummer() {
        #expect(Check.containsIdentityNumber("3f121212-1212-4c2e-8b1d-5e0f6a7b8c9d"))
        #expect(throws: PayloadViolation.self) { try Check.identifier("3f121212-1212-4c2e-8b1d-5e0f6a7b8c9d", "referralId") }
    }

    @Test("generated ids are lowercase version-4 UUIDs that never read as a personnummer")
    func generatedIds() {
        var seen = Set<String>()
        for _ in 0..<50_000 {
            let id = EventID.random()
            #expect(UUID(uuidString: id) != nil && id == id.lowercased() && Array(id)[14] == "4")
            #expect(!Check.containsIdentityNumber(id), "\(id)")
            seen.insert(id)
        }
        #expect(seen.count == 50_000)
    }
}
