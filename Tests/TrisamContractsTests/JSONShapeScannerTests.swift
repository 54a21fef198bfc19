import Foundation
import Testing
import TrisamRandom
import TrisamTestSupport

@testable import TrisamContracts

/// The byte scanner gives the shape `StrictJSON.shape(of:)` gives for what `JSONSerialization`
/// parses, and nil for anything `JSONSerialization` refuses.
@Suite("Shape scanner agrees with JSONSerialization")
struct JSONShapeScannerTests {
    /// The shape through the full path, or nil when `JSONSerialization` refuses the body or it is
    /// not an object.
    static func fullShape(_ bytes: [UInt8]) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)), json is [String: Any] else { return nil }
        return StrictJSON.shape(of: json)
    }

    /// Fails unless a scanned shape is exactly the full path's.
    static func checkAgreement(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let scanned = StrictJSON.scannedShape(of: bytes) else { return }
        #expect(scanned == fullShape(bytes), "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    @Test(
        "shapes of objects the scanner takes",
        arguments: [
            #"{}"#,
            #"{"a":1}"#,
            #" {"b":"x","a":null} "#,
            #"{"a":{"b":1,"c":{"d":null}},"e":[]}"#,
            #"{"a":[{"x":1},{"y":null},{"x":2,"z":[]}],"b":[[1],[],[{"q":true}]]}"#,
            #"{"a":[null,1,"s",true,false,-0.5,0,12.25,{}]}"#,
            "{\n\t\"a\" : [ 1 , 2 ] ,\r\n \"b\":{ }\n}",
            #"{"esc\"aped":1,"sl\/ash":2,"tab\t":3,"nl\n":4,"\u0041\u0062":5,"\u0000":6,"back\\":7}"#,
            #"{"x.y":1,"[]":2,",":3,"=null":null,"Z":1,"a":1,"_":1,"~":1}"#,
            #"{"s":"åäö ÅÄÖ é 😀 \u00e5 \ud83d\ude00 \u20ac \" \\ \/ \b\f\n\r\t","t":"\u007f"}"#,
            #"{"n":123456789012345678901234567890,"m":-9223372036854775809,"f":0.000001}"#,
            #"{"deregisteredOn":"2026-11-20","reason":"employed"}"#,
        ])
    func takes(_ text: String) throws {
        let bytes = Array(text.utf8)
        let scanned = try #require(StrictJSON.scannedShape(of: bytes))
        #expect(scanned == Self.fullShape(bytes))
    }

    @Test("the documented example shape")
    func example() {
        #expect(StrictJSON.scannedShape(of: Array(#"{"d":[],"c":null,"a":{"b":1}}"#.utf8)) == ".a,.a.b,.c=null,.d,.d[]=empty")
    }

    @Test(
        "nil for what JSONSerialization refuses or what is not an object",
        arguments: [
            "", "  ", "[]", "1", #""x""#, "null", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{a:1}"#, #"{"a":1} x"#, #"{"a":1}{}"#,
            #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":-}"#, #"{"a":NaN}"#, #"{"a":truex}"#, #"{"a":nul}"#,
            #"{"a":"\x"}"#, #"{"a":"\U0041"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":"x"#,
            "{\"a\":\"x\ty\"}", "{\"a\":\"x\u{01}\"}", "{\u{0C}\"a\":1}", #"{"a":1 /* c */}"#, "{\"a\":1}\u{0}",
            #"{"a":1e400}"#,
        ])
    func refuses(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(StrictJSON.scannedShape(of: bytes) == nil)
    }

    @Test(
        "nil, and so the full path, for what JSONSerialization takes but the scanner leaves to it",
        arguments: [
            #"{"a":1,}"#, #"{"a":[1,]}"#, #"{"a":1,"a":null}"#, #"{"b":{"a":1,"a":2}}"#, #"{"é":1}"#, #"{"\u00e9":1}"#,
            #"{"a":1e5}"#, #"{"a":2E-3}"#, #"{"a":"\ud800\u0041"}"#,
            "{\"a\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}",
            #"{"a":1234567890123456789012345678901234567890.5}"#,
        ])
    func leavesToFullPath(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(StrictJSON.scannedShape(of: bytes) == nil)
    }

    @Test("nil for invalid UTF-8 and for a byte-order mark")
    func bytes() {
        let prefix = Array(#"{"a":""#.utf8)
        let suffix = Array(#""}"#.utf8)
        for invalid: [UInt8] in [
            [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82], [0x80],
        ] {
            #expect(StrictJSON.scannedShape(of: prefix + invalid + suffix) == nil)
            #expect(Self.fullShape(prefix + invalid + suffix) == nil)
        }
        #expect(StrictJSON.scannedShape(of: [0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8)) == nil)
        #expect(StrictJSON.scannedShape(of: Array(#"{"#.utf8) + [0xFF] + Array(#"":1}"#.utf8)) == nil)
        // Valid multi-byte sequences of each length are taken.
        #expect(
            StrictJSON.scannedShape(of: prefix + [0xC3, 0xA5, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xEF, 0xBF, 0xBF] + suffix) == ".a")
    }

    @Test("every contract example's payload")
    func contractExamples() throws {
        for type in EventType.allCases {
            let body = try ContractExamples.encoded(type).value
            let scanned = try #require(StrictJSON.scannedShape(of: body), "\(type)")
            #expect(scanned == Self.fullShape(body), "\(type)")
        }
    }

    @Test("generated documents and byte-level mutations of them")
    func generated() {
        var random = Generator(seed: 2026)
        var taken = 0
        for _ in 0..<3_000 {
            let document = Array(random.object(depth: 0).utf8)
            if StrictJSON.scannedShape(of: document) != nil { taken += 1 }
            Self.checkAgreement(document)
            for _ in 0..<4 {
                Self.checkAgreement(random.mutate(document))
            }
        }
        // Most generated documents avoid what the scanner leaves to the full path.
        #expect(taken > 1_500)
    }

    /// A seeded generator of JSON objects with the features that matter to shapes: escaped and
    /// odd keys, nulls, nested and empty arrays and objects, non-ASCII strings.
    struct Generator {
        var random: SeededRandom
        init(seed: UInt64) { random = SeededRandom(seed: seed) }

        mutating func next(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }

        mutating func pick(_ choices: [String]) -> String { choices[next(choices.count)] }

        static let keys = [
            "a", "b", "ab", "a.b", "[]", "x,y", "=null", "A", "z", "_", "deregisteredOn", "reason",
            #"k\"q"#, #"s\/t"#, #"n\n"#, #"\u0041"#, #"\u0000"#, #"\t"#, #"back\\"#, #"\r\n"#, "", " ",
            #"\u007f"#, "~", "é", #"\u00e9"#,
        ]
        static let strings = [
            #""""#, #""x""#, #""åäö""#, #""😀""#, #""\ud83d\ude00""#, #""\u20ac""#, #""\"\\\/\b\f\n\r\t""#,
            #""\ud800""#, #""2026-11-20""#, "\"\u{7f}\"",
        ]
        static let numbers = ["0", "-0", "1", "-17", "12.5", "0.001", "1e5", "123456789012345678901234567890", "-9.75"]

        mutating func value(depth: Int) -> String {
            switch next(depth > 3 ? 4 : 6) {
            case 0: return pick(["null", "true", "false"])
            case 1: return pick(Self.numbers)
            case 2, 3: return pick(Self.strings)
            case 4: return array(depth: depth + 1)
            default: return object(depth: depth + 1)
            }
        }

        mutating func array(depth: Int) -> String {
            let count = next(4)
            return "[" + (0..<count).map { _ in value(depth: depth) }.joined(separator: pick([",", ", ", " ,\n"])) + "]"
        }

        mutating func object(depth: Int) -> String {
            let count = next(depth == 0 ? 7 : 4)
            var usedKeys: Set<String> = []
            var members: [String] = []
            for _ in 0..<count {
                var key = pick(Self.keys)
                // Mostly distinct keys; sometimes a duplicate, which the scanner leaves alone.
                if usedKeys.contains(key), next(8) != 0 { key += "\(members.count)" }
                usedKeys.insert(key)
                members.append("\"\(key)\"" + pick([":", " : ", ":\n"]) + value(depth: depth))
            }
            return pick(["", " ", "\n"]) + "{" + members.joined(separator: ",") + "}" + pick(["", " ", "\r\n"])
        }

        mutating func mutate(_ document: [UInt8]) -> [UInt8] {
            var copy = document
            guard !copy.isEmpty else { return copy }
            let special: [UInt8] = Array(#"{}[]":,\ nu0.e-"#.utf8) + [0x00, 0x09, 0xC3, 0xA5, 0xFF, 0xED, 0x80]
            let position = next(copy.count)
            switch next(4) {
            case 0: copy.remove(at: position)
            case 1: copy.insert(special[next(special.count)], at: position)
            case 2: copy[position] = special[next(special.count)]
            default: copy.removeLast(next(copy.count))
            }
            return copy
        }
    }
}

/// Once a type's clean shape is known, bodies of that shape skip `JSONSerialization`; what they
/// are refused for does not change.
@Suite("Decoding with a known shape")
struct KnownShapeDecodingTests {
    @Test("each broken message is refused with its reason after the valid shape was seen", arguments: EventDecodingTests.cases)
    func refused(_ testCase: EventDecodingTests.Case) throws {
        let valid = try EventDecodingTests.valid()
        for _ in 0..<2 { _ = try EventEnvelope(decoding: valid) }
        let message = testCase.change(valid)
        #expect(throws: testCase.expected) { try EventEnvelope(decoding: message) }
    }

    @Test("every contract example decodes the same on the first and on later passes")
    func examples() throws {
        for type in EventType.allCases {
            let message = try ContractExamples.encoded(type)
            let first = try EventEnvelope(decoding: message)
            let second = try EventEnvelope(decoding: message)
            #expect(first == second, "\(type)")
        }
    }
}
