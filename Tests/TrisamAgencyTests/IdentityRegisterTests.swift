import Foundation
import GRDB
import Synchronization
import Testing
import TrisamContracts
import TrisamHTTP
import TrisamTestSupport

@testable import TrisamAgency

/// One agency's service in process on a temporary store, with its own key pair and register key.
final class IdentitySide: @unchecked Sendable {
    let service: AgencyService
    let staff: Staff
    let directory: URL
    var storePath: String { directory.appendingPathComponent("agency.sqlite").path }

    deinit { try? FileManager.default.removeItem(at: directory) }

    init(
        _ agency: Agency, today: @escaping @Sendable () -> LocalDate = { LocalDate("2026-11-24")! }, keyring: AgencyKeyring? = nil,
        registerKey: IdentityRegisterKey = .development
    ) throws {
        directory = try temporaryDirectory()
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: agency)
        service = AgencyService(
            agency: agency, store: store, pseudonymizer: .development, signal: OutboxSignal(), logger: testLogger("agency"),
            today: today, registerKey: registerKey, keyring: keyring)
        staff = Staff(agency: agency, name: "Handläggare \(agency.rawValue)", role: "handlaggare")
    }

    func register(_ body: String) async throws -> ClientRef {
        let result = try await service.registerPerson(staff, body: Data(body.utf8))
        return ClientRef(rawValue: try #require(result.body["clientRef"] as? String))!
    }

    func summary(_ ref: ClientRef) async throws -> [String: Any] { try await service.personSummary(staff, clientRef: ref).body }

    func audit(_ ref: ClientRef? = nil) async throws -> [[String: Any]] {
        try await service.auditLog(staff, clientRef: ref?.rawValue, limit: "200").body["items"] as? [[String: Any]] ?? []
    }

    /// Every outbox message, decoded, with its topic.
    func outbox() async throws -> [(topic: String, envelope: EventEnvelope)] {
        let pending = try await service.store.pool.read { db in try Outbox.pending(db, limit: 10_000) }
        return try pending.map { row in
            let encoded = EncodedEvent(
                key: row.message.key ?? [], headers: row.message.headers.map { EventHeader(name: $0.name, value: $0.value ?? []) },
                value: row.message.value)
            return (row.message.topic, try EventEnvelope(decoding: encoded))
        }
    }

    /// Delivers what `other` wrote for this agency's inbox or the consent topic (each once).
    func deliver(from other: IdentitySide) async throws {
        for message in try await other.outbox()
        where message.topic == Topic.inbox(service.agency) || message.topic == Topic.consent {
            _ = try await service.receive(message.envelope, topic: message.topic)
        }
    }

    func consent(_ ref: ClientRef, _ purpose: String, _ agencies: [String], validUntil: String = "2027-06-30") async throws -> String {
        let body =
            #"{"purpose":"\#(purpose)","agencies":[\#(agencies.map { "\"\($0)\"" }.joined(separator: ","))],"validUntil":"\#(validUntil)","givenOn":"2026-11-20"}"#
        return try await service.addConsent(staff, clientRef: ref, body: Data(body.utf8)).body["consentId"] as! String
    }
}

