import Foundation

/// A person's folded state with the coordinator's bookkeeping of its flags.
public struct PersonRecord: Sendable {
    public var state: PersonState
    public var flags: PersonFlags

    public init(state: PersonState, flags: PersonFlags) {
        self.state = state
        self.flags = flags
    }
}

/// Per person: the open flag of each rule, and how many times each rule has been raised (so a
/// flag id is derived deterministically: a replay of the same events yields the same ids).
public struct PersonFlags: Codable, Sendable, Equatable {
    public struct Open: Codable, Sendable, Equatable {
        public var flagId: String
        public var since: Date
        /// Digest of the finding last stored for the flag (an unchanged finding is not rewritten).
        public var fingerprint: String?

        public init(flagId: String, since: Date, fingerprint: String?) {
            self.flagId = flagId
            self.since = since
            self.fingerprint = fingerprint
        }
    }
    /// The open flag of each rule, by rule id.
    public var open: [String: Open] = [:]
    /// How many times each rule has been raised for the person, by rule id.
    public var raised: [String: Int] = [:]
    public init() {}
}

extension PersonFlags {
    /// First byte of the binary form (the first format, JSON, starts with `{`).
    static let binaryTag: UInt8 = 0x01

    /// The compact binary form, rules in sorted order (equal bookkeeping, equal bytes).
    public func binaryEncoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.byte(Self.binaryTag)
        writer.array(open.keys.sorted()) { writer, rule in
            let flag = open[rule]!
            writer.string(rule)
            writer.string(flag.flagId)
            writer.time(flag.since)
            writer.optionalString(flag.fingerprint)
        }
        writer.array(raised.keys.sorted()) { writer, rule in
            writer.string(rule)
            writer.int(raised[rule]!)
        }
        return writer.bytes
    }

    /// Reads the binary form, or the JSON of stores written before it.
    public init(stored bytes: [UInt8]) throws {
        if bytes.first == UInt8(ascii: "{") {
            self = try JSONDecoder().decode(PersonFlags.self, from: Data(bytes))
            return
        }
        var reader = BinaryReader(bytes: bytes)
        guard try reader.byte() == Self.binaryTag else { throw BinaryStateError(reason: "unknown flags format") }
        self.init()
        for _ in 0..<(try reader.count()) {
            let rule = try reader.string()
            open[rule] = Open(flagId: try reader.string(), since: try reader.time(), fingerprint: try reader.optionalString())
        }
        for _ in 0..<(try reader.count()) {
            let rule = try reader.string()
            raised[rule] = try reader.int()
        }
        guard reader.isAtEnd else { throw BinaryStateError(reason: "trailing bytes after the flags") }
    }
}
