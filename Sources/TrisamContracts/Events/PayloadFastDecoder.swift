import Foundation

/// Decodes an event payload straight from its JSON bytes, from the tokens the strict scanner
/// (``StrictJSON/scan(_:)``) read: strict JSON, ASCII keys, no duplicates. It succeeds only where
/// `JSONDecoder` (with ``EventEnvelope/decoder()``) gives the same payload: strings, integers
/// written as integers, `true`/`false`, `null`, arrays, objects, and dates as RFC 3339 strings
/// through ``Timestamp/parse(_:)``. On anything else it gives nil — a type mismatch, a missing
/// field, an escaped key, a number with a fraction, a rule of a payload type — and the caller
/// decodes with `JSONDecoder`, which gives the error (or the value) as always.
enum PayloadFastDecoder {
    /// The payload of `type` in `body`, or nil to decode it with `JSONDecoder` (also when the
    /// scanner does not take the body).
    static func decode(_ type: EventType, from body: [UInt8]) -> TrisamEvent? {
        body.withUnsafeBufferPointer { bytes in
            StrictJSON.scan(bytes).flatMap { decode(type, from: bytes, tokens: $0.tokens) }
        }
    }

    /// The payload of `type` in `bytes`, whose tokens the scanner read, or nil as above.
    static func decode(_ type: EventType, from bytes: UnsafeBufferPointer<UInt8>, tokens: [JSONToken]) -> TrisamEvent? {
        let document = FastJSONDocument(bytes, tokens: tokens)
        return try? TrisamEvent.decode(type, from: FastJSONDecoder(document: document, token: 0))
    }
}

/// Thrown when the fast decoder leaves a body to `JSONDecoder`.
private struct LeftToJSONDecoder: Error {}

/// A JSON document as a flat list of tokens in document order: an object is followed by its
/// keys and values, an array by its elements; `next` is the token after a value and all it holds.
private final class FastJSONDocument {
    /// Valid only while ``PayloadFastDecoder/decode(_:from:tokens:)`` runs.
    let bytes: UnsafeBufferPointer<UInt8>
    let tokens: [JSONToken]

    init(_ bytes: UnsafeBufferPointer<UInt8>, tokens: [JSONToken]) {
        self.bytes = bytes
        self.tokens = tokens
    }

    // MARK: Values

