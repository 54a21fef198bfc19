import Foundation
import Testing
import TrisamBus
import TrisamContracts
import TrisamKafka

@testable import TrisamAgency

@Suite("Outbox encoding")
struct UnitOutboxEncodingTests {
    @Test("headers are stored as JSON that reads back exactly, including quotes, backslashes and control characters")
    func headerJSONRoundTrip() throws {
        let headers = [
            KafkaHeader(name: "ce_id", string: "0b7c6f1e-2a4d-4c1e-9d2f-3e5a7b9c1d2e"),
            KafkaHeader(name: "ce_source", string: "/trisam/af"),
            KafkaHeader(name: "odd", string: "a \"quoted\" back\\slash\n tab\t ä ✓"),
        ]
        let text = StoredHeaders.encode(headers)
        let pairs = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String]])
        #expect(pairs == headers.map { [$0.name, $0.stringValue!] })
        #expect(StoredHeaders.decode(text) == headers)
    }

    @Test("the stored header text is exact: escapes only quotes, backslashes and control characters")
    func headerTextIsExact() {
        let text = StoredHeaders.encode([KafkaHeader(name: "n", string: "a/\"\\\u{01}\u{1F}ä✓"), KafkaHeader(name: "e", string: "")])
        #expect(text == #"[["n","a/\"\\\u0001\u001fä✓"],["e",""]]"#)
        #expect(StoredHeaders.encode([]) == "[]")
    }

    @Test("event ids are distinct lowercase version-4 UUIDs")
    func eventIDs() throws {
        let ids = (0..<1000).map { _ in EventID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(50) {
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
            let characters = Array(id)
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
        }
    }
}
