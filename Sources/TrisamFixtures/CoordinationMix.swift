import Foundation
import TrisamContracts
import TrisamRandom

/// Deterministic histories in which the agencies work together around a person: an
/// ``EventMix`` history followed by handovers (requested, then accepted, refused or left
/// unanswered), referrals (received, accepted or rejected, closed or cancelled, a next step after
/// a rejection), SIP meetings (invitations, answers, a reschedule, held or cancelled),
/// handlingsplaner (actions, completions, a follow-up, a revision, closing), AF deregistrations
/// and, now and then, a withdrawn consent. Each episode emits the events the agency services emit
/// for it, with the publishing agency as source, so that the events travel on the topics they
/// travel on in production (`TrisamEvent.payload.topics(from:)`). Used by the tests that fold the
/// same history in many orders.
public struct CoordinationMix: Sendable {
    public let seed: UInt64
    public let start: LocalDate

    public init(seed: UInt64 = 42, start: LocalDate = LocalDate(year: 2026, month: 1, day: 5)!) {
        self.seed = seed
        self.start = start
    }

    /// Person `index`'s history in time order; every event has its own time (one minute or more
    /// apart) and a deterministic id.
    public func history(of index: Int) -> [EventEnvelope] {
        let base = EventMix(seed: seed, start: start)
        var events = base.history(of: index)
        var random = SeededRandom(seed: seed ^ 0xC00F_DA7E ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        let ref = base.clientRef(index)
        var time = events.last!.time
        var count = 0
        func day(_ date: Date) -> LocalDate { LocalDate(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down))) }
        /// Adds an event published by `agency` after `minutes` (at least one).
        func add(_ agency: Agency, _ event: TrisamEvent, after minutes: Int = 1) {
            time = time.addingTimeInterval(Double(max(1, minutes)) * 60)
            count += 1
            events.append(EventEnvelope(id: "c\(seed)-\(index)-\(count)", source: .agency(agency), time: time, subject: ref, event: event))
        }
        func days(_ n: Int) -> Int { n * 24 * 60 }
        var today: LocalDate { day(time) }
        func contact(_ agency: Agency) -> Contact { Contact(name: "\(agency.displayName) handläggare \(index % 7)", role: "handläggare") }

        // A handover of arbete/aktivitet from AF (or FK) to the kommun.
        if random.chance(0.5) {
            let from: Agency = random.chance(0.7) ? .af : .fk
            let to: Agency = .kommun
            add(from, .caseOpened(CaseOpened(area: .arbeteAktivitet, contact: contact(from), openedOn: today)), after: days(1))
            let handoverId = "h\(index)"
            add(
                from,
                .handoverRequested(HandoverRequested(handoverId: handoverId, area: .arbeteAktivitet, to: to, reason: "Behov av stöd")),
                after: days(random.int(1...10)))
            let answer = random.next() % 100
            if answer < 55 {
                add(
                    to,
                    .handoverAccepted(HandoverAccepted(handoverId: handoverId, area: .arbeteAktivitet, from: from, contact: contact(to))),
                    after: days(random.int(0...20)))
                add(to, .caseOpened(CaseOpened(area: .arbeteAktivitet, contact: contact(to), openedOn: today)))
                // The sender's inbox consumer closes its case once it reads the acceptance.
                add(
                    from, .caseClosed(CaseClosed(area: .arbeteAktivitet, reason: .handover, handoverTo: to, closedOn: today)),
                    after: random.int(1...90))
                if random.chance(0.3) {
                    add(
                        to,
                        .caseContactChanged(
                            CaseContactChanged(area: .arbeteAktivitet, contact: Contact(name: "Ny handläggare"), changedOn: today)),
                        after: days(random.int(1...30)))
                }
            } else if answer < 80 {
                add(
                    to,
                    .handoverRefused(HandoverRefused(handoverId: handoverId, area: .arbeteAktivitet, from: from, reason: "Inte aktuellt")),
                    after: days(random.int(0...20)))
            }
        }

