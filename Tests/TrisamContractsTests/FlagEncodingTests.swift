import Foundation
import Testing
import TrisamRandom

@testable import TrisamContracts

/// Flag events are encoded by hand (``JSONByteWriter``) to exactly the bytes JSONEncoder writes.
@Suite("Flag event encoding agrees with JSONEncoder")
struct FlagEncodingTests {
    static let person = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!

    /// The body JSONEncoder writes for `payload`, as `encoded()` wrote every body before.
    static func referenceBody(_ payload: some EventPayload) throws -> [UInt8] {
        Array(try EventEnvelope.encoder().encode(payload))
    }

    @Test("every ASCII character, and the non-ASCII edge cases, are written as JSONEncoder writes them")
    func strings() throws {
        var values = (0..<0x80).map { String(Unicode.Scalar(UInt8($0))) }
        values += [
            "\u{80}", "\u{85}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFD}", "\u{10FFFF}", "åäöÅÄÖ", "😀",
            "👩‍👩‍👧", "e\u{301}", "a/b\\c\"d", "</script>", "\u{0}x\u{1}", "\"\"\\\\", "",
        ]
        for value in values {
            let flag = FlagResolved(flagId: "f", rule: "r", resolution: value, evidence: [value])
            #expect(flag.jsonBody() == (try Self.referenceBody(flag)), "\(value.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test("FlagRaised and FlagResolved bodies are byte for byte what JSONEncoder writes, for edge cases")
    func edgeCases() throws {
        let many = (0..<200).map { "b7-1234-\($0)" }
        let texts = ["Personen har \"ingen\" ersättning \\ a/b\n\tsedan 2026-01-05.", "Å", "😀\u{2028}\u{1F}", "x"]
        var raised: [FlagRaised] = []
        for text in texts {
            for agencies in [[], [Agency.kommun], Agency.allCases, [.region, .af]] {
                for evidence in [[], ["e-1"], many] {
                    for severity in FlagSeverity.allCases {
                        raised.append(
                            FlagRaised(
                                flagId: "flag-1", rule: "grey-zone", severity: severity, title: text,
                                explanation: text + text, agencies: agencies, evidence: evidence))
                    }
                }
            }
        }
        for flag in raised {
            #expect(flag.jsonBody() == (try Self.referenceBody(flag)), "\(flag)")
            let envelope = EventEnvelope(
                id: "flag-1:raised", source: .coordinator, time: Date(timeIntervalSince1970: 1_795_000_000),
                subject: Self.person, event: .flagRaised(flag))
            if flag.evidence.isEmpty { // a raised flag needs evidence
                #expect(throws: EventContractError.invalidPayload(PayloadViolation(field: "evidence", reason: "must not be empty"))) {
                    try envelope.encoded()
                }
            } else {
                #expect(try envelope.encoded().value == (try Self.referenceBody(flag)))
            }
        }
        for text in texts {
            for evidence in [[], ["e-1"], many] {
                let flag = FlagResolved(flagId: "flag-1", rule: "grey-zone", resolution: text, evidence: evidence)
                #expect(flag.jsonBody() == (try Self.referenceBody(flag)), "\(flag)")
                let envelope = EventEnvelope(
                    id: "flag-1:resolved", source: .coordinator, time: Date(timeIntervalSince1970: 1_795_000_000),
                    subject: Self.person, event: .flagResolved(flag))
                #expect(try envelope.encoded().value == (try Self.referenceBody(flag)))
            }
        }
        // The last one fully spelled out, so a change in JSONEncoder shows here too.
        let body = FlagResolved(flagId: "f-1", rule: "grey-zone", resolution: "Löst \"nu\" a/b\u{8}\u{1F}", evidence: ["e-1", "e-2"])
            .jsonBody()
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"evidence":["e-1","e-2"],"flagId":"f-1","resolution":"Löst \"nu\" a/b\b\u001f","rule":"grey-zone"}"#)
    }

    @Test("generated FlagRaised and FlagResolved bodies are byte for byte what JSONEncoder writes")
    func generated() throws {
        var random = SeededRandom(seed: 42)
        for index in 0..<2_000 {
            let agencies = Agency.allCases.filter { _ in random.next() % 2 == 0 }
            let evidence = (0..<Int(random.next() % 8)).map { _ in TextCheckTests.randomString(&random, maxPieces: 4) }
            let raised = FlagRaised(
                flagId: TextCheckTests.randomString(&random, maxPieces: 3), rule: TextCheckTests.randomString(&random, maxPieces: 3),
                severity: FlagSeverity.allCases[index % 3], title: TextCheckTests.randomString(&random, maxPieces: 8),
                explanation: TextCheckTests.randomString(&random, maxPieces: 30), agencies: agencies, evidence: evidence)
            let resolved = FlagResolved(flagId: raised.flagId, rule: raised.rule, resolution: raised.explanation, evidence: evidence)
            let raisedAgrees = raised.jsonBody() == (try Self.referenceBody(raised))
            let resolvedAgrees = resolved.jsonBody() == (try Self.referenceBody(resolved))
            #expect(raisedAgrees, "\(raised)")
            #expect(resolvedAgrees, "\(resolved)")
            if !raisedAgrees || !resolvedAgrees { return } // the first difference is enough to read
        }
    }

    @Test("encoded() still refuses an invalid flag and still decodes back to the same event")
    func roundTrip() throws {
        let flag = FlagRaised(
            flagId: "flag-1", rule: "grey-zone", severity: .high, title: "Gråzon",
            explanation: "Personen är sjukskriven och har \"bara\" försörjningsstöd kvar.", agencies: [.fk, .kommun],
            evidence: ["b7-1-0", "b7-1-1"])
        let envelope = EventEnvelope(
            id: "flag-1:raised", source: .coordinator, time: Date(timeIntervalSince1970: 1_795_000_000.5),
            subject: Self.person, event: .flagRaised(flag))
        #expect(try EventEnvelope(decoding: envelope.encoded()) == envelope)

        var blank = flag
        blank.explanation = " \u{A0}\u{301}"
        #expect(throws: EventContractError.invalidPayload(PayloadViolation(field: "explanation", reason: "must not be empty"))) {
            try EventEnvelope(id: "x", source: .coordinator, subject: Self.person, event: .flagRaised(blank)).encoded()
        }
        let resolved = FlagResolved(flagId: "flag-1", rule: "grey-zone", resolution: "Ring 19121212-1212", evidence: [])
        #expect(throws: EventContractError.self) {
            try EventEnvelope(id: "x", source: .coordinator, subject: Self.person, event: .flagResolved(resolved)).encoded()
        }
        #expect(throws: EventContractError.self) {
            try EventEnvelope(id: "x", source: .agency(.af), subject: Self.person, event: .flagRaised(flag)).encoded()
        }
    }
}
