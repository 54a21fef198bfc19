import Foundation
import Testing

@testable import TrisamContracts

/// JSONSerialization keeps one value of a key given twice and says nothing; the contracts refuse
/// such bodies, naming the key.
@Suite("Duplicate keys are found and refused")
struct DuplicateKeyTests {
    @Test(
        "the first key given twice in one object is named with its path",
        arguments: [
            (#"{"reason":"a","reason":"b"}"#, "reason"),
            (#"{"contact":{"name":"A","role":"x","name":"B"}}"#, "contact.name"),
            (#"{"actions":[{"owner":"af"},{"owner":"af","owner":"fk"}]}"#, "actions[1].owner"),
            (#"{"a":"x","\u0061":"y"}"#, "a"),
            (#"{"å":1,"\u00e5":2}"#, "å"),
            (#" { "x" : [ 1 , { "y" : true , "y" : null } ] } "#, "x[1].y"),
        ])
    func duplicates(_ body: String, _ path: String) {
        #expect(StrictJSON.firstDuplicateKey(in: Array(body.utf8)) == path)
    }

    @Test(
        "the same key in different objects, and keys that differ only after unescaping, are fine",
        arguments: [
            #"{"a":{"name":"x"},"b":{"name":"y"}}"#,
            #"{"list":[{"id":1},{"id":2}]}"#,
            #"{"a\"b":1,"a\\b":2}"#,
            #"{"text":"\"reason\":1,\"reason\":2"}"#,
            #"{}"#, #"{"n":1.5e3,"m":[]}"#,
        ])
    func noDuplicates(_ body: String) {
        #expect(StrictJSON.firstDuplicateKey(in: Array(body.utf8)) == nil)
    }

    @Test("an event body with a key twice is refused with that field")
    func eventWithDuplicateKey() throws {
        let ref = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!
        let envelope = EventEnvelope(
            source: .agency(.af), subject: ref,
            event: .afDeregistered(AfDeregistered(deregisteredOn: LocalDate("2026-11-20")!, reason: .employed)))
        var message = try envelope.encoded()
        message.value = Array(#"{"deregisteredOn":"2026-11-20","reason":"employed","reason":"lacking-work-capacity"}"#.utf8)
        #expect(throws: EventContractError.invalidPayload(PayloadViolation(field: "reason", reason: StrictJSON.duplicateKeyReason))) {
            try EventEnvelope(decoding: message)
        }
    }
}
