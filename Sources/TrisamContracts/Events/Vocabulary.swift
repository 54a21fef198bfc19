/// A closed set of codes (an agency's status vocabulary, reasons, purposes). Decoding an unknown
/// code fails with a message that lists the allowed ones.
public protocol Vocabulary: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension Vocabulary {
    /// The allowed codes, comma separated, in declaration order.
    public static var allowedCodes: String { allCases.map(\.rawValue).joined(separator: ", ") }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        guard let value = Self(rawValue: code) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(code.prefix(60))\" is not allowed; must be one of: \(Self.allowedCodes)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
