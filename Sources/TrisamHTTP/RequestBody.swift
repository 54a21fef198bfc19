import Foundation
import Hummingbird

extension Request {
    /// The body's bytes, at most `limit` of them; a longer body is refused with 413
    /// `body_too_large` before any of it is parsed.
    public func collectBody(upTo limit: Int = StrictBody.defaultLimit) async throws(APIError) -> Data {
        do {
            var buffer = try await body.collect(upTo: limit)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw .bodyTooLarge(limit: limit)
        }
    }

    /// The body decoded strictly into `T` (``StrictBody/decode(_:from:limit:)``): a JSON object,
    /// every required field present with its type, no field `T` does not declare; refusals
    /// name the field.
    public func decodeStrictly<T: Codable>(_ type: T.Type, limit: Int = StrictBody.defaultLimit) async throws(APIError) -> T {
        try StrictBody.decode(type, from: try await collectBody(upTo: limit), limit: limit)
    }
}
