import Foundation

/// A person's identity sealed to one receiving agency's public key with HPKE (RFC 9180) in auth
/// mode, so that it also proves which agency's key sealed it: the
/// optional `sealedIdentity` of a referral, a handover request, a SIP invitation and a plan
/// action (`contracts/schemas/common.json#/$defs/sealedIdentity`). Only the receiver, holding the
/// private key ``keyId`` names, can open it (``IdentitySeal/open(_:keys:binding:)``); everyone
/// else who reads the topic sees ciphertext.
public struct SealedIdentity: Codable, Sendable, Hashable {
    /// The ciphersuite sealed with: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, auth
    /// mode (the sender's key named by ``senderKeyId``).
    public static let algorithmName = "HPKE-AUTH-P256-SHA256-AES256GCM"
    /// The same ciphersuite in base mode, which proves nothing of the sender: written before auth
    /// mode. Still valid in an event, so that the rest of the event is kept; never opened.
    public static let baseModeAlgorithmName = "HPKE-P256-SHA256-AES256GCM"
    /// The longest ciphertext accepted, in base64 characters.
    public static let maxCiphertextLength = 2048

    /// ``algorithmName`` (or, in events written before auth mode, ``baseModeAlgorithmName``).
    public var algorithm: String
    /// The receiving agency's key (``AgencyKeyID``).
    public var keyId: String
    /// The sending agency's key that authenticated the sealing (``AgencyKeyID``); required with
    /// ``algorithmName``, absent in base mode.
    public var senderKeyId: String?
    /// HPKE's encapsulated key (an uncompressed P-256 point, 65 bytes), base64.
    public var encapsulatedKey: String
    /// The sealed identity with its tag, base64.
    public var ciphertext: String

    public init(
        algorithm: String = SealedIdentity.algorithmName, keyId: String, senderKeyId: String?, encapsulatedKey: String, ciphertext: String
    ) {
        self.algorithm = algorithm
        self.keyId = keyId
        self.senderKeyId = senderKeyId
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }

    /// Checks the schema's rules; `receiver` is the agency the event is addressed to, whose key
    /// ``keyId`` must name.
    func validate(_ field: String, receiver: Agency) throws(PayloadViolation) {
        let keyIdForm = "must be <agency>-<yyyyMMddHHmmss>-<8 hex digits>"
        switch algorithm {
        case Self.algorithmName:
            guard let senderKeyId else {
                throw PayloadViolation(field: "\(field).senderKeyId", reason: "is required with \(Self.algorithmName)")
            }
            guard AgencyKeyID(senderKeyId) != nil else { throw PayloadViolation(field: "\(field).senderKeyId", reason: keyIdForm) }
        case Self.baseModeAlgorithmName:
            guard senderKeyId == nil else {
                throw PayloadViolation(field: "\(field).senderKeyId", reason: "must be absent in base mode (\(Self.baseModeAlgorithmName))")
            }
        default:
            throw PayloadViolation(field: "\(field).algorithm", reason: "must be \(Self.algorithmName)")
        }
        guard let key = AgencyKeyID(keyId) else { throw PayloadViolation(field: "\(field).keyId", reason: keyIdForm) }
        guard key.agency == receiver else {
            throw PayloadViolation(field: "\(field).keyId", reason: "must be a key of the receiving agency (\(receiver.rawValue))")
        }
        guard encapsulatedKey.utf8.count == 88, let enc = Self.base64(encapsulatedKey), enc.count == 65, enc.first == 0x04 else {
            throw PayloadViolation(field: "\(field).encapsulatedKey", reason: "must be an uncompressed P-256 point (65 bytes) in base64")
        }
        guard (24...Self.maxCiphertextLength).contains(ciphertext.utf8.count), Self.base64(ciphertext) != nil else {
            throw PayloadViolation(
                field: "\(field).ciphertext",
                reason: "must be base64 (padded, standard alphabet) of 24 to \(Self.maxCiphertextLength) characters")
        }
    }

    /// Strict base64: the standard alphabet, padded, nothing else.
    static func base64(_ text: String) -> Data? {
        guard text.utf8.count % 4 == 0,
            text.utf8.allSatisfy({ byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
                    true
                default: false
                }
            })
        else { return nil }
        return Data(base64Encoded: text)
    }
}

/// The id of an agency's key pair: `<agency>-<yyyyMMddHHmmss>-<fingerprint>`, the agency, when
/// the pair was made (UTC) and the first 8 hex digits of the SHA-256 of the public key's
/// SubjectPublicKeyInfo. Ids of one agency sort by age, so the newest is the greatest.
public struct AgencyKeyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The agency whose key it is.
    public let agency: Agency
    /// `yyyyMMddHHmmss`, UTC.
    public let created: String
    /// 8 lowercase hex digits.
    public let fingerprint: String

    /// Parses an id; nil unless it has the form above.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let agency = Agency(rawValue: String(parts[0])),
            parts[1].utf8.count == 14, parts[1].utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            parts[2].utf8.count == 8,
            parts[2].utf8.allSatisfy({
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            })
        else { return nil }
        self.agency = agency
        self.created = String(parts[1])
        self.fingerprint = String(parts[2])
    }

    /// The id of a key pair of `agency` made at `created` (UTC) with that fingerprint.
    public init(agency: Agency, created: Date, fingerprint: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: created)
        self.agency = agency
        self.created =
            LocalDate.pad(parts.year!, 4)
            + [parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!].map { LocalDate.pad($0, 2) }
            .joined()
        self.fingerprint = fingerprint
    }

    /// The id as written.
    public var description: String { "\(agency.rawValue)-\(created)-\(fingerprint)" }

    /// Older first, per agency.
    public static func < (lhs: AgencyKeyID, rhs: AgencyKeyID) -> Bool { lhs.description < rhs.description }
}
