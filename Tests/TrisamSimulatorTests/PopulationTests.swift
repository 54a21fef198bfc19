import Foundation
import Testing
import TrisamContracts

@testable import TrisamSimulator

@Suite("Simulated population")
struct PopulationTests {
    let today = LocalDate("2026-11-24")!

    func generate(seed: UInt64 = 2019, size: Int = 286) -> [SimulatedPerson] {
        PopulationGenerator(seed: seed, size: size, today: today).generate()
    }

    @Test("the same seed gives the same people and requests; another seed does not")
    func deterministic() {
        let first = generate()
        let second = generate()
        let other = generate(seed: 7)
        #expect(first.map(\.personnummer) == second.map(\.personnummer))
        #expect(first.map(\.steps) == second.map(\.steps))
        #expect(first.map(\.personnummer) != other.map(\.personnummer))
    }

    @Test("every personnummer is valid, synthetic and unique")
    func personnummer() throws {
        let people = generate()
        #expect(Set(people.map(\.personnummer)).count == people.count)
        for person in people {
            let parsed = try PersonalIdentityNumber(person.personnummer)
            #expect(parsed.kind == .personnummer)
        }
    }

    @Test("each failure mode is built into the requested number of people")
    func failureModes() {
        let people = generate()
        for mode in FailureMode.allCases {
            #expect(people.filter { $0.failureMode == mode }.count == 3, "\(mode)")
        }
        #expect(people.filter { $0.failureMode == nil }.count == 286 - 3 * FailureMode.allCases.count)
    }

    @Test("shares follow Timrå 2019 within sampling error")
    func shares() {
        let people = generate(size: 2000)
        func share(_ predicate: (SimulatedPerson) -> Bool) -> Double {
            Double(people.filter(predicate).count) / Double(people.count)
        }
        #expect((0.47...0.57).contains(share { $0.isWoman }))
        #expect((0.21...0.29).contains(share { $0.age < 25 }))
        #expect((0.11...0.17).contains(share { $0.age > 55 }))
        #expect((0.24...0.32).contains(share { $0.barriers.contains(.psykiskOhalsa) }))
        let profileOnly = people.filter { $0.failureMode == nil }
        let atAf = Double(profileOnly.filter { $0.steps.contains { $0.label == "af.registered" } }.count) / Double(profileOnly.count)
        #expect((0.37...0.47).contains(atAf))
    }

    @Test("every status request is a valid event of the agency that sends it")
    func statusBodiesAreValidEvents() throws {
        let subject = ClientRef(rawValue: String(repeating: "a", count: 32))!
        var checked = 0
        for person in generate() {
            for step in person.steps where step.path.hasSuffix("/statuses") {
                let body = try #require(step.body)
                let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                let typeName = try #require(object["type"] as? String)
                let type = try #require(EventType(rawValue: typeName))
                #expect(type.owningAgency == step.agency)
                let payloadObject = try #require(object["payload"])
                let payload = try JSONSerialization.data(withJSONObject: payloadObject)
                let message = EncodedEvent(
                    key: Array(subject.rawValue.utf8),
                    headers: [
                        EventHeader(name: "ce_specversion", string: "1.0"),
                        EventHeader(name: "ce_id", string: "e-\(checked)"),
                        EventHeader(name: "ce_source", string: EventSource.agency(step.agency).uri),
                        EventHeader(name: "ce_type", string: type.cloudEventsType),
                        EventHeader(name: "ce_time", string: "2026-11-24T09:00:00.000Z"),
                        EventHeader(name: "ce_subject", string: subject.rawValue),
                    ], value: Array(payload))
                _ = try EventEnvelope(decoding: message)
                checked += 1
            }
        }
        #expect(checked > 286)
    }

