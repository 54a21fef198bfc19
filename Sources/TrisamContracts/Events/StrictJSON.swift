import Foundation
import Synchronization

/// Finds fields a payload does not declare. `Codable` ignores unknown keys; the schemas forbid
/// them (`additionalProperties: false`), so the decoded value is encoded again and every key of
/// the input that did not survive is reported. The agency services use it for request bodies too.
public enum StrictJSON {
    /// The first key present in `input` but absent from `canonical` (the decoded value encoded
    /// again), as a violation; `owner` names what the fields belong to in the reason.
    public static func firstUnknownField(
        input: Any, canonical: Any, path: String = "",
        owner: String = "this event type"
    ) -> PayloadViolation? {
        if let object = input as? [String: Any] {
            let known = canonical as? [String: Any] ?? [:]
            for key in object.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                guard let canonicalValue = known[key] else {
                    if object[key] is NSNull {
                        return PayloadViolation(field: field, reason: "must not be null; leave it out instead")
                    }
                    return PayloadViolation(field: field, reason: "is not a field of \(owner)")
                }
                if let violation = firstUnknownField(input: object[key]!, canonical: canonicalValue, path: field, owner: owner) {
                    return violation
                }
            }
        } else if let array = input as? [Any], let canonicalArray = canonical as? [Any], array.count == canonicalArray.count {
            for (index, element) in array.enumerated() {
                if let violation = firstUnknownField(
                    input: element, canonical: canonicalArray[index], path: "\(path)[\(index)]", owner: owner)
                {
                    return violation
                }
            }
        }
        return nil
    }

    /// The shape of parsed JSON: every key path (array elements share `[]`), with null values and
    /// empty arrays marked. Whether ``firstUnknownField(input:canonical:path:owner:)`` finds
    /// anything depends only on the event type and this shape, so a shape once checked need not
    /// be checked again (see ``CheckedShapes``).
    public static func shape(of json: Any) -> String {
        var paths = Set<String>()
        collectShape(json, path: "", into: &paths)
        return paths.sorted().joined(separator: ",")
    }

    private static func collectShape(_ json: Any, path: String, into paths: inout Set<String>) {
        if let object = json as? [String: Any] {
            for (key, value) in object {
                let field = path + "." + key
                if value is NSNull {
                    paths.insert(field + "=null")
                } else {
                    paths.insert(field)
                    collectShape(value, path: field, into: &paths)
                }
            }
        } else if let array = json as? [Any] {
            if array.isEmpty { paths.insert(path + "[]=empty") }
            for element in array { collectShape(element, path: path + "[]", into: &paths) }
        }
    }

    /// A field path and reason for a `DecodingError`.
    public static func violation(for error: DecodingError) -> PayloadViolation {
        func path(_ codingPath: [any CodingKey], appending key: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in codingPath + (key.map { [$0] } ?? []) {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "(body)" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return PayloadViolation(field: path(context.codingPath, appending: key), reason: "is required")
        case .valueNotFound(_, let context):
            return PayloadViolation(field: path(context.codingPath), reason: "must not be null")
        case .typeMismatch(let type, let context):
            return PayloadViolation(field: path(context.codingPath), reason: "must be \(jsonKind(of: type))")
        case .dataCorrupted(let context):
            return PayloadViolation(field: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return PayloadViolation(field: "(body)", reason: "\(error)")
        }
    }

    private static func jsonKind(of type: Any.Type) -> String {
        switch type {
        case is String.Type, is Date.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// Shapes of event payloads already found free of unknown fields, per event type: a consumer
/// reading thousands of events of a few shapes checks each shape once. Bounded; when full it
/// starts afresh.
public final class CheckedShapes: Sendable {
    /// The process-wide set used by ``EventEnvelope``.
    public static let shared = CheckedShapes(limit: 4096)

    private let limit: Int
    private let shapes = Mutex(Set<String>())

    public init(limit: Int) { self.limit = limit }

    /// Whether `shape` of `type` was recorded.
    public func contains(_ shape: String, of type: EventType) -> Bool {
        let key = type.rawValue + "|" + shape
        return shapes.withLock { $0.contains(key) }
    }

    /// Records that `shape` of `type` has no unknown fields.
    public func insert(_ shape: String, of type: EventType) {
        let key = type.rawValue + "|" + shape
        shapes.withLock { shapes in
            if shapes.count >= limit { shapes.removeAll(keepingCapacity: true) }
            shapes.insert(key)
        }
    }
}