    func string(at token: Int) throws -> String {
        let token = tokens[token]
        guard token.kind == .string else { throw LeftToJSONDecoder() }
        let content = UnsafeBufferPointer(rebasing: bytes[token.start..<token.end])
        guard token.escaped else {
            guard let text = String(validating: content, as: UTF8.self) else { throw LeftToJSONDecoder() }
            return text
        }
        var units: [UInt16] = []
        units.reserveCapacity(content.count)
        var position = 0
        while position < content.count {
            let byte = content[position]
            guard byte == UInt8(ascii: "\\") else {
                // Raw UTF-8: decode the sequence to UTF-16 through a String of it.
                var end = position + 1
                while end < content.count, content[end] != UInt8(ascii: "\\") { end += 1 }
                guard let run = String(validating: UnsafeBufferPointer(rebasing: content[position..<end]), as: UTF8.self) else {
                    throw LeftToJSONDecoder()
                }
                units.append(contentsOf: run.utf16)
                position = end
                continue
            }
            guard position + 1 < content.count else { throw LeftToJSONDecoder() }
            let escape = content[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): units.append(UInt16(escape))
            case UInt8(ascii: "b"): units.append(0x08)
            case UInt8(ascii: "f"): units.append(0x0C)
            case UInt8(ascii: "n"): units.append(0x0A)
            case UInt8(ascii: "r"): units.append(0x0D)
            case UInt8(ascii: "t"): units.append(0x09)
            case UInt8(ascii: "u"):
                guard position + 4 <= content.count,
                    let unit = UInt16(
                        String(decoding: UnsafeBufferPointer(rebasing: content[position..<(position + 4)]), as: UTF8.self), radix: 16)
                else { throw LeftToJSONDecoder() }
                units.append(unit)
                position += 4
            default:
                throw LeftToJSONDecoder()
            }
        }
        // Lone surrogates are left to JSONDecoder.
        guard let text = String(validating: units, as: UTF16.self) else { throw LeftToJSONDecoder() }
        return text
    }

    /// An integer written without fraction or exponent, that fits `T`.
    func integer<T: FixedWidthInteger>(_ type: T.Type, at token: Int) throws -> T {
        let token = tokens[token]
        guard token.kind == .number else { throw LeftToJSONDecoder() }
        var position = token.start
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard position < token.end else { throw LeftToJSONDecoder() }
        var magnitude: UInt64 = 0
        while position < token.end {
            let digit = bytes[position] &- UInt8(ascii: "0")
            guard digit < 10 else { throw LeftToJSONDecoder() }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { throw LeftToJSONDecoder() }
            magnitude = sum
            position += 1
        }
        guard magnitude <= UInt64(Int64.max) else { throw LeftToJSONDecoder() }
        guard let value = T(exactly: negative ? -Int64(magnitude) : Int64(magnitude)) else { throw LeftToJSONDecoder() }
        return value
    }

    func bool(at token: Int) throws -> Bool {
        switch tokens[token].kind {
        case .trueValue: true
        case .falseValue: false
        default: throw LeftToJSONDecoder()
        }
    }

    func decode<T: Decodable>(_ type: T.Type, at token: Int) throws -> T {
        if T.self == Date.self {
            // As EventEnvelope.decoder()'s date strategy.
            guard let date = Timestamp.parse(try string(at: token)) else { throw LeftToJSONDecoder() }
            return date as! T
        }
        // Types JSONDecoder treats specially, and floating point, are left to it.
        if T.self == Data.self || T.self == URL.self || T.self == Decimal.self || T.self == Double.self || T.self == Float.self {
            throw LeftToJSONDecoder()
        }
        return try T(from: FastJSONDecoder(document: self, token: token))
    }

    /// The value token of member `key` of the object at `object`, or nil.
    func member(_ key: String, of object: Int) -> Int? {
        var token = object + 1
        let end = tokens[object].next
        var key = key
        return key.withUTF8 { key in
            while token < end {
                let name = tokens[token]
                if name.end - name.start == key.count, memcmp(bytes.baseAddress! + name.start, key.baseAddress!, key.count) == 0 {
                    return token + 1
                }
                token = tokens[token + 1].next
            }
            return nil
        }
    }

    /// The key tokens of the object at `object`.
    func keys(of object: Int) -> [Int] {
        var keys: [Int] = []
        var token = object + 1
        while token < tokens[object].next {
            keys.append(token)
            token = tokens[token + 1].next
        }
        return keys
    }

    /// Whether a key of the object at `object` has an escape (such objects are left to
    /// JSONDecoder, as keys are compared as written).
    func hasEscapedKey(_ object: Int) -> Bool {
        var token = object + 1
        while token < tokens[object].next {
            if tokens[token].escaped { return true }
            token = tokens[token + 1].next
        }
        return false
    }
}

private struct FastJSONDecoder: Decoder {
    let document: FastJSONDocument
    let token: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard document.tokens[token].kind == .object, !document.hasEscapedKey(token) else { throw LeftToJSONDecoder() }
        return KeyedDecodingContainer(FastKeyedContainer<Key>(document: document, object: token))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard document.tokens[token].kind == .array else { throw LeftToJSONDecoder() }
        return FastUnkeyedContainer(document: document, array: token)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        FastSingleValueContainer(document: document, token: token)
    }
}

