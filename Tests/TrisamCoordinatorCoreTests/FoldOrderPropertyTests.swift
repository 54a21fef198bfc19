import Foundation
import Testing
import TrisamContracts
import TrisamFixtures
import TrisamRandom
import TrisamTestSupport

@testable import TrisamCoordinatorCore

/// The coordinator reads every status topic, every inbox and the consent topic; Kafka keeps the
/// order within each topic's partition and no other. Whatever interleaving of the topics the
/// coordinator happens to read, the same events must give the same state and the same flags.
@Suite("Fold order, property") struct FoldOrderPropertyTests {
    static let histories = 400
    static let shufflesPerHistory = 12

    /// Folds as the coordinator does: later copies of an event id are dropped, the rules are
    /// evaluated after every event at the coordinator's (fixed) time.
    static func fold(_ events: [EventEnvelope], ref: ClientRef, rules: GapRules, now: Date) -> PersonRecord {
        var seen = Set<String>()
        let unique = events.filter { seen.insert($0.id).inserted }
        var record = PersonRecord(state: PersonState(clientRef: ref), flags: PersonFlags())
        _ = record.fold(unique, rules: rules, now: now)
        return record
    }

    /// What must not depend on the order: the stored state, byte for byte, and the open flags
    /// with their findings.
    struct Outcome: Equatable {
        var state: [UInt8]
        var openFlags: [String]
        var findings: [RuleFinding]
    }

    static func outcome(_ record: PersonRecord, rules: GapRules, now: Date) -> Outcome {
        Outcome(
            state: record.state.binaryEncoded(), openFlags: record.flags.open.keys.sorted(),
            findings: rules.evaluate(record.state, now: now).findings)
    }

    /// The lines of two states' JSON that differ (for the failure message).
    static func difference(_ a: PersonState, _ b: PersonState) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let left = String(decoding: (try? encoder.encode(a)) ?? Data(), as: UTF8.self).split(separator: "\n")
        let right = String(decoding: (try? encoder.encode(b)) ?? Data(), as: UTF8.self).split(separator: "\n")
        let onlyLeft = left.filter { !right.contains($0) }.prefix(12).map { "- \($0)" }
        let onlyRight = right.filter { !left.contains($0) }.prefix(12).map { "+ \($0)" }
        var lines = onlyLeft + onlyRight
        // The bookkeeping the JSON leaves out.
        func internals(_ s: PersonState) -> [String] {
            [
                "ownership facts \(s.ownershipFacts.map { "\($0.kind) \($0.event) \($0.other.map(\.rawValue) ?? "-")" })",
                "base \(s.ownershipBase.cases.count) cases \(s.ownershipBase.areas.count) areas \(s.ownershipBase.handovers.count) handovers",
                "closed referrals \(s.closedReferrals)", "closed plans \(s.closedPlans)",
                "next steps \(s.nextSteps.map { "\($0.agency) \($0.time)" })",
            ]
        }
        for (left, right) in zip(internals(a), internals(b)) where left != right { lines += ["- \(left)", "+ \(right)"] }
        return lines.joined(separator: "\n")
    }

    @Test("any interleaving of the topics that keeps each topic's order gives the same state digest and the same open flags")
    func interleavingsAgree() {
        let seed = chaosSeed("interleavingsAgree")
        let mix = CoordinationMix(seed: seed)
        let rules = GapRules()
        var random = SeededRandom(seed: seed)
        var failures: [String] = []
        var differingRules: [String: Int] = [:]
        var eventCount = 0
        for index in 0..<Self.histories {
            let history = mix.history(of: index)
            eventCount += history.count
            let ref = history[0].subject
            // The coordinator's clock: ten days after the last event, when time-based rules have fired.
            let now = StockholmTime.startOfDay(StockholmTime.date(of: history.last!.time).adding(days: 10)).addingTimeInterval(10 * 3600)
            let expected = Self.fold(history, ref: ref, rules: rules, now: now)
            let expectedOutcome = Self.outcome(expected, rules: rules, now: now)
            for shuffle in 0..<Self.shufflesPerHistory {
                let order = TopicInterleaving.interleave(history, using: &random)
                let folded = Self.fold(order, ref: ref, rules: rules, now: now)
                let outcome = Self.outcome(folded, rules: rules, now: now)
                guard outcome != expectedOutcome else { continue }
                let rulesDiffering = Set(outcome.openFlags).symmetricDifference(expectedOutcome.openFlags)
                for rule in rulesDiffering { differingRules[rule, default: 0] += 1 }
                if failures.count < 5 {
                    failures.append(
                        "history \(index), shuffle \(shuffle): open flags \(expectedOutcome.openFlags) in history order, \(outcome.openFlags) in "
                            + "\(order.map(\.id).joined(separator: " "))\n\(Self.difference(expected.state, folded.state))")
                } else {
                    failures.append("history \(index), shuffle \(shuffle)")
                }
            }
        }
        print(
            "interleavingsAgree: \(Self.histories) histories (\(eventCount) events), \(Self.shufflesPerHistory) interleavings each, "
                + "\(failures.count) disagreed; flags that differed: \(differingRules.sorted { $0.key < $1.key })")
        #expect(
            failures.count == 0, "seed \(seed) (replay with TRISAM_CHAOS_SEED=\(seed)):\n\(failures.prefix(5).joined(separator: "\n\n"))")
    }
}

