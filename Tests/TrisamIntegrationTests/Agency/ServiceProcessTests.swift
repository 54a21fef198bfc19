import Foundation
import Testing
import TrisamContracts
import TrisamKafka
import TrisamTestSupport

/// Real `trisam agency` processes on an embedded broker (in this test process), each on a free
/// port with its own temporary state folder; staff tokens and the clientRef secret via the
/// environment.
final class AgencyProcessFixture: @unchecked Sendable {
    let cluster: EmbeddedKafkaCluster
    let directory: URL
    let secret: String
    private(set) var processes: [Agency: ChildProcess] = [:]
    private(set) var ports: [Agency: Int] = [:]

    static let tokens: [Agency: String] = [
        .kommun: "kommun-staff-token-\(UUID().uuidString)",
        .af: "af-staff-token-\(UUID().uuidString)",
        .fk: "fk-staff-token-\(UUID().uuidString)",
        .region: "region-staff-token-\(UUID().uuidString)",
    ]

    static var tokensJSON: String {
        let entries = Agency.allCases.map { agency in
            #"{"token":"\#(tokens[agency]!)","agency":"\#(agency.rawValue)","name":"Handläggare \#(agency.rawValue)","role":"handlaggare"}"#
        }
        return "[" + entries.joined(separator: ",") + "]"
    }

    init() throws {
        cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger("cluster"))
        for topic in Topic.all { try cluster.createTopic(topic, partitions: 3) }
        directory = try temporaryDirectory()
        secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// Starts the service of `agency` and waits until it serves.
    func start(_ agency: Agency) async throws {
        let port = try freeLoopbackPort()
        let process = try ChildProcess(
            try trisamExecutable(),
            [
                "agency", "--name", agency.rawValue, "--port", String(port), "--state-dir", "state",
                "--bootstrap", cluster.bootstrapServers, "--log-level", "warning",
                "--kafka-property", "session.timeout.ms=6000", "--kafka-property", "heartbeat.interval.ms=500",
                "--kafka-property", "topic.metadata.refresh.interval.ms=1000",
            ], directory: directory,
            environment: [
                "TRISAM_AGENCY_TOKENS": Self.tokensJSON,
                "TRISAM_CLIENTREF_SECRET": secret,
            ].merging(try AgencyTestKeys.environment(for: agency), uniquingKeysWith: { first, _ in first }))
        processes[agency] = process
        ports[agency] = port
        try await client(agency, token: nil).waitUntilServing()
        try await eventually("\(agency.rawValue) prints its address") { process.output.contains("listening on http://127.0.0.1:\(port)") }
    }

    /// A client for the service of `agency`, by default with that agency's token.
    func client(_ agency: Agency, token: String? = "") -> HTTPTestClient {
        HTTPTestClient(port: ports[agency]!, token: token == "" ? Self.tokens[agency] : token)
    }

    /// Stops every service with SIGTERM (each must exit 0), then the broker.
    func stop() async throws {
        defer {
            cluster.shutdown()
            try? FileManager.default.removeItem(at: directory)
        }
        for (agency, process) in processes where process.isRunning {
            let status = try await process.stop()
            #expect(status == 0, "\(agency.rawValue) exit status after SIGTERM; output:\n\(process.output)")
        }
    }
}

