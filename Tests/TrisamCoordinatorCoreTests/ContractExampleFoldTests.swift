import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

/// Every event type of the contracts folds: each example in `contracts/examples/` is decoded from
/// its wire form and applied to an empty state.
@Suite("Contract example fold") struct ContractExampleFoldTests {
    static let examples = repositoryRoot().appendingPathComponent("contracts/examples")

    static func envelope(_ type: EventType) throws -> EventEnvelope {
        let url = examples.appendingPathComponent("\(type.rawValue).json")
        let example = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let headers = try #require(example["headers"] as? [String: String])
        let value = try JSONSerialization.data(withJSONObject: try #require(example["value"]))
        return try EventEnvelope(
            decoding: EncodedEvent(
                key: Array(try #require(example["key"] as? String).utf8),
                headers: headers.sorted { $0.key < $1.key }.map { EventHeader(name: $0.key, string: $0.value) },
                value: Array(value)))
    }

    /// Types whose example, alone, refers to something an empty state does not have.
    static let closingTypes: Set<EventType> = [
        .flagRaised, .flagResolved, .flagTaken, .flagAssigned, .flagCommented, .flagNextStepAgreed, .flagSetAside, .flagClosed,
        .flagReopened, .flagTakeRequested, .referralClosed, .referralCancelled, .planClosed, .planActionCompleted, .consentWithdrawn,
    ]

    @Test("example folds", arguments: EventType.allCases)
    func exampleFolds(type: EventType) throws {
        let envelope = try Self.envelope(type)
        var state = PersonState(clientRef: envelope.subject)
        state.apply(envelope)
        var untouched = PersonState(clientRef: envelope.subject)
        untouched.lastEventTime = envelope.time
        if Self.closingTypes.contains(type) {
            #expect(state == untouched, "\(type.rawValue) changed an empty state")
        } else {
            #expect(state != untouched, "\(type.rawValue) left no trace in the state")
        }
        #expect(try PersonState(binary: state.binaryEncoded()) == state)
        _ = GapRules().evaluate(state, now: envelope.time)
    }

    @Test("all examples together") func allExamplesTogether() throws {
        var state: PersonState?
        for type in EventType.allCases {
            let envelope = try Self.envelope(type)
            if state == nil { state = PersonState(clientRef: envelope.subject) }
            state?.apply(envelope)
        }
        let folded = try #require(state)
        #expect(try PersonState(binary: folded.binaryEncoded()) == folded)
        #expect(try JSONDecoder().decode(PersonState.self, from: JSONEncoder().encode(folded)) == folded)
        let evaluation = GapRules().evaluate(folded, now: folded.lastEventTime!.addingTimeInterval(400 * 86_400))
        for finding in evaluation.findings { checkPublishable(finding) }
    }
}
