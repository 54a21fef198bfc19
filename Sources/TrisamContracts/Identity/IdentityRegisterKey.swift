import Crypto
import Foundation

/// The key that encrypts an agency's identity register at rest: AES-256-GCM, one ciphertext per
/// field, each bound (as additional data) to its person and field, so that a ciphertext copied
/// to another row or column does not open.
///
/// In a deployment, load it with ``fromEnvironment(_:)``; in tests and local demos use
/// ``development``.
public struct IdentityRegisterKey: Sendable {
    /// Environment variable holding the key as 64 hex characters.
    public static let keyVariable = "TRISAM_IDENTITY_KEY"
    /// Environment variable naming a file that holds the key, as 64 hex characters or 32 raw bytes.
    public static let keyFileVariable = "TRISAM_IDENTITY_KEY_FILE"

    private let bytes: [UInt8]

    /// A key of exactly 32 bytes.
    public init(bytes: [UInt8]) throws(IdentityRegisterKeyError) {
        guard bytes.count == 32 else { throw .wrongLength(bytes.count) }
        self.bytes = bytes
    }

    /// A new random key (`trisam dev`).
    public static func random() -> IdentityRegisterKey {
        var generator = SystemRandomNumberGenerator()
        return try! IdentityRegisterKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The key as 64 lowercase hex characters, for writing it to a file.
    public var hex: String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The key for **development and tests only**: the SHA-256 of a text written in this file.
    /// **Never use it with real people's identities.**
    public static let development = try! IdentityRegisterKey(
        bytes: Array(SHA256.hash(data: Data("trisam-development-identity-register-key-never-use-in-production".utf8))))

    /// Environment variable holding the key the register was encrypted with before a rotation.
    public static let previousKeyVariable = "TRISAM_IDENTITY_PREVIOUS_KEY"
    /// Environment variable naming a file that holds the key from before a rotation.
    public static let previousKeyFileVariable = "TRISAM_IDENTITY_PREVIOUS_KEY_FILE"

    /// The key configured for this process: exactly one of ``keyVariable`` (64 hex characters)
    /// and ``keyFileVariable`` (a file with 64 hex characters, or 32 raw bytes) must be set.
    ///
    /// - Throws: ``IdentityRegisterKeyError``, never echoing the key.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(IdentityRegisterKeyError)
        -> IdentityRegisterKey
    {
        guard let key = try load(env, keyVariable, keyFileVariable) else { throw .missing }
        return key
    }

    /// The key the register was encrypted with before a rotation, if one is configured (in
    /// ``previousKeyVariable`` or ``previousKeyFileVariable``, in the same forms): the service
    /// re-encrypts what it opens to the current key at start.
    ///
    /// - Throws: ``IdentityRegisterKeyError``, never echoing the key.
    public static func previousFromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment)
        throws(IdentityRegisterKeyError) -> IdentityRegisterKey?
    {
        try load(env, previousKeyVariable, previousKeyFileVariable)
    }

    /// The key in `variable` or in the file `fileVariable` names; nil when neither is set.
    private static func load(_ env: [String: String], _ variable: String, _ fileVariable: String) throws(IdentityRegisterKeyError)
        -> IdentityRegisterKey?
    {
        let hex = env[variable].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        let file = env[fileVariable].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        switch (hex, file) {
        case (nil, nil): return nil
        case (.some, .some): throw .conflicting(variable, fileVariable)
        case (let hex?, nil):
            guard let bytes = Pseudonymizer.decodeHex(Array(hex.utf8)) else { throw .invalidHex(variable) }
            return try IdentityRegisterKey(bytes: bytes)
        case (nil, let path?):
            guard let content = FileManager.default.contents(atPath: path) else {
                throw .unreadableFile(path: path, variable: fileVariable)
            }
            if content.count == 32 { return try IdentityRegisterKey(bytes: Array(content)) }
            let text = String(decoding: content, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = Pseudonymizer.decodeHex(Array(text.utf8)) else { throw .invalidHex(fileVariable) }
            return try IdentityRegisterKey(bytes: bytes)
        }
    }

    /// Encrypts one field of one person: nonce, ciphertext and tag (AES-GCM's combined form).
    public func seal(_ text: String, clientRef: ClientRef, field: String) throws -> Data {
        let box = try AES.GCM.seal(Data(text.utf8), using: SymmetricKey(data: bytes), authenticating: Self.context(clientRef, field))
        return box.combined!
    }

    /// Decrypts what ``seal(_:clientRef:field:)`` wrote for the same person and field.
    public func open(_ data: Data, clientRef: ClientRef, field: String) throws -> String {
        let box = try AES.GCM.SealedBox(combined: data)
        let plain = try AES.GCM.open(box, using: SymmetricKey(data: bytes), authenticating: Self.context(clientRef, field))
        return String(decoding: plain, as: UTF8.self)
    }

    static func context(_ clientRef: ClientRef, _ field: String) -> Data {
        Data("trisam.identity-register.v1\n\(clientRef.rawValue)\n\(field)".utf8)
    }
}

extension IdentityRegisterKey: CustomStringConvertible, CustomReflectable {
    /// Never the key.
    public var description: String { "IdentityRegisterKey(32 bytes)" }
    /// A reflection without the key.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Why the register key could not be loaded. Never carries the key.
public enum IdentityRegisterKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Neither variable is set.
    case missing
    /// Both the variable and the file variable (named) are set.
    case conflicting(String, String)
    /// The key (from the variable named) is not 64 hex characters.
    case invalidHex(String)
    case wrongLength(Int)
    /// The file (named by the variable) cannot be read.
    case unreadableFile(path: String, variable: String)

    public var description: String {
        switch self {
        case .missing:
            "no identity register key: set \(IdentityRegisterKey.keyVariable) (64 hex characters) or \(IdentityRegisterKey.keyFileVariable) (path to a file with it)"
        case .conflicting(let variable, let fileVariable): "both \(variable) and \(fileVariable) are set; set only one"
        case .invalidHex(let variable): "the identity register key in \(variable) must be 64 hex characters (32 bytes)"
        case .wrongLength(let count): "the identity register key has \(count) bytes; it must have 32 (64 hex characters)"
        case .unreadableFile(let path, let variable): "cannot read the identity register key file \(path) (from \(variable))"
        }
    }
}
