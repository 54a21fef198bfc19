import Foundation
import Testing

@testable import TrisamContracts

/// Identity sealed to the receiving agency (HPKE, RFC 9180): only the receiver's private key for
/// the very message it was sealed for opens it.
@Suite("Sealed identity")
struct SealedIdentityTests {
    static let person = PersonIdentity(try! PersonalIdentityNumber("19121212-1212"), name: "Tolvan Tolvansson")
    static let clientRef = person.clientRef(.development)

    static func binding(
        eventId: String = "e-1", type: EventType = .referralSent, clientRef: ClientRef = clientRef, from: Agency = .kommun,
        to: Agency = .af
    ) -> IdentityBinding {
        IdentityBinding(eventId: eventId, type: type, clientRef: clientRef, from: from, to: to)
    }

    /// The kommun's key pair, which seals in these tests; receivers' rings know its public key.
    static let kommunKey = AgencyPrivateKey.generate(for: .kommun)

    /// A ring of `agency` with a new key pair (knowing the kommun's public key), and the public
    /// key others seal to.
    static func ring(_ agency: Agency) throws -> (AgencyKeyring, AgencyPublicKey) {
        let key = AgencyPrivateKey.generate(for: agency)
        return (try AgencyKeyring(agency: agency, privateKeys: [key], publicKeys: [kommunKey.publicKey]), key.publicKey)
    }

    /// Seals the test person to `key` as the kommun (or `sender`) does.
    static func seal(
        to key: AgencyPublicKey, consentId: String? = nil, sender: AgencyPrivateKey = kommunKey, binding: IdentityBinding = binding()
    ) throws -> SealedIdentity {
        try IdentitySeal.seal(person, consentId: consentId, to: key, from: sender, binding: binding)
    }

    @Test("the receiver opens what was sealed to it: the number, the name and the consent it was shared under")
    func roundTrip() throws {
        let (af, afPublic) = try Self.ring(.af)
        let sealed = try Self.seal(to: afPublic, consentId: "consent-1")
        #expect(sealed.algorithm == "HPKE-AUTH-P256-SHA256-AES256GCM")
        #expect(sealed.keyId == afPublic.id.description)
        #expect(sealed.senderKeyId == Self.kommunKey.id.description)
        let opened = try IdentitySeal.open(sealed, keys: af, binding: Self.binding())
        #expect(opened == OpenedIdentity(identity: Self.person, consentId: "consent-1"))
        #expect(opened.identity.clientRef(.development) == Self.clientRef)
        // Nothing of the identity is readable in the sealed form.
        let json = String(decoding: try JSONEncoder().encode(sealed), as: UTF8.self)
        for form in ["191212121212", "19121212-1212", "121212-1212", "1212121212", "Tolvan"] { #expect(!json.contains(form)) }
        #expect(!IdentityNumberScan.contains(json))
    }

    @Test("a receiver with another key cannot open it: another key pair, or another agency's")
    func anotherKey() throws {
        let (_, afPublic) = try Self.ring(.af)
        let sealed = try Self.seal(to: afPublic)
        let (otherAf, _) = try Self.ring(.af)
        #expect(throws: IdentitySealError.noSuchKey(sealed.keyId)) { try IdentitySeal.open(sealed, keys: otherAf, binding: Self.binding()) }
        let (fk, _) = try Self.ring(.fk)
        #expect(throws: IdentitySealError.noSuchKey(sealed.keyId)) { try IdentitySeal.open(sealed, keys: fk, binding: Self.binding()) }
        // A ring that claims the id but holds another private key: the ciphertext does not open.
        let impostor = P256KeyForTests.privateKey(claiming: afPublic.id)
        #expect(impostor == nil, "a private key is accepted only under the id of its own public key")
    }

    @Test("moved to another event, type, person or pair of agencies, or tampered with, it does not open")
    func boundToItsMessage() throws {
        let (af, afPublic) = try Self.ring(.af)
        let sealed = try Self.seal(to: afPublic)
        let other = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!
        for moved in [
            Self.binding(eventId: "e-2"), Self.binding(type: .handoverRequested), Self.binding(clientRef: other),
            Self.binding(to: .fk),
        ] {
            #expect(throws: IdentitySealError.doesNotOpen) { try IdentitySeal.open(sealed, keys: af, binding: moved) }
        }
        #expect(throws: IdentitySealError.notTheSendersKey(Self.kommunKey.id.description)) {
            try IdentitySeal.open(sealed, keys: af, binding: Self.binding(from: .region))
        }
        var bytes = [UInt8](Data(base64Encoded: sealed.ciphertext)!)
        bytes[bytes.count / 2] ^= 0x01
        var tampered = sealed
        tampered.ciphertext = Data(bytes).base64EncodedString()
        #expect(throws: IdentitySealError.doesNotOpen) { try IdentitySeal.open(tampered, keys: af, binding: Self.binding()) }
    }

