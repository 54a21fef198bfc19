/// Finds an object key that appears twice in one object. `JSONSerialization` keeps one of the
/// values and says nothing, so a body with `{"reason": "…", "reason": "…"}` would be read as
/// whichever it kept; the contracts refuse such bodies instead (RFC 8259 §4: names "SHOULD be
/// unique"). Keys are compared after unescaping, so `"a"` and `"\u0061"` are the same key.
extension StrictJSON {
    /// The reason given for a key that appears twice.
    public static let duplicateKeyReason = "appears more than once in its object; give each field once"

    /// The path of the first key that appears twice in its object (`reason`, `contact.name`,
    /// `actions[1].owner`), or nil. Meant for bodies already known to be well-formed JSON: on
    /// malformed input it stops and answers nil.
    public static func firstDuplicateKey(in bytes: [UInt8]) -> String? {
        // Fast answer for the common case: a body the scanner vouches for has no duplicate.
        if bytes.withUnsafeBufferPointer({ scan($0) }) != nil { return nil }
        var walker = DuplicateKeyWalker(bytes: bytes)
        return walker.value(path: "", depth: 0)
    }
}

/// A reader that walks a JSON document, collecting the keys of each object.
struct DuplicateKeyWalker {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The byte at the read position after white space, or 0 at the end.
    mutating func peek() -> UInt8 {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        return position < bytes.count ? bytes[position] : 0
    }

    /// Reads one value; the path of a duplicate key inside it, or nil.
    mutating func value(path: String, depth: Int) -> String? {
        guard depth < 512 else { return nil }
        switch peek() {
        case UInt8(ascii: "{"):
            position += 1
            var keys = Set<[UInt8]>()
            if peek() == UInt8(ascii: "}") {
                position += 1
                return nil
            }
            while position < bytes.count {
                guard peek() == UInt8(ascii: "\""), let key = string() else { return nil }
                let name = String(decoding: key, as: UTF8.self)
                let field = path.isEmpty ? name : "\(path).\(name)"
                if !keys.insert(key).inserted { return field }
                guard peek() == UInt8(ascii: ":") else { return nil }
                position += 1
                if let duplicate = value(path: field, depth: depth + 1) { return duplicate }
                switch peek() {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"):
                    position += 1
                    return nil
                default: return nil
                }
            }
            return nil
        case UInt8(ascii: "["):
            position += 1
            if peek() == UInt8(ascii: "]") {
                position += 1
                return nil
            }
            var index = 0
            while position < bytes.count {
                if let duplicate = value(path: "\(path)[\(index)]", depth: depth + 1) { return duplicate }
                index += 1
                switch peek() {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"):
                    position += 1
                    return nil
                default: return nil
                }
            }
            return nil
        case UInt8(ascii: "\""):
            _ = string()
            return nil
        default:
            // A number, true, false or null: up to the next delimiter.
            while position < bytes.count,
                ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D]
                    .contains(bytes[position])
            { position += 1 }
            return nil
        }
    }

    /// Reads a string at its opening quote; its UTF-8 bytes with escapes resolved.
    mutating func string() -> [UInt8]? {
        position += 1
        var text: [UInt8] = []
        var pendingHigh: UInt32?
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return text
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                if escape == UInt8(ascii: "u") {
                    guard position + 4 <= bytes.count,
                        let unit = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
                    else { return nil }
                    position += 4
                    if (0xD800...0xDBFF).contains(unit) {
                        pendingHigh = unit
                        continue
                    }
                    var scalarValue = unit
                    if (0xDC00...0xDFFF).contains(unit), let high = pendingHigh {
                        scalarValue = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                    }
                    pendingHigh = nil
                    text.append(contentsOf: Array(String(Unicode.Scalar(scalarValue).map(Character.init) ?? "\u{FFFD}").utf8))
                    continue
                }
                let resolved: UInt8 =
                    switch escape {
                    case UInt8(ascii: "n"): 0x0A
                    case UInt8(ascii: "t"): 0x09
                    case UInt8(ascii: "r"): 0x0D
                    case UInt8(ascii: "b"): 0x08
                    case UInt8(ascii: "f"): 0x0C
                    default: escape // \" \\ \/
                    }
                text.append(resolved)
            default:
                text.append(byte)
            }
            pendingHigh = nil
        }
        return nil
    }
}
