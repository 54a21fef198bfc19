import Foundation
import GRDB
import Logging
import Testing
import TrisamBus
import TrisamContracts
import TrisamHTTP
import TrisamTestSupport

@testable import TrisamAgency

/// One agency's service in process, on a temporary store, without Kafka: the outbox rows it
/// writes are handed to the other side's `receive` the way the bus would deliver them.
private final class Side {
    let service: AgencyService
    let staff: Staff
    let directory: URL

    /// The temporary store goes with the side (SQLite keeps working on an unlinked file).
    deinit { try? FileManager.default.removeItem(at: directory) }

    init(_ agency: Agency, today: LocalDate = LocalDate("2026-11-24")!) throws {
        directory = try temporaryDirectory()
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: agency)
        service = AgencyService(
            agency: agency, store: store, pseudonymizer: .development, signal: OutboxSignal(),
            logger: testLogger("agency"), today: { today })
        staff = Staff(agency: agency, name: "Handläggare \(agency.rawValue)", role: "handlaggare")
    }

    /// Every outbox message after `seq`, decoded, with its topic.
    func outbox(after seq: Int64 = 0) async throws -> [(seq: Int64, topic: String, envelope: EventEnvelope)] {
        let rows = try await service.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seq FROM outbox WHERE seq > ? ORDER BY seq", arguments: [seq]).map { $0["seq"] as Int64 }
        }
        let pending = try await service.store.pool.read { db in try Outbox.pending(db, limit: 10_000) }
        return try pending.filter { rows.contains($0.seq) }.map { row in
            let encoded = EncodedEvent(
                key: row.message.key ?? [], headers: row.message.headers.map { EventHeader(name: $0.name, value: $0.value ?? []) },
                value: row.message.value)
            return (row.seq, row.message.topic, try EventEnvelope(decoding: encoded))
        }
    }

    /// Delivers what `other` wrote for this agency's inbox or the consent topic after `seq`.
    func deliver(from other: Side, after seq: Int64 = 0) async throws -> Int64 {
        var last = seq
        for message in try await other.outbox(after: seq) {
            last = message.seq
            if message.topic == Topic.inbox(service.agency) || message.topic == Topic.consent {
                _ = try await service.receive(message.envelope, topic: message.topic)
            }
        }
        return last
    }

    func register(_ number: String = "19121212-1212") async throws -> ClientRef {
        let result = try await service.registerPerson(staff, body: Data(#"{"personnummer":"\#(number)"}"#.utf8))
        return ClientRef(rawValue: result.body["clientRef"] as! String)!
    }

    func consent(_ ref: ClientRef, _ purpose: String, _ agencies: [String]) async throws -> String {
        let body =
            #"{"purpose":"\#(purpose)","agencies":[\#(agencies.map { "\"\($0)\"" }.joined(separator: ","))],"validUntil":"2027-06-30","givenOn":"2026-11-20"}"#
        return try await service.addConsent(staff, clientRef: ref, body: Data(body.utf8)).body["consentId"] as! String
    }

    func counts() async throws -> [String: Int] { try await service.store.rowCounts() }
}

@Suite("Agency service on its store")
struct ServiceStoreTests {
    @Test("a referral is stored with its outgoing event in one transaction and audited; registering again answers the same clientRef")
    func referralOutbox() async throws {
        let kommun = try Side(.kommun)
        let ref = try await kommun.register()
        #expect(ref == Pseudonymizer.development.clientRef(for: try PersonalIdentityNumber("191212121212")))
        #expect(try await kommun.service.registerPerson(kommun.staff, body: Data(#"{"personnummer":"191212121212"}"#.utf8)).status == 200)
        _ = try await kommun.consent(ref, "remiss", ["kommun", "af"])
        let result = try await kommun.service.sendReferral(
            kommun.staff, clientRef: ref,
            body: Data(
                #"{"to":"af","area":"arbete-aktivitet","reason":"Långvarigt försörjningsstöd","requestedMeasure":"Inskrivning och kartläggning"}"#
                    .utf8))
        #expect(result.status == 201)
        let outbox = try await kommun.outbox()
        #expect(outbox.map(\.topic) == ["trisam.consent", "trisam.af.inbox"])
        guard case .referralSent(let sent) = outbox[1].envelope.event else {
            Issue.record("not a referral")
            return
        }
        #expect(sent.referralId == result.body["referralId"] as? String && sent.from == .kommun && sent.to == .af)
        #expect(outbox[1].envelope.subject == ref)
        let audit = try await kommun.service.auditLog(kommun.staff, clientRef: ref.rawValue, limit: nil).body["items"] as! [[String: Any]]
        #expect(
            audit.map { $0["action"] as! String } == [
                "referral.send", "identity.share", "consent.give", "person.register", "person.register",
            ])
        // Reading the log is logged; paged like the inbox: `next` is the cursor for the older entries.
        let first = try await kommun.service.auditLog(kommun.staff, clientRef: ref.rawValue, limit: "3").body
        #expect((first["items"] as? [[String: Any]])?.map { $0["action"] as! String } == ["audit.read", "referral.send", "identity.share"])
        let next = try #require(first["next"] as? String)
        let second = try await kommun.service.auditLog(kommun.staff, clientRef: ref.rawValue, limit: "3", before: next).body
        #expect(
            (second["items"] as? [[String: Any]])?.map { $0["action"] as! String } == [
                "consent.give", "person.register", "person.register",
            ])
        #expect(second["next"] is NSNull)
        await #expect(throws: APIError.invalid("before", "must be a cursor from an earlier page (a positive integer)")) {
            try await kommun.service.auditLog(kommun.staff, clientRef: nil, limit: nil, before: "x")
        }
        // Nothing in the store holds the number.
        let bytes =
            try Data(contentsOf: kommun.directory.appendingPathComponent("agency.sqlite"))
            + ((try? Data(contentsOf: kommun.directory.appendingPathComponent("agency.sqlite-wal"))) ?? Data())
        #expect(bytes.range(of: Data("121212".utf8)) == nil, "the personnummer must not be stored")
    }

    @Test("refused requests write nothing: no consent, unknown ids, wrong party, illegal transitions")
    func refusalsWriteNothing() async throws {
        let kommun = try Side(.kommun)
        let af = try Side(.af)
        let ref = try await kommun.register()
        let before = try await kommun.counts()
        let body = Data(#"{"to":"af","area":"arbete-aktivitet","reason":"r","requestedMeasure":"m"}"#.utf8)
        await #expect(throws: APIError.consentMissing(ConsentCoverage.refusal(purpose: .remiss, agencies: [.kommun, .af]), field: "to")) {
            try await kommun.service.sendReferral(kommun.staff, clientRef: ref, body: body)
        }
        let unknown = ClientRef(rawValue: String(repeating: "0", count: 32))!
        await #expect(throws: APIError.self) { try await kommun.service.sendReferral(kommun.staff, clientRef: unknown, body: body) }
        await #expect(throws: APIError.self) {
            try await kommun.service.actOnReferral(kommun.staff, referralId: "nope", action: .cancel, body: Data(#"{"reason":"x"}"#.utf8))
        }
        await #expect(throws: APIError.self) {
            try await kommun.service.publishStatus(
                kommun.staff, clientRef: ref, body: Data(#"{"type":"kommun.measure.started","payload":{}}"#.utf8))
        }
        #expect(try await kommun.counts() == before)

        // Wrong party and illegal transition, after a real referral.
        _ = try await kommun.consent(ref, "remiss", ["kommun", "af"])
        let referralId = try await kommun.service.sendReferral(kommun.staff, clientRef: ref, body: body).body["referralId"] as! String
        _ = try await af.deliver(from: kommun)
        let kommunBefore = try await kommun.counts()
        do {
            _ = try await kommun.service.actOnReferral(
                kommun.staff, referralId: referralId, action: .accept, body: Data(#"{"contact":{"name":"A"}}"#.utf8))
            Issue.record("the sender accepted its own referral")
        } catch {
            #expect(error.status == 403 && error.code == .wrongParty)
        }
        #expect(try await kommun.counts() == kommunBefore)
        _ = try await af.service.actOnReferral(
            af.staff, referralId: referralId, action: .reject, body: Data(#"{"reason":"Inte aktuell"}"#.utf8))
        let afBefore = try await af.counts()
        do {
            _ = try await af.service.actOnReferral(
                af.staff, referralId: referralId, action: .accept, body: Data(#"{"contact":{"name":"A"}}"#.utf8))
            Issue.record("accepted after rejecting")
        } catch {
            #expect(error.status == 409 && error.code == .conflict)
        }
        #expect(try await af.counts() == afBefore)
    }

    @Test("referral closed loop: each answer reaches the sender's record and inbox")
    func referralLoop() async throws {
        let kommun = try Side(.kommun)
        let af = try Side(.af)
        let ref = try await kommun.register()
        _ = try await kommun.consent(ref, "remiss", ["kommun", "af"])
        let referralId =
            try await kommun.service.sendReferral(
                kommun.staff, clientRef: ref,
                body: Data(
                    #"{"to":"af","area":"arbete-aktivitet","reason":"r","requestedMeasure":"m","answerBy":"2026-12-15"}"#.utf8)
            ).body["referralId"] as! String
        _ = try await af.deliver(from: kommun)
        let afInbox = try await af.service.inbox(af.staff, limit: nil, before: nil).body["items"] as! [[String: Any]]
        #expect(afInbox.map { $0["type"] as! String } == ["referral.sent"])
        _ = try await af.service.actOnReferral(af.staff, referralId: referralId, action: .received, body: Data())
        _ = try await af.service.actOnReferral(
            af.staff, referralId: referralId, action: .accept, body: Data(#"{"contact":{"name":"Omar Ali","phone":"010-486 00 00"}}"#.utf8))
        _ = try await af.service.actOnReferral(af.staff, referralId: referralId, action: .update, body: Data(#"{"note":"Inskriven"}"#.utf8))
        _ = try await af.service.actOnReferral(
            af.staff, referralId: referralId, action: .close, body: Data(#"{"outcome":"Rusta och matcha"}"#.utf8))
        _ = try await kommun.deliver(from: af)
        let summary = try await kommun.service.personSummary(kommun.staff, clientRef: ref).body
        let sent = summary["referralsSent"] as! [[String: Any]]
        #expect(sent.count == 1 && sent[0]["state"] as? String == "completed" && sent[0]["outcome"] as? String == "Rusta och matcha")
        #expect((sent[0]["contact"] as? [String: Any])?["name"] as? String == "Omar Ali")
        let inbox = try await kommun.service.inbox(kommun.staff, limit: "2", before: nil).body
        let items = inbox["items"] as! [[String: Any]]
        #expect(items.map { $0["type"] as! String } == ["referral.closed", "referral.updated"])
        let next = inbox["next"] as! String
        let older = try await kommun.service.inbox(kommun.staff, limit: "5", before: next).body
        #expect((older["items"] as! [[String: Any]]).map { $0["type"] as! String } == ["referral.accepted", "referral.received"])
        #expect(older["next"] is NSNull)
        // Duplicates are dropped by event id.
        let counts = try await kommun.counts()
        _ = try await kommun.deliver(from: af)
        #expect(try await kommun.counts() == counts)
    }

    @Test("handover: the sender owns until accepted, a refusal leaves it owner, an acceptance closes its case by handover")
    func handover() async throws {
        let kommun = try Side(.kommun)
        let af = try Side(.af)
        let ref = try await kommun.register()
        _ = try await kommun.consent(ref, "samordning", ["kommun", "af"])
        _ = try await af.deliver(from: kommun)
        _ = try await kommun.service.openCase(
            kommun.staff, clientRef: ref,
            body: Data(
                #"{"area":"arbete-aktivitet","contact":{"name":"Anna Berg","role":"handläggare"},"openedOn":"2026-11-02"}"#.utf8))
        let body = Data(#"{"area":"arbete-aktivitet","to":"af","reason":"Arbetsmarknadsinsatser passar bättre hos AF"}"#.utf8)
        // Refused first: kommun stays owner.
        let first = try await kommun.service.requestHandover(kommun.staff, clientRef: ref, body: body).body["handoverId"] as! String
        await #expect(throws: APIError.self) { try await kommun.service.requestHandover(kommun.staff, clientRef: ref, body: body) }
        var seq = try await af.deliver(from: kommun)
        await #expect(throws: APIError.wrongParty("only the receiving agency (af) answers this handover", field: "handoverId")) {
            try await kommun.service.answerHandover(kommun.staff, handoverId: first, answer: .refuse, body: Data(#"{"reason":"x"}"#.utf8))
        }
        _ = try await af.service.answerHandover(
            af.staff, handoverId: first, answer: .refuse, body: Data(#"{"reason":"Ingen kapacitet"}"#.utf8))
        var afSeq = try await kommun.deliver(from: af)
        var summary = try await kommun.service.personSummary(kommun.staff, clientRef: ref).body
        #expect((summary["cases"] as! [[String: Any]]).map { $0["open"] as! Bool } == [true])
        #expect((summary["handovers"] as! [[String: Any]]).first?["refusalReason"] as? String == "Ingen kapacitet")

        // Then accepted: AF opens its case, kommun closes with reason handover, which reaches AF's inbox.
        let second = try await kommun.service.requestHandover(kommun.staff, clientRef: ref, body: body).body["handoverId"] as! String
        seq = try await af.deliver(from: kommun, after: seq)
        _ = try await af.service.answerHandover(
            af.staff, handoverId: second, answer: .accept, body: Data(#"{"contact":{"name":"Omar Ali"},"acceptedOn":"2026-11-24"}"#.utf8))
        afSeq = try await kommun.deliver(from: af, after: afSeq)
        summary = try await kommun.service.personSummary(kommun.staff, clientRef: ref).body
        let cases = summary["cases"] as! [[String: Any]]
        #expect(cases.first?["closeReason"] as? String == "handover" && cases.first?["handoverTo"] as? String == "af")
        let closing = try await kommun.outbox(after: seq).filter { $0.envelope.type == .caseClosed }
        #expect(closing.map(\.topic).sorted() == ["trisam.af.inbox", "trisam.kommun.status"])
        _ = try await af.deliver(from: kommun, after: seq)
        let afInbox = try await af.service.inbox(af.staff, limit: nil, before: nil).body["items"] as! [[String: Any]]
        #expect(afInbox.first?["type"] as? String == "case.closed")
        let afCases = try await af.service.personSummary(af.staff, clientRef: ref).body["cases"] as! [[String: Any]]
        #expect(afCases.count == 1 && afCases[0]["open"] as? Bool == true)
    }

    @Test("an area handed back before the first acceptance arrives stays open at the agency that took it back")
    func handedBackBeforeTheAcceptanceArrives() async throws {
        let kommun = try Side(.kommun)
        let af = try Side(.af)
        let ref = try await kommun.register()
        _ = try await af.register()
        _ = try await kommun.consent(ref, "samordning", ["kommun", "af"])
        _ = try await af.deliver(from: kommun)
        _ = try await kommun.service.openCase(
            kommun.staff, clientRef: ref,
            body: Data(
                #"{"area":"arbete-aktivitet","contact":{"name":"Anna Berg","role":"handläggare"},"openedOn":"2026-11-02"}"#.utf8))
        let toAf =
            try await kommun.service.requestHandover(
                kommun.staff, clientRef: ref,
                body: Data(
                    #"{"area":"arbete-aktivitet","to":"af","reason":"Arbetsmarknadsinsatser passar bättre hos AF"}"#.utf8)
            ).body["handoverId"] as! String
        _ = try await af.deliver(from: kommun)
        _ = try await af.service.answerHandover(
            af.staff, handoverId: toAf, answer: .accept, body: Data(#"{"contact":{"name":"Omar Ali"},"acceptedOn":"2026-11-24"}"#.utf8))
        let back =
            try await af.service.requestHandover(
                af.staff, clientRef: ref,
                body: Data(
                    #"{"area":"arbete-aktivitet","to":"kommun","reason":"Arbetsförmåga saknas i dag"}"#.utf8)
            ).body["handoverId"] as! String
        // The bus delivers AF's request to kommun before AF's acceptance (they travel on one topic
        // here, but the acceptance may be stuck in AF's outbox while the request is not).
        let fromAf = try await af.outbox()
        for message in fromAf where message.envelope.type == .handoverRequested {
            _ = try await kommun.service.receive(message.envelope, topic: message.topic)
        }
        _ = try await kommun.service.answerHandover(
            kommun.staff, handoverId: back, answer: .accept, body: Data(#"{"contact":{"name":"Anna Berg"},"acceptedOn":"2026-11-24"}"#.utf8)
        )
        for message in fromAf where message.envelope.type == .handoverAccepted {
            _ = try await kommun.service.receive(message.envelope, topic: message.topic)
        }
        let cases = try await kommun.service.personSummary(kommun.staff, clientRef: ref).body["cases"] as! [[String: Any]]
        #expect(cases.filter { $0["area"] as? String == "arbete-aktivitet" && $0["open"] as? Bool == true }.count == 1)
        #expect(try await kommun.outbox().filter { $0.envelope.type == .caseClosed }.isEmpty)
    }

    @Test("consents from the bus are kept only when they cover this agency; a withdrawal stops what needs consent")
    func consentsFromTheBus() async throws {
        let kommun = try Side(.kommun)
        let af = try Side(.af)
        let fk = try Side(.fk)
        let ref = try await kommun.register()
        let remiss = try await kommun.consent(ref, "remiss", ["kommun", "af"])
        _ = try await kommun.consent(ref, "samordning", ["kommun", "fk"])
        let referralId =
            try await kommun.service.sendReferral(
                kommun.staff, clientRef: ref,
                body: Data(
                    #"{"to":"af","area":"arbete-aktivitet","reason":"r","requestedMeasure":"m"}"#.utf8)
            ).body["referralId"] as! String
        let seq = try await af.deliver(from: kommun)
        _ = try await fk.deliver(from: kommun)
        let afConsents = try await af.service.store.pool.read { db in try AgencyStore.consents(db, ref) }
        #expect(afConsents.map(\.consentId) == [remiss], "AF keeps only the consent that covers AF")
        let fkConsents = try await fk.service.store.pool.read { db in try AgencyStore.consents(db, ref) }
        #expect(fkConsents.map(\.purpose) == [.samordning])

        // A withdrawal from an agency the consent does not cover changes nothing.
        let foreign = EventEnvelope(
            source: .agency(.region), subject: ref,
            event: .consentWithdrawn(
                ConsentWithdrawn(consentId: remiss, withdrawnOn: LocalDate("2026-11-23")!)))
        #expect(try await af.service.receive(foreign, topic: Topic.consent) == .processed)
        let stillValid = try await af.service.store.pool.read { db in try AgencyStore.consents(db, ref) }
        #expect(stillValid.first?.withdrawnOn == nil)

        // The person withdraws the referral consent at kommun; AF can no longer accept, but can still reject.
        _ = try await kommun.service.withdrawConsent(
            kommun.staff, clientRef: ref, consentId: remiss, body: Data(#"{"withdrawnOn":"2026-11-24"}"#.utf8))
        await #expect(throws: APIError.self) {
            try await kommun.service.withdrawConsent(
                kommun.staff, clientRef: ref, consentId: remiss, body: Data(#"{"withdrawnOn":"2026-11-24"}"#.utf8))
        }
        _ = try await af.deliver(from: kommun, after: seq)
        do {
            _ = try await af.service.actOnReferral(
                af.staff, referralId: referralId, action: .accept, body: Data(#"{"contact":{"name":"Omar Ali"}}"#.utf8))
            Issue.record("accepted without consent")
        } catch {
            #expect(error.code == .consentMissing && error.status == 403)
        }
        #expect(
            try await af.service.actOnReferral(
                af.staff, referralId: referralId, action: .reject, body: Data(#"{"reason":"Samtycket återkallat"}"#.utf8)
            ).status == 200)
        await #expect(throws: APIError.self) {
            try await kommun.service.sendReferral(
                kommun.staff, clientRef: ref, body: Data(#"{"to":"af","area":"arbete-aktivitet","reason":"r","requestedMeasure":"m"}"#.utf8)
            )
        }
    }

    @Test("an event in the wrong inbox is dead-lettered, a duplicate is dropped")
    func misaddressed() async throws {
        let fk = try Side(.fk)
        let ref = ClientRef(rawValue: String(repeating: "c", count: 32))!
        let toAf = EventEnvelope(
            source: .agency(.kommun), subject: ref,
            event: .referralSent(
                ReferralSent(referralId: "r-1", from: .kommun, to: .af, reason: "r", requestedMeasure: "m", area: .forsorjning)))
        let disposition = try await fk.service.receive(toAf, topic: Topic.inbox(.fk))
        guard case .deadLetter(let reason) = disposition else {
            Issue.record("not dead-lettered")
            return
        }
        #expect(reason.contains("addressed to af"))
        let afterRefusal = try await fk.counts()
        #expect(afterRefusal["inbox"] == 0 && afterRefusal["referral"] == 0 && afterRefusal["consumedEvent"] == 0)
        let toFk = EventEnvelope(
            source: .agency(.kommun), subject: ref,
            event: .referralSent(
                ReferralSent(referralId: "r-2", from: .kommun, to: .fk, reason: "r", requestedMeasure: "m", area: .forsorjning)))
        #expect(try await fk.service.receive(toFk, topic: Topic.inbox(.fk)) == .processed)
        let counts = try await fk.counts()
        #expect(try await fk.service.receive(toFk, topic: Topic.inbox(.fk)) == .processed)
        #expect(try await fk.counts() == counts)
        #expect(counts["inbox"] == 1 && counts["referral"] == 1 && counts["person"] == 1)
    }

    @Test("only the agency a handover was asked of can answer it; a forged answer is dead-lettered")
    func forgedHandoverAnswer() async throws {
        let kommun = try Side(.kommun)
        let af = try Side(.af)
        let ref = try await kommun.register()
        _ = try await kommun.consent(ref, "samordning", ["kommun", "af"])
        _ = try await kommun.service.openCase(
            kommun.staff, clientRef: ref,
            body: Data(
                #"{"area":"forsorjning","contact":{"name":"Anna Berg"},"openedOn":"2026-11-02"}"#.utf8))
        let handoverId =
            try await kommun.service.requestHandover(
                kommun.staff, clientRef: ref,
                body: Data(
                    #"{"area":"forsorjning","to":"af","reason":"Ny ansvarsfördelning"}"#.utf8)
            ).body["handoverId"] as! String
        _ = try await af.deliver(from: kommun)
        let forged = EventEnvelope(
            source: .agency(.fk), subject: ref,
            event: .handoverAccepted(
                HandoverAccepted(handoverId: handoverId, area: .forsorjning, from: .kommun, contact: Contact(name: "Någon"))))
        let before = try await kommun.counts()
        guard case .deadLetter(let reason) = try await kommun.service.receive(forged, topic: Topic.inbox(.kommun)) else {
            Issue.record("a forged acceptance was taken")
            return
        }
        #expect(reason.contains("asked of af"))
        #expect(try await kommun.counts() == before)
        let cases = try await kommun.service.personSummary(kommun.staff, clientRef: ref).body["cases"] as! [[String: Any]]
        #expect(cases.first?["open"] as? Bool == true)
    }

    @Test("the sender cancels: the receiver's record follows and it can no longer answer")
    func cancelled() async throws {
        let kommun = try Side(.kommun)
        let region = try Side(.region)
        let ref = try await kommun.register()
        _ = try await kommun.consent(ref, "remiss", ["kommun", "region"])
        let referralId =
            try await kommun.service.sendReferral(
                kommun.staff, clientRef: ref,
                body: Data(
                    #"{"to":"region","area":"halsa-vard","reason":"Behöver bedömning av arbetsförmåga","requestedMeasure":"Läkarbedömning"}"#
                        .utf8)
            ).body["referralId"] as! String
        var seq = try await region.deliver(from: kommun)
        _ = try await region.service.actOnReferral(region.staff, referralId: referralId, action: .received, body: Data("{}".utf8))
        await #expect(throws: APIError.self) {
            try await region.service.actOnReferral(
                region.staff, referralId: referralId, action: .cancel, body: Data(#"{"reason":"x"}"#.utf8))
        }
        _ = try await kommun.service.actOnReferral(
            kommun.staff, referralId: referralId, action: .cancel, body: Data(#"{"reason":"Personen har flyttat"}"#.utf8))
        seq = try await region.deliver(from: kommun, after: seq)
        let received = try await region.service.personSummary(region.staff, clientRef: ref).body["referralsReceived"] as! [[String: Any]]
        #expect(received.first?["state"] as? String == "cancelled" && received.first?["cancelReason"] as? String == "Personen har flyttat")
        do {
            _ = try await region.service.actOnReferral(
                region.staff, referralId: referralId, action: .accept, body: Data(#"{"contact":{"name":"Dr Lind"}}"#.utf8))
            Issue.record("accepted a cancelled referral")
        } catch {
            #expect(error.status == 409 && error.message.contains("cancelled"))
        }
        let inbox = try await region.service.inbox(region.staff, limit: nil, before: nil).body["items"] as! [[String: Any]]
        #expect(inbox.first?["summary"] as? String == "Kommunen har återkallat remissen: Personen har flyttat")
    }
}
