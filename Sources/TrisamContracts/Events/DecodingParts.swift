import Foundation

/// The parts of ``EventEnvelope/init(decoding:)`` on their own, for `trisam-bench decode` to
/// measure what each one costs (and so what the fast path saves). Not for product code.
@_spi(Benchmarks)
public enum DecodingParts {
    /// The payload read by `PayloadFastDecoder` from the strict scanner's tokens (nil where it
    /// leaves the body to `JSONDecoder`).
    public static func fastPayload(_ type: EventType, body: [UInt8]) -> TrisamEvent? {
        PayloadFastDecoder.decode(type, from: body)
    }

    /// The payload read by `JSONDecoder`, as every body would be without the fast decoder.
    public static func decoderPayload(_ type: EventType, body: [UInt8]) throws -> TrisamEvent {
        try EventEnvelope.decodePayload(type, from: Data(body))
    }

    /// The strict scanner alone: the body's shape and tokens in one pass (nil where it declines).
    public static func scannedShape(_ body: [UInt8]) -> String? {
        StrictJSON.scannedShape(of: body)
    }

    /// What a body costs whose shape was not seen before, beside decoding it: `JSONSerialization`,
    /// the shape of what it read, the payload encoded again and compared field by field.
    public static func unknownFieldCheck(_ event: EventEnvelope, body: [UInt8]) throws -> Bool {
        let input = try JSONSerialization.jsonObject(with: Data(body))
        _ = StrictJSON.shape(of: input)
        let canonical = try JSONSerialization.jsonObject(with: EventEnvelope.encoder().encode(AnyPayload(event.event.payload)))
        return StrictJSON.firstUnknownField(input: input, canonical: canonical) == nil
    }
}