@Suite("Identity register")
struct IdentityRegisterTests {
    @Test("registering with a name shows who the person is to the agency's own staff, every read audited without the number")
    func registerAndRead() async throws {
        let kommun = try IdentitySide(.kommun)
        let ref = try await kommun.register(#"{"personnummer":"19121212-1212","name":"Tolvan Tolvansson"}"#)
        let identity = try #require(try await kommun.summary(ref)["identity"] as? [String: Any])
        #expect(identity["kind"] as? String == "personnummer")
        #expect(identity["number"] as? String == "19121212-1212")
        #expect(identity["name"] as? String == "Tolvan Tolvansson")
        let audit = try await kommun.audit(ref)
        #expect(audit.map { $0["action"] as! String }.reversed() == ["person.register", "person.read", "identity.read"])
        for entry in audit {
            let detail = entry["detail"] as! String
            #expect(!detail.contains("1212") && !detail.contains("Tolvan"), "\(detail)")
        }
        // Registering again with another name replaces the name; without one keeps it.
        #expect(
            try await kommun.service.registerPerson(
                kommun.staff, body: Data(#"{"personnummer":"121212+1212","name":"T. Tolvansson"}"#.utf8)
            ).status == 200)
        _ = try await kommun.register(#"{"personnummer":"191212121212"}"#)
        #expect((try await kommun.summary(ref)["identity"] as? [String: Any])?["name"] as? String == "T. Tolvansson")
    }

    @Test("find a person by number in the body: 200 with the identity when registered, 404 naming the field otherwise, both audited")
    func search() async throws {
        let af = try IdentitySide(.af)
        let ref = try await af.register(#"{"personnummer":"19121212-1212","name":"Tolvan Tolvansson"}"#)
        let found = try await af.service.searchPerson(af.staff, body: Data(#"{"personnummer":"121212+1212"}"#.utf8))
        #expect(found.status == 200)
        #expect(found.body["clientRef"] as? String == ref.rawValue)
        #expect((found.body["identity"] as? [String: Any])?["name"] as? String == "Tolvan Tolvansson")
        do {
            _ = try await af.service.searchPerson(af.staff, body: Data(#"{"personnummer":"19810101-0000"}"#.utf8))
            Issue.record("found a person never registered")
        } catch {
            #expect(error.status == 404 && error.field == "personnummer")
            #expect(!error.message.contains("0000"))
        }
        do {
            _ = try await af.service.searchPerson(af.staff, body: Data(#"{"personnummer":"19121212-1212","reservnummer":"RV1234AB"}"#.utf8))
            Issue.record("took both numbers")
        } catch { #expect(error.status == 400 && error.field == "reservnummer") }
        let actions = try await af.audit().map { ($0["action"] as! String, $0["detail"] as! String) }
        #expect(actions.contains { $0 == ("identity.search", "search by personnummer: found") })
        #expect(actions.contains { $0 == ("identity.search", "search by personnummer: no match") })
        #expect(actions.allSatisfy { !$0.1.contains("1212") && !$0.1.contains("0000") })
    }

    @Test("a reservnummer registers and is found like a personnummer, with a pseudonym of its own")
    func reservnummer() async throws {
        let region = try IdentitySide(.region)
        let ref = try await region.register(#"{"reservnummer":"RV1234AB","name":"Okänd Patient"}"#)
        #expect(ref != Pseudonymizer.development.clientRef(for: try PersonalIdentityNumber("19121212-1212")))
        let identity = try #require(try await region.summary(ref)["identity"] as? [String: Any])
        #expect(identity["kind"] as? String == "reservnummer" && identity["number"] as? String == "RV1234AB")
        let found = try await region.service.searchPerson(region.staff, body: Data(#"{"reservnummer":"RV1234AB"}"#.utf8))
        #expect(found.body["clientRef"] as? String == ref.rawValue)
        do {
            _ = try await region.register(#"{"reservnummer":"rv1234ab"}"#)
            Issue.record("took a lower-case reservnummer")
        } catch let error as APIError { #expect(error.field == "reservnummer") }
    }

    @Test("the register's file on disk holds neither the personnummer in any written form nor the name")
    func encryptedAtRest() async throws {
        let numbers = ["19121212-1212", "19810101-0000", "19750505-1230"]
        let kommun = try IdentitySide(.kommun)
        for (index, number) in numbers.enumerated() {
            let ref = try await kommun.register(#"{"personnummer":"\#(number)","name":"Förnamn\#(index) Efternamnsson"}"#)
            _ = try await kommun.summary(ref)
            _ = try await kommun.service.searchPerson(kommun.staff, body: Data(#"{"personnummer":"\#(number)"}"#.utf8))
        }
        let files = [kommun.storePath, kommun.storePath + "-wal", kommun.storePath + "-shm"]
        var bytes = Data()
        for file in files { bytes += FileManager.default.contents(atPath: file) ?? Data() }
        #expect(bytes.count > 10_000, "the store was written")
        let text = String(decoding: bytes, as: UTF8.self)
        for number in numbers {
            for form in writtenForms(number) { #expect(!text.contains(form), "\(form) is in the store in clear") }
        }
        #expect(!text.contains("Efternamnsson"))
        #expect(bytes.range(of: Data("Efternamnsson".utf8)) == nil)
        // And the register reads back only with its key.
        let other = try IdentitySide(.kommun, registerKey: .random())
        let stranger = try await other.service.store.pool.read { db in
            try IdentityRegister.read(
                db, Pseudonymizer.development.clientRef(for: try PersonalIdentityNumber(numbers[0])), key: .random(),
                pseudonymizer: .development)
        }
        #expect(stranger == nil)
        let read = try await kommun.service.store.pool.read { db in
            try IdentityRegister.read(
                db, Pseudonymizer.development.clientRef(for: try PersonalIdentityNumber(numbers[0])), key: .random(),
                pseudonymizer: .development)
        }
        #expect(read == nil, "another key does not open the rows")
    }
}

@Suite("Identity sealed between agencies")
struct IdentitySharingTests {
    static let body = #"{"to":"af","area":"arbete-aktivitet","reason":"Långvarigt försörjningsstöd","requestedMeasure":"Kartläggning"}"#

    @Test("a referral from kommun to AF with consent shows the person, number and name, to AF's staff; only ciphertext travels")
    func referralWithConsent() async throws {
        let (kommun, af) = (try IdentitySide(.kommun), try IdentitySide(.af))
        let ref = try await kommun.register(#"{"personnummer":"19121212-1212","name":"Tolvan Tolvansson"}"#)
        _ = try await kommun.consent(ref, "remiss", ["kommun", "af"])
        _ = try await kommun.service.sendReferral(kommun.staff, clientRef: ref, body: Data(Self.body.utf8))
        let sent = try #require(try await kommun.outbox().first { $0.topic == Topic.inbox(.af) })
        guard case .referralSent(let referral) = sent.envelope.event, let sealed = referral.sealedIdentity else {
            Issue.record("no sealed identity in \(sent.envelope.event)")
            return
        }
        #expect(sealed.keyId.hasPrefix("af-"))
        let wire = String(decoding: try sent.envelope.encoded().value, as: UTF8.self)
        for form in writtenForms("19121212-1212") + ["Tolvan"] { #expect(!wire.contains(form)) }
        #expect(try await kommun.audit(ref).contains { $0["action"] as? String == "identity.share" })

        try await af.deliver(from: kommun)
        let identity = try #require(try await af.summary(ref)["identity"] as? [String: Any])
        #expect(identity["number"] as? String == "19121212-1212" && identity["name"] as? String == "Tolvan Tolvansson")
        let inbox = try await af.service.inbox(af.staff, limit: nil, before: nil).body["items"] as! [[String: Any]]
        let item = try #require(inbox.first)
        #expect((item["person"] as? [String: Any])?["name"] as? String == "Tolvan Tolvansson")
        #expect((item["payload"] as? [String: Any])?["sealedIdentity"] == nil, "the inbox keeps no ciphertext")
        let actions = try await af.audit(ref).map { $0["action"] as! String }
        #expect(actions.contains("identity.receive") && actions.contains("identity.read"))
        // AF finds the person by number now.
        #expect(try await af.service.searchPerson(af.staff, body: Data(#"{"personnummer":"191212121212"}"#.utf8)).status == 200)
    }

    @Test("without consent covering it the referral is refused and nothing is sealed or written")
    func withoutConsent() async throws {
        let kommun = try IdentitySide(.kommun)
        let ref = try await kommun.register(#"{"personnummer":"19121212-1212","name":"Tolvan Tolvansson"}"#)
        _ = try await kommun.consent(ref, "remiss", ["kommun", "fk"])
        let before = try await kommun.service.store.rowCounts()
        do {
            _ = try await kommun.service.sendReferral(kommun.staff, clientRef: ref, body: Data(Self.body.utf8))
            Issue.record("sent without consent")
        } catch { #expect(error.code == .consentMissing) }
        #expect(try await kommun.service.store.rowCounts() == before)
        #expect(try await kommun.outbox().allSatisfy { $0.topic != Topic.inbox(.af) })
    }

    /// Sends a referral from `kommun` to `af` under a remiss consent and delivers it: the
    /// referral arrives without the person. Returns AF's audit detail of the failed opening.
    static func referralArrivesWithoutIdentity(_ kommun: IdentitySide, _ af: IdentitySide) async throws -> String? {
        let ref = try await kommun.register(#"{"personnummer":"19121212-1212","name":"Tolvan Tolvansson"}"#)
        _ = try await kommun.consent(ref, "remiss", ["kommun", "af"])
        _ = try await kommun.service.sendReferral(kommun.staff, clientRef: ref, body: Data(body.utf8))
        try await af.deliver(from: kommun)
        let summary = try await af.summary(ref)
        #expect(summary["identity"] is NSNull)
        #expect((summary["referralsReceived"] as? [[String: Any]])?.count == 1, "the referral itself arrived")
        let unreadable = try await af.audit(ref).first { $0["action"] as? String == "identity.unreadable" }
        #expect(unreadable != nil, "the failure is audited")
        return unreadable?["detail"] as? String
    }

    @Test("a receiver with another key cannot open it: the item arrives without identity, and the failure is audited")
    func anotherKey() async throws {
        let otherKey = try AgencyKeyring(agency: .af, privateKeys: [AgencyPrivateKey.generate(for: .af)], publicKeys: [])
        let detail = try await Self.referralArrivesWithoutIdentity(try IdentitySide(.kommun), try IdentitySide(.af, keyring: otherKey))
        #expect(detail?.contains("which this service does not hold") == true, "\(detail ?? "")")
    }

    @Test("an identity the receiver cannot trace to the sender's key is not kept: the item arrives, the failure is audited")
    func unknownSender() async throws {
        // A kommun service with a key pair AF was never given seals to AF's real key.
        let others = Agency.allCases.compactMap { AgencyKeyring.development(for: .af).sealingKey(for: $0) }
        let strayKommun = try AgencyKeyring(
            agency: .kommun, privateKeys: [AgencyPrivateKey.generate(for: .kommun)], publicKeys: others.filter { $0.id.agency != .kommun })
        let detail = try await Self.referralArrivesWithoutIdentity(try IdentitySide(.kommun, keyring: strayKommun), try IdentitySide(.af))
        #expect(detail?.contains("which this service does not know") == true, "\(detail ?? "")")
    }

    @Test("handover, SIP invitation and plan action carry the identity to their receiver only")
    func otherCarriers() async throws {
        let (kommun, af, region) = (try IdentitySide(.kommun), try IdentitySide(.af), try IdentitySide(.region))
        let ref = try await kommun.register(#"{"personnummer":"19121212-1212","name":"Tolvan Tolvansson"}"#)
        _ = try await kommun.consent(ref, "samordning", ["kommun", "af", "region"])
        _ = try await kommun.consent(ref, "sip", ["kommun", "af", "region"])
        _ = try await kommun.service.openCase(
            kommun.staff, clientRef: ref,
            body: Data(#"{"area":"arbete-aktivitet","contact":{"name":"Karin Lind"},"openedOn":"2026-11-20"}"#.utf8))
        _ = try await kommun.service.requestHandover(
            kommun.staff, clientRef: ref, body: Data(#"{"area":"arbete-aktivitet","to":"af","reason":"Arbetssökande"}"#.utf8))
        let sip = SipService(base: kommun.service, now: { utc("2026-11-24T09:00:00Z") })
        _ = try await sip.requestSip(
            kommun.staff, clientRef: ref,
            body: Data(#"{"reason":"Samordning behövs","invited":["region"],"afterDischarge":false,"answerBy":"2026-12-01"}"#.utf8))
        let carriers = try await kommun.outbox().compactMap { message -> (String, EventType, String)? in
            guard let (sealed, receiver, _) = message.envelope.event.sealedIdentity else { return nil }
            #expect(message.topic == Topic.inbox(receiver) && sealed.keyId.hasPrefix("\(receiver.rawValue)-"))
            return (message.topic, message.envelope.type, receiver.rawValue)
        }
        #expect(carriers.map(\.1) == [.handoverRequested, .sipInvitationSent])
        try await af.deliver(from: kommun)
        try await region.deliver(from: kommun)
        #expect((try await af.summary(ref)["identity"] as? [String: Any])?["name"] as? String == "Tolvan Tolvansson")
        #expect((try await region.summary(ref)["identity"] as? [String: Any])?["name"] as? String == "Tolvan Tolvansson")
    }

    @Test(
        "when the consent ends and the receiver has no case of its own, the identity it received is erased; the audit log keeps that it was"
    )
    func erasure() async throws {
        let (kommun, af) = (try IdentitySide(.kommun), try IdentitySide(.af))
        let ref = try await kommun.register(#"{"personnummer":"19121212-1212","name":"Tolvan Tolvansson"}"#)
        let consentId = try await kommun.consent(ref, "remiss", ["kommun", "af"])
        _ = try await kommun.service.sendReferral(kommun.staff, clientRef: ref, body: Data(Self.body.utf8))
        try await af.deliver(from: kommun)
        #expect(try await af.summary(ref)["identity"] is [String: Any])
        // A consent that is still in force keeps it.
        #expect(try await af.service.eraseLapsedIdentities() == 0)
        _ = try await kommun.service.withdrawConsent(
            kommun.staff, clientRef: ref, consentId: consentId, body: Data(#"{"withdrawnOn":"2026-11-24"}"#.utf8))
        try await af.deliver(from: kommun)
        #expect(try await af.summary(ref)["identity"] is NSNull)
        let erasure = try #require(try await af.audit(ref).first { $0["action"] as? String == "identity.erase" })
        #expect((erasure["detail"] as! String).contains(consentId) && !(erasure["detail"] as! String).contains("1212"))
        // The registering agency keeps its own.
        #expect(try await kommun.summary(ref)["identity"] is [String: Any])
        let rows = try await af.service.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM identity") ?? -1 }
        #expect(rows == 0)
    }

    @Test("an expired consent erases on the timer; an open case of the receiver's own keeps the identity until it closes")
    func expiryAndOwnCase() async throws {
        let day = Mutex(LocalDate("2026-11-24")!)
        let (kommun, af) = (try IdentitySide(.kommun), try IdentitySide(.af, today: { day.withLock { $0 } }))
        let ref = try await kommun.register(#"{"personnummer":"19121212-1212","name":"Tolvan Tolvansson"}"#)
        _ = try await kommun.consent(ref, "remiss", ["kommun", "af"], validUntil: "2026-12-31")
        _ = try await kommun.consent(ref, "samordning", ["kommun", "af"], validUntil: "2027-06-30")
        _ = try await kommun.service.sendReferral(kommun.staff, clientRef: ref, body: Data(Self.body.utf8))
        try await af.deliver(from: kommun)
        _ = try await af.service.openCase(
            af.staff, clientRef: ref, body: Data(#"{"area":"arbete-aktivitet","contact":{"name":"Omar Ali"},"openedOn":"2026-11-24"}"#.utf8)
        )
        day.withLock { $0 = LocalDate("2027-01-10")! }
        #expect(try await af.service.eraseLapsedIdentities() == 0, "AF's own open case keeps it")
        _ = try await af.service.closeCase(
            af.staff, clientRef: ref, area: .arbeteAktivitet, body: Data(#"{"reason":"completed","closedOn":"2027-01-10"}"#.utf8))
        #expect(try await af.summary(ref)["identity"] is NSNull, "closing the last case with the consent expired erases it")
    }
}
