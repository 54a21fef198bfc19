import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

/// What the person page needs of plans and SIPs is kept in the state (format 6) and survives
/// the binary form; a state stored in format 5 is still read.
@Suite("Person page facts in the state") struct PersonPageFactsTests {
    static func scenario() -> Scenario {
        var s = Scenario()
        s.add(
            "s1", .kommun, "2026-11-02",
            .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: false)))
        s.add(
            "s2", .kommun, "2026-11-03",
            .sipScheduled(
                SipScheduled(
                    sipId: "sip1", caller: .kommun, participants: [.kommun, .region],
                    meeting: TimeSlot(start: at("2026-11-20", hour: 9), end: at("2026-11-20", hour: 10)), sequence: 0,
                    location: "Kommunhuset, rum 3", attendees: [Attendee(agency: .region, name: "Dr. Sara Wik")])))
        s.add(
            "s3", .kommun, "2026-11-20",
            .sipHeld(
                SipHeld(
                    sipId: "sip1", caller: .kommun, participants: [.kommun, .region],
                    attendees: [Attendee(agency: .kommun, name: "Karin Lind")], heldOn: day("2026-11-20"))))
        s.add(
            "p1", .kommun, "2026-11-20",
            .planCreated(
                PlanCreated(
                    planId: "p1", leadAgency: .kommun, participants: [.kommun, .region],
                    goals: ["Egen försörjning", String(repeating: "x", count: 300)],
                    subGoals: ["Arbetsträning"], personGoal: "Jag vill jobba med djur")))
        s.add(
            "x1", .kommun, "2026-11-20",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .region,
                    ownerContact: Contact(name: "Dr. Sara Wik", phone: "060-12 34 56"), description: "Bedöma", dueDate: day("2026-12-15"))))
        return s
    }

    @Test(
        "goals, the person's own goal, an action contact's phone, a meeting's place and participants are kept and survive the binary form")
    func keptAndStored() throws {
        var state = PersonState(clientRef: person)
        for event in Self.scenario().events { state.apply(event) }
        let plan = try #require(state.plans.first)
        #expect(plan.goals?.first == "Egen försörjning")
        #expect(plan.goals?.last?.count == 200 && plan.goals?.last?.hasSuffix("…") == true)
        #expect(plan.subGoals == ["Arbetsträning"] && plan.personGoal == "Jag vill jobba med djur")
        #expect(plan.actions.first?.ownerPhone == "060-12 34 56")
        let sip = try #require(state.sips.first)
        #expect(sip.location == "Kommunhuset, rum 3")
        #expect(sip.attendees == [Attendee(agency: .region, name: "Dr. Sara Wik")])
        #expect(sip.heldAttendees == [Attendee(agency: .kommun, name: "Karin Lind")])
        #expect(try PersonState(binary: state.binaryEncoded()) == state)
        #expect(state.binaryEncoded().first == 6)
    }

    @Test("a state stored in format 5 is read with those facts empty")
    func formatFiveIsRead() throws {
        var state = PersonState(clientRef: person)
        for event in Self.scenario().events { state.apply(event) }
        let legacy = try PersonState(binary: state.binaryEncoded(formatVersion: 5))
        #expect(legacy.plans.first?.goals == nil && legacy.plans.first?.personGoal == nil)
        #expect(legacy.plans.first?.actions.first?.ownerPhone == nil)
        #expect(legacy.sips.first?.location == nil && legacy.sips.first?.attendees == nil && legacy.sips.first?.heldAttendees == nil)
        #expect(legacy.sips.first?.held == state.sips.first?.held && legacy.plans.first?.id == "p1")
    }

    @Test("the fold keeps them whatever order the copies are read in")
    func orderIndependent() {
        let events = Self.scenario().events
        var forward = PersonState(clientRef: person)
        for event in events { forward.apply(event) }
        var backward = PersonState(clientRef: person)
        for event in events.reversed() { backward.apply(event) }
        #expect(forward.sips.first?.attendees == backward.sips.first?.attendees)
        #expect(forward.sips.first?.heldAttendees == backward.sips.first?.heldAttendees)
        #expect(forward.plans.first?.goals == backward.plans.first?.goals)
    }
}
