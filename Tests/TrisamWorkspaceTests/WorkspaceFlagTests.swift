import Foundation
import GRDB
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamAgency

/// The coordinator's flags in the agency's workspace: the Inkorg and the person page show the
/// flags naming the agency under consent, and "Jag tar den" sends the take to the coordinator.
@Suite("Agency workspace: the coordinator's flags")
struct WorkspaceFlagTests {
    @Test(
        "AF's Inkorg shows the flag naming AF under consent with its Swedish text; taking it needs the CSRF token and publishes flag.take.requested"
    )
    func takeInInbox() async throws {
        let af = try WorkspaceSide(.af)
        let ref = TestEvent.newClientRef()
        let other = TestEvent.newClientRef()
        let consent = EventEnvelope(
            id: "consent-1", source: .agency(.kommun), time: WorkspaceSide.start, subject: ref,
            event: .consentGiven(
                ConsentGiven(
                    consentId: "c1", purpose: .samordning, agencies: [.kommun, .af], validUntil: LocalDate("2028-01-01")!,
                    givenOn: LocalDate("2027-02-01")!)))
        _ = try await af.base.receive(consent, topic: Topic.consent)
        for (subject, id) in [(ref, "flag-covered"), (other, "flag-uncovered")] {
            let raised = EventEnvelope(
                id: "raised-\(id)", source: .coordinator, time: WorkspaceSide.start, subject: subject,
                event: .flagRaised(
                    FlagRaised(
                        flagId: id, rule: "conflicting-demands", severity: .high, title: "Motstridiga krav",
                        explanation: "Personen är sjukskriven på heltid men har aktivitetskrav.", agencies: [.af, .fk], evidence: [])))
            _ = try await af.base.receive(raised, topic: Topic.flags)
        }
        try await af.app.test(.router) { client in
            var browser = Browser(client: client)
            try await browser.login(af.token)
            let inbox = try await browser.get("/inkorg").html
            #expect(inbox.contains("Flaggor där ni behöver agera"))
            #expect(inbox.contains("Motstridiga krav") && inbox.contains("Ingen har tagit den än."))
            #expect(inbox.contains("/flaggor/flag-covered/ta"))
            #expect(!inbox.contains("flag-uncovered"), "no flag without consent covering AF")
            let person = try await browser.get("/personer/\(ref.rawValue)").html
            #expect(person.contains("/flaggor/flag-covered/ta"), "the person page offers to take it too")

            let refused = try await browser.post("/flaggor/flag-covered/ta", [("tillbaka", "/inkorg")], csrf: false)
            #expect(refused.status == .forbidden)
            let unknown = try await browser.post("/flaggor/nope/ta", [("tillbaka", "/inkorg")])
            #expect(unknown.status == .notFound && unknown.html.contains("Flaggan kunde inte tas"))
            let taken = try await browser.post("/flaggor/flag-covered/ta", [("tillbaka", "/personer/\(ref.rawValue)?klart=x")])
            #expect(taken.status == .seeOther)
            #expect(taken.location == "/personer/\(ref.rawValue)?klart=flagga-tagen")
            let notice = try await browser.get(taken.location ?? "").html
            #expect(notice.contains("Du har tagit flaggan."))
        }
        let published = try await af.base.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT type FROM outbox WHERE type = 'flag.take.requested'")
        }
        #expect(published.count == 1)
    }
}
