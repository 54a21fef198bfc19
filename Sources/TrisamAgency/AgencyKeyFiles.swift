import Crypto
import Foundation
import TrisamContracts

/// An agency service's key directory (`--keys-dir`, `$TRISAM_KEYS_DIR`): its own private keys
/// and the other agencies' public keys, as PEM files named by key id:
///
/// - `<keyId>.key`: a private key (PKCS#8 PEM, mode 0600), only the serving agency's own;
/// - `<keyId>.pub`: a public key (SubjectPublicKeyInfo PEM) of any agency.
///
/// `trisam keys generate` writes one pair. A file whose name does not match its key's
/// fingerprint is refused, so a key cannot be filed under another agency or id.
public enum AgencyKeyFiles {
    /// The environment variable naming the directory.
    public static let directoryVariable = "TRISAM_KEYS_DIR"

    /// Where a pair was written.
    public struct Written: Sendable {
        public var id: AgencyKeyID
        public var privateKeyPath: String
        public var publicKeyPath: String
    }

    /// Writes a new key pair of `agency` into `directory` (created if missing): the private key
    /// with mode 0600, the public key beside it.
    @discardableResult
    public static func generate(for agency: Agency, in directory: String, now: Date = Date()) throws -> Written {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = AgencyPrivateKey.generate(for: agency, now: now)
        let privatePath = (directory as NSString).appendingPathComponent("\(key.id).key")
        let publicPath = (directory as NSString).appendingPathComponent("\(key.id).pub")
        guard FileManager.default.createFile(atPath: privatePath, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw AgencyKeyFilesError("cannot create \(privatePath)")
        }
        // Set again: createFile honours the umask.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: privatePath)
        try Data((key.key.pemRepresentation + "\n").utf8).write(to: URL(fileURLWithPath: privatePath))
        try Data((key.publicKey.key.pemRepresentation + "\n").utf8).write(to: URL(fileURLWithPath: publicPath))
        return Written(id: key.id, privateKeyPath: privatePath, publicKeyPath: publicPath)
    }

    /// Copies the public key file `path` into `directory` (how an operator hands a public key on).
    public static func installPublicKey(_ path: String, into directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let target = (directory as NSString).appendingPathComponent((path as NSString).lastPathComponent)
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        try FileManager.default.copyItem(atPath: path, toPath: target)
    }

    /// Key directories for a whole collaboration on one machine (`trisam dev`, tests): one
    /// folder per agency under `directory`, each with the agency's own pair and every agency's
    /// public key. Folders that exist already are kept.
    public static func generateCollaboration(in directory: String, now: Date = Date()) throws -> [Agency: String] {
        var folders: [Agency: String] = [:]
        for agency in Agency.allCases {
            let folder = (directory as NSString).appendingPathComponent(agency.rawValue)
            folders[agency] = folder
            if (try? load(directory: folder, agency: agency)) == nil {
                if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
                try generate(for: agency, in: folder, now: now)
            }
        }
        for (agency, folder) in folders {
            for other in Agency.allCases where other != agency {
                for file in try FileManager.default.contentsOfDirectory(atPath: folders[other]!)
                where file.hasSuffix(".pub") && file.hasPrefix("\(other.rawValue)-") {
                    try installPublicKey((folders[other]! as NSString).appendingPathComponent(file), into: folder)
                }
            }
        }
        return folders
    }

    /// Loads `agency`'s key ring from `directory`: every `.key` (its own; another agency's is an
    /// error) and every `.pub`. Warnings (a private key others can read) go to `warn`.
    ///
    /// - Throws: ``AgencyKeyFilesError`` naming the file and the problem; never a key.
    public static func load(directory: String, agency: Agency, warn: (String) -> Void = { _ in }) throws -> AgencyKeyring {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw AgencyKeyFilesError("cannot read the keys directory \(directory): \(error.localizedDescription)")
        }
        var privateKeys: [AgencyPrivateKey] = []
        var publicKeys: [AgencyPublicKey] = []
        for name in names where name.hasSuffix(".key") || name.hasSuffix(".pub") {
            let path = (directory as NSString).appendingPathComponent(name)
            let stem = String(name.dropLast(4))
            guard let id = AgencyKeyID(stem) else {
                throw AgencyKeyFilesError("\(path): the file name must be a key id, <agency>-<yyyyMMddHHmmss>-<8 hex digits>.key or .pub")
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw AgencyKeyFilesError("cannot read \(path)") }
            let pem = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if name.hasSuffix(".key") {
                guard id.agency == agency else {
                    throw AgencyKeyFilesError(
                        "\(path) is a private key of \(id.agency.rawValue); the \(agency.rawValue) service holds only its own")
                }
                if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                    warn("private key \(path) can be read by others (mode \(String(mode, radix: 8))); chmod 600 it")
                }
                guard let parsed = try? P256.KeyAgreement.PrivateKey(pemRepresentation: pem) else {
                    throw AgencyKeyFilesError("\(path) is not a P-256 private key in PEM (PKCS#8)")
                }
                guard let key = AgencyPrivateKey(id: id, key: parsed) else {
                    throw AgencyKeyFilesError("\(path): the key's fingerprint is not \(id.fingerprint), the one its name gives")
                }
                privateKeys.append(key)
            } else {
                guard let parsed = try? P256.KeyAgreement.PublicKey(pemRepresentation: pem) else {
                    throw AgencyKeyFilesError("\(path) is not a P-256 public key in PEM")
                }
                guard let key = AgencyPublicKey(id: id, key: parsed) else {
                    throw AgencyKeyFilesError("\(path): the key's fingerprint is not \(id.fingerprint), the one its name gives")
                }
                publicKeys.append(key)
            }
        }
        let ring: AgencyKeyring
        do {
            ring = try AgencyKeyring(agency: agency, privateKeys: privateKeys, publicKeys: publicKeys)
        } catch {
            throw AgencyKeyFilesError(
                "\(directory) holds no private key of \(agency.rawValue); write one with trisam keys generate --agency \(agency.rawValue) --dir \(directory)"
            )
        }
        let missing = ring.agenciesWithoutKey
        if !missing.isEmpty {
            throw AgencyKeyFilesError(
                "\(directory) holds no public key of \(missing.map(\.rawValue).joined(separator: ", ")); copy their <keyId>.pub files into it"
            )
        }
        return ring
    }
}

/// A problem with the key directory, in words an operator can act on.
public struct AgencyKeyFilesError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
