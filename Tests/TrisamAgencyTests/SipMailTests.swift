import Foundation
import GRDB
import Testing
import TrisamBus
import TrisamContracts
import TrisamHTTP
import TrisamMail
import TrisamSip
import TrisamTestSupport

@testable import TrisamAgency

/// One agency in process on a temporary store, with a fixed clock and a workspace address;
/// events reach the other side the way the bus would deliver them.
private final class MailSide {
    let base: AgencyService
    let sip: SipService
    let staff: Staff
    let directory: URL

    deinit { try? FileManager.default.removeItem(at: directory) }

    init(_ agency: Agency, now: Date) throws {
        directory = try temporaryDirectory()
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: agency)
        base = AgencyService(
            agency: agency, store: store, pseudonymizer: .development, signal: OutboxSignal(), logger: testLogger("agency"),
            today: { DateRules.swedishToday(now) }, mail: MailConfiguration(workspaceURL: "https://trisam.example.se/"))
        sip = SipService(base: base, now: { now })
        staff = Staff(agency: agency, name: "Karin Lund", role: "handlaggare")
    }

    func deliver(from other: MailSide) async throws {
        let pending = try await other.base.store.pool.read { db in try Outbox.pending(db, limit: 10_000) }
        for row in pending where row.message.topic == Topic.inbox(base.agency) || row.message.topic == Topic.consent {
            let encoded = EncodedEvent(
                key: row.message.key ?? [], headers: row.message.headers.map { EventHeader(name: $0.name, value: $0.value ?? []) },
                value: row.message.value)
            _ = try await base.receive(try EventEnvelope(decoding: encoded), topic: row.message.topic)
        }
    }

    /// The queued mails, oldest first, as they would be sent.
    func mails() async throws -> [MailOutbox.Pending] {
        try await base.store.pool.read { db in
            try MailOutbox.due(db, now: nil, from: Mailbox("trisam@kommun.example.se", name: "Trisam – Kommunen"), limit: 1000)
        }
    }

    func rows(_ table: String) async throws -> Int {
        try await base.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}

private func json(_ object: Any) -> Data { try! JSONSerialization.data(withJSONObject: object) }

private func refusal(_ body: () async throws -> Any) async -> APIError? {
    do {
        _ = try await body()
        return nil
    } catch let error as APIError {
        return error
    } catch {
        return nil
    }
}

private let monday = utc("2027-03-22T08:00:00Z")
private let reason = "Missbruk och psykisk ohälsa, behöver samordning"

