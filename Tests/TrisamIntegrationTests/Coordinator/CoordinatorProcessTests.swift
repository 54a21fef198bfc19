import Foundation
import Testing
import TrisamBus
import TrisamContracts
import TrisamCoordinator
import TrisamFixtures
import TrisamKafka
import TrisamTestSupport

/// The real `trisam coordinator` process against an embedded broker in the test process.
@Suite("trisam coordinator process", .serialized)
struct CoordinatorProcessTests {
    static let today = LocalDate(year: 2026, month: 11, day: 24)!

    @Test("topics with different partition counts are refused at start, naming the odd one")
    func partitionMismatchRefused() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger("broker"))
        defer { cluster.shutdown() }
        for topic in Topic.all { try cluster.createTopic(topic, partitions: topic == Topic.inbox(.af) ? 4 : 3) }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try ChildProcess(
            try trisamExecutable(),
            [
                "coordinator", "--bootstrap", cluster.bootstrapServers, "--port", String(try freeLoopbackPort()),
                "--store", directory.appendingPathComponent("coordinator.sqlite").path,
                "--state-dir", directory.appendingPathComponent("state").path,
            ], directory: directory, environment: ["LOG_LEVEL": "warning"])
        try await eventually("the coordinator exits", limit: .seconds(30)) { !process.isRunning }
        #expect(process.terminationStatus != 0)
        #expect(process.output.contains("trisam.af.inbox has 4 while the other 9 have 3"), "\(process.output)")
    }

    @Test("a grey-zone history raises a flag in /flags and on trisam.flags; AF registration resolves it")
    func raisesAndResolves() async throws {
        let harness = try CoordinatorHarness()
        try await withFlagListener(harness) { flags in
            try await harness.start()
            let ref = TestEvent.newClientRef()
            try await harness.publish(FlagScenarios.greyZone(ref: ref, idPrefix: "gz1", today: Self.today))

            var raised: [String: Any] = [:]
            try await eventually("the grey-zone flag is open in /flags") {
                let open = try await harness.openFlags(rule: "grey-zone").filter { $0["clientRef"] as? String == ref.rawValue }
                if let first = open.first { raised = first }
                return open.count == 1
            }
            let flagId = try #require(raised["flagId"] as? String)
            #expect(raised["severity"] as? String == "high")
            #expect((raised["evidence"] as? [String])?.contains("gz1-nosgi") == true)
            #expect((raised["explanation"] as? String)?.isEmpty == false)
            try await eventually("FlagRaised on trisam.flags") {
                flags.events.contains { if case .flagRaised(let flag) = $0.event { flag.flagId == flagId } else { false } }
            }
            let raisedEvent = try #require(flags.events.first { $0.type == .flagRaised })
            #expect(raisedEvent.source == .coordinator && raisedEvent.subject == ref)

            // One person's state and timeline, audited; refused without a token.
            let person = try await harness.getJSON("/persons/\(ref.rawValue)")
            let timeline = try #require(person["timeline"] as? [[String: Any]])
            // The three events arrive on three topics, so their order of arrival may vary.
            #expect(Set(timeline.compactMap { $0["eventId"] as? String }) == ["gz1-bistand", "gz1-sicknote", "gz1-nosgi"])
            #expect((person["openFlags"] as? [[String: Any]])?.contains { $0["flagId"] as? String == flagId } == true)
            #expect(person["state"] is [String: Any])
            #expect(try await harness.anonymous.get("/persons/\(ref.rawValue)").status == 401)
            // The read is in the audit log, newest first, with the reader's name; token required.
            let audit = try await harness.getJSON("/audit?clientRef=\(ref.rawValue)&limit=5")
            let entry = try #require((audit["entries"] as? [[String: Any]])?.first, "\(audit)")
            #expect(entry["reader"] as? String == "Testa Samordnare" && entry["path"] as? String == "/persons/\(ref.rawValue)")
            #expect(try await harness.anonymous.get("/audit").status == 401)
            let badAudit = try await harness.client.get("/audit?limit=0")
            #expect(badAudit.status == 400 && badAudit.text.contains("limit"))
            #expect(try await harness.client.get("/persons/nothex").status == 400)
            // A wrong method on an existing path is 405 with the allowed ones; an unknown path 404.
            let wrongMethod = try await harness.client.request("DELETE", "/persons/\(ref.rawValue)")
            #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "GET", "\(wrongMethod.status) \(wrongMethod.headers)")
            let postFlags = try await harness.client.request("POST", "/flags", body: Data("{}".utf8))
            #expect(postFlags.status == 405 && postFlags.headers["allow"] == "GET")
            #expect(try await harness.client.request("GET", "/admin/clock").headers["allow"] == "POST")
            #expect(try await harness.client.get("/no-such-endpoint").status == 404)
            let unknown = try await harness.client.get("/flags?severity=urgent")
            #expect(unknown.status == 400 && unknown.text.contains("severity"))

            let counts = try await harness.getJSON("/flags/counts")
            let greyCount = (counts["counts"] as? [[String: Any]])?.first { $0["rule"] as? String == "grey-zone" }?["open"] as? Int
            #expect(greyCount == 1)
            let rules = try await harness.getJSON("/rules")
            #expect(((rules["rules"] as? [[String: Any]])?.count ?? 0) >= 18)
            let metrics = try await harness.anonymous.get("/metrics").text
            #expect(metrics.contains("trisam_coordinator_events_total{outcome=\"applied\"} 3"))
            #expect(metrics.contains("trisam_coordinator_open_flags{rule=\"grey-zone\"} 1"))
            #expect(metrics.contains("trisam_coordinator_batch_processing_seconds_bucket"))
            #expect(metrics.contains("trisam_coordinator_consumer_lag"))

            // The resolving event.
            try await harness.publish([FlagScenarios.greyZoneResolution(ref: ref, idPrefix: "gz1", today: Self.today)])
            try await eventually("the flag is resolved") {
                try await harness.openFlags(rule: "grey-zone").isEmpty
            }
            try await eventually("FlagResolved on trisam.flags with the same flag id") {
                flags.events.contains {
                    if case .flagResolved(let flag) = $0.event { flag.flagId == flagId && flag.evidence == ["gz1-afreg"] } else { false }
                }
            }
            #expect(harness.output.contains(harness.token) == false, "the token is never logged")
            #expect(try await harness.stop() == 0)
        }
    }

    @Test("a time-based rule fires when the controllable clock passes its threshold, with no new event")
    func firesOnTime() async throws {
        let harness = try CoordinatorHarness(clock: "fixed:2026-11-24T09:00:00Z")
        try await withFlagListener(harness) { flags in
            try await harness.start()
            let ref = TestEvent.newClientRef()
            let sent = TestEvent.envelope(
                ref, .kommun,
                .referralSent(
                    ReferralSent(
                        referralId: "ref-1", from: .kommun, to: .region, reason: "Behöver utredning", requestedMeasure: "Läkarbedömning",
                        area: .halsaVard)), at: utc("2026-11-24T08:00:00Z"), id: "t-sent")
            try await harness.publish([sent])
            try await eventually("the referral is stored") { try await harness.eventsSeen() == 1 }
            #expect(try await harness.openFlags(rule: "referral-unanswered").isEmpty, "not yet past the answer time")

            // 13 days later: still inside the 14 days.
            var moved = try await harness.client.post("/admin/clock", json: ["now": "2026-12-07T09:00:00Z"])
            #expect(moved.status == 200, "\(moved.text)")
            #expect(try await harness.openFlags(rule: "referral-unanswered").isEmpty)
            // 15 days later: past the threshold.
            moved = try await harness.client.post("/admin/clock", json: ["now": "2026-12-09T09:00:00Z"])
            #expect(moved.status == 200, "\(moved.text)")
            let open = try await harness.openFlags(rule: "referral-unanswered")
            #expect(open.count == 1 && open.first?["clientRef"] as? String == ref.rawValue)
            #expect((open.first?["evidence"] as? [String]) == ["t-sent"])
            try await eventually("FlagRaised on trisam.flags") { flags.events.contains { $0.type == .flagRaised } }

            // The clock refuses to go back, and names the field.
            let back = try await harness.client.post("/admin/clock", json: ["now": "2026-11-01T09:00:00Z"])
            #expect(back.status == 400 && back.text.contains("now"))

            let answered = TestEvent.envelope(
                ref, .region,
                .referralAccepted(
                    ReferralAccepted(
                        referralId: "ref-1", from: .kommun, to: .region, contact: Contact(name: "Doktor Dag"))),
                at: utc("2026-12-09T10:00:00Z"), id: "t-accepted")
            try await harness.publish([answered])
            try await eventually("the answer resolves the flag") { try await harness.openFlags(rule: "referral-unanswered").isEmpty }
            try await eventually("FlagResolved on trisam.flags") { flags.events.contains { $0.type == .flagResolved } }
            #expect(try await harness.stop() == 0)
        }
    }

    @Test("redelivered and duplicated events, also across a restart, never raise the same flag twice")
    func duplicatesNeverRaiseTwice() async throws {
        let harness = try CoordinatorHarness()
        try await withFlagListener(harness) { flags in
            try await harness.start()
            let ref = TestEvent.newClientRef()
            let events = FlagScenarios.greyZone(ref: ref, idPrefix: "dup", today: Self.today)
            try await harness.publish(events)
            try await harness.publish(events) // an outbox resending
            try await eventually("the flag is raised") { try await harness.openFlags(rule: "grey-zone").count == 1 }
            try await harness.kill()
            try await harness.publish(events.reversed()) // again, after a crash, in another order
            try await harness.start()
            try await harness.publish(events)
            let marker = TestEvent.envelope(
                TestEvent.newClientRef(), .kommun,
                .kommunBistandDecided(
                    BistandDecided(
                        decision: .granted, effectiveDate: Self.today, month: YearMonth(year: 2026, month: 11)!)),
                at: utc("2026-11-24T08:00:00Z"), id: "dup-marker")
            try await harness.publish([marker])
            try await eventually("everything is processed") { try await harness.eventsSeen() == 4 }
            try await Task.sleep(for: .seconds(1))
            let open = try await harness.openFlags(rule: "grey-zone")
            #expect(open.count == 1)
            let person = try await harness.getJSON("/persons/\(ref.rawValue)")
            #expect((person["timeline"] as? [[String: Any]])?.count == 3, "each event once on the timeline")
            let personFlags = ((person["openFlags"] as? [[String: Any]]) ?? []) + ((person["resolvedFlags"] as? [[String: Any]]) ?? [])
            #expect(personFlags.filter { $0["rule"] as? String == "grey-zone" }.count == 1)
            func raisedIds() -> Set<String> {
                Set(
                    flags.events.compactMap {
                        if case .flagRaised(let flag) = $0.event, flag.rule == "grey-zone" { flag.flagId } else { nil }
                    })
            }
            try await eventually("the flag event is on trisam.flags") { !raisedIds().isEmpty }
            try await Task.sleep(for: .seconds(1))
            #expect(raisedIds().count == 1)
            let metrics = try await harness.anonymous.get("/metrics").text
            #expect(metrics.contains("trisam_coordinator_events_total{outcome=\"duplicate\"}"))
            #expect(try await harness.stop() == 0)
        }
    }

    @Test("a second coordinator on the same store refuses to start, saying why, and the first keeps serving")
    func oneCoordinatorPerStore() async throws {
        let harness = try CoordinatorHarness()
        do {
            try await harness.start()
            let second = try harness.launch(port: try freeLoopbackPort())
            try await eventually("the second coordinator exits") { !second.isRunning }
            #expect(second.process.terminationStatus != 0)
            #expect(second.output.contains("another trisam coordinator already runs on the store \(harness.storePath)"), "\(second.output)")
            #expect(try await harness.anonymous.get("/health").status == 200)
            // Stopped, the first lets go of the store, and a coordinator starts on it again.
            #expect(try await harness.stop() == 0)
            try await harness.start()
            #expect(try await harness.stop() == 0)
        } catch {
            Issue.record("coordinator output:\n\(harness.output)")
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }

    @Test("an undecodable message goes to trisam.deadletter and processing continues")
    func deadLetters() async throws {
        let harness = try CoordinatorHarness()
        let deadLetters = try KafkaConsumer(
            configuration: harness.cluster.clientConfiguration.merging(fastGroupProperties),
            groupID: uniqueName("dlq"), topics: [Topic.deadLetter], logger: testLogger("dlq"))
        do {
            try await harness.start()
            _ = try await harness.producer.send(
                OutgoingMessage(
                    topic: Topic.status(.kommun), key: "whoever",
                    value: Array("{not json".utf8),
                    headers: [KafkaHeader(name: "ce_type", string: "se.trisam.nonsense.v1")]))
            let ref = TestEvent.newClientRef()
            try await harness.publish(FlagScenarios.greyZone(ref: ref, idPrefix: "dl", today: Self.today))
            let letter = try await withTimeout(.seconds(30), "a dead letter") {
                var iterator = deadLetters.messages.makeAsyncIterator()
                return try await iterator.next()
            }
            #expect(letter?.header(DeadLetter.consumerHeader) == "coordinator")
            #expect(letter?.header(DeadLetter.sourceTopicHeader) == Topic.status(.kommun))
            #expect(letter?.header(DeadLetter.reasonHeader)?.isEmpty == false)
            #expect(letter?.value == Array("{not json".utf8))
            try await eventually("the next person's flag is raised") { try await harness.openFlags(rule: "grey-zone").count == 1 }
            let metrics = try await harness.anonymous.get("/metrics").text
            #expect(metrics.contains("trisam_coordinator_events_total{outcome=\"dead_letter\"} 1"))
            #expect(try await harness.stop() == 0)
        } catch {
            Issue.record("coordinator output:\n\(harness.output)")
            await deadLetters.close()
            await harness.cleanUp()
            throw error
        }
        await deadLetters.close()
        await harness.cleanUp()
    }
}
