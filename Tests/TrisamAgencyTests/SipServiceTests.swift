import Foundation
import GRDB
import Testing
import TrisamBus
import TrisamContracts
import TrisamHTTP
import TrisamTestSupport

@testable import TrisamAgency

/// One agency's SIP service in process on a temporary store, with a fixed clock; outbox rows
/// are handed to the other side's `receive` the way the bus would deliver them.
private final class SipSide {
    let base: AgencyService
    let sip: SipService
    let staff: Staff
    let directory: URL

    /// The temporary store goes with the side (SQLite keeps working on an unlinked file).
    deinit { try? FileManager.default.removeItem(at: directory) }

    init(_ agency: Agency, now: Date) throws {
        directory = try temporaryDirectory()
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: agency)
        base = AgencyService(
            agency: agency, store: store, pseudonymizer: .development, signal: OutboxSignal(),
            logger: testLogger("agency"), today: { DateRules.swedishToday(now) })
        sip = SipService(base: base, now: { now })
        staff = Staff(agency: agency, name: "Handläggare \(agency.rawValue)", role: "handlaggare")
    }

    func outbox() async throws -> [(topic: String, envelope: EventEnvelope)] {
        let pending = try await base.store.pool.read { db in try Outbox.pending(db, limit: 10_000) }
        return try pending.map { row in
            let encoded = EncodedEvent(
                key: row.message.key ?? [], headers: row.message.headers.map { EventHeader(name: $0.name, value: $0.value ?? []) },
                value: row.message.value)
            return (row.message.topic, try EventEnvelope(decoding: encoded))
        }
    }

    /// Delivers everything `other` wrote for this agency's inbox or the consent topic.
    func deliver(from other: SipSide) async throws {
        for message in try await other.outbox()
        where message.topic == Topic.inbox(base.agency) || message.topic == Topic.consent {
            _ = try await base.receive(message.envelope, topic: message.topic)
        }
    }

    func register() async throws -> ClientRef {
        let result = try await base.registerPerson(staff, body: Data(#"{"personnummer":"19121212-1212"}"#.utf8))
        return ClientRef(rawValue: result.body["clientRef"] as! String)!
    }

    func consent(_ ref: ClientRef, _ agencies: [String]) async throws {
        let body = try JSONSerialization.data(withJSONObject: [
            "purpose": "sip", "agencies": agencies, "validUntil": "2028-01-01", "givenOn": "2027-03-01",
        ])
        _ = try await base.addConsent(staff, clientRef: ref, body: body)
    }

    func counts() async throws -> [String: Int] {
        try await base.store.pool.read { db in
            var counts: [String: Int] = [:]
            for table in AgencyStore.tables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            return counts
        }
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

@Suite("SIP and plans on the agency store")
struct SipServiceTests {
    @Test("scheduling: refusals write nothing, past measured with the injected clock, earliest common slot after Easter")
    func scheduling() async throws {
        let kommun = try SipSide(.kommun, now: monday)
        let af = try SipSide(.af, now: monday)
        let fk = try SipSide(.fk, now: monday)
        let ref = try await kommun.register()
        let request = json(["reason": "Samordning behövs", "invited": ["af", "fk"]])

        // Only kommun and region call a SIP.
        #expect(await refusal { try await af.sip.requestSip(af.staff, clientRef: ref, body: request) }?.status == 403)
        let before = try await kommun.counts()
        let missing = await refusal { try await kommun.sip.requestSip(kommun.staff, clientRef: ref, body: request) }
        #expect(missing?.code == .consentMissing && missing?.message.contains("af, fk") == true)
        #expect(try await kommun.counts() == before)

        try await kommun.consent(ref, ["kommun", "af", "fk"])
        let requested = try await kommun.sip.requestSip(kommun.staff, clientRef: ref, body: request)
        let sipId = try #require(requested.body["sipId"] as? String)
        #expect(requested.body["answerBy"] as? String == "2027-03-29")
        try await af.deliver(from: kommun)
        try await fk.deliver(from: kommun)

        // Still waiting for answers before the answer date.
        #expect(
            await refusal { try await kommun.sip.schedule(kommun.staff, sipId: sipId, reschedule: false, body: json([:])) }?.status == 409)
        // Availability already over is refused naming the slot.
        let stale = await refusal {
            try await af.sip.answer(
                af.staff, sipId: sipId, invitee: "af",
                body: json([
                    "answer": "accepted", "participant": ["name": "Anna"],
                    "availability": [["start": "2027-03-19T08:00:00Z", "end": "2027-03-19T09:00:00Z"]],
                ]))
        }
        #expect(stale?.field == "availability[0].end")
        _ = try await af.sip.answer(
            af.staff, sipId: sipId, invitee: "af",
            body: json([
                "answer": "accepted", "participant": ["name": "Anna Berg"],
                "availability": [
                    ["start": "2027-03-26T08:00:00Z", "end": "2027-03-26T15:00:00Z"], // Good Friday
                    ["start": "2027-03-30T06:00:00Z", "end": "2027-03-30T12:00:00Z"],
                ],
            ]))
        // Answering another agency's invitation, or the caller answering, is refused and writes nothing.
        let afBefore = try await af.counts()
        let forOther = await refusal {
            try await af.sip.answer(af.staff, sipId: sipId, invitee: "fk", body: json(["answer": "declined", "reason": "x"]))
        }
        #expect(forOther?.code == .wrongParty && forOther?.field == "invitee")
        #expect(try await af.counts() == afBefore)
        let kommunBefore = try await kommun.counts()
        #expect(
            await refusal {
                try await kommun.sip.answer(
                    kommun.staff, sipId: sipId, invitee: "kommun", body: json(["answer": "declined", "reason": "x"]))
            }?.code == .wrongParty)
        #expect(try await kommun.counts() == kommunBefore)
        #expect(try await fk.sip.view(fk.staff, sipId: sipId).body["ownAnswer"] as? String == "pending")
        _ = try await fk.sip.answer(
            fk.staff, sipId: sipId, invitee: "fk", body: json(["answer": "declined", "reason": "Inget ärende hos FK"]))
        // The invitee that declined sees its own answer, not a SIP still waiting for it.
        let declinedView = try await fk.sip.view(fk.staff, sipId: sipId)
        #expect(declinedView.body["state"] as? String == "declined" && declinedView.body["ownAnswer"] as? String == "declined")
        #expect(try await af.sip.view(af.staff, sipId: sipId).body["ownAnswer"] as? String == "accepted")
        #expect(try await af.sip.view(af.staff, sipId: sipId).body["state"] as? String == "requested")
        #expect(
            await refusal {
                try await fk.sip.answer(fk.staff, sipId: sipId, invitee: "fk", body: json(["answer": "declined", "reason": "igen"]))
            }?.status == 409)
        try await kommun.deliver(from: af)
        try await kommun.deliver(from: fk)

        let beforePast = try await kommun.counts()
        let past = await refusal {
            try await kommun.sip.schedule(
                kommun.staff, sipId: sipId, reschedule: false,
                body: json(["start": "2027-03-22T07:00:00Z", "end": "2027-03-22T07:30:00Z"]))
        }
        #expect(past?.status == 400 && past?.field == "start" && past?.message.contains("past") == true)
        let holiday = await refusal {
            try await kommun.sip.schedule(
                kommun.staff, sipId: sipId, reschedule: false,
                body: json(["start": "2027-03-29T08:00:00Z", "end": "2027-03-29T09:00:00Z"]))
        }
        #expect(holiday?.field == "start" && holiday?.message.contains("annandag påsk") == true, "\(String(describing: holiday))")
        #expect(try await kommun.counts() == beforePast)

        let scheduled = try await kommun.sip.schedule(kommun.staff, sipId: sipId, reschedule: false, body: json(["durationMinutes": 90]))
        let meeting = try #require(scheduled.body["meeting"] as? [String: Any])
        #expect(meeting["start"] as? String == "2027-03-30T06:00:00.000Z" && meeting["end"] as? String == "2027-03-30T07:30:00.000Z")
        #expect(scheduled.body["participants"] as? [String] == ["kommun", "af"])

        let view = try await kommun.sip.view(kommun.staff, sipId: sipId)
        #expect(view.body["ownAnswer"] == nil, "the caller has no answer of its own")
        let invitations = try #require(view.body["invitations"] as? [[String: Any]])
        #expect(invitations.map { $0["answer"] as? String } == ["accepted", "declined"])
        #expect(view.body["overdueInvitees"] as? [String] == [])

        // The invitee's store follows; fk, who declined, is not a participant and gets no calendar.
        try await af.deliver(from: kommun)
        let calendar = try await af.sip.calendarFile(af.staff, sipId: sipId)
        #expect(calendar.contains("UID:\(sipId)@sip.trisam") && calendar.contains("SEQUENCE:0"))
        try await fk.deliver(from: kommun)
        #expect(await refusal { try await fk.sip.calendarFile(fk.staff, sipId: sipId) }?.status == 404)
    }

    @Test("an unanswered invitation past its date shows as overdue to the caller, and scheduling goes on without it")
    func overdueInvitation() async throws {
        let kommun = try SipSide(.kommun, now: monday)
        let ref = try await kommun.register()
        try await kommun.consent(ref, ["kommun", "af", "region"])
        let sipId = try #require(
            try await kommun.sip.requestSip(
                kommun.staff, clientRef: ref,
                body: json(["reason": "Utskriven från slutenvården", "invited": ["af", "region"], "afterDischarge": true])
            ).body["sipId"] as? String)
        let later = SipService(
            base: AgencyService(
                agency: .kommun, store: kommun.base.store, pseudonymizer: .development, signal: OutboxSignal(),
                logger: testLogger("agency"), today: { LocalDate("2027-03-25")! }),
            now: { utc("2027-03-25T08:00:00Z") })
        let view = try await later.view(kommun.staff, sipId: sipId)
        #expect(view.body["overdueInvitees"] as? [String] == ["af", "region"])

        // Not yet overdue on the request day: no reminder.
        #expect(try await kommun.sip.remindOverdueInvitations() == 0)
        // Past the answer date: one Swedish reminder per unanswered invitation in the caller's
        // inbox, written once however often the check runs.
        #expect(try await later.remindOverdueInvitations() == 2)
        #expect(try await later.remindOverdueInvitations() == 0)
        let inbox = try await kommun.base.inbox(kommun.staff, limit: nil, before: nil)
        let reminders = (inbox.body["items"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == SipReminders.itemType }
        #expect(reminders.count == 2)
        let lines = reminders.compactMap { $0["summary"] as? String }.sorted()
        #expect(
            lines.count == 2
                && lines[0].hasPrefix("Påminnelse: Arbetsförmedlingen har inte svarat på kallelsen till SIP-mötet (svar senast 2027-03-23)"),
            "\(lines)")
        #expect(lines.last?.hasPrefix("Påminnelse: Regionen har inte svarat") == true, "\(lines)")
        #expect(
            reminders.allSatisfy {
                ($0["payload"] as? [String: Any])?["sipId"] as? String == sipId && $0["clientRef"] as? String == ref.rawValue
            })
        #expect(
            await refusal { try await later.schedule(kommun.staff, sipId: sipId, reschedule: false, body: json([:])) }?.message.contains(
                "no invited agency has accepted") == true)
    }

    @Test("a forged answer from an agency that was not invited is dead-lettered")
    func forgedAnswer() async throws {
        let kommun = try SipSide(.kommun, now: monday)
        let ref = try await kommun.register()
        try await kommun.consent(ref, ["kommun", "af"])
        let sipId = try #require(
            try await kommun.sip.requestSip(
                kommun.staff, clientRef: ref,
                body: json(["reason": "Samordning", "invited": ["af"]])
            ).body["sipId"] as? String)
        let forged = EventEnvelope(
            source: .agency(.fk), subject: ref,
            event: .sipInvitationAnswered(
                SipInvitationAnswered(
                    sipId: sipId, caller: .kommun, invitee: .fk, answer: .declined, reason: "x")))
        guard case .deadLetter(let reason) = try await kommun.base.receive(forged, topic: Topic.inbox(.kommun)) else {
            Issue.record("not dead-lettered")
            return
        }
        #expect(reason.contains("not invited"))
    }

    @Test("plans: the lead is required and records it; owners finish their own actions; revisions are kept; closing records the outcome")
    func plans() async throws {
        let kommun = try SipSide(.kommun, now: monday)
        let af = try SipSide(.af, now: monday)
        let ref = try await kommun.register()
        try await kommun.consent(ref, ["kommun", "af"])
        var body: [String: Any] = [
            "participants": ["kommun", "af"], "goals": ["Arbete"], "personGoal": "Jobba med djur", "followUpOn": "2027-06-01",
            "actions": [["owner": "af", "ownerContact": ["name": "Anna Berg"], "description": "Kartläggning", "dueDate": "2027-04-20"]],
        ]
        let before = try await kommun.counts()
        let noLead = await refusal { try await kommun.sip.createPlan(kommun.staff, clientRef: ref, body: json(body)) }
        #expect(noLead?.status == 400 && noLead?.field == "leadAgency" && noLead?.code == .missingField)
        body["leadAgency"] = "af"
        #expect(await refusal { try await kommun.sip.createPlan(kommun.staff, clientRef: ref, body: json(body)) }?.code == .wrongParty)
        body["leadAgency"] = "kommun"
        body["actions"] = [["owner": "fk", "ownerContact": ["name": "Fia"], "description": "x", "dueDate": "2027-04-20"]]
        #expect(
            await refusal { try await kommun.sip.createPlan(kommun.staff, clientRef: ref, body: json(body)) }?.field == "actions[0].owner")
        #expect(try await kommun.counts() == before)

        body["actions"] = [
            ["owner": "af", "ownerContact": ["name": "Anna Berg"], "description": "Kartläggning", "dueDate": "2027-04-20"],
            ["owner": "af", "ownerContact": ["name": "Anna Berg"], "description": "Praktikplats", "dueDate": "2027-05-20"],
        ]
        let created = try await kommun.sip.createPlan(kommun.staff, clientRef: ref, body: json(body))
        let planId = try #require(created.body["planId"] as? String)
        try await af.deliver(from: kommun)
        let open = try await af.sip.myActions(af.staff, state: "open")
        #expect((open.body["items"] as? [[String: Any]])?.count == 2 && open.body["next"] is NSNull)
        // Paged by due date: one per page, the cursor leads to the later one.
        let firstPage = try await af.sip.myActions(af.staff, state: nil, limit: "1")
        #expect((firstPage.body["items"] as? [[String: Any]])?.map { $0["description"] as? String } == ["Kartläggning"])
        let after = try #require(firstPage.body["next"] as? String)
        let secondPage = try await af.sip.myActions(af.staff, state: nil, limit: "1", after: after)
        #expect((secondPage.body["items"] as? [[String: Any]])?.map { $0["description"] as? String } == ["Praktikplats"])
        #expect(secondPage.body["next"] is NSNull)
        #expect(await refusal { try await af.sip.myActions(af.staff, state: nil, after: "not-a-cursor") }?.field == "after")

        #expect(
            await refusal { try await kommun.sip.finishAction(kommun.staff, planId: planId, actionId: "a1", outcome: .done, body: Data()) }?
                .code == .wrongParty)
        #expect(
            await refusal {
                try await af.sip.finishAction(af.staff, planId: planId, actionId: "a2", outcome: .notPossible, body: json([:]))
            }?.field == "reason")
        _ = try await af.sip.finishAction(af.staff, planId: planId, actionId: "a1", outcome: .done, body: Data())
        _ = try await af.sip.finishAction(
            af.staff, planId: planId, actionId: "a2", outcome: .notPossible, body: json(["reason": "Ingen plats finns"]))
        let sent = try await af.outbox().filter { $0.topic == Topic.inbox(.kommun) }.compactMap { message -> PlanActionCompleted? in
            if case .planActionCompleted(let p) = message.envelope.event { return p } else { return nil }
        }
        #expect(sent.map(\.finalOutcome) == [.done, .notPossible] && sent.last?.reason == "Ingen plats finns")
        try await kommun.deliver(from: af)

        _ = try await kommun.sip.revisePlan(
            kommun.staff, planId: planId, body: json(["goals": ["Arbete", "Körkort"], "followUpOn": "2027-09-01"]))
        let view = try await kommun.sip.planView(kommun.staff, planId: planId)
        #expect(view.body["revision"] as? Int == 2)
        let revisions = try #require(view.body["revisions"] as? [[String: Any]])
        #expect(revisions.map { $0["goals"] as? [String] } == [["Arbete"], ["Arbete", "Körkort"]])
        #expect(revisions.first?["personGoal"] as? String == "Jobba med djur" && revisions.last?["personGoal"] == nil)
        let states = (view.body["actions"] as? [[String: Any]] ?? []).map { $0["state"] as? String }
        #expect(states == ["done", "not-possible"])

        #expect(
            await refusal { try await kommun.sip.closePlan(kommun.staff, planId: planId, body: json(["outcome": "lottery"])) }?.field
                == "outcome")
        let closed = try await kommun.sip.closePlan(kommun.staff, planId: planId, body: json(["outcome": "studies"]))
        #expect(closed.body["outcome"] as? String == "studies")
        #expect(
            await refusal {
                try await kommun.sip.revisePlan(kommun.staff, planId: planId, body: json(["goals": ["x"], "followUpOn": "2027-09-01"]))
            }?.status == 409)
    }

    @Test("request bodies: only kommun or region call; answer dates default by discharge; a chosen time needs both ends")
    func requests() throws {
        let rules = DateRules(today: LocalDate("2027-03-22")!)
        let request = RequestSipRequest(reason: "r", invited: [.af], afterDischarge: true, answerBy: nil)
        #expect(throws: APIError.self) { try request.validated(by: .fk, sipId: "s", rules: rules) }
        #expect(try request.validated(by: .region, sipId: "s", rules: rules).1 == LocalDate("2027-03-23"))
        let late = RequestSipRequest(reason: "r", invited: [.af], afterDischarge: nil, answerBy: LocalDate("2027-03-01"))
        #expect(throws: APIError.invalid("answerBy", "must not be in the past (today is 2027-03-22), got 2027-03-01")) {
            try late.validated(by: .kommun, sipId: "s", rules: rules)
        }
        let half = ScheduleSipRequest(durationMinutes: nil, notBefore: nil, start: monday, end: nil, location: nil)
        #expect(throws: APIError.missing("end")) { try half.override() }
        let tooLong = ScheduleSipRequest(durationMinutes: 600, notBefore: nil, start: nil, end: nil, location: nil)
        #expect(throws: APIError.self) { try tooLong.duration() }
    }

    @Test("the store's table list covers every table, so row counts prove a refusal wrote nothing")
    func tablesCoverTheSchema() async throws {
        let kommun = try SipSide(.kommun, now: monday)
        let created = try await kommun.base.store.pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'")
        }
        #expect(Set(created) == Set(AgencyStore.tables))
        #expect(try await Set(kommun.base.store.rowCounts().keys) == Set(created))
    }
}
