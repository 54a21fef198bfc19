import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

/// The fold of the SIP/plan flow's additions: not-possible actions, revisions, closing.
@Suite("Plan flow fold") struct PlanFlowFoldTests {
    func plan() -> Scenario {
        var s = Scenario()
        s.openCase("k1", .kommun, .forsorjning, "2026-01-01")
        s.openCase("a1", .af, .arbeteAktivitet, "2026-01-01", "Bo Berg")
        s.add(
            "p1", .kommun, "2026-02-01",
            .planCreated(
                PlanCreated(
                    planId: "p1", leadAgency: .kommun, participants: [.kommun, .af, .fk],
                    goals: ["Egen försörjning"], personGoal: "Jobba med djur", revision: 1)))
        s.add(
            "act1", .kommun, "2026-02-01",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .af,
                    ownerContact: contact("Bo Berg"), description: "Kartlägga", dueDate: day("2026-03-10"))))
        s.add(
            "act2", .kommun, "2026-02-01",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x2", leadAgency: .kommun, owner: .fk,
                    description: "Avstämningsmöte", dueDate: day("2026-03-05"))))
        return s
    }

    @Test("not possible action is never overdue") func notPossibleActionIsNeverOverdue() throws {
        var s = plan()
        #expect(s.finding(RuleId.planActionOverdue, "2026-03-06")?.evidence == ["act2"])
        s.add(
            "np", .fk, "2026-03-06",
            .planActionCompleted(
                PlanActionCompleted(
                    planId: "p1", actionId: "x2", leadAgency: .kommun, owner: .fk,
                    completedOn: day("2026-03-06"), outcome: .notPossible,
                    reason: "Ingen sjukpenning längre")))
        #expect(!s.fires(RuleId.planActionOverdue, "2026-03-10"))
        let action = try #require(s.state.plans.first?.actions.first { $0.id == "x2" })
        #expect(action.notPossibleReason == "Ingen sjukpenning längre" && action.completed?.on == day("2026-03-06"))
        // The other action still becomes overdue.
        #expect(s.finding(RuleId.planActionOverdue, "2026-03-11")?.evidence == ["act1"])
    }

    @Test("revision keeps history and actions") func revisionKeepsHistoryAndActions() throws {
        var s = plan()
        s.add(
            "p1r2", .kommun, "2026-04-01",
            .planCreated(
                PlanCreated(
                    planId: "p1", leadAgency: .kommun, participants: [.kommun, .af, .fk],
                    goals: ["Egen försörjning"], revision: 2)))
        s.add(
            "p1r3", .kommun, "2026-06-01",
            .planCreated(
                PlanCreated(
                    planId: "p1", leadAgency: .kommun, participants: [.kommun, .af, .fk],
                    goals: ["Studier"], revision: 3)))
        // A late, redelivered older revision changes nothing.
        s.add(
            "p1r2again", .kommun, "2026-06-02",
            .planCreated(
                PlanCreated(
                    planId: "p1", leadAgency: .kommun, participants: [.kommun, .af, .fk],
                    goals: ["Egen försörjning"], revision: 2)))
        let plan = try #require(s.state.plans.first)
        #expect(plan.revision == 3)
        #expect(plan.revisedOn == [day("2026-04-01"), day("2026-06-01")])
        #expect(plan.created.on == day("2026-02-01"))
        #expect(plan.actions.count == 2)
    }

    @Test("closed plan leaves the open list") func closedPlanLeavesTheOpenList() {
        var s = plan()
        s.add(
            "c", .kommun, "2026-04-01",
            .planClosed(
                PlanClosed(
                    planId: "p1", leadAgency: .kommun, participants: [.kommun, .af, .fk],
                    reason: .goalsReached, closedOn: day("2026-04-01"), outcome: .work)))
        #expect(s.state.plans.isEmpty)
        #expect(!s.fires(RuleId.planActionOverdue, "2026-04-02"))
    }

    @Test("binary version 2 states still read") func binaryVersion2StatesStillRead() throws {
        // A version 2 state: the same layout without the plan revision fields.
        var s = plan()
        s.add(
            "np", .fk, "2026-03-06",
            .planActionCompleted(
                PlanActionCompleted(
                    planId: "p1", actionId: "x2", leadAgency: .kommun, owner: .fk,
                    completedOn: day("2026-03-06"))))
        let state = s.state
        #expect(state.plans.first?.revision == nil && state.plans.first?.actions.allSatisfy { $0.notPossibleReason == nil } == true)
        let legacy = try PersonState(binary: Self.version2Encoding(of: state))
        // Format 2 has no goals (format 6 added them): all else reads back.
        var expected = state
        for index in expected.plans.indices {
            expected.plans[index].goals = nil
            expected.plans[index].subGoals = nil
            expected.plans[index].personGoal = nil
        }
        #expect(legacy == expected)
    }

    /// The version-2 encoding of a state: its version-3 bytes with the plans section written
    /// the old way (no not-possible reason per action, no revision fields per plan).
    static func version2Encoding(of state: PersonState) -> [UInt8] {
        var copy = state
        copy.plans = []
        let withoutPlans = copy.binaryEncoded(formatVersion: 3)
        let full = state.binaryEncoded(formatVersion: 3)
        // The plans section starts where the two encodings first differ.
        var start = 0
        while start < withoutPlans.count, withoutPlans[start] == full[start] { start += 1 }
        let tailCount = withoutPlans.count - start - 1 // after the empty array's count byte
        var w = BinaryWriter()
        w.array(state.plans) { w, plan in
            w.string(plan.id)
            w.optionalString(plan.sipId)
            w.code(plan.leadAgency)
            w.codes(plan.participants)
            w.mark(plan.created)
            w.optionalDate(plan.followUpOn)
            w.array(plan.actions) { w, v in
                w.string(v.id)
                w.code(v.owner)
                w.optionalString(v.ownerContact)
                w.string(v.description)
                w.date(v.dueDate)
                w.mark(v.assigned)
                w.optionalMark(v.completed)
            }
        }
        return [2] + Array(full[1..<start]) + w.bytes + Array(full[(full.count - tailCount)...])
    }
}
