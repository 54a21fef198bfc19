import Foundation
import GRDB
import Testing
import TrisamBus
import TrisamContracts
import TrisamHTTP
import TrisamTestSupport

@testable import TrisamAgency

/// The coordinator's flags at the agency they name, in process without Kafka: flags and consents
/// come on different topics, read by different consumers, in either order.
@Suite("Flags at the acting agency: consent decides what is kept and shown")
struct AgencyFlagsTests {
    let today = LocalDate("2026-11-24")!
    let staff = Staff(agency: .fk, name: "Handläggare fk", role: "handlaggare")

    func service() throws -> (AgencyService, URL) {
        let directory = try temporaryDirectory()
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: .fk)
        let today = self.today
        let service = AgencyService(
            agency: .fk, store: store, pseudonymizer: .development, signal: OutboxSignal(), logger: testLogger("agency"),
            today: { today })
        return (service, directory)
    }

    func raised(_ ref: ClientRef, _ flagId: String, agencies: [Agency] = [.fk, .af]) -> EventEnvelope {
        EventEnvelope(
            id: "raised-\(flagId)", source: .coordinator, time: Date(), subject: ref,
            event: .flagRaised(
                FlagRaised(
                    flagId: flagId, rule: "grey-zone", severity: .high, title: "Gråzon", explanation: "Ingen ersättning.",
                    agencies: agencies, evidence: [])))
    }

    func consent(_ ref: ClientRef, _ id: String, agencies: [Agency]) -> EventEnvelope {
        EventEnvelope(
            id: "consent-\(id)", source: .agency(.kommun), time: Date(), subject: ref,
            event: .consentGiven(
                ConsentGiven(
                    consentId: id, purpose: .samordning, agencies: agencies, validUntil: LocalDate("2027-11-24")!,
                    givenOn: LocalDate("2026-11-01")!)))
    }

    func listed(_ service: AgencyService) async throws -> [String] {
        try await service.flags(staff).value.flags.map(\.flagId)
    }

    func rows(_ service: AgencyService) async throws -> Int {
        try await service.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM agencyFlag") ?? 0 }
    }

    @Test("the Inkorg's live marker moves when a flag is raised, held, shown or resolved, and when the inbox grows; not otherwise")
    func liveMarker() async throws {
        let (service, directory) = try service()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ref = TestEvent.newClientRef()
        var markers = [try await service.inboxMarker()]
        #expect(markers[0].count == 0)
        _ = try await service.receive(raised(ref, "f1"), topic: Topic.flags)
        markers.append(try await service.inboxMarker())
        _ = try await service.receive(consent(ref, "c1", agencies: [.kommun, .fk]), topic: Topic.consent)
        markers.append(try await service.inboxMarker())
        let resolved = EventEnvelope(
            id: "resolved-f1", source: .coordinator, time: Date(), subject: ref,
            event: .flagResolved(FlagResolved(flagId: "f1", rule: "grey-zone", resolution: "Ersättning beviljad.", evidence: [])))
        _ = try await service.receive(resolved, topic: Topic.flags)
        markers.append(try await service.inboxMarker())
        let referral = EventEnvelope(
            id: "referral-1", source: .agency(.kommun), time: Date(), subject: ref,
            event: .referralSent(
                ReferralSent(referralId: "r-1", from: .kommun, to: .fk, reason: "Stöd", requestedMeasure: "Utredning", area: .forsorjning)))
        #expect(try await service.receive(referral, topic: Topic.inbox(.fk)) == .processed)
        markers.append(try await service.inboxMarker())
        #expect(markers.last!.count == 1, "the referral is in the inbox")
        #expect(Set(markers.map(\.newest)).count == markers.count, "each step moves the marker: \(markers)")
        #expect(try await service.inboxMarker() == markers.last!, "nothing happened: the marker stays")
        let rowsInInbox = try await service.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") ?? 0 }
        #expect(markers.last!.count == rowsInInbox)
    }

    @Test("a flag that comes before the consent covering the agency is held, then shown when the consent arrives")
    func flagBeforeConsent() async throws {
        let (service, directory) = try service()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ref = TestEvent.newClientRef()
        #expect(try await service.receive(raised(ref, "f1"), topic: Topic.flags) == .processed)
        #expect(try await listed(service) == [], "no consent yet: not shown")
        #expect(try await rows(service) == 1, "but held")
        _ = try await service.receive(consent(ref, "c1", agencies: [.kommun, .fk]), topic: Topic.consent)
        #expect(try await listed(service) == ["f1"])
    }

    @Test("a flag held without consent is erased after the hold limit; one under consent stays; other agencies' flags are not kept")
    func heldFlagsAreErased() async throws {
        let (service, directory) = try service()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (covered, uncovered) = (TestEvent.newClientRef(), TestEvent.newClientRef())
        _ = try await service.receive(consent(covered, "c1", agencies: [.kommun, .fk]), topic: Topic.consent)
        _ = try await service.receive(consent(uncovered, "c2", agencies: [.kommun, .af]), topic: Topic.consent)
        _ = try await service.receive(raised(covered, "f1"), topic: Topic.flags)
        _ = try await service.receive(raised(uncovered, "f2"), topic: Topic.flags)
        _ = try await service.receive(raised(covered, "f3", agencies: [.af]), topic: Topic.flags)
        #expect(try await rows(service) == 2, "the flag naming only AF is not kept")
        let later = Date().addingTimeInterval(AgencyFlags.holdLimit - 60)
        let erasedEarly = try await service.store.pool.write { db in
            try AgencyFlags.review(db, agency: .fk, today: today, now: later)
        }
        #expect(erasedEarly == 0, "within the hold limit nothing is erased")
        let erased = try await service.store.pool.write { db in
            try AgencyFlags.review(db, agency: .fk, today: today, now: Date().addingTimeInterval(AgencyFlags.holdLimit + 60))
        }
        #expect(erased == 1)
        #expect(try await listed(service) == ["f1"])
        #expect(try await rows(service) == 1)
    }

    @Test("a withdrawn consent hides the person's flags at once and holds them until erased")
    func withdrawnConsent() async throws {
        let (service, directory) = try service()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ref = TestEvent.newClientRef()
        _ = try await service.receive(consent(ref, "c1", agencies: [.kommun, .fk]), topic: Topic.consent)
        _ = try await service.receive(raised(ref, "f1"), topic: Topic.flags)
        #expect(try await listed(service) == ["f1"])
        let withdrawal = EventEnvelope(
            id: "withdrawn-c1", source: .agency(.kommun), time: Date(), subject: ref,
            event: .consentWithdrawn(ConsentWithdrawn(consentId: "c1", withdrawnOn: today)))
        _ = try await service.receive(withdrawal, topic: Topic.consent)
        #expect(try await listed(service) == [])
        let erased = try await service.store.pool.write { db in
            try AgencyFlags.review(db, agency: .fk, today: today, now: Date().addingTimeInterval(AgencyFlags.holdLimit + 60))
        }
        #expect(erased == 1)
    }
}