    @Test("an older private key that is kept still opens; identities are sealed to the newest public key")
    func rotation() throws {
        let old = AgencyPrivateKey.generate(for: .af, now: Date(timeIntervalSince1970: 1_700_000_000))
        let new = AgencyPrivateKey.generate(for: .af, now: Date(timeIntervalSince1970: 1_800_000_000))
        let sealedToOld = try Self.seal(to: old.publicKey)
        let af = try AgencyKeyring(agency: .af, privateKeys: [new, old], publicKeys: [Self.kommunKey.publicKey])
        #expect(try IdentitySeal.open(sealedToOld, keys: af, binding: Self.binding()).identity == Self.person)
        let kommun = try AgencyKeyring(
            agency: .kommun, privateKeys: [AgencyPrivateKey.generate(for: .kommun)], publicKeys: [new.publicKey, old.publicKey])
        #expect(kommun.sealingKey(for: .af)?.id == new.id)
        #expect(kommun.agenciesWithoutKey == [.fk, .region])
        let dropped = try AgencyKeyring(agency: .af, privateKeys: [new], publicKeys: [Self.kommunKey.publicKey])
        #expect(throws: IdentitySealError.noSuchKey(old.id.description)) {
            try IdentitySeal.open(sealedToOld, keys: dropped, binding: Self.binding())
        }
    }

    @Test("it opens only with the public key of the agency that sealed it: not another agency's, not an unknown one, not base mode")
    func authenticatedBySender() throws {
        let (af, afPublic) = try Self.ring(.af)
        // The region seals in the kommun's name, with its own key: AF opens nothing.
        let region = AgencyPrivateKey.generate(for: .region)
        let afKnowingRegion = try AgencyKeyring(
            agency: .af, privateKeys: [try #require(af.privateKey(afPublic.id))], publicKeys: [Self.kommunKey.publicKey, region.publicKey])
        let sealedByRegion = try IdentitySeal.seal(
            Self.person, consentId: nil, to: afPublic, from: region, binding: Self.binding(from: .region))
        #expect(throws: IdentitySealError.notTheSendersKey(region.id.description)) {
            try IdentitySeal.open(sealedByRegion, keys: afKnowingRegion, binding: Self.binding())
        }
        // A kommun key pair that claims the kommun's real key id: the ciphertext does not open.
        let forger = AgencyPrivateKey.generate(for: .kommun)
        var forged = try Self.seal(to: afPublic, sender: forger)
        forged.senderKeyId = Self.kommunKey.id.description
        #expect(throws: IdentitySealError.doesNotOpen) { try IdentitySeal.open(forged, keys: af, binding: Self.binding()) }
        // A kommun key AF has never been given.
        let unknown = try Self.seal(to: afPublic, sender: forger)
        #expect(throws: IdentitySealError.unknownSenderKey(forger.id.description)) {
            try IdentitySeal.open(unknown, keys: af, binding: Self.binding())
        }
        // Base mode, as written before auth mode: valid in the event, never opened.
        var baseMode = try Self.seal(to: afPublic)
        baseMode.algorithm = SealedIdentity.baseModeAlgorithmName
        baseMode.senderKeyId = nil
        #expect(throws: IdentitySealError.unauthenticated) { try IdentitySeal.open(baseMode, keys: af, binding: Self.binding()) }
        try ReferralSent(
            referralId: "r-1", from: .kommun, to: .af, reason: "Stöd", requestedMeasure: "Kartläggning", area: .arbeteAktivitet,
            sealedIdentity: baseMode
        ).validate()
    }

    @Test("a service's ring holds only its own private keys")
    func foreignPrivateKey() throws {
        let fk = AgencyPrivateKey.generate(for: .fk)
        #expect(throws: AgencyKeyringError.foreignPrivateKey(fk.id.description)) {
            try AgencyKeyring(agency: .af, privateKeys: [AgencyPrivateKey.generate(for: .af), fk], publicKeys: [])
        }
        #expect(throws: AgencyKeyringError.noPrivateKey(.af)) { try AgencyKeyring(agency: .af, privateKeys: [], publicKeys: []) }
    }

    @Test("a payload's sealed identity must name a key of its receiver, in the schema's form")
    func payloadRules() throws {
        let (_, afPublic) = try Self.ring(.af)
        let sealed = try Self.seal(to: afPublic)
        let referral = ReferralSent(
            referralId: "r-1", from: .kommun, to: .af, reason: "Stöd", requestedMeasure: "Kartläggning", area: .arbeteAktivitet,
            sealedIdentity: sealed)
        try referral.validate()
        var toFk = referral
        toFk.to = .fk
        #expect(throws: PayloadViolation(field: "sealedIdentity.keyId", reason: "must be a key of the receiving agency (fk)")) {
            try toFk.validate()
        }
        var badAlgorithm = sealed
        badAlgorithm.algorithm = "RSA"
        #expect(throws: PayloadViolation(field: "sealedIdentity.algorithm", reason: "must be HPKE-AUTH-P256-SHA256-AES256GCM")) {
            try HandoverRequested(handoverId: "h-1", area: .samordning, to: .af, reason: "Byte", sealedIdentity: badAlgorithm).validate()
        }
        var noSender = sealed
        noSender.senderKeyId = nil
        #expect(
            throws: PayloadViolation(field: "sealedIdentity.senderKeyId", reason: "is required with HPKE-AUTH-P256-SHA256-AES256GCM")
        ) { try referral.withSealedIdentity(noSender).validate() }
        var badSender = sealed
        badSender.senderKeyId = "kommun-1"
        #expect(throws: PayloadViolation(field: "sealedIdentity.senderKeyId", reason: "must be <agency>-<yyyyMMddHHmmss>-<8 hex digits>")) {
            try referral.withSealedIdentity(badSender).validate()
        }
        var badCiphertext = sealed
        badCiphertext.ciphertext = "not base64!"
        #expect(throws: PayloadViolation.self) {
            try SipInvitationSent(
                sipId: "s-1", caller: .kommun, invitee: .af, answerBy: LocalDate("2026-12-01")!, sealedIdentity: badCiphertext
            )
            .validate()
        }
        #expect(AgencyKeyID("af-20261203095000-3f2a9c1d")?.agency == .af)
        for bad in ["af-2026-3f2a9c1d", "xx-20261203095000-3f2a9c1d", "af-20261203095000-3F2A9C1D", "af-20261203095000-3f2a9c1"] {
            #expect(AgencyKeyID(bad) == nil, "\(bad)")
        }
    }

    @Test("an identity prints masked: never the number or the name")
    func masked() throws {
        let printed = "\(Self.person) \(String(reflecting: Self.person)) \(String(describing: [Self.person]))"
        #expect(!printed.contains("1212121212") && !printed.contains("Tolvan"))
        var dumped = ""
        dump(Self.person, to: &dumped)
        #expect(!dumped.contains("1212121212") && !dumped.contains("Tolvan"))
        #expect(Self.person.formattedNumber == "19121212-1212")
    }

    @Test("a reservnummer: 6 to 20 upper-case letters and digits with at least one of each, with a pseudonym of its own")
    func reservnummer() throws {
        let number = try #require(Reservnummer("KX123456"))
        #expect(number.normalized == "KX123456")
        #expect(Reservnummer("ABCDEF") == nil, "at least one digit")
        #expect(Reservnummer("191212121212") == nil, "at least one letter: a personnummer is no reservnummer")
        #expect(Reservnummer("AB12") == nil && Reservnummer("AB12_34") == nil && Reservnummer("kx123456") == nil)
        let identity = PersonIdentity(number, name: nil)
        #expect(PersonIdentity(kind: .reservnummer, number: "KX123456", name: nil) == identity)
        #expect(
            identity.clientRef(.development)
                != PersonIdentity(try PersonalIdentityNumber("19121212-1212"), name: nil).clientRef(.development))
        #expect(!"\(identity)".contains("123456"))
    }
}

extension ReferralSent {
    /// The referral with another sealed identity.
    func withSealedIdentity(_ sealed: SealedIdentity) -> ReferralSent {
        var copy = self
        copy.sealedIdentity = sealed
        return copy
    }
}

/// Helpers that need the private parts of keys.
enum P256KeyForTests {
    /// A fresh private key presented under `id` (which names another key): refused.
    static func privateKey(claiming id: AgencyKeyID) -> AgencyPrivateKey? {
        AgencyPrivateKey(id: id, key: AgencyPrivateKey.generate(for: id.agency).key)
    }
}
