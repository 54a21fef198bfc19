/// The rule for staff e-mail addresses (work addresses such as `anna.berg@timra.se`), the same
/// as the `email` definition of `contracts/schemas/common.json`: at most 254 characters; a local
/// part of 1–64 characters `A–Z a–z 0–9 . _ % + -`; `@`; a domain of at least two labels of
/// 1–63 characters `A–Z a–z 0–9 -` separated by dots. ASCII only, no display name, no spaces.
public enum EmailAddress {
    /// The longest address (RFC 5321's path limit less the angle brackets).
    public static let maxLength = 254

    /// Whether `address` follows the rule.
    public static func isValid(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= maxLength, let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count), local.allSatisfy(isLocalByte) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in (1...63).contains(label.count) && label.allSatisfy(isDomainByte) }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func isLocalByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "-") }
}
