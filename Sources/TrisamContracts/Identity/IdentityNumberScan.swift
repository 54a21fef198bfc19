/// Finds a personnummer or samordningsnummer written anywhere in a text, in any of the ways people
/// write one, so that it never reaches the bus inside free text, a name, an identifier or a phone
/// number.
///
/// The text is read as Unicode scalars after this normalisation:
/// - every decimal digit (`Nd`: ASCII, fullwidth `１`, Arabic-Indic `١`, …) is that digit;
/// - every dash (`Pd`: `-`, en dash, em dash, …, and the minus sign `−`) is `-`; `+` and
///   fullwidth `＋` are `+`;
/// - every white space (space, no-break space, tab, …) is a space;
/// - format characters and combining marks (zero-width space, soft hyphen, `U+0301`, …) are
///   skipped, so they cannot split a number;
/// - anything else ends a number.
///
/// Digits form *groups*; groups joined by a *joint* (one or two spaces, or one `-` or `+` with at
/// most one space on each side) form a *chain*. A run of whole groups in a chain is a candidate
/// when it has 10 or 12 digits and is written as identity numbers are:
/// - one group (`191212121212`, `1212121212`), or
/// - groups joined by spaces only (`19121212 1212`, `121212 1212`, `1 9 1 2 …`), or
/// - one `-` or `+` joint with exactly four digits after it, any other joints spaces
///   (`19121212-1212`, `121212–1212`, `121212+1212`).
///
/// A candidate is an identity number when its date part is a month (01–12) and a day (01–31, or
/// 61–91 for a samordningsnummer), a 12-digit one starts with the century 18, 19 or 20, and the
/// last of its last ten digits is their Luhn check digit.
///
/// Swedish phone numbers are told apart by how they are written: a candidate is read as a phone
/// number, not as an identity number, when its chain starts with `+` (`+46 70 123 45 67`), when
/// its first group starts with `0` and is an area code of 2–4 digits followed by more groups
/// (`070-123 45 67`, `08 123 456 78`), or when it is one group of ten digits starting with `0`
/// (`0701234567`). A hyphenated date (`2026-11-24`) or an identifier with several hyphens
/// (`sip-2026-11-24-0001`) has no identity number's grouping.
public enum IdentityNumberScan {
    /// Whether `text` contains a personnummer or samordningsnummer (see the type's description).
    public static func contains(_ text: String) -> Bool {
        var scanner = Scanner()
        // Pure ASCII without digits is the common case of free text: nothing to look at.
        var ascii = true
        var digits = false
        for byte in text.utf8 {
            if byte >= 0x80 {
                ascii = false
                break
            }
            if byte &- UInt8(ascii: "0") < 10 { digits = true }
        }
        if ascii {
            guard digits else { return false }
            for byte in text.utf8 {
                if scanner.read(Symbol(ascii: byte)) { return true }
            }
        } else {
            for scalar in text.unicodeScalars {
                if scanner.read(Symbol(scalar)) { return true }
            }
        }
        return scanner.read(.other)
    }

    /// One normalised scalar.
    enum Symbol: Equatable {
        case digit(UInt8)
        case space
        case dash
        case plus
        case ignored
        case other