private struct FastKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let document: FastJSONDocument
    let object: Int
    var codingPath: [any CodingKey] { [] }

    var allKeys: [Key] {
        document.keys(of: object).compactMap { token in (try? document.string(at: token)).flatMap { Key(stringValue: $0) } }
    }

    private func value(_ key: Key) throws -> Int {
        guard let token = document.member(key.stringValue, of: object) else { throw LeftToJSONDecoder() }
        return token
    }

    func contains(_ key: Key) -> Bool { document.member(key.stringValue, of: object) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { document.tokens[try value(key)].kind == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try document.bool(at: try value(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try document.string(at: try value(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { throw LeftToJSONDecoder() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw LeftToJSONDecoder() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try document.integer(type, at: try value(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try document.integer(type, at: try value(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try document.integer(type, at: try value(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try document.integer(type, at: try value(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try document.integer(type, at: try value(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try document.integer(type, at: try value(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try document.integer(type, at: try value(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try document.integer(type, at: try value(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try document.integer(type, at: try value(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try document.integer(type, at: try value(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try document.decode(type, at: try value(key)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try FastJSONDecoder(document: document, token: try value(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try FastJSONDecoder(document: document, token: try value(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw LeftToJSONDecoder() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw LeftToJSONDecoder() }
}

private struct FastUnkeyedContainer: UnkeyedDecodingContainer {
    let document: FastJSONDocument
    let array: Int
    private var token: Int
    private(set) var currentIndex = 0
    let count: Int?

    init(document: FastJSONDocument, array: Int) {
        self.document = document
        self.array = array
        token = array + 1
        var elements = 0
        var element = array + 1
        while element < document.tokens[array].next {
            elements += 1
            element = document.tokens[element].next
        }
        count = elements
    }

    var codingPath: [any CodingKey] { [] }
    var isAtEnd: Bool { currentIndex >= count! }

    /// Reads the current element with `read(document, token)`, then moves past it.
    private mutating func next<T>(_ read: (FastJSONDocument, Int) throws -> T) throws -> T {
        guard !isAtEnd else { throw LeftToJSONDecoder() }
        let value = try read(document, token)
        token = document.tokens[token].next
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw LeftToJSONDecoder() }
        guard document.tokens[token].kind == .null else { return false }
        token = document.tokens[token].next
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.bool(at: $1) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try $0.string(at: $1) } }
    mutating func decode(_ type: Double.Type) throws -> Double { throw LeftToJSONDecoder() }
    mutating func decode(_ type: Float.Type) throws -> Float { throw LeftToJSONDecoder() }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try $0.integer(type, at: $1) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try $0.integer(type, at: $1) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try $0.integer(type, at: $1) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try $0.integer(type, at: $1) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try $0.integer(type, at: $1) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try $0.integer(type, at: $1) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try $0.integer(type, at: $1) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try $0.integer(type, at: $1) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try $0.integer(type, at: $1) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try $0.integer(type, at: $1) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next { try $0.decode(type, at: $1) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { try FastJSONDecoder(document: $0, token: $1).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next { try FastJSONDecoder(document: $0, token: $1).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder { throw LeftToJSONDecoder() }
}

private struct FastSingleValueContainer: SingleValueDecodingContainer {
    let document: FastJSONDocument
    let token: Int
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { document.tokens[token].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try document.bool(at: token) }
    func decode(_ type: String.Type) throws -> String { try document.string(at: token) }
    func decode(_ type: Double.Type) throws -> Double { throw LeftToJSONDecoder() }
    func decode(_ type: Float.Type) throws -> Float { throw LeftToJSONDecoder() }
    func decode(_ type: Int.Type) throws -> Int { try document.integer(type, at: token) }
    func decode(_ type: Int8.Type) throws -> Int8 { try document.integer(type, at: token) }
    func decode(_ type: Int16.Type) throws -> Int16 { try document.integer(type, at: token) }
    func decode(_ type: Int32.Type) throws -> Int32 { try document.integer(type, at: token) }
    func decode(_ type: Int64.Type) throws -> Int64 { try document.integer(type, at: token) }
    func decode(_ type: UInt.Type) throws -> UInt { try document.integer(type, at: token) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try document.integer(type, at: token) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try document.integer(type, at: token) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try document.integer(type, at: token) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try document.integer(type, at: token) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try document.decode(type, at: token) }
}