/// The cases the property test found, each read in both orders.
@Suite("Fold order") struct FoldOrderTests {
    /// The events in the order built, and the same events in reverse (every pair of them read the
    /// other way round).
    func bothOrders(_ build: (inout Scenario) -> Void) -> (forward: Scenario, reverse: Scenario) {
        var forward = Scenario()
        build(&forward)
        var reverse = forward
        reverse.events.reverse()
        return (forward, reverse)
    }

    @Test("a SIP answer read before its invitation (it travels on the caller's inbox) keeps the invitation answered")
    func sipAnswerBeforeInvitation() {
        let (forward, reverse) = bothOrders { s in
            s.add(
                "sip1", .kommun, "2026-03-01",
                .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: false))
            )
            s.add(
                "inv", .kommun, "2026-03-01",
                .sipInvitationSent(SipInvitationSent(sipId: "sip1", caller: .kommun, invitee: .region, answerBy: day("2026-03-08"))))
            s.add(
                "ans", .region, "2026-03-03",
                .sipInvitationAnswered(
                    SipInvitationAnswered(sipId: "sip1", caller: .kommun, invitee: .region, answer: .declined, reason: "Nej")))
        }
        for s in [forward, reverse] {
            #expect(s.state.sips.first?.invitations.first?.answer == .declined)
            #expect(s.state.sips.first?.invitations.first?.answerBy == day("2026-03-08"))
            #expect(!s.fires(RuleId.sipInvitationUnanswered, "2026-03-20"))
        }
        #expect(forward.state.binaryEncoded() == reverse.state.binaryEncoded())
    }

    @Test("a referral closed by the receiver stays closed when its sending is read afterwards")
    func referralClosedBeforeSent() {
        let (forward, reverse) = bothOrders { s in
            s.add(
                "r1", .kommun, "2026-03-01",
                .referralSent(
                    ReferralSent(
                        referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard)))
            s.add(
                "r2", .region, "2026-03-05",
                .referralClosed(ReferralClosed(referralId: "ref1", from: .kommun, to: .region, outcome: "Klar")))
        }
        for s in [forward, reverse] {
            #expect(s.state.referrals.isEmpty)
            #expect(!s.fires(RuleId.referralUnanswered, "2026-04-20"))
        }
    }

    @Test("a rejection read after the sender's next step (a SIP requested later) is settled")
    func rejectionAfterNextStep() {
        let (forward, reverse) = bothOrders { s in
            s.add(
                "r1", .kommun, "2026-03-01",
                .referralSent(
                    ReferralSent(
                        referralId: "ref1", from: .kommun, to: .af, reason: "Arbete", requestedMeasure: "Kartläggning",
                        area: .arbeteAktivitet)))
            s.add("r2", .af, "2026-03-05", .referralRejected(ReferralRejected(referralId: "ref1", from: .kommun, to: .af, reason: "Nej")))
            s.add(
                "sip1", .kommun, "2026-03-07",
                .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.af], afterDischarge: false)))
        }
        for s in [forward, reverse] {
            #expect(s.state.referrals.isEmpty)
            #expect(!s.fires(RuleId.referralRejectedNoNextStep, "2026-04-01"))
        }
        // A rejection after the step is not settled by it, in either order.
        let (later, laterReversed) = bothOrders { s in
            s.add(
                "sip1", .kommun, "2026-03-01",
                .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.af], afterDischarge: false)))
            s.add("r2", .af, "2026-03-05", .referralRejected(ReferralRejected(referralId: "ref1", from: .kommun, to: .af, reason: "Nej")))
        }
        #expect(later.fires(RuleId.referralRejectedNoNextStep, "2026-04-01"))
        #expect(laterReversed.fires(RuleId.referralRejectedNoNextStep, "2026-04-01"))
    }

    @Test("a reschedule read before the first scheduling leaves the rescheduled meeting")
    func rescheduleBeforeSchedule() {
        let first = TimeSlot(start: at("2026-03-15", hour: 9), end: at("2026-03-15", hour: 10))
        let second = TimeSlot(start: at("2026-03-20", hour: 9), end: at("2026-03-20", hour: 10))
        let (forward, reverse) = bothOrders { s in
            s.add(
                "s0", .kommun, "2026-03-02",
                .sipScheduled(SipScheduled(sipId: "sip1", caller: .kommun, participants: [.kommun, .region], meeting: first, sequence: 0)))
            s.add(
                "s1", .kommun, "2026-03-03",
                .sipScheduled(SipScheduled(sipId: "sip1", caller: .kommun, participants: [.kommun, .region], meeting: second, sequence: 1)))
        }
        #expect(forward.state.sips.first?.meeting == second)
        #expect(reverse.state.sips.first?.meeting == second)
    }

    @Test("an action assignment read after its plan was closed does not open the plan again")
    func assignmentAfterPlanClosed() {
        let (forward, reverse) = bothOrders { s in
            s.add(
                "x1", .kommun, "2026-03-01",
                .planActionAssigned(
                    PlanActionAssigned(
                        planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .af, description: "Kartlägga", dueDate: day("2026-03-10"))
                ))
            s.add(
                "c", .kommun, "2026-03-05",
                .planClosed(
                    PlanClosed(
                        planId: "p1", leadAgency: .kommun, participants: [.kommun, .region], reason: .goalsReached,
                        closedOn: day("2026-03-05"))))
        }
        for s in [forward, reverse] {
            #expect(s.state.plans.isEmpty)
            #expect(!s.fires(RuleId.planActionOverdue, "2026-04-01"))
        }
    }

    @Test("cases opened by two agencies on their own status topics give the owner of the later one, in either order")
    func ownershipFollowsEventTime() {
        let (forward, reverse) = bothOrders { s in
            s.openCase("a1", .af, .arbeteAktivitet, "2026-01-10")
            s.openCase("k1", .kommun, .arbeteAktivitet, "2026-02-01")
        }
        for s in [forward, reverse] {
            #expect(s.state.owner(of: .arbeteAktivitet) == .kommun)
            #expect(
                s.state.area(.arbeteAktivitet)?.periods == [
                    OwnershipPeriod(agency: .af, from: day("2026-01-10"), until: day("2026-02-01")),
                    OwnershipPeriod(agency: .kommun, from: day("2026-02-01")),
                ])
        }
        #expect(forward.state.binaryEncoded() == reverse.state.binaryEncoded())
    }
}