@Suite("SIP e-mail: what is queued, to whom, and what it says")
struct SipMailTests {
    @Test(
        "invitations, booking, new time and cancellation: one mail per named contact with an address, the .ics with real addresses, nothing about the person"
    )
    func flow() async throws {
        let kommun = try MailSide(.kommun, now: monday)
        let af = try MailSide(.af, now: monday)
        let fk = try MailSide(.fk, now: monday)
        let registered = try await kommun.base.registerPerson(
            kommun.staff, body: json(["personnummer": "19121212-1212", "name": "Tolvan Tolvansson"]))
        let ref = try #require(ClientRef(rawValue: registered.body["clientRef"] as? String ?? ""))
        _ = try await kommun.base.addConsent(
            kommun.staff, clientRef: ref,
            body: json(["purpose": "sip", "agencies": ["kommun", "af", "fk"], "validUntil": "2028-01-01", "givenOn": "2027-03-01"]))

        // Refused, naming the field, and nothing written: a bad address, a contact of an agency not invited.
        let before = try await kommun.rows("sip")
        let badAddress = await refusal {
            try await kommun.sip.requestSip(
                kommun.staff, clientRef: ref,
                body: json(["reason": reason, "invited": ["af"], "contacts": ["af": ["name": "Anna Berg", "email": "anna.berg"]]]))
        }
        #expect(badAddress?.field == "contacts.af.email" && badAddress?.status == 400, "\(String(describing: badAddress))")
        let notInvited = await refusal {
            try await kommun.sip.requestSip(
                kommun.staff, clientRef: ref,
                body: json(["reason": reason, "invited": ["af"], "contacts": ["region": ["name": "Rut Dahl", "email": "rut@region.se"]]]))
        }
        #expect(notInvited?.field == "contacts.region", "\(String(describing: notInvited))")
        let numberInAddress = await refusal {
            try await kommun.sip.requestSip(
                kommun.staff, clientRef: ref,
                body: json(["reason": reason, "invited": ["af"], "contacts": ["af": ["name": "A", "email": "191212121212@af.se"]]]))
        }
        #expect(numberInAddress?.field == "contacts.af.email")
        let (sipsAfter, mailsAfter) = (try await kommun.rows("sip"), try await kommun.rows("mailOutbox"))
        #expect(sipsAfter == before && mailsAfter == 0)

        // Requested: AF's contact has an address and is mailed; FK's has none.
        let requested = try await kommun.sip.requestSip(
            kommun.staff, clientRef: ref,
            body: json([
                "reason": reason, "invited": ["af", "fk"], "answerBy": "2027-03-29",
                "contacts": [
                    "kommun": ["name": "Karin Lund", "email": "karin.lund@kommun.example.se"],
                    "af": ["name": "Anna Berg", "email": "anna.berg@af.example.se"], "fk": ["name": "Fredrik Ek"],
                ],
            ]))
        let sipId = try #require(requested.body["sipId"] as? String)
        var mails = try await kommun.mails()
        #expect(mails.map(\.recipient) == ["anna.berg@af.example.se"] && mails.map(\.kind) == ["sip.invitation"])
        #expect(mails[0].message.subject == "Kallelse till SIP-möte – svara senast 29 mars 2027")
        #expect(mails[0].message.text.contains("Svara senast måndag 29 mars 2027"))
        #expect(mails[0].message.text.contains("https://trisam.example.se/") && mails[0].message.calendar == nil)

        // Answers: AF with an address, FK without.
        try await af.deliver(from: kommun)
        try await fk.deliver(from: kommun)
        let times = [["start": "2027-03-30T08:00:00Z", "end": "2027-03-30T12:00:00Z"]]
        _ = try await af.sip.answer(
            af.staff, sipId: sipId, invitee: "af",
            body: json([
                "answer": "accepted", "participant": ["name": "Anna Berg", "email": "anna.berg@af.example.se"], "availability": times,
            ]))
        _ = try await fk.sip.answer(
            fk.staff, sipId: sipId, invitee: "fk",
            body: json(["answer": "accepted", "participant": ["name": "Fredrik Ek"], "availability": times]))
        try await kommun.deliver(from: af)
        try await kommun.deliver(from: fk)

        // Booked: the organizer and AF's participant get the invitation with the .ics (FK's has no address).
        _ = try await kommun.sip.schedule(
            kommun.staff, sipId: sipId, reschedule: false, body: json(["durationMinutes": 60, "location": "Socialkontoret, rum 3"]))
        mails = try await kommun.mails()
        let booked = mails.filter { $0.kind == "sip.scheduled" }
        #expect(Set(booked.map(\.recipient)) == ["karin.lund@kommun.example.se", "anna.berg@af.example.se"])
        let ics = try #require(booked.first?.message.calendar)
        #expect(ics.method == "REQUEST")
        let calendar = try ICalendarParser.parse(ics.content)
        let event = try #require(calendar.components("VEVENT").first)
        #expect(calendar.property("METHOD")?.value == "REQUEST" && event.property("SEQUENCE")?.value == "0")
        let attendees = event.properties("ATTENDEE").map(\.value)
        #expect(attendees.contains("mailto:anna.berg@af.example.se") && attendees.contains("mailto:karin.lund@kommun.example.se"))
        #expect(attendees.contains("urn:trisam:agency:fk"), "\(attendees)")
        #expect(event.property("ORGANIZER")?.value == "mailto:karin.lund@kommun.example.se")
        #expect(booked[0].message.subject == "SIP-möte bokat: tisdag 30 mars 2027 kl. 10.00–11.00")
        #expect(booked[0].message.text.contains("Plats: Socialkontoret, rum 3"))
        #expect(booked[0].message.text.contains("Kallande: Kommunen, Karin Lund"))
        // The calendar file staff download from the caller has the same addresses.
        let download = try ICalendarParser.parse(try await kommun.sip.calendarFile(kommun.staff, sipId: sipId))
        let downloaded = download.components("VEVENT").first?.properties("ATTENDEE").map(\.value) ?? []
        #expect(downloaded.contains("mailto:anna.berg@af.example.se") && downloaded.contains("mailto:karin.lund@kommun.example.se"))

        // Moved, then cancelled.
        _ = try await kommun.sip.schedule(
            kommun.staff, sipId: sipId, reschedule: true, body: json(["start": "2027-03-31T11:00:00Z", "end": "2027-03-31T12:00:00Z"]))
        _ = try await kommun.sip.cancel(kommun.staff, sipId: sipId, body: json(["reason": "Personen är inlagd"]))
        mails = try await kommun.mails()
        let moved = mails.filter { $0.kind == "sip.rescheduled" }
        let cancelled = mails.filter { $0.kind == "sip.cancelled" }
        #expect(moved.count == 2 && cancelled.count == 2)
        #expect(moved.allSatisfy { $0.message.calendar.map { $0.content.contains("SEQUENCE:1") } == true })
        #expect(
            cancelled.allSatisfy { $0.message.calendar?.method == "CANCEL" && $0.message.calendar?.content.contains("SEQUENCE:2") == true })
        #expect(moved[0].message.subject == "Ny tid för SIP-möte: onsdag 31 mars 2027 kl. 13.00–14.00")
        #expect(Set(mails.map(\.message.messageId)).count == mails.count, "a Message-ID per mail")