    @Test("the SIP and plan failure modes go through the SIP and plan endpoints, with times ahead of today")
    func sipAndPlanModes() throws {
        let people = generate()
        let unanswered = try #require(people.first { $0.failureMode == .sipInvitationUnanswered })
        #expect(unanswered.steps.contains { $0.path == "/persons/{clientRef}/sips" && $0.capture?.name == "sip" })
        #expect(!unanswered.steps.contains { $0.path.contains("/answer") })
        let notHeld = try #require(people.first { $0.failureMode == .sipNotHeld })
        #expect(
            notHeld.steps.map(\.path).suffix(3) == [
                "/persons/{clientRef}/sips", "/sips/{sip}/invitations/fk/answer", "/sips/{sip}/schedule",
            ])
        let answer = try #require(notHeld.steps.first { $0.path.hasSuffix("/answer") }?.body)
        let slots = try #require((try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["availability"] as? [[String: String]])
        #expect(!slots.isEmpty && slots.allSatisfy { $0["start"]! > today.adding(days: 6).description })
        let overdue = try #require(people.first { $0.failureMode == .planActionOverdue })
        let plan = try #require(overdue.steps.first { $0.path == "/persons/{clientRef}/plans" }?.body)
        let object = try #require(try JSONSerialization.jsonObject(with: plan) as? [String: Any])
        #expect(object["leadAgency"] as? String == "kommun")
    }

    @Test("besides the failure modes, booked SIPs a few weeks ahead, plans with done and due actions, and answered referrals")
    func workingCoordination() throws {
        let people = generate().filter { $0.failureMode == nil }
        let booked = people.filter { $0.steps.contains { $0.label == "SIP bokad" } }
        let planned = people.filter { $0.steps.contains { $0.label == "handlingsplan med åtgärder" } }
        let referred = people.filter { $0.steps.contains { $0.path.hasSuffix("/received") } }
        // About 10 % (SIPs) and 15 % (plans, referrals) of the ~60 % known to AF or the region.
        #expect((8...40).contains(booked.count), "\(booked.count) booked SIPs")
        #expect((10...45).contains(planned.count), "\(planned.count) plans")
        #expect((5...45).contains(referred.count), "\(referred.count) answered referrals")
        for person in booked {
            let answers = person.steps.filter { $0.path.hasSuffix("/answer") }
            #expect(!answers.isEmpty)
            for answer in answers {
                let object = try #require(try JSONSerialization.jsonObject(with: answer.body!) as? [String: Any])
                let slots = try #require(object["availability"] as? [[String: String]])
                // Still ahead after `trisam dev` moves the coordinator's clock 31 days.
                #expect(!slots.isEmpty && slots.allSatisfy { $0["start"]! > today.adding(days: 32).description })
            }
        }
        for person in planned {
            let create = try #require(person.steps.first { $0.path == "/persons/{clientRef}/plans" })
            #expect(create.captures.map(\.name) == ["plan", "action0", "action1"])
            let object = try #require(try JSONSerialization.jsonObject(with: create.body!) as? [String: Any])
            let actions = try #require(object["actions"] as? [[String: Any]])
            #expect(actions.count == 3 && actions[0]["owner"] as? String == "kommun")
            #expect(actions.allSatisfy { ($0["dueDate"] as? String ?? "") > today.description })
            let done = person.steps.filter { $0.path.hasSuffix("/done") }
            #expect(done.first?.agency == .kommun && done.first?.path == "/plans/{plan}/actions/{action0}/done")
            #expect(done.dropFirst().allSatisfy { $0.agency.rawValue == actions[1]["owner"] as? String })
        }
        #expect(planned.contains { $0.steps.filter { $0.path.hasSuffix("/done") }.count == 2 })
        #expect(planned.contains { $0.steps.filter { $0.path.hasSuffix("/done") }.count == 1 })
    }

    @Test("a capture takes a top-level field or one element of an array field")
    func captures() {
        let answer: [String: Any] = ["planId": "p-1", "actionIds": ["a-0", "a-1"]]
        #expect(SimulationStep.Capture(field: "planId", name: "plan").value(in: answer) == "p-1")
        #expect(SimulationStep.Capture(field: "actionIds.1", name: "a").value(in: answer) == "a-1")
        #expect(SimulationStep.Capture(field: "actionIds.2", name: "a").value(in: answer) == nil)
        #expect(SimulationStep.Capture(field: "missing", name: "a").value(in: answer) == nil)
    }

    @Test("paths are filled from earlier answers, and an unknown placeholder is not guessed")
    func placeholders() {
        let step = SimulationStep(.region, "POST", "/referrals/{referral}/reject", label: "x")
        #expect(step.resolvedPath(["referral": "r-1"]) == "/referrals/r-1/reject")
        #expect(step.resolvedPath([:]) == nil)
    }

    @Test("the check digit is the Luhn digit (Skatteverket's example 811218-9876)")
    func luhn() {
        #expect(Story.luhn("811218987") == 6)
    }
}
