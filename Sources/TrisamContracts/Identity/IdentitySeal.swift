import Crypto
import Foundation

/// One agency's public key for sealing identities to it.
public struct AgencyPublicKey: Sendable {
    /// The key's id; its agency is the key's owner.
    public let id: AgencyKeyID
    /// The key in X9.63 form (Crypto's key types are not `Sendable`).
    private let x963: Data

    /// A public key with its id; nil unless the id's fingerprint is the key's.
    public init?(id: AgencyKeyID, key: P256.KeyAgreement.PublicKey) {
        guard Self.fingerprint(of: key) == id.fingerprint else { return nil }
        self.id = id
        self.x963 = key.x963Representation
    }

    /// The P-256 key.
    public var key: P256.KeyAgreement.PublicKey {
        // Valid by construction.
        try! P256.KeyAgreement.PublicKey(x963Representation: x963)
    }

    /// The first 8 hex digits of the SHA-256 of the key's SubjectPublicKeyInfo (DER).
    public static func fingerprint(of key: P256.KeyAgreement.PublicKey) -> String {
        SHA256.hash(data: key.derRepresentation).prefix(4).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }
}

/// One agency's private key for opening identities sealed to it.
public struct AgencyPrivateKey: Sendable {
    /// The key pair's id.
    public let id: AgencyKeyID
    /// The key's scalar (Crypto's key types are not `Sendable`).
    private let raw: Data

    /// A private key with its id; nil unless the id's fingerprint is the key's public key's.
    public init?(id: AgencyKeyID, key: P256.KeyAgreement.PrivateKey) {
        guard AgencyPublicKey.fingerprint(of: key.publicKey) == id.fingerprint else { return nil }
        self.id = id
        self.raw = key.rawRepresentation
    }

    /// The P-256 key.
    public var key: P256.KeyAgreement.PrivateKey {
        // Valid by construction.
        try! P256.KeyAgreement.PrivateKey(rawRepresentation: raw)
    }

    /// A new key pair of `agency`, made now.
    public static func generate(for agency: Agency, now: Date = Date()) -> AgencyPrivateKey {
        let key = P256.KeyAgreement.PrivateKey()
        let id = AgencyKeyID(agency: agency, created: now, fingerprint: AgencyPublicKey.fingerprint(of: key.publicKey))
        return AgencyPrivateKey(id: id, key: key)!
    }

    /// The public half.
    public var publicKey: AgencyPublicKey { AgencyPublicKey(id: id, key: key.publicKey)! }
}

/// The keys one agency's service holds: its own private keys (every one still kept, so that
/// identities sealed to an older key stay readable) and the public keys of the agencies it
/// seals to. Identities are sealed to the receiver's newest public key.
public struct AgencyKeyring: Sendable {
    /// The agency whose service holds the ring.
    public let agency: Agency
    private let privateKeys: [AgencyKeyID: AgencyPrivateKey]
    private let publicKeys: [Agency: [AgencyPublicKey]]

