import Foundation
import Synchronization
import Testing
import TrisamContracts
import TrisamKafka
import TrisamRandom
import TrisamTestSupport

/// The failure paths of the durable outbox, against real processes: a `trisam agency` process
/// on an in-process embedded broker whose brokers are taken down, and a process killed with
/// SIGKILL while a client posts.
extension AgencyChecks {
    @Suite("Agency outbox under broker outage and kill -9")
    struct Outage {
        /// Sets up af with `persons` registered people, each with a samordning consent.
        static func afWithPeople(_ cluster: EmbeddedKafkaCluster, _ directory: URL, persons: Int) async throws -> (
            Checks.AgencyProcess, [String]
        ) {
            let af = try await Checks.AgencyProcess(.af, bootstrap: cluster.bootstrapServers, directory: directory)
            var refs: [String] = []
            for index in 0..<persons {
                let ref = try await Checks.register(af.client(), Checks.personnummer(7_000 + index))
                try await Checks.consent(af.client(), ref, purpose: "samordning", agencies: [.af, .kommun])
                refs.append(ref)
            }
            return (af, refs)
        }

        @Test("with every broker down, status changes are still accepted, and each reaches Kafka exactly once when they are back")
        func brokersDown() async throws {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let cluster = try Checks.cluster()
            defer { cluster.shutdown() }
            let collector = try Checks.EventCollector(bootstrap: cluster.bootstrapServers, topics: [Topic.status(.af), Topic.consent])
            let (af, refs) = try await Outage.afWithPeople(cluster, directory, persons: 3)
            let client = af.client()

            // The path works while the brokers are up.
            let first = try await client.post("/persons/\(refs[0])/statuses", json: Checks.afRegistered(0))
            #expect(first.status == 202, "\(first.text)")
            let firstID = try #require(try first.json()["eventId"] as? String)
            try await collector.waitFor([firstID], topic: Topic.status(.af), limit: .seconds(30))

            for id in cluster.brokerIDs { try cluster.setBrokerDown(id) }
            var accepted: [String] = [firstID]
            var slowest = Duration.zero
            for index in 1...30 {
                let started = ContinuousClock.now
                let response = try await client.post("/persons/\(refs[index % refs.count])/statuses", json: Checks.afRegistered(index))
                slowest = max(slowest, ContinuousClock.now - started)
                #expect(response.status == 202, "accepted while the brokers are down: \(response.status) \(response.text)")
                if let id = try? response.json()["eventId"] as? String { accepted.append(id) }
            }
            // Consent changes are accepted too (they go to trisam.consent through the same outbox).
            let consent = try await client.post(
                "/persons/\(refs[1])/consents",
                json: [
                    "purpose": "remiss", "agencies": ["af", "fk"], "validUntil": Checks.daysFromToday(365),
                    "givenOn": Checks.daysFromToday(0),
                ])
            #expect(consent.status == 201, "consent while the brokers are down: \(consent.text)")
            #expect(accepted.count == 31)
            #expect(slowest < .seconds(5), "accepting must not wait for Kafka; slowest answer took \(slowest)")
            try await Task.sleep(for: .seconds(2))
            for id in cluster.brokerIDs { try cluster.setBrokerUp(id) }

            try await collector.waitFor(Set(accepted), topic: Topic.status(.af), limit: .seconds(90))
            // trisam.consent may be led by another broker than the status topic, whose connections come
            // back on their own schedule: wait for its four events too (a lost one still fails here).
            try await eventually("4 consent events on \(Topic.consent)", limit: .seconds(90)) {
                collector.counts(topic: Topic.consent).count >= 4
            }
            // Give any duplicate a chance to show up before counting.
            try await Task.sleep(for: .seconds(3))
            let counts = collector.counts(topic: Topic.status(.af))
            for id in accepted {
                #expect(counts[id] == 1, "event \(id) is on \(Topic.status(.af)) \(counts[id] ?? 0) times")
            }
            #expect(Set(counts.keys) == Set(accepted), "only accepted events are on the status topic")
            let consentCounts = collector.counts(topic: Topic.consent)
            #expect(consentCounts.count == 4, "3 samordning consents + 1 remiss consent on trisam.consent: \(consentCounts)")
            #expect(consentCounts.values.allSatisfy { $0 == 1 }, "each consent event once: \(consentCounts)")
            await collector.close()
            #expect(try await af.stop() == 0, "\(af.output)")
        }

