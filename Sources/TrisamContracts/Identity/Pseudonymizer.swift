import Crypto
import Foundation

/// Turns a personal identity number into its ``ClientRef``: the HMAC-SHA256 of the 12-digit
/// ``PersonalIdentityNumber/normalized`` form (UTF-8) keyed with the collaboration secret,
/// truncated to its first 16 bytes, as 32 lowercase hex characters.
///
/// Every agency of one collaboration must use the same secret, or their events about one person
/// will not meet. The secret is what keeps the pseudonym from being reversed by trying all
/// personnummer (there are only about 10^9), so keep it as secret as the numbers themselves.
///
/// In a deployment, load it with ``fromEnvironment(_:)``; in tests and local demos use
/// ``development``.
public struct Pseudonymizer: Sendable {
    /// The smallest accepted secret, in bytes (the HMAC-SHA256 output size).
    public static let minimumSecretLength = 32

    /// Environment variable holding the secret as hex (at least 64 hex characters).
    public static let secretVariable = "TRISAM_CLIENTREF_SECRET"
    /// Environment variable naming a file that holds the secret, raw or as hex.
    public static let secretFileVariable = "TRISAM_CLIENTREF_SECRET_FILE"

    private let secret: [UInt8]

    /// A pseudonymizer keyed with `secret`.
    ///
    /// - Throws: ``PseudonymizerError/secretTooShort(_:)`` if `secret` has fewer than
    ///   ``minimumSecretLength`` (32) bytes.
    public init(secret: [UInt8]) throws(PseudonymizerError) {
        guard secret.count >= Self.minimumSecretLength else { throw .secretTooShort(secret.count) }
        self.secret = secret
    }

    /// The pseudonym of `number`: HMAC-SHA256(secret, normalized) truncated to 16 bytes, hex.
    /// The same number gives the same ``ClientRef`` whichever form it was written in.
    public func clientRef(for number: PersonalIdentityNumber) -> ClientRef {
        clientRef(ofNormalizedText: number.normalized)
    }

    /// HMAC-SHA256(secret, text) truncated to 16 bytes, hex: the pseudonym of a normalised number.
    func clientRef(ofNormalizedText text: String) -> ClientRef {
        let code = HMAC<SHA256>.authenticationCode(
            for: Array(text.utf8), using: SymmetricKey(data: secret))
        let hex = Array(code).prefix(16).map(Self.hexByte).joined()
        guard let ref = ClientRef(rawValue: hex) else {
            preconditionFailure("16 bytes in lowercase hex are always a valid ClientRef")
        }
        return ref
    }

    /// A pseudonymizer for **development and tests only**: its secret is public, written in this
    /// source file, so anyone can reverse its pseudonyms by trying every personnummer.
    /// **Never use it in production** or with real people's numbers; use ``fromEnvironment(_:)``.
    ///
    /// The secret is the UTF-8 bytes of the 59-character text
    /// `trisam-development-clientref-secret-never-use-in-production`.
    public static let development: Pseudonymizer = {
        do {
            return try Pseudonymizer(secret: Array("trisam-development-clientref-secret-never-use-in-production".utf8))
        } catch {
            preconditionFailure("the development secret is longer than 32 bytes")
        }
    }()

    /// The pseudonymizer configured for this process.
    ///
    /// Exactly one of these must be set (a variable that is empty or only whitespace counts as
    /// unset):
    /// - `TRISAM_CLIENTREF_SECRET`: the secret in hex, at least 64 hex characters (32 bytes),
    ///   upper or lower case, surrounding whitespace ignored.
    /// - `TRISAM_CLIENTREF_SECRET_FILE`: a path to a file (e.g. a Docker/Compose secret). Its
    ///   content, with leading and trailing ASCII whitespace removed, is read as hex if it
    ///   consists of an even number of at least 64 hex digits, otherwise used as raw bytes
    ///   (at least 32).
    ///
    /// - Parameter env: the environment to read; by default the process's.
    /// - Throws: ``PseudonymizerError`` saying which variable is missing, conflicting or
    ///   malformed (never echoing the secret).
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PseudonymizerError) -> Pseudonymizer {
        let hex = env[secretVariable].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        let file = env[secretFileVariable].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        switch (hex, file) {
        case (nil, nil):
            throw .missingSecret
        case (.some, .some):
            throw .conflictingSecretSources
        case (let hex?, nil):
            guard let bytes = decodeHex(Array(hex.utf8)) else { throw .invalidHex(variable: secretVariable) }
            return try Pseudonymizer(secret: bytes)
        case (nil, let path?):
            let content: Data
            do {
                content = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw .unreadableSecretFile(path: path, reason: error.localizedDescription)
            }
            let trimmed = trimASCIIWhitespace(Array(content))
            if trimmed.count >= 2 * minimumSecretLength, let bytes = decodeHex(trimmed) {
                return try Pseudonymizer(secret: bytes)
            }
            return try Pseudonymizer(secret: trimmed)
        }
    }

    /// Decodes an even number of hex digits (either case), or nil.
    static func decodeHex(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = 0
        while index < text.count {
            guard let high = hexValue(text[index]), let low = hexValue(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func trimASCIIWhitespace(_ bytes: [UInt8]) -> [UInt8] {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return Array(bytes[first...last])
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

extension Pseudonymizer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `Pseudonymizer(secret: N bytes)`; never the secret.
    public var description: String { "Pseudonymizer(secret: \(secret.count) bytes)" }
    /// Same as ``description``; never the secret.
    public var debugDescription: String { description }
    /// A reflection without the secret, so `dump` does not reveal it.
    public var customMirror: Mirror { Mirror(self, children: ["secretLength": secret.count], displayStyle: .struct) }
}

/// Why a ``Pseudonymizer`` could not be created. Never carries the secret.
public enum PseudonymizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The secret has this many bytes, fewer than the 32 required.
    case secretTooShort(Int)
    /// Neither `TRISAM_CLIENTREF_SECRET` nor `TRISAM_CLIENTREF_SECRET_FILE` is set.
    case missingSecret
    /// Both `TRISAM_CLIENTREF_SECRET` and `TRISAM_CLIENTREF_SECRET_FILE` are set.
    case conflictingSecretSources
    /// The named variable is not an even number of hex digits.
    case invalidHex(variable: String)
    /// The secret file could not be read.
    case unreadableSecretFile(path: String, reason: String)

    /// An English sentence naming what is wrong.
    public var description: String {
        switch self {
        case .secretTooShort(let count):
            "the clientRef secret has \(count) byte\(count == 1 ? "" : "s"); at least \(Pseudonymizer.minimumSecretLength) are required (64 hex characters)"
        case .missingSecret:
            "no clientRef secret: set \(Pseudonymizer.secretVariable) (hex, at least 64 characters) or \(Pseudonymizer.secretFileVariable) (path to a file with the secret)"
        case .conflictingSecretSources:
            "both \(Pseudonymizer.secretVariable) and \(Pseudonymizer.secretFileVariable) are set; set only one"
        case .invalidHex(let variable):
            "\(variable) must be hexadecimal (an even number of 0-9, a-f), at least 64 characters"
        case .unreadableSecretFile(let path, let reason):
            "cannot read the clientRef secret file \(path) (from \(Pseudonymizer.secretFileVariable)): \(reason)"
        }
    }
}