        // A referral from the kommun, answered or not.
        if random.chance(0.6) {
            let to: Agency = random.pick([.region, .af, .fk])
            let referralId = "q\(index)"
            add(
                .kommun,
                .referralSent(
                    ReferralSent(
                        referralId: referralId, from: .kommun, to: to, reason: "Behöver bedömning", requestedMeasure: "Bedömning",
                        area: to == .region ? .halsaVard : .arbeteAktivitet, answerBy: random.chance(0.5) ? today.adding(days: 10) : nil)),
                after: days(random.int(1...5)))
            if random.chance(0.7) {
                add(to, .referralReceived(ReferralReceived(referralId: referralId, from: .kommun, to: to)), after: random.int(1...600))
            }
            switch random.next() % 100 {
            case 0..<45:
                add(
                    to, .referralAccepted(ReferralAccepted(referralId: referralId, from: .kommun, to: to, contact: contact(to))),
                    after: days(random.int(0...20)))
                if random.chance(0.3) {
                    add(to, .referralUpdated(ReferralUpdated(referralId: referralId, from: .kommun, to: to, note: "Pågår")), after: days(5))
                }
                if random.chance(0.4) {
                    add(
                        to, .referralClosed(ReferralClosed(referralId: referralId, from: .kommun, to: to, outcome: "Klar")), after: days(10)
                    )
                }
            case 45..<75:
                add(
                    to, .referralRejected(ReferralRejected(referralId: referralId, from: .kommun, to: to, reason: "Inte vår målgrupp")),
                    after: days(random.int(0...20)))
                if random.chance(0.5) {
                    // The next step: a new referral elsewhere.
                    let other: Agency = to == .region ? .af : .region
                    add(
                        .kommun,
                        .referralSent(
                            ReferralSent(
                                referralId: "q\(index)b", from: .kommun, to: other, reason: "Ny bedömning", requestedMeasure: "Bedömning",
                                area: other == .region ? .halsaVard : .arbeteAktivitet)),
                        after: days(random.int(1...10)))
                }
            case 75..<85:
                add(
                    .kommun,
                    .referralCancelled(ReferralCancelled(referralId: referralId, from: .kommun, to: to, reason: "Inte längre aktuell")),
                    after: days(random.int(1...10)))
            default:
                break
            }
        }

        func addPlan(sipId: String?, lead: Agency, participants: [Agency]) {
            let planId = "plan\(index)"
            add(
                lead,
                .planCreated(
                    PlanCreated(planId: planId, sipId: sipId, leadAgency: lead, participants: participants, goals: ["Egen försörjning"])))
            var actions: [(id: String, owner: Agency)] = []
            for (number, owner) in participants.enumerated() where random.chance(0.7) {
                let actionId = "a\(index)-\(number)"
                add(
                    lead,
                    .planActionAssigned(
                        PlanActionAssigned(
                            planId: planId, actionId: actionId, leadAgency: lead, owner: owner, ownerContact: contact(owner),
                            description: "Åtgärd \(number)", dueDate: today.adding(days: random.int(5...40)))))
                actions.append((actionId, owner))
            }
            add(
                lead,
                .planFollowUpSet(
                    PlanFollowUpSet(planId: planId, leadAgency: lead, participants: participants, followUpOn: today.adding(days: 45))))
            for action in actions where random.chance(0.5) {
                add(
                    action.owner,
                    .planActionCompleted(
                        PlanActionCompleted(planId: planId, actionId: action.id, leadAgency: lead, owner: action.owner, completedOn: today)),
                    after: days(random.int(1...20)))
            }
            if random.chance(0.3) {
                add(
                    lead,
                    .planCreated(
                        PlanCreated(
                            planId: planId, sipId: sipId, leadAgency: lead, participants: participants, goals: ["Arbete"], revision: 2)),
                    after: days(random.int(20...50)))
                let owner = random.pick(participants)
                add(
                    lead,
                    .planActionAssigned(
                        PlanActionAssigned(
                            planId: planId, actionId: "a\(index)-r2", leadAgency: lead, owner: owner, description: "Ny åtgärd",
                            dueDate: today.adding(days: 20))))
            }
            if random.chance(0.25) {
                add(
                    lead,
                    .planClosed(
                        PlanClosed(planId: planId, leadAgency: lead, participants: participants, reason: .goalsReached, closedOn: today)),
                    after: days(random.int(10...40)))
            }
        }

