import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

/// A flag id embeds the person's pseudonym; one whose hex digits read as a personnummer made the
/// flag event unencodable and stopped the coordinator (seen once in four runs of the browser test).
@Suite("Flag ids") struct FlagIdTests {
    /// Hex digits that hold Skatteverket's example personnummer 811218-9876.
    static let unlucky = ClientRef(rawValue: "ab8112189876cdefabcdefabcdefabcd")!

    @Test("a pseudonym whose digits read as a personnummer gives a flag id every identifier accepts, the same each time")
    func unluckyPseudonym() throws {
        #expect(Check.containsIdentityNumber("\(Self.unlucky.rawValue):grey-zone:0"))
        let id = FlagDiff.flagId(clientRef: Self.unlucky, rule: RuleId.greyZone, occurrence: 0)
        #expect(id == "ab81.1218.9876.cdef.abcd.efab.cdef.abcd:grey-zone:0")
        #expect(id == FlagDiff.flagId(clientRef: Self.unlucky, rule: RuleId.greyZone, occurrence: 0))
        func raised(_ flagId: String) -> EventEnvelope {
            EventEnvelope(
                id: "\(flagId):raised", source: .coordinator, time: Date(timeIntervalSince1970: 1_790_000_000), subject: Self.unlucky,
                event: .flagRaised(
                    FlagRaised(
                        flagId: flagId, rule: RuleId.greyZone, severity: .high, title: "T", explanation: "E", agencies: [.fk],
                        evidence: ["e1"])))
        }
        // The plain form is refused, which stopped the coordinator; the grouped one is encoded.
        #expect(throws: EventContractError.self) { try raised("\(Self.unlucky.rawValue):grey-zone:0").encoded() }
        _ = try raised(id).encoded()
    }

    @Test("other pseudonyms keep the plain form clientRef:rule:occurrence")
    func plainForm() {
        let ref = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!
        #expect(FlagDiff.flagId(clientRef: ref, rule: RuleId.pingPong, occurrence: 2) == "\(ref.rawValue):ping-pong:2")
    }
}
