import Foundation
import Testing
import TrisamTestSupport

@testable import TrisamContracts

/// Whenever the fast payload decoder answers, JSONDecoder gives the very same payload.
@Suite("Fast payload decoder agrees with JSONDecoder")
struct PayloadFastDecoderTests {
    /// Whether the fast decoder answered for `body`; fails if its answer differs from JSONDecoder's.
    /// Bodies the shape scanner does not take are never given to the fast decoder.
    @discardableResult
    static func check(_ type: EventType, _ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard StrictJSON.scannedShape(of: body) != nil, let fast = PayloadFastDecoder.decode(type, from: body) else { return false }
        let reference = Result { () throws(EventContractError) in try EventEnvelope.decodePayload(type, from: Data(body)) }
        #expect(reference == .success(fast), "\(type): \(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
        return true
    }

    static func payload(_ type: EventType) throws -> [String: Any] {
        try #require(try ContractExamples.example(type)["value"] as? [String: Any])
    }

    static func json(_ object: Any) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    @Test("every contract example is decoded fast, to what JSONDecoder gives")
    func examples() throws {
        for type in EventType.allCases {
            let body = try ContractExamples.encoded(type).value
            #expect(Self.check(type, body), "\(type) was left to JSONDecoder")
        }
    }

    @Test(
        "what the fast decoder leaves to JSONDecoder",
        arguments: [
            #"{"decision":"granted","effectiveDate":"2026-01-05","extentPercent":50.0}"#,
            #"{"decision":"granted","effectiveDate":"2026-01-05","extentPercent":"50"}"#,
            #"{"decision":"granted","effectiveDate":"2026-01-05","extentPercent":9223372036854775808}"#,
            #"{"effectiveDate":"2026-01-05","extentPercent":50}"#,
            #"{"decision":"granted","effectiveDate":"2026-02-30","extentPercent":50}"#,
            #"{"decision":"bored","effectiveDate":"2026-01-05","extentPercent":50}"#,
            #"{"decision":null,"effectiveDate":"2026-01-05","extentPercent":50}"#,
            #"{"decision":"granted","effectiveDate":"2026-01-05","extent\u0050ercent":50}"#,
            #"{"decision":"granted","effectiveDate":"2026-01-05","extentPercent":true}"#,
        ])
    func leftToJSONDecoder(_ text: String) {
        #expect(PayloadFastDecoder.decode(.fkSjukpenningDecided, from: Array(text.utf8)) == nil)
    }

    @Test("escapes, non-ASCII text, negative zero, offsets and fractions in dates")
    func values() throws {
        let referral =
            #"{"referralId":"r-1","from":"kommun","to":"af","reason":"Beh\u00f6ver st\u00f6d \"nu\" \\ \/ \ud83d\ude00 åäö","requestedMeasure":"Bed\u00f6mning","area":"arbete-aktivitet"}"#
        #expect(Self.check(.referralSent, Array(referral.utf8)))
        var sip = try Self.payload(.sipScheduled)
        for (start, end) in [
            ("2026-12-03T10:00:00+01:00", "2026-12-03T10:00:00.5-01:30"), ("2026-12-03T09:00:00.123456789Z", "2026-12-03T10:00:00z"),
            ("2026-12-03T09:00:00Zx", "2026-12-03T24:00:00Z"),
        ] {
            sip["meeting"] = ["start": start, "end": end]
            Self.check(.sipScheduled, try Self.json(sip))
        }
        sip["sequence"] = -0
        Self.check(
            .sipScheduled,
            Array(
                String(decoding: try Self.json(sip), as: UTF8.self).replacingOccurrences(of: "\"sequence\":0", with: "\"sequence\":-0").utf8
            ))
    }

    @Test("payloads with each value replaced, removed or set to null or another type")
    func mutated() throws {
        var random = JSONShapeScannerTests.Generator(seed: 4711)
        let replacements: [Any] = [
            NSNull(), "", "x", "åäö 😀", "2026-11-20", "2026-11", "2026-11-24T09:30:00Z", "kommun", "af",
            "granted", 0, 1, 50, -1, 100, 1.5, true, false, [Any](), ["kommun"], ["kommun", "kommun"],
            [String: Any](), ["name": "Anna"], ["agency": "af", "name": "Anna"],
        ]
        var taken = 0
        var tried = 0
        for type in EventType.allCases {
            let original = try Self.payload(type)
            for _ in 0..<40 {
                var payload = original
                for _ in 0...random.next(2) {
                    let key = payload.keys.sorted()[random.next(payload.count)]
                    switch random.next(4) {
                    case 0: payload[key] = nil
                    case 1: payload["extra\(random.next(3))"] = replacements[random.next(replacements.count)]
                    default: payload[key] = replacements[random.next(replacements.count)]
                    }
                    if payload.isEmpty { payload = original }
                }
                tried += 1
                if Self.check(type, try Self.json(payload)) { taken += 1 }
            }
        }
        // Some mutations keep a valid payload, which the fast decoder then decodes.
        #expect(taken > tried / 20)
    }
}
