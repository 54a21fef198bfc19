import Testing
import TrisamRandom

@testable import TrisamContracts

/// The text checks behind every payload's validation (``Check/text(_:_:maxLength:)``,
/// ``Check/name(_:_:)``, ``Check/containsIdentityNumber(_:)``) give what plain implementations
/// of the same rules give: the character walk they replaced, and the identity number rule
/// written as a split into groups and a try of every run.
@Suite("Text checks agree with plain implementations of their rules")
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
            throw PayloadViolation(
                field: field, reason: "must not contain a personnummer or samordningsnummer; persons are identified by clientRef only")
        }
    }

    /// `Check.containsIdentityNumber` as the rule reads (``IdentityNumberScan``), written plainly:
    /// the normalised text split into chains of digit groups, and every run of whole groups tried.
    static func referenceContainsIdentityNumber(_ text: String) -> Bool {
        // Normalise: digits, "-", "+", " ", or "x" for anything else; ignorable scalars dropped.
        var normal: [Character] = []
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.numericType == .decimal, let value = properties.numericValue, value >= 0, value <= 9 {
                normal.append(Character(String(Int(value))))
            } else if scalar == "-" || properties.generalCategory == .dashPunctuation || scalar == "\u{2212}" || scalar == "\u{FE63}" {
                normal.append("-")
            } else if scalar == "+" || scalar == "\u{FF0B}" {
                normal.append("+")
            } else if properties.isWhitespace {
                normal.append(" ")
            } else if properties.isDefaultIgnorableCodePoint
                || [.format, .nonspacingMark, .enclosingMark].contains(properties.generalCategory)
            {
                continue
            } else {
                normal.append("x")
            }
        }
        // Split into digit groups and what lies between them.
        var pieces: [(digits: Bool, text: String)] = []
        for character in normal {
            let isDigit = character.isASCII && character.isNumber
            if let last = pieces.last, last.digits == isDigit {
                pieces[pieces.count - 1].text.append(character)
            } else {
                pieces.append((isDigit, String(character)))
            }
        }
        let joints: Set<String> = [" ", "  ", "-", "+", " -", "- ", " - ", " +", "+ ", " + "]
        var index = 0
        while index < pieces.count {
            guard pieces[index].digits else {
                index += 1
                continue
            }
            // A chain: groups joined by joints.
            let afterPlus = index > 0 && pieces[index - 1].text.last == "+"
            var groups = [pieces[index].text]
            var signed = [false]
            var next = index + 1
            while next + 1 < pieces.count, joints.contains(pieces[next].text) {
                groups.append(pieces[next + 1].text)
                signed.append(pieces[next].text.contains("-") || pieces[next].text.contains("+"))
                next += 2
            }
            for first in groups.indices {
                for last in first..<groups.count {
                    let digits = groups[first...last].joined()
                    guard digits.count == 10 || digits.count == 12 else { continue }
                    let signs = groups.indices.filter { $0 > first && $0 <= last && signed[$0] }
                    if signs.count > 1 { continue }
                    if let sign = signs.first, groups[sign...last].joined().count != 4 { continue }
                    if groups[first].hasPrefix("0") && last > first && (2...4).contains(groups[first].count) { continue }
                    if groups[first].hasPrefix("0") && last == first && digits.count == 10 { continue }
                    if first == 0 && afterPlus { continue }
                    if referenceValid(digits) { return true }
                }
            }
            index = next
        }
        return false
    }

    /// Century, month, day (61–91 for a samordningsnummer) and Luhn, on a string of digits.
    static func referenceValid(_ digits: String) -> Bool {
        var tail = Array(digits).map { Int(String($0))! }
        if tail.count == 12 {
            guard ["18", "19", "20"].contains(String(digits.prefix(2))) else { return false }
            tail.removeFirst(2)
        }
        let month = tail[2] * 10 + tail[3]
        let day = tail[4] * 10 + tail[5]
        guard (1...12).contains(month), (1...31).contains(day) || (61...91).contains(day) else { return false }
        let sum = tail.enumerated().map { index, digit in
            index % 2 == 1 ? digit : (digit * 2) / 10 + (digit * 2) % 10
        }.reduce(0, +)
        return sum % 10 == 0
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
    static func randomString(_ random: inout SeededRandom, maxPieces: Int) -> String {
        let count = Int(random.next() % UInt64(maxPieces + 1))
        var text = ""
        for _ in 0..<count { text += pieces[Int(random.next() % UInt64(pieces.count))] }
        return text
    }

    /// A personnummer or samordningsnummer with a valid check digit, in one of its written forms
    /// (10 or 12 digits, with or without `-` or `+` before the last four), or once in a while with
    /// one digit changed or the separator one place off.
    static func identityNumber(_ random: inout SeededRandom) -> String {
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
        "19121212 1212", "121212–1212", "１９１２１２１２－１２１２", "1 9 1 2 1 2 1 2 1 2 1 2", "121212 - 1212", "1212\u{200B}121212",
        "+46 70 123 45 67", "0701234567", "070123-4567", "08-123 456 78", "sip-2026-11-24-0001", "2026-01-01 2026-02-02",
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
            #expect(
                Self.violation { () throws(PayloadViolation) in try Check.text(value, "f") }
                    == Self.violation { () throws(PayloadViolation) in try Self.referenceText(value, "f", maxLength: Check.maxTextLength) })
            #expect(
                Self.violation { () throws(PayloadViolation) in try Check.name(value, "f") }
                    == Self.violation { () throws(PayloadViolation) in try Self.referenceText(value, "f", maxLength: Check.maxNameLength) })
        }
    }

    @Test("Check.text gives what the character walk gave, for generated strings")
    func textChecksOnGeneratedStrings() {
        var random = SeededRandom(seed: 2026)
        for _ in 0..<20_000 {
            let value = Self.randomString(&random, maxPieces: 12)
            let maxLength = Int(random.next() % 16)
            let fast = Self.violation { () throws(PayloadViolation) in try Check.text(value, "f", maxLength: maxLength) }
            let reference = Self.violation { () throws(PayloadViolation) in try Self.referenceText(value, "f", maxLength: maxLength) }
            #expect(fast == reference, "\(value.unicodeScalars.map { String($0.value, radix: 16) }) max \(maxLength)")
            if fast != reference { return }
        }
    }

    @Test("the identity number scan agrees with the rule written plainly, for tricky and generated strings")
    func identityNumberScan() {
        for value in Self.trickyStrings {
            #expect(Check.containsIdentityNumber(value) == Self.referenceContainsIdentityNumber(value), "\(value)")
        }
        // Valid numbers in every form, some with a digit or separator out of place, next to runs of
        // digits and separators, so that candidates of every length and form come up.
        var random = SeededRandom(seed: 7)
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
