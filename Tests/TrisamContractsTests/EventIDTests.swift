import Foundation
import Testing
import TrisamContracts
import TrisamRandom

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

    /// A clientRef (32 lowercase hex characters) whose digits read as a personnummer, found by
    /// drawing from a seeded generator (about one in a few thousand is one).
    static func clientRefThatReadsAsAPersonnummer() -> ClientRef {
        var random = SeededRandom(seed: 18)
        while true {
            let hex = (0..<32).map { _ in String(Int.random(in: 0..<16, using: &random), radix: 16) }.joined()
            if Check.containsIdentityNumber(hex), let ref = ClientRef(rawValue: hex) { return ref }
        }
    }

    @Test("a flag of a person whose clientRef reads as a personnummer is published; a personnummer beside it is not")
    func flagOfAClientRefThatReadsAsAPersonnummer() throws {
        let ref = Self.clientRefThatReadsAsAPersonnummer()
        let flagId = "\(ref.rawValue):grey-zone:0"
        let flag = FlagRaised(
            flagId: flagId, rule: "grey-zone", severity: .high, title: "Gråzon", explanation: "Personen har fastnat.",
            agencies: [.kommun], evidence: [EventID.random()])
        let envelope = EventEnvelope(
            id: "\(flagId):raised", source: .coordinator, time: Date(timeIntervalSince1970: 1_795_000_000.5), subject: ref,
            event: .flagRaised(flag))
        #expect(try EventEnvelope(decoding: envelope.encoded()) == envelope)

        // Only a part that is a whole clientRef is passed over: the same digits elsewhere are refused.
        #expect(Check.identifierContainsIdentityNumber("x\(ref.rawValue):grey-zone:0"))
        #expect(Check.identifierContainsIdentityNumber("\(ref.rawValue):19121212-1212"))
        #expect(throws: EventContractError.self) {
            try EventEnvelope(id: "x\(ref.rawValue):raised", source: .coordinator, subject: ref, event: .flagRaised(flag)).encoded()
        }
    }
}
