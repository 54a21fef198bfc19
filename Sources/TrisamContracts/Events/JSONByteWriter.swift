/// Writes JSON text into a byte array, producing the bytes `EventEnvelope.encoder()` (Foundation's
/// `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes`) produces for the same values.
/// For payloads on a hot path that are worth encoding by hand, and for the JSON the stores keep
/// (outbox headers, flag evidence), so that the package escapes JSON strings in one place.
///
/// The writer writes what it is told, in the order it is told, without whitespace. It neither
/// sorts nor checks keys: a caller reproducing `.sortedKeys` writes the members of an object in
/// that order, and checks its output against `JSONEncoder` in tests. The writer puts the commas
/// between members and between elements.
///
/// Strings are escaped as that `JSONEncoder` escapes them (checked by tests): `"` and `\` with a
/// backslash; U+0008, U+0009, U+000A, U+000C and U+000D as `\b`, `\t`, `\n`, `\f` and `\r`; the
/// other characters below U+0020 as `\u00xx` with lowercase hexadecimal digits; everything else,
/// including `/`, U+007F, U+2028, U+2029 and all non-ASCII characters, as its UTF-8 bytes.
package struct JSONByteWriter {
    /// The JSON text written so far, UTF-8.
    package private(set) var bytes: [UInt8]
    /// Whether the next member or element follows another one in the same object or array.
    private var needsComma = false

    /// An empty writer with room for `capacity` bytes before it grows.
    package init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Opens an object: at the top level, as a member's value or as an array element.
    package mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Closes the innermost open object.
    package mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Opens an array: at the top level, as a member's value or as an array element.
    package mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Closes the innermost open array.
    package mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes the name of the next member of the open object; its value is written next.
    package mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string value.
    package mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    /// Writes an array of strings.
    package mutating func strings(_ values: some Sequence<String>) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// Writes the comma between this member or element and the one before it, if there is one.
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Appends `value` as a JSON string: quoted and escaped.
    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value // withUTF8 is mutating only to make a non-contiguous string contiguous
        value.withUTF8 { appendEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the UTF-8 bytes of a string's content, escaped; runs that need no escape are copied
    /// in one go.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            appendEscape(of: byte)
            runStart = index + 1
        }
        if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
    }

    /// Appends the escape sequence of `byte`: `"`, `\` or a character below U+0020.
    private mutating func appendEscape(of byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        default:
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(hexDigit(byte >> 4))
            bytes.append(hexDigit(byte & 0x0F))
        }
    }

    /// The lowercase hexadecimal digit of `value` (0–15).
    private func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