        @Test("kill -9 at random moments while a client posts: every accepted change reaches Kafka, none is duplicated under a new id")
        func killNine() async throws {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let cluster = try Checks.cluster()
            defer { cluster.shutdown() }
            let collector = try Checks.EventCollector(bootstrap: cluster.bootstrapServers, topics: [Topic.status(.af)])
            let (af, refs) = try await Outage.afWithPeople(cluster, directory, persons: 4)

            let state = KillState(port: af.port)

            // Four concurrent clients post unique status changes until told to stop; a request
            // interrupted by the kill has an unknown outcome (it may or may not have been stored).
            let clients = (0..<4).map { _ in
                Task { [state, refs] in
                    while state.running.load(ordering: .acquiring) {
                        let index = state.next.add(1, ordering: .relaxed).oldValue
                        guard index < 3600 else { break } // request bodies are unique below 3,600
                        let ref = refs[index % refs.count]
                        let body = Checks.afRegistered(index)
                        let day = (body["payload"] as! [String: Any])["registeredOn"] as! String
                        state.sent.withLock { $0[index] = KillState.Sent(ref: ref, day: day, eventID: nil) }
                        let client = HTTPTestClient(port: state.port.load(ordering: .acquiring), token: Checks.tokens[.af])
                        do {
                            let response = try await client.post("/persons/\(ref)/statuses", json: body)
                            if response.status == 202, let id = try? response.json()["eventId"] as? String {
                                state.sent.withLock { $0[index]?.eventID = id }
                            } else {
                                state.refusals.withLock { $0.append("\(response.status) \(response.text.prefix(200))") }
                            }
                        } catch {
                            // Unknown outcome: even "cannot connect" may follow a request that a
                            // reused keep-alive connection delivered before the kill (the client
                            // library retries on a new connection).
                            try? await Task.sleep(for: .milliseconds(20))
                        }
                    }
                }
            }

            var random = SeededRandom(seed: chaosSeed("kill -9 of an agency while clients post"))
            for _ in 0..<3 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 400...1500, using: &random)))
                try await af.kill()
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &random)))
                try await af.restart()
                state.port.store(af.port, ordering: .releasing)
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...800, using: &random)))
            state.running.store(false, ordering: .releasing)
            for client in clients { await client.value }

            let requests = state.sent.withLock { $0 }
            #expect(
                state.refusals.withLock { $0 }.isEmpty, "every answered request is accepted: \(state.refusals.withLock { $0 }.prefix(3))")
            let accepted = requests.compactMapValues(\.eventID)
            #expect(accepted.count > 20, "the clients got answers between the kills: \(accepted.count)")
            try await collector.waitFor(Set(accepted.values), topic: Topic.status(.af), limit: .seconds(90))
            try await Task.sleep(for: .seconds(3))

            // Match every event on the topic to the request that caused it (person + unique date).
            var byContent: [String: Int] = [:]
            for index in 0..<min(3600, state.next.load(ordering: .acquiring)) {
                let day = (Checks.afRegistered(index)["payload"] as! [String: Any])["registeredOn"] as! String
                byContent["\(refs[index % refs.count])/\(day)"] = index
            }
            var idsOfRequest: [Int: Set<String>] = [:]
            for (id, copies) in collector.events {
                for copy in copies where copy.topic == Topic.status(.af) {
                    let payload = try JSONSerialization.jsonObject(with: Data(copy.value)) as? [String: Any]
                    let day = payload?["registeredOn"] as? String ?? "?"
                    let index = try #require(byContent["\(copy.key)/\(day)"], "event \(id) matches no request sent")
                    idsOfRequest[index, default: []].insert(id)
                }
            }
            for (index, id) in accepted {
                #expect(idsOfRequest[index] == [id], "accepted request \(index) (event \(id)) is on Kafka as \(idsOfRequest[index] ?? [])")
            }
            for (index, ids) in idsOfRequest {
                #expect(ids.count == 1, "request \(index) reached Kafka under \(ids.count) different event ids")
            }
            let unanswered = requests.count - accepted.count
            let distinct = collector.counts(topic: Topic.status(.af)).count
            print(
                "kill -9 ×3: \(requests.count) requests, \(accepted.count) accepted, \(unanswered) without an answer; "
                    + "\(distinct) distinct event ids on Kafka, \(collector.counts(topic: Topic.status(.af)).values.reduce(0, +)) copies")
            #expect(
                distinct >= accepted.count && distinct <= accepted.count + unanswered,
                "distinct event ids \(distinct): accepted \(accepted.count), without an answer \(unanswered)")
            await collector.close()
            #expect(try await af.stop() == 0, "\(af.output)")
        }
    }
}

/// What the clients of the kill test share.
final class KillState: Sendable {
    /// What the clients sent: request index → (clientRef, registeredOn, eventId if accepted).
    struct Sent: Sendable {
        var ref: String
        var day: String
        var eventID: String?
    }
    let sent = Mutex<[Int: Sent]>([:])
    /// Answers other than 202 (there should be none).
    let refusals = Mutex<[String]>([])
    let next = Atomic<Int>(0)
    let running = Atomic<Bool>(true)
    let port: Atomic<Int>

    init(port: Int) { self.port = Atomic(port) }
}
