import Foundation
import Hummingbird
import NIOCore

/// A JSON response of a typed body and an HTTP status (`201`, `202`, …). Keys are sorted and
/// slashes not escaped, as the API has always answered; a key that must be present with `null`
/// is declared ``Nullable``.
public struct JSONReply<Body: Encodable & Sendable>: ResponseGenerator, Sendable {
    public let status: Int
    public let value: Body

    public init(_ status: Int = 200, _ value: Body) {
        self.status = status
        self.value = value
    }

    /// The encoded body.
    public func data() throws -> Data { try APIJSON.encoder().encode(value) }

    /// The body as a client parsing it with JSONSerialization sees it (tests, diagnostics).
    public var body: [String: Any] {
        (try? data()).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        APIJSON.response(status: status, data: try data())
    }
}

/// How the API writes JSON.
public enum APIJSON {
    /// Keys sorted, slashes not escaped.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A JSON response of already encoded bytes.
    public static func response(status: Int, data: Data) -> Response {
        Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// An optional that encodes as `null` when absent, for keys the API sends present with null
/// (`"next": null` on a last page) rather than leaving out.
@propertyWrapper
public struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension Nullable: Equatable where Value: Equatable {}
