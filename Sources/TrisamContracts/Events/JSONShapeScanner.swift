import Foundation

extension StrictJSON {
    /// The shape of the JSON object in `body`, as ``shape(of:)`` gives it for the same document
    /// parsed by `JSONSerialization`, read in one pass straight from the UTF-8 bytes; or nil when
    /// the scanner cannot vouch for it. Nil covers every body `JSONSerialization` refuses or that is
    /// not an object, and some it accepts: non-ASCII keys, duplicate keys, numbers with exponents
    /// or of more than 40 characters, `\u` escapes of UTF-16 surrogates, nesting deeper than 64,
    /// a byte-order mark, trailing commas. A caller takes the full path for those.
    ///
    /// A non-nil result guarantees that `JSONSerialization.jsonObject(with:)` returns a dictionary
    /// for `body` whose ``shape(of:)`` is that string.
    static func scannedShape(of body: [UInt8]) -> String? {
        body.withUnsafeBufferPointer { scan($0)?.shape }
    }

    /// What one pass of the scanner gives for a body it vouches for (see ``scannedShape(of:)``):
    /// the shape, and the document's tokens, which ``PayloadFastDecoder`` decodes from.
    struct Scanned {
        var shape: String
        var tokens: [JSONToken]
    }

    /// Scans `bytes` as ``scannedShape(of:)`` describes, keeping the tokens too.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Scanned? {
        // Bounds that no document of this size can exceed: a path grows by at most two bytes
        // per byte read ("[" gives "[]"), keys are never longer than written, and each
        // recorded path takes at least two bytes of the document.
        let count = bytes.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * count + 16) { text in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: count + 8) { keyEnds in
                withUnsafeTemporaryAllocation(of: (start: Int, end: Int).self, capacity: count + 8) { spans in
                    var scanner = ShapeScanner(
                        bytes,
                        path: Stack(text.baseAddress!, capacity: 2 * count + 16),
                        keys: Stack(text.baseAddress! + 2 * count + 16, capacity: count),
                        keyEnds: Stack(keyEnds.baseAddress!, capacity: count + 8),
                        spans: Stack(spans.baseAddress!, capacity: count + 8))
                    return scanner.shape().map { Scanned(shape: $0, tokens: scanner.tokens) }
                }
            }
        }
    }
}

/// One value (or object key) of a scanned JSON document. The tokens of a document are in document
/// order: an object is followed by its keys and values, an array by its elements.
struct JSONToken {
    enum Kind: UInt8 { case object, array, string, number, trueValue, falseValue, null }

    var kind: Kind
    /// Where the content starts in the bytes: after the quote for a string, the first byte otherwise.
    var start: Int
    /// Where the content ends: at the closing quote for a string, after the last byte otherwise.
    var end: Int
    /// The token after this value and everything it holds.
    var next: Int
    /// A string with a backslash escape in it.
    var escaped: Bool
}

/// A stack in memory owned by someone else, of a capacity known to suffice.
private struct Stack<Element> {
    let base: UnsafeMutablePointer<Element>
    let capacity: Int
    var count = 0

    init(_ base: UnsafeMutablePointer<Element>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    mutating func append(_ element: Element) {
        precondition(count < capacity)
        base[count] = element
        count += 1
    }

    subscript(_ index: Int) -> Element { base[index] }
}

/// A strict RFC 8259 reader that keeps the key paths of ``StrictJSON/shape(of:)`` and the tokens.
private struct ShapeScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// The key path of the value being read, e.g. `.contact.name` or `.barriers[]`.
    private var path: Stack<UInt8>
    /// The keys of the objects being read (outer objects first), to refuse duplicates.
    private var keys: Stack<UInt8>
    private var keyEnds: Stack<Int>
    /// Every recorded path, back to back, and where each one lies.
    private var arena: [UInt8] = []
    private var spans: Stack<(start: Int, end: Int)>
    /// Every value and key read, in document order.
    private(set) var tokens: [JSONToken] = []

    private static let maxDepth = 64
    private static let maxNumberLength = 40

    init(
        _ bytes: UnsafeBufferPointer<UInt8>, path: Stack<UInt8>, keys: Stack<UInt8>, keyEnds: Stack<Int>,
        spans: Stack<(start: Int, end: Int)>
    ) {
        self.bytes = bytes
        self.path = path
        self.keys = keys
        self.keyEnds = keyEnds
        self.spans = spans
        arena.reserveCapacity(4 * bytes.count)
        tokens.reserveCapacity(bytes.count / 6 + 4)
    }

    mutating func shape() -> String? {
        skipWhitespace()
        guard current == UInt8(ascii: "{"), object(depth: 1) else { return nil }
        skipWhitespace()
        guard index == bytes.count else { return nil }
        return joinedPaths()
    }