    /// A ring of `agency`'s private keys and the public keys of any agencies.
    ///
    /// - Throws: ``AgencyKeyringError`` when a private key is another agency's or there is none.
    public init(agency: Agency, privateKeys: [AgencyPrivateKey], publicKeys: [AgencyPublicKey]) throws(AgencyKeyringError) {
        guard !privateKeys.isEmpty else { throw .noPrivateKey(agency) }
        if let foreign = privateKeys.first(where: { $0.id.agency != agency }) { throw .foreignPrivateKey(foreign.id.description) }
        self.agency = agency
        self.privateKeys = Dictionary(privateKeys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var byAgency: [Agency: [AgencyPublicKey]] = [:]
        for key in publicKeys + privateKeys.map(\.publicKey) where !(byAgency[key.id.agency] ?? []).contains(where: { $0.id == key.id }) {
            byAgency[key.id.agency, default: []].append(key)
        }
        self.publicKeys = byAgency.mapValues { $0.sorted { $0.id < $1.id } }
    }

    /// The key to seal to `receiver` with: its newest public key, or nil if none is known.
    public func sealingKey(for receiver: Agency) -> AgencyPublicKey? { publicKeys[receiver]?.last }

    /// The private key this agency authenticates what it seals with: its newest.
    public var authenticatingKey: AgencyPrivateKey { privateKeys[privateKeyIDs.last!]! }

    /// The public key `id` names (another agency's, or one of this agency's own), if known.
    public func publicKey(_ id: AgencyKeyID) -> AgencyPublicKey? { publicKeys[id.agency]?.first { $0.id == id } }

    /// The private key `id` names, if this ring holds it.
    public func privateKey(_ id: AgencyKeyID) -> AgencyPrivateKey? { privateKeys[id] }

    /// The ids of the private keys held, oldest first.
    public var privateKeyIDs: [AgencyKeyID] { privateKeys.keys.sorted() }

    /// The agencies (other than this one) with no public key in the ring.
    public var agenciesWithoutKey: [Agency] { Agency.allCases.filter { $0 != agency && publicKeys[$0] == nil } }

    /// The **development** ring of `agency`, for demos and tests only: every agency's key is
    /// derived from a text written in this file, so anyone can open what is sealed to it.
    /// **Never use it with real people's identities.**
    public static func development(for agency: Agency) -> AgencyKeyring {
        let keys = Agency.allCases.map(developmentKey)
        return try! AgencyKeyring(
            agency: agency, privateKeys: keys.filter { $0.id.agency == agency }, publicKeys: keys.map(\.publicKey))
    }

    /// The development key pair of `agency`: the scalar is the SHA-256 of
    /// `trisam-development-hpke-key-<agency>-never-use-in-production`.
    static func developmentKey(_ agency: Agency) -> AgencyPrivateKey {
        let seed = SHA256.hash(data: Data("trisam-development-hpke-key-\(agency.rawValue)-never-use-in-production".utf8))
        let key = try! P256.KeyAgreement.PrivateKey(rawRepresentation: Data(seed))
        let id = AgencyKeyID(
            agency: agency, created: Date(timeIntervalSince1970: 1_764_547_200), fingerprint: AgencyPublicKey.fingerprint(of: key.publicKey)
        )
        return AgencyPrivateKey(id: id, key: key)!
    }
}

/// Why an ``AgencyKeyring`` could not be made.
public enum AgencyKeyringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No private key of the agency.
    case noPrivateKey(Agency)
    /// A private key of another agency (its id).
    case foreignPrivateKey(String)

    public var description: String {
        switch self {
        case .noPrivateKey(let agency): "no private key of \(agency.rawValue)"
        case .foreignPrivateKey(let id): "private key \(id) belongs to another agency; a service holds only its own"
        }
    }
}

/// What a sealed identity is bound to: the message it travels in. A ciphertext moved to another
/// event, person or pair of agencies does not open.
public struct IdentityBinding: Sendable, Equatable {
    public var eventId: String
    public var type: EventType
    public var clientRef: ClientRef
    public var from: Agency
    public var to: Agency

    public init(eventId: String, type: EventType, clientRef: ClientRef, from: Agency, to: Agency) {
        self.eventId = eventId
        self.type = type
        self.clientRef = clientRef
        self.from = from
        self.to = to
    }

    /// HPKE's additional authenticated data: ce_id, ce_type, clientRef, from and to, one a line.
    var additionalData: Data {
        Data([eventId, type.cloudEventsType, clientRef.rawValue, from.rawValue, to.rawValue].joined(separator: "\n").utf8)
    }
}

/// An identity as opened by its receiver: who, and under which consent the sender shared it.
public struct OpenedIdentity: Sendable, Equatable {
    public var identity: PersonIdentity
    /// The consent that covered the sharing, as the sender named it.
    public var consentId: String?
}

/// Sealing and opening identities (HPKE, RFC 9180, auth mode, DHKEM(P-256, HKDF-SHA256),
/// HKDF-SHA256, AES-256-GCM): only the receiver's private key opens it, and it opens only with
/// the public key of the agency that sealed it, so the receiver knows who sent the identity.
/// Pure: no I/O.
public enum IdentitySeal {
    /// HPKE's info: names what the key is used for.
    public static let info = Data("se.trisam.identity.v1".utf8)
    static var ciphersuite: HPKE.Ciphersuite { .P256_SHA256_AES_GCM_256 }

    /// What travels inside the ciphertext.
    struct Plaintext: Codable {
        var v: Int
        var kind: PersonIdentity.Kind
        var number: String
        var name: String?
        var consentId: String?
    }

