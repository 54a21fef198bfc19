import Foundation
import Testing

@testable import TrisamCoordinatorCore

/// A person's flag bookkeeping as stored: the binary form, and the JSON of older stores.
@Suite("Person flags storage format")
struct PersonFlagsFormatTests {
    static func sample() -> PersonFlags {
        var flags = PersonFlags()
        flags.open["grey-zone"] = .init(
            flagId: "ab:grey-zone:1", since: Date(timeIntervalSince1970: 1_790_000_000.125),
            fingerprint: "00ff00ff00ff00ff")
        flags.open["ping-pong"] = .init(flagId: "ab:ping-pong:0", since: Date(timeIntervalSince1970: 1_780_000_000), fingerprint: nil)
        flags.raised = ["grey-zone": 2, "ping-pong": 1, "sick-note-lapsed": 7]
        return flags
    }

    @Test("the binary form reads back exactly, and equal bookkeeping gives equal bytes")
    func binaryRoundTrip() throws {
        let flags = Self.sample()
        let bytes = flags.binaryEncoded()
        #expect(try PersonFlags(stored: bytes) == flags)
        var reordered = PersonFlags()
        for rule in flags.raised.keys.reversed() { reordered.raised[rule] = flags.raised[rule] }
        for rule in flags.open.keys.reversed() { reordered.open[rule] = flags.open[rule] }
        #expect(reordered.binaryEncoded() == bytes)
        #expect(try PersonFlags(stored: PersonFlags().binaryEncoded()) == PersonFlags())
    }

    @Test("JSON written by earlier versions still reads")
    func legacyJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(Self.sample())
        #expect(try PersonFlags(stored: Array(json)) == Self.sample())
    }

    @Test("truncated, padded or unknown data is refused, not misread")
    func badData() {
        let bytes = Self.sample().binaryEncoded()
        #expect(throws: (any Error).self) { try PersonFlags(stored: Array(bytes.dropLast())) }
        #expect(throws: (any Error).self) { try PersonFlags(stored: bytes + [0]) }
        #expect(throws: (any Error).self) { try PersonFlags(stored: [0x7f] + bytes.dropFirst()) }
        #expect(throws: (any Error).self) { try PersonFlags(stored: []) }
    }
}
