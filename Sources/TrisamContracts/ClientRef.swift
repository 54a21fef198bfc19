/// A pseudonym of a person: the keyed HMAC of the normalised personnummer or
/// samordningsnummer (see ``Pseudonymizer``). This, never the number itself, is what
/// travels on the bus, as the Kafka key and the CloudEvents subject.
///
/// Its form is 32 lowercase hexadecimal characters (128 bits).
public struct ClientRef: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// Accepts only the canonical form: 32 lowercase hex characters.
    public init?(rawValue: String) {
        guard rawValue.utf8.count == 32,
            rawValue.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
        else { return nil }
        self.rawValue = rawValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let value = ClientRef(rawValue: string) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "clientRef must be 32 lowercase hex characters")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: ClientRef, rhs: ClientRef) -> Bool { lhs.rawValue < rhs.rawValue }
}
