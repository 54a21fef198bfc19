import Foundation

/// The whole-number fields of the requests and event payloads and the rule each must meet, so a
/// number a decoder cannot read as a whole number (`50.5`, `1e30`) is refused naming the field
/// and the rule rather than as malformed JSON. Pure.
public enum NumberRules {
    /// The rule of the whole-number field `name` (the last component of a path) of `type`'s
    /// payload, or of a request body when `type` is nil, e.g. "must be a whole number from 1 to 100".
    public static func rule(for name: String, of type: EventType? = nil) -> String {
        switch name {
        case "extentPercent":
            switch type {
            case .kommunMeasureStarted?, .afProgrammeStarted?: "must be a whole number from 1 to 100"
            case nil: "must be a whole number (percent)"
            default: "must be 25, 50, 75 or 100"
            }
        case "workCapacityPercent": "must be a whole number from 0 to 100"
        case "day": "must be 90, 180 or 365"
        case "durationMinutes": "must be a whole number from 15 to 480"
        case "revision": "must be a whole number from 1 to 1000"
        case "sequence": "must be a whole number from 0 to 1000"
        default: "must be a whole number"
        }
    }

    /// The first number in `json` (parsed by JSONSerialization) that is not a whole number an
    /// `Int` holds, as a violation naming its path below `path` and the field's rule.
    public static func firstNonInteger(in json: Any, path: String = "", of type: EventType? = nil) -> PayloadViolation? {
        if let object = json as? [String: Any] {
            for key in object.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                if let number = object[key] as? NSNumber, !(object[key] is Bool), !isWholeNumber(number) {
                    return PayloadViolation(field: field, reason: "\(rule(for: key, of: type)), got \(describe(number))")
                }
                if let violation = firstNonInteger(in: object[key]!, path: field, of: type) { return violation }
            }
        } else if let array = json as? [Any] {
            for (index, element) in array.enumerated() {
                if let violation = firstNonInteger(in: element, path: "\(path)[\(index)]", of: type) { return violation }
            }
        }
        return nil
    }

    /// Whether `number` is a whole number within `Int`'s range.
    static func isWholeNumber(_ number: NSNumber) -> Bool {
        let value = number.doubleValue
        guard value.isFinite, value.rounded() == value else { return false }
        return value >= -9.2e18 && value <= 9.2e18
    }

    private static func describe(_ number: NSNumber) -> String {
        let text = number.stringValue
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    /// Whether a decoding error is the decoder's opaque refusal of a number it cannot read as
    /// the declared whole-number type (Foundation says only "The given data was not valid JSON").
    public static func isOpaqueNumberRefusal(_ error: DecodingError) -> Bool {
        guard case .dataCorrupted(let context) = error else { return false }
        return context.debugDescription.contains("not valid JSON") || context.debugDescription.contains("does not fit")
    }
}