        // A SIP meeting with its invitations, answers and meeting, and perhaps a plan from it.
        if random.chance(0.5) {
            let caller: Agency = random.chance(0.6) ? .kommun : .region
            let others = Agency.allCases.filter { $0 != caller }
            var invited = [random.pick(others)]
            if random.chance(0.5), let second = others.first(where: { !invited.contains($0) && random.chance(0.5) }) {
                invited.append(second)
            }
            let sipId = "sip\(index)"
            add(
                caller,
                .sipRequested(
                    SipRequested(sipId: sipId, caller: caller, reason: "Samordning", invited: invited, afterDischarge: random.chance(0.2))),
                after: days(random.int(1...5)))
            let answerBy = today.adding(days: 7)
            for invitee in invited {
                add(caller, .sipInvitationSent(SipInvitationSent(sipId: sipId, caller: caller, invitee: invitee, answerBy: answerBy)))
            }
            var answered: [Agency] = []
            for invitee in invited where random.chance(0.75) {
                let start = midday(today.adding(days: 14))
                let accepts = random.chance(0.8)
                add(
                    invitee,
                    .sipInvitationAnswered(
                        SipInvitationAnswered(
                            sipId: sipId, caller: caller, invitee: invitee, answer: accepts ? .accepted : .declined,
                            participant: accepts ? contact(invitee) : nil,
                            availability: accepts ? [TimeSlot(start: start, end: start.addingTimeInterval(3600))] : nil,
                            reason: accepts ? nil : "Ingen möjlighet")),
                    after: random.int(1...days(6)))
                answered.append(invitee)
            }
            let participants = [caller] + invited
            if !answered.isEmpty, random.chance(0.8) {
                let start = midday(today.adding(days: 7))
                add(
                    caller,
                    .sipScheduled(
                        SipScheduled(
                            sipId: sipId, caller: caller, participants: participants,
                            meeting: TimeSlot(start: start, end: start.addingTimeInterval(3600)), sequence: 0)),
                    after: days(1))
                if random.chance(0.3) {
                    let later = midday(today.adding(days: 10))
                    add(
                        caller,
                        .sipScheduled(
                            SipScheduled(
                                sipId: sipId, caller: caller, participants: participants,
                                meeting: TimeSlot(start: later, end: later.addingTimeInterval(3600)), sequence: 1)),
                        after: days(random.int(0...2)))
                }
                if random.chance(0.7) {
                    add(
                        caller,
                        .sipHeld(
                            SipHeld(
                                sipId: sipId, caller: caller, participants: participants,
                                attendees: [Attendee(agency: caller, name: contact(caller).name)], heldOn: today.adding(days: 8))),
                        after: days(8))
                    if random.chance(0.7) { addPlan(sipId: sipId, lead: caller, participants: participants) }
                } else if random.chance(0.5) {
                    add(
                        caller, .sipCancelled(SipCancelled(sipId: sipId, caller: caller, participants: participants, reason: "Förhinder")),
                        after: days(3))
                }
            }
        }

        // AF finds no work capacity and deregisters the person.
        if random.chance(0.2) {
            add(.af, .afWorkCapacityLacking(AfWorkCapacityLacking(assessedOn: today)), after: days(random.int(1...20)))
            add(.af, .afDeregistered(AfDeregistered(deregisteredOn: today, reason: .lackingWorkCapacity)))
        }

        // The kommun closes its försörjning case now and then.
        if random.chance(0.15) {
            add(.kommun, .caseClosed(CaseClosed(area: .forsorjning, reason: .completed, closedOn: today)), after: days(random.int(1...20)))
        }

        // The person withdraws the consent for samordning (registered at the kommun or AF).
        if let consent = events.lazy.compactMap({ event -> ConsentGiven? in
            if case .consentGiven(let given) = event.event, given.purpose == .samordning { return given }
            return nil
        }).first, random.chance(0.15) {
            add(
                random.chance(0.7) ? .kommun : .af, .consentWithdrawn(ConsentWithdrawn(consentId: consent.consentId, withdrawnOn: today)),
                after: days(random.int(1...10)))
        }
        return events
    }
}

/// 11:00 UTC on a day (midday in Stockholm): the meeting slots of the generated SIPs.
private func midday(_ day: LocalDate) -> Date {
    Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 11 * 3600)
}

/// The orders in which a consumer of several topics can read one person's events.
public enum TopicInterleaving {
    /// Each event goes to every topic its payload names (`topics(from:)`), in history order; Kafka
    /// keeps that order within each topic's partition and no other. Returns one random
    /// interleaving of those topics, keeping each topic's order. An event published to several
    /// topics appears once per topic, as the coordinator reads it (it drops the later copies by id).
    public static func interleave(_ events: [EventEnvelope], using random: inout SeededRandom) -> [EventEnvelope] {
        var queues: [String: [EventEnvelope]] = [:]
        var order: [String] = []
        for event in events {
            for topic in event.event.payload.topics(from: event.source) {
                if queues[topic] == nil { order.append(topic) }
                queues[topic, default: []].append(event)
            }
        }
        var positions = [String: Int]()
        var result: [EventEnvelope] = []
        var open = order
        while !open.isEmpty {
            // Topics are read in runs (a fetch returns several messages of one partition).
            let pick = random.int(0...(open.count - 1))
            let topic = open[pick]
            let queue = queues[topic]!
            let from = positions[topic, default: 0]
            let run = min(queue.count - from, random.int(1...4))
            result.append(contentsOf: queue[from..<(from + run)])
            positions[topic] = from + run
            if from + run == queue.count { open.remove(at: pick) }
        }
        return result
    }
}
