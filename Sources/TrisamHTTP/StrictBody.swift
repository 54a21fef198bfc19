import Foundation
import TrisamContracts

/// Decodes request bodies strictly: a JSON object no larger than the limit, every required field
/// present with the right type, and no field the request type does not declare. Pure: no I/O.
public enum StrictBody {
    /// The largest accepted request body, in bytes (64 KiB).
    public static let defaultLimit = 64 * 1024

    /// Parses `data` as a JSON object.
    public static func object(_ data: Data, limit: Int = defaultLimit) throws(APIError) -> [String: Any] {
        if data.count > limit { throw .bodyTooLarge(limit: limit) }
        if data.isEmpty { throw .invalidJSON("the request body is empty; a JSON object is required") }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw .invalidJSON("the request body is not valid JSON" + parseFailure(error))
        }
        guard let object = json as? [String: Any] else {
            throw .invalidJSON("the request body must be a JSON object, got \(kind(of: json))")
        }
        if let duplicate = StrictJSON.firstDuplicateKey(in: Array(data)) {
            throw .violation(PayloadViolation(field: duplicate, reason: StrictJSON.duplicateKeyReason))
        }
        return object
    }

    /// Where and why JSONSerialization stopped, e.g. `: invalid value around character 17`
    /// (character offsets count from 0); empty when it does not say. Never quotes the body.
    public static func parseFailure(_ error: any Error) -> String {
        guard var text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String, !text.isEmpty else { return "" }
        while text.hasSuffix(".") { text.removeLast() }
        let counting = text.contains("character") ? " (counting from 0)" : ""
        return ": " + text.prefix(1).lowercased() + text.dropFirst() + counting
    }

    /// The JSON kind of a parsed value, for refusals (`an array`, `a string`, ...).
    public static func kind(of value: Any) -> String {
        switch value {
        case is [Any]: "an array"
        case is String: "a string"
        case is NSNull: "null"
        default: "a number or boolean"
        }
    }

    /// Decodes `T` from `data`, refusing unknown fields, nulls, wrong types and missing fields.
    public static func decode<T: Codable>(_ type: T.Type, from data: Data, limit: Int = defaultLimit) throws(APIError) -> T {
        let object = try object(data, limit: limit)
        let value: T
        do {
            value = try EventEnvelope.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            // Report an unknown field before a decoding error further down the object, so the
            // message names the field the client actually got wrong.
            if let unknown = unknownBeforeDecoding(object, T.self) { throw unknown }
            if NumberRules.isOpaqueNumberRefusal(error), let number = NumberRules.firstNonInteger(in: object) {
                throw APIError.violation(number)
            }
            throw APIError.violation(violation(for: error))
        } catch {
            throw APIError.invalidJSON("the request body cannot be read: \(error)")
        }
        if let canonical = try? JSONSerialization.jsonObject(with: EventEnvelope.encoder().encode(value)),
            let unknown = firstUnknownField(input: object, canonical: canonical)
        {
            throw APIError.violation(unknown)
        }
        return value
    }

    /// The first top-level key `T` does not declare, when `T` lists its fields (``KnownFields``).
    /// Used when decoding fails, so an unknown field is reported rather than a consequence of it.
    private static func unknownBeforeDecoding<T>(_ object: [String: Any], _ type: T.Type) -> APIError? {
        guard let known = type as? any KnownFields.Type else { return nil }
        for key in object.keys.sorted() where !known.fieldNames.contains(key) {
            return .unknownField(key)
        }
        return nil
    }

    /// The first key present in `input` but absent from `canonical` (the decoded value encoded again).
    public static func firstUnknownField(input: Any, canonical: Any) -> PayloadViolation? {
        StrictJSON.firstUnknownField(input: input, canonical: canonical, owner: "this request")
    }

    /// A field path and reason for a `DecodingError`.
    public static func violation(for error: DecodingError) -> PayloadViolation { StrictJSON.violation(for: error) }
}

/// A request type that lists its top-level field names, so an unknown field is reported even
/// when another field fails to decode.
public protocol KnownFields {
    static var fieldNames: Set<String> { get }
}
