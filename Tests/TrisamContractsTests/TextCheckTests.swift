import Testing
@testable import TrisamContracts

/// The text checks behind every payload's validation (``Check/text(_:_:maxLength:)``,
/// ``Check/name(_:_:)``, ``Check/containsIdentityNumber(_:)``) give what they gave before their
/// fast paths: the implementations they replaced are kept here as the reference.
@Suite("Text checks agree with the character walk")
struct TextCheckTests {
    // MARK: - Reference: how the checks used to work

    /// `Check.text` as it was before its fast paths: a walk over the characters.
    static func referenceText(_ value: String, _ field: String, maxLength: Int) throws(PayloadViolation) {
        if value.allSatisfy(\.isWhitespace) {
            throw PayloadViolation(field: field, reason: "must not be empty")
        }
        if value.count > maxLength {
            throw PayloadViolation(field: field, reason: "must be at most \(maxLength) characters, got \(value.count)")
        }
        if referenceContainsIdentityNumber(value) {
            throw PayloadViolation(field: field, reason: "must not contain a personnummer or samordningsnummer; persons are identified by clientRef only")
        }
    }

    /// `Check.containsIdentityNumber` as it was: candidate digits and separator kept in arrays.
    static func referenceContainsIdentityNumber(_ text: String) -> Bool {
        var digits: [UInt8] = []
        var run: [UInt8] = []
        func check() -> Bool {
            defer { digits.removeAll(keepingCapacity: true); run.removeAll(keepingCapacity: true) }
            let tail: ArraySlice<UInt8>
            switch digits.count {
            case 10: tail = digits[0...]
            case 12: tail = digits[2...]
            default: return false
            }
            if let separator = run.firstIndex(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }),
               run.count - separator - 1 != 4 { return false }
            let month = Int(tail[tail.startIndex + 2]) * 10 + Int(tail[tail.startIndex + 3])
            let day = Int(tail[tail.startIndex + 4]) * 10 + Int(tail[tail.startIndex + 5])
            guard (1...12).contains(month), (1...31).contains(day) || (61...91).contains(day) else { return false }
            var sum = 0
            for (index, digit) in tail.enumerated() {
                var value = Int(digit)
                if index % 2 == 0 { value *= 2; if value > 9 { value -= 9 } }
                sum += value
            }
            return sum % 10 == 0
        }
        for byte in text.utf8 {
            if byte >= 48 && byte <= 57 {
                digits.append(byte - 48)
                run.append(byte)
            } else if (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")) && !digits.isEmpty
                        && !run.contains(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }) {
                run.append(byte)
            } else {
                if check() { return true }
            }
        }
        return check()
    }

    /// The violation `check` throws, or nil.
    static func violation(_ check: () throws(PayloadViolation) -> Void) -> PayloadViolation? {
        do {
            try check()
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Generated input

    /// Pieces that strings are built from: ASCII and Unicode whitespace, combining marks and
    /// joiners that attach to what precedes them, a prepended mark, emoji and flags, Swedish
    /// letters, digits and separators that make identity numbers, and what JSON must escape.
    static let pieces: [String] = [
        " ", "  ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{1C}", "\u{85}", "\u{A0}", "\u{2003}", "\u{2028}", "\u{2029}",
        "\u{3000}", "\u{200B}", "\u{FEFF}", "\u{301}", "\u{308}", "\u{200D}", "\u{FE0F}", "\u{600}", "\u{1F1F8}\u{1F1EA}",
        "😀", "👩‍👩‍👧", "å", "Ä", "ö", "é", "e\u{301}", "a", "Z", "x", ".", "-", "+", "/", "\"", "\\", "\u{0}", "\u{1F}", "\u{7F}",
        "0", "1", "2", "9", "19121212", "1212", "121212", "701063", "2391", "20", "070", "Ü",
    ]

    /// A string of up to `maxPieces` random pieces.
    static func randomString(_ random: inout SplitMix, maxPieces: Int) -> String {
        let count = Int(random.next() % UInt64(maxPieces + 1))
        var text = ""
        for _ in 0..<count { text += pieces[Int(random.next() % UInt64(pieces.count))] }
        return text
    }

    /// A seedable pseudo-random generator, the same on every platform.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    /// A personnummer or samordningsnummer with a valid check digit, in one of its written forms
    /// (10 or 12 digits, with or without `-` or `+` before the last four), or once in a while with
    /// one digit changed or the separator one place off.
    static func identityNumber(_ random: inout SplitMix) -> String {
        var digits = (0..<9).map { _ in Int(random.next() % 10) }
        digits[2] = Int(random.next() % 2)
        digits[3] = digits[2] == 0 ? 1 + Int(random.next() % 9) : Int(random.next() % 3)
        let day = random.next() % 4 == 0 ? 61 + Int(random.next() % 31) : 1 + Int(random.next() % 31)
        digits[4] = day / 10
        digits[5] = day % 10
        var sum = 0
        for (index, digit) in digits.enumerated() {
            let value = index % 2 == 0 ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        digits.append((10 - sum % 10) % 10)
        if random.next() % 8 == 0 { digits[Int(random.next() % 10)] = Int(random.next() % 10) }
        var text = digits.map(String.init).joined()
        if random.next() % 2 == 0 { text = ["19", "20"][Int(random.next() % 2)] + text }
        switch random.next() % 6 {
        case 0, 1: text.insert("-", at: text.index(text.endIndex, offsetBy: -4))
        case 2: text.insert("+", at: text.index(text.endIndex, offsetBy: -4))
        case 3: text.insert("-", at: text.index(text.endIndex, offsetBy: -3 - Int(random.next() % 3)))
        default: break
        }
        return text
    }

    /// Strings at the edges of the checks.
    static let trickyStrings: [String] = [
        "", " ", "   ", "\t\n\r\u{0B}\u{0C}", "\r\n", " \r\n ", "\u{1C}", "\u{1F}", "\u{0}", "\u{85}", "\u{A0}", "\u{2003}", " \u{2003} ",
        "\u{3000}", "\u{2028}\u{2029}", "\u{200B}", "\u{FEFF}", "\u{180E}", "\u{301}", " \u{301}", "  \u{301}", "\u{A0}\u{301}",
        " \u{200D}", " \u{200D}a", " a", "\ta", "\u{A0}a", "a", "å", " å", "\u{600} ", " \u{600}", "\u{600}a", "😀", " 😀 ",
        "e\u{301}", String(repeating: "e\u{301}", count: 5), String(repeating: "å", count: 5), String(repeating: "a", count: 5),
        String(repeating: "👩‍👩‍👧", count: 5), String(repeating: " ", count: 6), String(repeating: "\u{A0}", count: 6),
        String(repeating: "a", count: 200), String(repeating: "a", count: 201), String(repeating: "å", count: 200),
        String(repeating: "å", count: 201), String(repeating: "e\u{301}", count: 200), String(repeating: "e\u{301}", count: 201),
        String(repeating: "x", count: 2000), String(repeating: "x", count: 2001), String(repeating: "ö", count: 2000),
        String(repeating: "ö", count: 2001), String(repeating: "a\u{308}", count: 2000) + "!", String(repeating: " ", count: 2001),
        "pnr 19121212-1212", "1212121212", "121212+1212 är gammal", "samordningsnummer 701063-2391", "ring 070-123 45 67",
        "19121212-1213", "möte 2026-11-24 kl 10", "1212121212-", "121212-12121", "121212--1212", "-1212121212", "12121212121212",
        "191212121212", "19121212+1212", "121212-1212x", "x121212-1212", "1212121212\u{301}", "١٢١٢١٢١٢١٢", "121212 1212",
        "Personen är sjukskriven men får ingen ersättning från Försäkringskassan.",
    ]

    // MARK: - Checks

    @Test("Check.text and Check.name give what the character walk gave, for tricky strings and every length limit near them")
    func textChecksOnTrickyStrings() {
        for value in Self.trickyStrings {
            for maxLength in [0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 199, 200, 201, 1999, 2000, 2001] {
                let fast = Self.violation { () throws(PayloadViolation) in try Check.text(value, "f", maxLength: maxLength) }
                let reference = Self.violation { () throws(PayloadViolation) in try Self.referenceText(value, "f", maxLength: maxLength) }
                #expect(fast == reference, "\(value.unicodeScalars.map { String($0.value, radix: 16) }) max \(maxLength)")
            }
            #expect(Self.violation { () throws(PayloadViolation) in try Check.text(value, "f") }
                    == Self.violation { () throws(PayloadViolation) in try Self.referenceText(value, "f", maxLength: Check.maxTextLength) })
            #expect(Self.violation { () throws(PayloadViolation) in try Check.name(value, "f") }
                    == Self.violation { () throws(PayloadViolation) in try Self.referenceText(value, "f", maxLength: Check.maxNameLength) })
        }
    }

    @Test("Check.text gives what the character walk gave, for generated strings")
    func textChecksOnGeneratedStrings() {
        var random = SplitMix(state: 2026)
        for _ in 0..<20_000 {
            let value = Self.randomString(&random, maxPieces: 12)
            let maxLength = Int(random.next() % 16)
            let fast = Self.violation { () throws(PayloadViolation) in try Check.text(value, "f", maxLength: maxLength) }
            let reference = Self.violation { () throws(PayloadViolation) in try Self.referenceText(value, "f", maxLength: maxLength) }
            #expect(fast == reference, "\(value.unicodeScalars.map { String($0.value, radix: 16) }) max \(maxLength)")
            if fast != reference { return }
        }
    }

    @Test("the identity number scan finds what it found before, for tricky and generated strings")
    func identityNumberScan() {
        for value in Self.trickyStrings {
            #expect(Check.containsIdentityNumber(value) == Self.referenceContainsIdentityNumber(value), "\(value)")
        }
        // Valid numbers in every form, some with a digit or separator out of place, next to runs of
        // digits and separators, so that candidates of every length and form come up.
        var random = SplitMix(state: 7)
        var found = 0
        for _ in 0..<50_000 {
            var value = ""
            for _ in 0..<(1 + random.next() % 4) {
                switch random.next() % 6 {
                case 0, 1: value += Self.identityNumber(&random)
                case 2: value += String((0..<(random.next() % 14)).map { _ in Character(String(random.next() % 10)) })
                case 3: value += ["-", "+", "--", "-+", "+1", "1-"][Int(random.next() % 6)]
                case 4: value += [" ", "x", "å", "\u{301}", "\n", "\u{A0}"][Int(random.next() % 6)]
                default: value += Self.identityNumber(&random).replacingOccurrences(of: "-", with: "")
                }
            }
            let reference = Self.referenceContainsIdentityNumber(value)
            found += reference ? 1 : 0
            #expect(Check.containsIdentityNumber(value) == reference, "\(value)")
            if Check.containsIdentityNumber(value) != reference { return }
        }
        #expect(found > 10_000)
    }
}