        // Nothing about the person in any part of any mail.
        for mail in mails {
            let rendered = String(decoding: mail.message.rendered(), as: UTF8.self)
            for text in [rendered, mail.message.subject, mail.message.text, mail.message.calendar?.content ?? ""] {
                for secret in [
                    "19121212-1212", "191212121212", "Tolvan", ref.rawValue, String(ref.rawValue.prefix(8)).uppercased(),
                    SipMeeting.personReference(for: ref), reason, "inlagd", "utskrivning",
                ] {
                    #expect(!text.contains(secret), "\(mail.kind) holds \(secret)")
                }
                #expect(!IdentityNumberScan.contains(text))
            }
        }
    }

    @Test("the reminder of an overdue invitation is mailed once to the invited contact, however often the check runs")
    func reminder() async throws {
        let kommun = try MailSide(.kommun, now: monday)
        let registered = try await kommun.base.registerPerson(kommun.staff, body: json(["personnummer": "19121212-1212"]))
        let ref = try #require(ClientRef(rawValue: registered.body["clientRef"] as? String ?? ""))
        _ = try await kommun.base.addConsent(
            kommun.staff, clientRef: ref,
            body: json(["purpose": "sip", "agencies": ["kommun", "af"], "validUntil": "2028-01-01", "givenOn": "2027-03-01"]))
        _ = try await kommun.sip.requestSip(
            kommun.staff, clientRef: ref,
            body: json([
                "reason": reason, "invited": ["af"], "answerBy": "2027-03-23",
                "contacts": ["af": ["name": "Anna Berg", "email": "anna.berg@af.example.se"]],
            ]))
        let mail = kommun.base.mail
        for _ in 0..<3 {
            _ = try await kommun.base.transaction { db in
                try SipReminders.escalate(
                    db, agency: .kommun, today: LocalDate("2027-03-25")!, now: utc("2027-03-25T08:00:00Z"), mail: mail)
            }
        }
        let reminders = try await kommun.mails().filter { $0.kind == "sip.reminder" }
        #expect(reminders.count == 1 && reminders.first?.recipient == "anna.berg@af.example.se")
        #expect(reminders.first?.message.subject.hasPrefix("Påminnelse: svara på kallelsen till SIP-möte") == true)
        #expect(reminders.first?.message.text.contains("tisdag 23 mars 2027") == true)
    }

    @Test("Swedish times: local time in Stockholm, across the change to summer time")
    func swedishTimes() {
        #expect(MailTexts.when(utc("2027-03-26T08:00:00Z"), utc("2027-03-26T09:30:00Z")) == "fredag 26 mars 2027 kl. 09.00–10.30")
        #expect(MailTexts.when(utc("2027-03-29T08:00:00Z"), utc("2027-03-29T09:00:00Z")) == "måndag 29 mars 2027 kl. 10.00–11.00")
        #expect(MailTexts.weekdayAndDay(LocalDate("2027-12-24")!) == "fredag 24 december 2027")
        #expect(MailTexts.reference(sipId: "3f9a01c2-1111-4222-8333-444455556666") == "SIP-3F9A01C2")
    }
}