        init(ascii byte: UInt8) {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): self = .digit(byte - UInt8(ascii: "0"))
            case UInt8(ascii: " "), 0x09...0x0D: self = .space
            case UInt8(ascii: "-"): self = .dash
            case UInt8(ascii: "+"): self = .plus
            default: self = .other
            }
        }

        init(_ scalar: Unicode.Scalar) {
            if scalar.isASCII {
                self.init(ascii: UInt8(scalar.value))
                return
            }
            let properties = scalar.properties
            if properties.numericType == .decimal, let value = properties.numericValue, (0...9).contains(value) {
                self = .digit(UInt8(value))
            } else if properties.generalCategory == .dashPunctuation || scalar == "\u{2212}" || scalar == "\u{FE63}" {
                self = .dash
            } else if scalar == "\u{FF0B}" {
                self = .plus
            } else if properties.isWhitespace {
                self = .space
            } else if properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format
                || properties.generalCategory == .nonspacingMark || properties.generalCategory == .enclosingMark
            {
                self = .ignored
            } else {
                self = .other
            }
        }
    }

    /// A group of digits in the current chain.
    struct Group {
        /// Where its digits start in the chain's digits.
        var start: Int
        var count: Int
        /// Whether the joint before it holds a `-` or `+` (false for the chain's first group).
        var afterSign: Bool
    }

    /// Reads symbols one at a time and looks at the candidates that end where a group ends.
    struct Scanner {
        var digits: [UInt8] = []
        var groups: [Group] = []
        /// Whether the symbol before the chain's first digit was `+`.
        var chainAfterPlus = false
        /// The symbol before the current one, ignored ones left out.
        var previous: Symbol = .other
        /// The joint being read after the last group: its spaces and signs.
        var jointSpaces = 0
        var jointSigns = 0
        var spacesAfterSign = 0
        var inJoint = false

        /// Takes the next symbol; true once an identity number has been found.
        mutating func read(_ symbol: Symbol) -> Bool {
            switch symbol {
            case .ignored:
                return false
            case .digit(let value):
                if case .digit = previous {
                    groups[groups.count - 1].count += 1
                } else if inJoint {
                    groups.append(Group(start: digits.count, count: 1, afterSign: jointSigns > 0))
                    inJoint = false
                } else {
                    startChain()
                    groups.append(Group(start: 0, count: 1, afterSign: false))
                }
                digits.append(value)
                previous = symbol
                return false
            case .space, .dash, .plus:
                var found = false
                if case .digit = previous {
                    found = groupEnded()
                    inJoint = true
                    jointSpaces = 0
                    jointSigns = 0
                    spacesAfterSign = 0
                }
                if inJoint {
                    if symbol == .space {
                        if jointSigns == 0 { jointSpaces += 1 } else { spacesAfterSign += 1 }
                    } else {
                        jointSigns += 1
                    }
                    // More than a joint: the chain ends here.
                    if jointSigns > 1 || (jointSigns == 0 && jointSpaces > 2)
                        || (jointSigns == 1 && (jointSpaces > 1 || spacesAfterSign > 1))
                    {
                        inJoint = false
                        groups.removeAll(keepingCapacity: true)
                    }
                }
                previous = symbol
                return found
            case .other:
                var found = false
                if case .digit = previous { found = groupEnded() }
                inJoint = false
                groups.removeAll(keepingCapacity: true)
                previous = symbol
                return found
            }
        }

        mutating func startChain() {
            chainAfterPlus = previous == .plus
            digits.removeAll(keepingCapacity: true)
            groups.removeAll(keepingCapacity: true)
        }

        /// Looks at every run of whole groups that ends with the group just ended.
        func groupEnded() -> Bool {
            var total = 0
            var first = groups.count - 1
            while first >= 0 {
                total += groups[first].count
                if total > 12 { return false }
                if (total == 10 || total == 12) && isIdentityNumber(groups: first..<groups.count, total: total) { return true }
                first -= 1
            }
            return false
        }

        func isIdentityNumber(groups range: Range<Int>, total: Int) -> Bool {
            // Grouping: spaces only, or one sign with exactly four digits after it.
            var signs = 0
            var digitsAfterSign = 0
            for index in range.dropFirst() where groups[index].afterSign {
                signs += 1
                digitsAfterSign = groups[index...range.upperBound - 1].reduce(0) { $0 + $1.count }
            }
            guard signs == 0 || (signs == 1 && digitsAfterSign == 4) else { return false }
            // Phone numbers.
            let head = groups[range.lowerBound]
            if digits[head.start] == 0 {
                if range.count > 1 && (2...4).contains(head.count) { return false }
                if range.count == 1 && total == 10 { return false }
            }
            if range.lowerBound == 0 && chainAfterPlus { return false }
            return IdentityNumberScan.isValid(digits[head.start..<(head.start + total)])
        }
    }

    /// Whether 10 or 12 digits are a personnummer or samordningsnummer: century, month, day of
    /// the month (61–91 for a samordningsnummer) and the Luhn check digit of the last ten.
    static func isValid(_ digits: ArraySlice<UInt8>) -> Bool {
        var tail = digits
        if digits.count == 12 {
            let century = Int(digits[digits.startIndex]) * 10 + Int(digits[digits.startIndex + 1])
            guard (18...20).contains(century) else { return false }
            tail = digits.dropFirst(2)
        }
        guard tail.count == 10 else { return false }
        let start = tail.startIndex
        let month = Int(tail[start + 2]) * 10 + Int(tail[start + 3])
        let day = Int(tail[start + 4]) * 10 + Int(tail[start + 5])
        guard (1...12).contains(month), (1...31).contains(day) || (61...91).contains(day) else { return false }
        var sum = 0
        for (index, digit) in tail.enumerated() {
            var value = Int(digit)
            if index % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