    // MARK: Structure

    /// The byte at the read position, or 0 at the end (0 is never valid outside a string).
    private var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Reads an object at `{`, recording `path.key` (or `path.key=null`) for each member.
    private mutating func object(depth: Int) -> Bool {
        guard depth <= Self.maxDepth else { return false }
        return container(.object) { $0.members(depth: depth) }
    }

    /// Reads a container at its opening byte with `read`, between its token and the next.
    private mutating func container(_ kind: JSONToken.Kind, _ read: (inout ShapeScanner) -> Bool) -> Bool {
        let token = tokens.count
        tokens.append(JSONToken(kind: kind, start: index, end: index, next: 0, escaped: false))
        guard read(&self) else { return false }
        tokens[token].next = tokens.count
        return true
    }

    /// The members of an object, from its `{` on.
    private mutating func members(depth: Int) -> Bool {
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return true
        }
        let base = path.count
        let firstKey = keyEnds.count
        defer {
            keys.count = firstKey == 0 ? 0 : keyEnds[firstKey - 1]
            keyEnds.count = firstKey
        }
        while true {
            guard current == UInt8(ascii: "\"") else { return false }
            path.append(UInt8(ascii: "."))
            guard key(), isNewKey(from: base + 1, siblingsFrom: firstKey) else { return false }
            for offset in (base + 1)..<path.count { keys.append(path[offset]) }
            keyEnds.append(keys.count)
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "n") {
                guard literal("null", .null) else { return false }
                record(suffix: "=null")
            } else {
                record(suffix: "")
                guard value(depth: depth) else { return false }
            }
            path.count = base
            if let finished = afterItem(closing: UInt8(ascii: "}")) { return finished }
        }
    }

    /// Reads an array at `[`: an empty one records `path[]=empty`, elements are read under `path[]`.
    private mutating func array(depth: Int) -> Bool {
        guard depth <= Self.maxDepth else { return false }
        return container(.array) { $0.elements(depth: depth) }
    }

    /// The elements of an array, from its `[` on.
    private mutating func elements(depth: Int) -> Bool {
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            record(suffix: "[]=empty")
            return true
        }
        path.append(UInt8(ascii: "["))
        path.append(UInt8(ascii: "]"))
        defer { path.count -= 2 }
        while true {
            if current == UInt8(ascii: "n") {
                guard literal("null", .null) else { return false }
            } else {
                guard value(depth: depth) else { return false }
            }
            if let finished = afterItem(closing: UInt8(ascii: "]")) { return finished }
        }
    }

    /// After a member or element: a comma moves on to the next one (nil), `close` ends the
    /// container (true), anything else is malformed (false).
    private mutating func afterItem(closing close: UInt8) -> Bool? {
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","):
            index += 1
            skipWhitespace()
            return nil
        case close:
            index += 1
            return true
        default:
            return false
        }
    }

    /// Reads any value but `null` (the callers handle that one, as it shapes differently).
    private mutating func value(depth: Int) -> Bool {
        switch current {
        case UInt8(ascii: "{"): object(depth: depth + 1)
        case UInt8(ascii: "["): array(depth: depth + 1)
        case UInt8(ascii: "\""): string()
        case UInt8(ascii: "t"): literal("true", .trueValue)
        case UInt8(ascii: "f"): literal("false", .falseValue)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): number()
        default: false
        }
    }

    private mutating func literal(_ word: StaticString, _ kind: JSONToken.Kind) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        let start = word.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
        scalar(kind, from: index, to: index + count)
        index += count
        return true
    }

    /// Appends the token of a value that holds no other.
    private mutating func scalar(_ kind: JSONToken.Kind, from start: Int, to end: Int, escaped: Bool = false) {
        tokens.append(JSONToken(kind: kind, start: start, end: end, next: tokens.count + 1, escaped: escaped))
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)?`; exponents are left to the full path.
    private mutating func number() -> Bool {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        switch current {
        case UInt8(ascii: "0"):
            index += 1
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            while isDigit(current) { index += 1 }
        default:
            return false
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard isDigit(current) else { return false }
            while isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") { return false }
        guard index - start <= Self.maxNumberLength else { return false }
        scalar(.number, from: start, to: index)
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    // MARK: Strings

    /// Reads a key at `"` and appends it, unescaped, to `path`. Only ASCII keys are taken.
    private mutating func key() -> Bool {
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                scalar(.string, from: start, to: index - 1, escaped: escaped)
                return true
            case UInt8(ascii: "\\"):
                guard let unit = escape(), unit < 0x80 else { return false }
                escaped = true
                path.append(UInt8(unit))
            case 0x20..<0x80:
                path.append(byte)
            default:
                return false
            }
        }
        return false
    }

    /// Whether the key just read (`path[keyStart...]`) differs from the keys read before it in
    /// the same object.
    private func isNewKey(from keyStart: Int, siblingsFrom firstKey: Int) -> Bool {
        let length = path.count - keyStart
        var start = firstKey == 0 ? 0 : keyEnds[firstKey - 1]
        for number in firstKey..<keyEnds.count {
            let end = keyEnds[number]
            if end - start == length {
                var same = true
                for offset in 0..<length where keys[start + offset] != path[keyStart + offset] {
                    same = false
                    break
                }
                if same { return false }
            }
            start = end
        }
        return true
    }

    /// Reads a string value at `"`: escapes well-formed, no control characters, valid UTF-8.
    private mutating func string() -> Bool {
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                scalar(.string, from: start, to: index - 1, escaped: escaped)
                return true
            case UInt8(ascii: "\\"):
                escaped = true
                guard let unit = escape() else { return false }
                if unit >= 0xDC00 && unit <= 0xDFFF { return false }
                if unit >= 0xD800 && unit <= 0xDBFF {
                    // A high surrogate must be followed by an escaped low one.
                    guard current == UInt8(ascii: "\\") else { return false }
                    index += 1
                    guard let low = escape(), low >= 0xDC00 && low <= 0xDFFF else { return false }
                }
            case 0x20..<0x80:
                continue
            case 0xC2...0xDF:
                guard continuation(0x80...0xBF) else { return false }
            case 0xE0:
                guard continuation(0xA0...0xBF), continuation(0x80...0xBF) else { return false }
            case 0xE1...0xEC, 0xEE...0xEF:
                guard continuation(0x80...0xBF), continuation(0x80...0xBF) else { return false }
            case 0xED:
                guard continuation(0x80...0x9F), continuation(0x80...0xBF) else { return false }
            case 0xF0:
                guard continuation(0x90...0xBF), continuation(0x80...0xBF), continuation(0x80...0xBF) else { return false }
            case 0xF1...0xF3:
                guard continuation(0x80...0xBF), continuation(0x80...0xBF), continuation(0x80...0xBF) else { return false }
            case 0xF4:
                guard continuation(0x80...0x8F), continuation(0x80...0xBF), continuation(0x80...0xBF) else { return false }
            default:
                return false
            }
        }
        return false
    }

    private mutating func continuation(_ allowed: ClosedRange<UInt8>) -> Bool {
        guard index < bytes.count, allowed.contains(bytes[index]) else { return false }
        index += 1
        return true
    }

    /// Reads the rest of an escape after `\`: the UTF-16 code unit it stands for, or nil.
    private mutating func escape() -> UInt16? {
        guard index < bytes.count else { return nil }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return UInt16(byte)
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            guard bytes.count - index >= 4 else { return nil }
            var unit: UInt16 = 0
            for _ in 0..<4 {
                let digit = bytes[index]
                index += 1
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): unit = unit << 4 | UInt16(digit - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): unit = unit << 4 | UInt16(digit - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): unit = unit << 4 | UInt16(digit - UInt8(ascii: "A") + 10)
                default: return nil
                }
            }
            return unit
        default:
            return nil
        }
    }

    // MARK: Paths

    private mutating func record(suffix: StaticString) {
        let start = arena.count
        arena.append(contentsOf: UnsafeBufferPointer(start: path.base, count: path.count))
        arena.append(contentsOf: UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount))
        spans.append((start, arena.count))
    }

    /// The recorded paths, sorted (as `String` sorts them: all are ASCII), without duplicates,
    /// joined by commas.
    private mutating func joinedPaths() -> String {
        guard !arena.isEmpty else { return "" }
        var sorted = UnsafeMutableBufferPointer(start: spans.base, count: spans.count)
        return arena.withUnsafeBufferPointer { arena in
            let text = arena.baseAddress!
            func precedes(_ a: (start: Int, end: Int), _ b: (start: Int, end: Int)) -> Bool {
                let order = memcmp(text + a.start, text + b.start, min(a.end - a.start, b.end - b.start))
                return order != 0 ? order < 0 : a.end - a.start < b.end - b.start
            }
            sorted.sort(by: precedes)
            return String(unsafeUninitializedCapacity: arena.count + sorted.count) { output in
                var position = 0
                var previous: (start: Int, end: Int)?
                for span in sorted {
                    if let previous, previous.end - previous.start == span.end - span.start,
                        memcmp(text + previous.start, text + span.start, span.end - span.start) == 0
                    {
                        continue
                    }
                    if previous != nil {
                        output[position] = UInt8(ascii: ",")
                        position += 1
                    }
                    for offset in span.start..<span.end {
                        output[position] = text[offset]
                        position += 1
                    }
                    previous = span
                }
                return position
            }
        }
    }
}