/// Sends a JSON body and expects `status`; returns the body.
@discardableResult
func expectJSON(
    _ client: HTTPTestClient, _ method: String, _ path: String, _ body: Any? = nil, status: Int,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> [String: Any] {
    let response = body == nil ? try await client.request(method, path) : try await client.request(method, path, json: body!)
    #expect(response.status == status, Comment(rawValue: "\(method) \(path): \(response.text)"), sourceLocation: sourceLocation)
    return (try? response.json()) ?? [:]
}

@Suite("Agency service processes on an embedded broker", .serialized)
struct ServiceProcessTests {
    @Test(
        "four services side by side; kommun refers to AF; AF sees it, confirms and accepts with a contact; kommun sees the answer; tokens are per agency",
        .timeLimit(.minutes(2)))
    func referralLoop() async throws {
        let fixture = try AgencyProcessFixture()
        do {
            for agency in Agency.allCases { try await fixture.start(agency) }
            let kommun = fixture.client(.kommun)
            let af = fixture.client(.af)
            for agency in Agency.allCases {
                let health = try await expectJSON(fixture.client(agency, token: nil), "GET", "/health", status: 200)
                #expect(health["agency"] as? String == agency.rawValue)
                for other in Agency.allCases where other != agency {
                    let crossed = try await fixture.client(agency, token: AgencyProcessFixture.tokens[other]).get("/inbox")
                    #expect(crossed.status == 403, "\(other.rawValue)'s token at \(agency.rawValue): \(crossed.text)")
                }
            }

            // Access: no token 401, another agency's token 403.
            let anonymous = try await fixture.client(.af, token: nil).get("/inbox")
            #expect(anonymous.status == 401 && anonymous.headers["www-authenticate"] != nil)
            let crossed = try await fixture.client(.af, token: AgencyProcessFixture.tokens[.kommun]).get("/inbox")
            #expect(crossed.status == 403, "\(crossed.text)")
            #expect(crossed.text.contains("forbidden") && !crossed.text.contains(AgencyProcessFixture.tokens[.kommun]!))

            let person = try await expectJSON(kommun, "POST", "/persons", ["personnummer": "19121212-1212"], status: 201)
            let ref = try #require(person["clientRef"] as? String)
            try await expectJSON(
                kommun, "POST", "/persons/\(ref)/consents",
                [
                    "purpose": "remiss", "agencies": ["kommun", "af"], "validUntil": "2027-06-30",
                    "givenOn": DateRulesToday.text,
                ], status: 201)
            let sent = try await expectJSON(
                kommun, "POST", "/persons/\(ref)/referrals",
                [
                    "to": "af", "area": "arbete-aktivitet", "reason": "Långvarigt försörjningsstöd",
                    "requestedMeasure": "Inskrivning och kartläggning",
                ], status: 201)
            let referralId = try #require(sent["referralId"] as? String)
            // Every change is audited with the token's name and role.
            let changes = try await expectJSON(kommun, "GET", "/audit?clientRef=\(ref)", status: 200)
            let actions = ((changes["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }
            #expect(actions == ["referral.send", "identity.share", "consent.give", "person.register"])

            // AF sees the referral in its inbox and knows the consent from trisam.consent.
            try await eventually("the referral reaches AF's inbox", limit: .seconds(30)) {
                let inbox = try await af.get("/inbox")
                let items = (try inbox.json()["items"] as? [[String: Any]]) ?? []
                return items.contains {
                    $0["type"] as? String == "referral.sent" && ($0["payload"] as? [String: Any])?["referralId"] as? String == referralId
                }
            }
            let afPerson = try await expectJSON(af, "POST", "/persons", ["personnummer": "191212121212"], status: 200)
            #expect(afPerson["clientRef"] as? String == ref, "both agencies derive the same clientRef")
            try await eventually("AF knows the consent") {
                let summary = try await af.get("/persons/\(ref)")
                return ((try summary.json()["consents"] as? [[String: Any]]) ?? []).count == 1
            }
            // Only the receiver answers; the sender cannot accept its own referral.
            let wrong = try await expectJSON(
                kommun, "POST", "/referrals/\(referralId)/accept", ["contact": ["name": "Anna Berg"]], status: 403)
            #expect((wrong["error"] as? [String: Any])?["code"] as? String == "wrong_party")
            try await expectJSON(af, "POST", "/referrals/\(referralId)/received", [String: Any](), status: 200)
            let accepted = try await expectJSON(
                af, "POST", "/referrals/\(referralId)/accept",
                ["contact": ["name": "Omar Ali", "role": "arbetsförmedlare", "phone": "010-486 00 00"]], status: 200)
            #expect(accepted["state"] as? String == "accepted")
            try await expectJSON(af, "POST", "/referrals/\(referralId)/reject", ["reason": "för sent"], status: 409)

            // Kommun sees the answer: the referral is accepted with AF's named contact.
            try await eventually("kommun sees AF's acceptance", limit: .seconds(30)) {
                let summary = try await kommun.get("/persons/\(ref)")
                let referrals = (try summary.json()["referralsSent"] as? [[String: Any]]) ?? []
                return referrals.first?["state"] as? String == "accepted"
                    && (referrals.first?["contact"] as? [String: Any])?["name"] as? String == "Omar Ali"
            }
            let inbox = try await expectJSON(kommun, "GET", "/inbox", status: 200)
            let types = ((inbox["items"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String }
            #expect(types == ["referral.accepted", "referral.received"])
            // The reads while waiting are audited too (newest first).
            let audit = try await expectJSON(kommun, "GET", "/audit?clientRef=\(ref)&limit=4", status: 200)
            let newest = (audit["items"] as? [[String: Any]]) ?? []
            #expect(newest.compactMap { $0["action"] as? String } == ["identity.read", "inbox.read", "identity.read", "person.read"])
            #expect(newest.allSatisfy { $0["staff"] as? String == "Handläggare kommun" && $0["role"] as? String == "handlaggare" })
            // FK and the region saw nothing of it: an agency reads only its own inbox.
            for agency in [Agency.fk, .region] {
                let items = try await expectJSON(fixture.client(agency), "GET", "/inbox", status: 200)["items"] as? [[String: Any]]
                #expect(items?.isEmpty == true)
                try await expectJSON(fixture.client(agency), "GET", "/persons/\(ref)", status: 404)
            }
            // The personnummer never went into the logs.
            #expect(!fixture.processes.values.contains { $0.output.contains("1212-1212") || $0.output.contains("191212121212") })
        } catch {
            try? await fixture.stop()
            throw error
        }
        try await fixture.stop()
    }

    @Test(
        "handover kommun→AF: a refusal leaves kommun owner; an acceptance ends with kommun's case closed by handover in AF's inbox",
        .timeLimit(.minutes(2)))
    func handover() async throws {
        let fixture = try AgencyProcessFixture()
        do {
            try await fixture.start(.kommun)
            try await fixture.start(.af)
            let kommun = fixture.client(.kommun)
            let af = fixture.client(.af)
            let person = try await expectJSON(kommun, "POST", "/persons", ["personnummer": "19121212-1212"], status: 201)
            let ref = try #require(person["clientRef"] as? String)
            try await expectJSON(
                kommun, "POST", "/persons/\(ref)/consents",
                [
                    "purpose": "samordning", "agencies": ["kommun", "af"], "validUntil": "2027-06-30",
                    "givenOn": DateRulesToday.text,
                ], status: 201)
            try await expectJSON(
                kommun, "POST", "/persons/\(ref)/cases",
                [
                    "area": "arbete-aktivitet", "contact": ["name": "Anna Berg", "role": "handläggare"],
                    "openedOn": DateRulesToday.text,
                ], status: 201)
            let request: [String: Any] = ["area": "arbete-aktivitet", "to": "af", "reason": "Arbetsmarknadsinsatser passar bättre hos AF"]

            // 1. Refused: the area stays with kommun, with AF's reason.
            let first = try #require(
                try await expectJSON(kommun, "POST", "/persons/\(ref)/handovers", request, status: 201)["handoverId"] as? String)
            try await waitForInbox(af, type: "handover.requested", handoverId: first)
            try await eventually("AF knows the consent") {
                ((try await af.get("/persons/\(ref)").json()["consents"] as? [[String: Any]]) ?? []).count == 1
            }
            try await expectJSON(af, "POST", "/handovers/\(first)/refuse", ["reason": "Personen saknar arbetsförmåga just nu"], status: 200)
            try await eventually("kommun learns the refusal", limit: .seconds(30)) {
                let summary = try await kommun.get("/persons/\(ref)").json()
                let handovers = (summary["handovers"] as? [[String: Any]]) ?? []
                return handovers.first { $0["handoverId"] as? String == first }?["state"] as? String == "refused"
            }
            var summary = try await kommun.get("/persons/\(ref)").json()
            var cases = (summary["cases"] as? [[String: Any]]) ?? []
            #expect(cases.count == 1 && cases[0]["open"] as? Bool == true, "kommun still owns the area after a refusal")
            #expect(
                ((summary["handovers"] as? [[String: Any]]) ?? []).first?["refusalReason"] as? String
                    == "Personen saknar arbetsförmåga just nu")

            // 2. Accepted: kommun stays owner until the acceptance arrives, then closes by handover.
            let second = try #require(
                try await expectJSON(kommun, "POST", "/persons/\(ref)/handovers", request, status: 201)["handoverId"] as? String)
            try await waitForInbox(af, type: "handover.requested", handoverId: second)
            cases = (try await kommun.get("/persons/\(ref)").json()["cases"] as? [[String: Any]]) ?? []
            #expect(cases.first?["open"] as? Bool == true, "kommun owns the area until AF accepts")
            try await expectJSON(
                af, "POST", "/handovers/\(second)/accept", ["contact": ["name": "Omar Ali"], "acceptedOn": DateRulesToday.text], status: 200
            )
            try await expectJSON(
                af, "POST", "/handovers/\(second)/accept", ["contact": ["name": "Omar Ali"], "acceptedOn": DateRulesToday.text], status: 409
            )
            try await eventually("kommun's case is closed by handover", limit: .seconds(30)) {
                let cases = (try await kommun.get("/persons/\(ref)").json()["cases"] as? [[String: Any]]) ?? []
                return cases.first?["closeReason"] as? String == "handover" && cases.first?["handoverTo"] as? String == "af"
            }
            try await eventually("kommun's case.closed (handover) reaches AF's inbox", limit: .seconds(30)) {
                let items = (try await af.get("/inbox").json()["items"] as? [[String: Any]]) ?? []
                return items.contains {
                    $0["type"] as? String == "case.closed" && $0["from"] as? String == "kommun"
                        && ($0["payload"] as? [String: Any])?["reason"] as? String == "handover"
                        && ($0["payload"] as? [String: Any])?["handoverTo"] as? String == "af"
                }
            }
            summary = try await af.get("/persons/\(ref)").json()
            cases = (summary["cases"] as? [[String: Any]]) ?? []
            #expect(cases.count == 1 && cases[0]["open"] as? Bool == true && cases[0]["area"] as? String == "arbete-aktivitet")
        } catch {
            try? await fixture.stop()
            throw error
        }
        try await fixture.stop()
    }

    @Test("SIGTERM right after accepting: the service stops gracefully and what it accepted is on Kafka", .timeLimit(.minutes(2)))
    func gracefulShutdownFlushes() async throws {
        let fixture = try AgencyProcessFixture()
        do {
            try await fixture.start(.af)
            let af = fixture.client(.af)
            let ref = try #require(
                try await expectJSON(af, "POST", "/persons", ["personnummer": "19121212-1212"], status: 201)["clientRef"] as? String)
            try await expectJSON(
                af, "POST", "/persons/\(ref)/consents",
                [
                    "purpose": "samordning", "agencies": ["af", "kommun"], "validUntil": "2027-06-30",
                    "givenOn": DateRulesToday.text,
                ], status: 201)
            var accepted: Set<String> = []
            for _ in 0..<40 {
                let answer = try await expectJSON(
                    af, "POST", "/persons/\(ref)/statuses",
                    ["type": "af.registered", "payload": ["registeredOn": DateRulesToday.text, "workCapacityPercent": 50]],
                    status: 202)
                accepted.insert(try #require(answer["eventId"] as? String))
            }
            let process = try #require(fixture.processes[.af])
            let status = try await process.stop()
            #expect(status == 0, "exit status after SIGTERM: \(process.output)")
            #expect(process.output.contains("trisam agency af: stopped"))

            let consumer = try KafkaConsumer(
                configuration: fixture.cluster.clientConfiguration.merging(["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]),
                groupID: uniqueName("flush"), topics: [Topic.status(.af)], logger: testLogger("consumer"))
            let expected = accepted
            let seen = try await withTimeout(.seconds(30), "reading af's status topic") {
                var ids: Set<String> = []
                for try await message in consumer.messages {
                    ids.insert(message.header("ce_id") ?? "")
                    if expected.isSubset(of: ids) { break }
                }
                return ids
            }
            await consumer.close()
            #expect(expected.isSubset(of: seen))
        } catch {
            try? await fixture.stop()
            throw error
        }
        try await fixture.stop()
    }

    private func waitForInbox(_ client: HTTPTestClient, type: String, handoverId: String) async throws {
        try await eventually("\(type) \(handoverId) reaches the inbox", limit: .seconds(30)) {
            let items = (try await client.get("/inbox").json()["items"] as? [[String: Any]]) ?? []
            return items.contains {
                $0["type"] as? String == type && ($0["payload"] as? [String: Any])?["handoverId"] as? String == handoverId
            }
        }
    }
}

/// Today's date in Sweden as the services compute it, for request bodies.
enum DateRulesToday {
    static var text: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