    /// Seals `identity` to `key` for the message `binding` describes, authenticated by the
    /// sender's `senderKey`.
    public static func seal(
        _ identity: PersonIdentity, consentId: String?, to key: AgencyPublicKey, from senderKey: AgencyPrivateKey, binding: IdentityBinding
    ) throws -> SealedIdentity {
        precondition(key.id.agency == binding.to, "an identity is sealed to the receiver's key")
        precondition(senderKey.id.agency == binding.from, "an identity is authenticated by the sender's key")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let plaintext = try encoder.encode(
            Plaintext(v: 1, kind: identity.kind, number: identity.number, name: identity.name, consentId: consentId))
        var sender = try HPKE.Sender(recipientKey: key.key, ciphersuite: ciphersuite, info: info, authenticatedBy: senderKey.key)
        let ciphertext = try sender.seal(plaintext, authenticating: binding.additionalData)
        return SealedIdentity(
            keyId: key.id.description, senderKeyId: senderKey.id.description,
            encapsulatedKey: sender.encapsulatedKey.base64EncodedString(), ciphertext: ciphertext.base64EncodedString())
    }

    /// Opens `sealed` with the private key it names, for the message `binding` describes, and
    /// only if the sender's key it names (a key of `binding.from`, known to `keys`) sealed it.
    ///
    /// - Throws: ``IdentitySealError``, which never carries the identity.
    public static func open(_ sealed: SealedIdentity, keys: AgencyKeyring, binding: IdentityBinding) throws(IdentitySealError)
        -> OpenedIdentity
    {
        switch sealed.algorithm {
        case SealedIdentity.algorithmName: break
        case SealedIdentity.baseModeAlgorithmName: throw .unauthenticated
        default: throw .unknownAlgorithm
        }
        guard let id = AgencyKeyID(sealed.keyId), let key = keys.privateKey(id) else { throw .noSuchKey(sealed.keyId) }
        guard let senderText = sealed.senderKeyId, let senderID = AgencyKeyID(senderText) else { throw .malformed }
        guard senderID.agency == binding.from else { throw .notTheSendersKey(senderText) }
        guard let senderKey = keys.publicKey(senderID) else { throw .unknownSenderKey(senderText) }
        guard let enc = SealedIdentity.base64(sealed.encapsulatedKey), let ciphertext = SealedIdentity.base64(sealed.ciphertext) else {
            throw .malformed
        }
        let plaintext: Data
        do {
            var recipient = try HPKE.Recipient(
                privateKey: key.key, ciphersuite: ciphersuite, info: info, encapsulatedKey: enc, authenticatedBy: senderKey.key)
            plaintext = try recipient.open(ciphertext, authenticating: binding.additionalData)
        } catch {
            throw .doesNotOpen
        }
        guard let content = try? JSONDecoder().decode(Plaintext.self, from: plaintext), content.v == 1,
            let identity = PersonIdentity(kind: content.kind, number: content.number, name: content.name)
        else { throw .malformed }
        if let consentId = content.consentId, (try? Check.identifier(consentId, "consentId")) == nil { throw .malformed }
        return OpenedIdentity(identity: identity, consentId: content.consentId)
    }
}

/// Why a sealed identity did not open. Never carries the identity.
public enum IdentitySealError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another algorithm than ``SealedIdentity/algorithmName``.
    case unknownAlgorithm
    /// Sealed in base mode (``SealedIdentity/baseModeAlgorithmName``): nothing proves who sealed it.
    case unauthenticated
    /// Sealed to a key this service does not hold (its id).
    case noSuchKey(String)
    /// Authenticated by a key of another agency than the event's sender (its id).
    case notTheSendersKey(String)
    /// Authenticated by a key of the sender this service does not know (its id).
    case unknownSenderKey(String)
    /// The ciphertext does not open with the keys for this message: tampered, moved from another
    /// message, sealed to another key with the same id, or not sealed by the sender's key it names.
    case doesNotOpen
    /// It opened, but what is inside is not an identity.
    case malformed

    public var description: String {
        switch self {
        case .unknownAlgorithm: "the sealed identity uses an unknown algorithm"
        case .unauthenticated: "the sealed identity is in HPKE base mode, which does not prove who sealed it"
        case .noSuchKey(let id): "the identity is sealed to key \(id.prefix(64)), which this service does not hold"
        case .notTheSendersKey(let id): "the identity is authenticated by key \(id.prefix(64)), which is not the sending agency's"
        case .unknownSenderKey(let id):
            "the identity is authenticated by the sender's key \(id.prefix(64)), which this service does not know"
        case .doesNotOpen: "the sealed identity does not open with this service's key and the sender's key for this message"
        case .malformed: "the sealed identity does not hold a valid identity"
        }
    }
}
