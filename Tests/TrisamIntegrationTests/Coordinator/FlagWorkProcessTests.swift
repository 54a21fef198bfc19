import Foundation
import Testing
import TrisamBus
import TrisamContracts
import TrisamCoordinator
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

/// Work on a flag through the real `trisam coordinator` process on an embedded broker: every
/// action is an event on `trisam.flags`, read back from the topic, exactly once, and the work
/// survives a restart of the coordinator.
@Suite("trisam coordinator: work on flags", .serialized)
struct FlagWorkProcessTests {
    static let today = LocalDate(year: 2026, month: 11, day: 24)!

    @Test("take, assign, comment, set aside and close through the API: each once on trisam.flags, kept across a restart")
    func workOnTheTopic() async throws {
        let harness = try CoordinatorHarness(clock: "fixed:2026-11-24T09:00:00Z")
        try await withFlagListener(harness) { flags in
            try await harness.start()
            let ref = TestEvent.newClientRef()
            try await harness.publish(FlagScenarios.greyZone(ref: ref, idPrefix: "fw", today: Self.today))
            var flagId = ""
            try await eventually("the grey-zone flag is open") {
                let open = try await harness.openFlags(rule: "grey-zone").filter { $0["clientRef"] as? String == ref.rawValue }
                flagId = open.first?["flagId"] as? String ?? ""
                return open.count == 1
            }
            let path = "/flags/\(flagId)"
            let take = try await harness.client.request("POST", "\(path)/take")
            #expect(take.status == 200, "\(take.text)")
            let assign = try await harness.client.post(
                "\(path)/assign", json: ["name": "Frida Ek", "agency": "fk", "phone": "010-123 45 67"])
            #expect(assign.status == 200, "\(assign.text)")
            let comment = try await harness.client.post("\(path)/comment", json: ["comment": "Ringt Försäkringskassan."])
            #expect(comment.status == 200, "\(comment.text)")
            let refused = try await harness.client.post("\(path)/set-aside", json: ["until": "2026-11-24", "reason": "Väntar"])
            #expect(refused.status == 400 && refused.text.contains("\"field\":\"until\""), "\(refused.text)")
            let aside = try await harness.client.post("\(path)/set-aside", json: ["until": "2026-11-30", "reason": "Väntar på intyg"])
            #expect(aside.status == 200, "\(aside.text)")
            let asideList = try await harness.getJSON("/flags?view=aside")
            #expect((asideList["flags"] as? [[String: Any]])?.map { $0["flagId"] as? String } == [flagId])

            // A graceful restart: the state is kept, and nothing is published twice.
            #expect(try await harness.stop() == 0)
            try await harness.start()
            let detail = try await harness.getJSON(path)
            let workView = (detail["flag"] as? [String: Any])?["work"] as? [String: Any]
            #expect(workView?["status"] as? String == "aside" && workView?["owner"] as? String == "Frida Ek", "\(detail)")
            #expect(workView?["asideUntil"] as? String == "2026-11-30")
            let close = try await harness.client.post("\(path)/close", json: ["reason": "Personen har flyttat från kommunen"])
            #expect(close.status == 200, "\(close.text)")

            let expected: [(EventType, String)] = [
                (.flagTaken, "\(flagId):work:1"), (.flagAssigned, "\(flagId):work:2"), (.flagCommented, "\(flagId):work:3"),
                (.flagSetAside, "\(flagId):work:4"), (.flagClosed, "\(flagId):work:5"),
            ]
            func work() -> [EventEnvelope] { flags.events.filter { $0.id.hasPrefix("\(flagId):work:") } }
            try await eventually("the five work events are on trisam.flags") { Set(work().map(\.id)).count == 5 }
            try await Task.sleep(for: .seconds(1))
            #expect(work().map(\.id).sorted() == expected.map(\.1), "each exactly once")
            for (type, id) in expected { #expect(work().first { $0.id == id }?.type == type, "\(id)") }
            #expect(work().allSatisfy { $0.subject == ref && $0.source == .coordinator })
            if case .flagAssigned(let assigned) = work().first(where: { $0.type == .flagAssigned })?.event {
                #expect(assigned.actor == "Testa Samordnare" && assigned.assignee.name == "Frida Ek" && assigned.agency == .fk)
            } else {
                Issue.record("no flag.assigned")
            }
            if case .flagClosed(let closed) = work().first(where: { $0.type == .flagClosed })?.event {
                #expect(closed.reason == "Personen har flyttat från kommunen")
            }
            // The history says who did what; the audit log has each action.
            let history = (try await harness.getJSON(path)["history"] as? [[String: Any]]) ?? []
            #expect(history.map { $0["eventId"] as? String } == expected.map(\.1))
            let audit = try await harness.getJSON("/audit?clientRef=\(ref.rawValue)&limit=20")
            let actions =
                (audit["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String }.filter { $0.hasPrefix("flag.") } ?? []
            #expect(actions.count == 5 && actions.first == "flag.closed \(flagId)", "\(actions)")
            // Closed as no gap: out of the queue, not raised again for the same cause.
            try await harness.publish(FlagScenarios.greyZone(ref: ref, idPrefix: "fw", today: Self.today))
            let queue = try await harness.getJSON("/flags?view=queue&rule=grey-zone")
            #expect((queue["flags"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await harness.stop() == 0)
        }
    }
}
