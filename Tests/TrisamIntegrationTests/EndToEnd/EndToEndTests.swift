import Foundation
import Testing
import TrisamContracts
import TrisamKafka
import TrisamSip
import TrisamTestSupport

/// Four real `trisam agency` processes and a real `trisam coordinator` on an embedded broker in
/// the test process, all on free loopback ports, with fixed clocks so the test can speak of
/// real 2027 dates (Easter: Good Friday 26 March, Easter Monday 29 March; DST starts 28 March).
final class SystemFixture: @unchecked Sendable {
    let cluster: EmbeddedKafkaCluster
    let directory: URL
    let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    let coordinatorToken = "coordinator-token-\(UUID().uuidString)"
    private(set) var agencies: [Agency: ChildProcess] = [:]
    private(set) var ports: [Agency: Int] = [:]
    private(set) var coordinator: ChildProcess?
    private(set) var coordinatorPort = 0

    static let tokens: [Agency: String] = Dictionary(
        uniqueKeysWithValues: Agency.allCases.map { ($0, "\($0.rawValue)-token-\(UUID().uuidString)") })
    static let names: [Agency: String] = [.kommun: "Karin Lund", .af: "Anna Berg", .fk: "Fredrik Ek", .region: "Rut Dahl"]

    static var tokensJSON: String {
        "["
            + Agency.allCases.map { agency in
                #"{"token":"\#(tokens[agency]!)","agency":"\#(agency.rawValue)","name":"\#(names[agency]!)","role":"handlaggare"}"#
            }.joined(separator: ",") + "]"
    }

    static let kafkaProperties = ["session.timeout.ms=6000", "heartbeat.interval.ms=500", "topic.metadata.refresh.interval.ms=1000"]

    init() throws {
        cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger("cluster"))
        for topic in Topic.all { try cluster.createTopic(topic, partitions: 1) }
        directory = try temporaryDirectory()
    }

    /// The register key and keys directory of `agency` (``AgencyTestKeys``), unless a test put
    /// another in ``keyOverrides``.
    var keyOverrides: [Agency: [String: String]] = [:]
    /// More options for an agency's `trisam agency` command (the mail tests' relay).
    var extraArguments: [Agency: [String]] = [:]
    func keyEnvironment(_ agency: Agency) throws -> [String: String] {
        try keyOverrides[agency] ?? AgencyTestKeys.environment(for: agency)
    }

    /// Starts (or restarts, on the same store) one agency's service with a fixed clock.
    func startAgency(_ agency: Agency, clock: String) async throws {
        let port = try freeLoopbackPort()
        var arguments = [
            "agency", "--name", agency.rawValue, "--port", String(port), "--state-dir", "state",
            "--bootstrap", cluster.bootstrapServers, "--log-level", "warning", "--clock", "fixed:\(clock)",
        ]
        for property in Self.kafkaProperties { arguments += ["--kafka-property", property] }
        arguments += extraArguments[agency] ?? []
        let process = try ChildProcess(
            try trisamExecutable(), arguments, directory: directory,
            environment: [
                "TRISAM_AGENCY_TOKENS": Self.tokensJSON, "TRISAM_CLIENTREF_SECRET": secret,
            ].merging(try keyEnvironment(agency), uniquingKeysWith: { first, _ in first }))
        agencies[agency] = process
        ports[agency] = port
        try await HTTPTestClient(port: port).waitUntilServing()
    }

    func stopAgency(_ agency: Agency) async throws {
        _ = try await agencies[agency]?.stop()
        agencies[agency] = nil
    }

    func startCoordinator(clock: String) async throws {
        let tokens = directory.appendingPathComponent("coordinator-tokens.json")
        try Data("[{\"token\":\"\(coordinatorToken)\",\"name\":\"Sara Samordnare\",\"role\":\"samordnare\"}]".utf8).write(to: tokens)
        coordinatorPort = try freeLoopbackPort()
        var arguments = [
            "coordinator", "--bootstrap", cluster.bootstrapServers, "--port", String(coordinatorPort),
            "--store", directory.appendingPathComponent("coordinator.sqlite").path, "--tokens-file", tokens.path,
            "--clock", "fixed:\(clock)", "--state-dir", directory.appendingPathComponent("coordinator-state").path,
        ]
        for property in Self.kafkaProperties { arguments += ["--kafka-property", property] }
        coordinator = try ChildProcess(try trisamExecutable(), arguments, directory: directory, environment: ["LOG_LEVEL": "warning"])
        try await coordinatorClient.waitUntilServing("/health", limit: .seconds(30))
    }

    func client(_ agency: Agency) -> HTTPTestClient { HTTPTestClient(port: ports[agency]!, token: Self.tokens[agency]) }
    var coordinatorClient: HTTPTestClient { HTTPTestClient(port: coordinatorPort, token: coordinatorToken) }

    var output: String {
        (agencies.map { "--- \($0.key.rawValue)\n\($0.value.output)" } + ["--- coordinator\n\(coordinator?.output ?? "")"]).joined(
            separator: "\n")
    }

    func cleanUp() async {
        for process in agencies.values { try? await process.kill() }
        try? await coordinator?.kill()
        cluster.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Sends a request and returns the JSON body, recording a failure unless the status matches.
@discardableResult
func call(
    _ client: HTTPTestClient, _ method: String, _ path: String, _ body: Any? = nil, status: Int,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> [String: Any] {
    let response: HTTPTestClient.Response
    if let body {
        response = try await client.request(method, path, json: body)
    } else {
        response = try await client.request(method, path)
    }
    #expect(response.status == status, "\(method) \(path): \(response.status) \(response.text)", sourceLocation: sourceLocation)
    return (try? response.json()) ?? [:]
}

func errorField(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["field"] as? String }
func errorCode(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

/// Local Stockholm time in 2027 as an RFC 3339 instant (CET before 28 March, CEST from then on).
func stockholm(_ day: String, _ time: String) -> String {
    let offset = day >= "2027-03-28" && day < "2027-10-31" ? "+02:00" : "+01:00"
    return "\(day)T\(time):00\(offset)"
}

func slot(_ day: String, _ from: String, _ to: String) -> [String: String] {
    ["start": stockholm(day, from), "end": stockholm(day, to)]
}

@Suite("SIP and handlingsplan across real processes", .serialized)
struct SipFlowEndToEndTests {
    @Test("request, invitations, answers, earliest slot across Easter, calendar, held, plan, actions, overdue flag and the refusals")
    func wholeFlow() async throws {
        let system = try SystemFixture()
        do {
            try await run(system)
        } catch {
            Issue.record("process output:\n\(system.output)")
            await system.cleanUp()
            throw error
        }
        await system.cleanUp()
    }

    func run(_ system: SystemFixture) async throws {
        let start = "2027-03-22T08:00:00Z" // Monday of the week before Easter.
        for agency in Agency.allCases { try await system.startAgency(agency, clock: start) }
        try await system.startCoordinator(clock: start)
        let kommun = system.client(.kommun)
        let af = system.client(.af)
        let fk = system.client(.fk)
        let region = system.client(.region)

        let registered = try await call(kommun, "POST", "/persons", ["personnummer": "19121212-1212"], status: 201)
        let ref = try #require(registered["clientRef"] as? String)

        // Refused without a consent covering every invited agency, naming the uncovered ones.
        let sipRequest: [String: Any] = [
            "reason": "Behöver samordnade insatser efter utskrivning", "invited": ["af", "fk", "region"],
            "afterDischarge": true, "answerBy": "2027-03-24",
        ]
        let noConsent = try await call(kommun, "POST", "/persons/\(ref)/sips", sipRequest, status: 403)
        #expect(errorCode(noConsent) == "consent_missing")
        _ = try await call(
            kommun, "POST", "/persons/\(ref)/consents",
            ["purpose": "sip", "agencies": ["kommun", "af"], "givenOn": "2027-03-22", "validUntil": "2028-03-01"], status: 201)
        let partial = try await call(kommun, "POST", "/persons/\(ref)/sips", sipRequest, status: 403)
        let partialMessage = (partial["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(errorField(partial) == "invited" && partialMessage.contains("fk, region") && !partialMessage.contains("af,"), "\(partial)")
        _ = try await call(
            kommun, "POST", "/persons/\(ref)/consents",
            ["purpose": "sip", "agencies": ["kommun", "af", "fk", "region"], "givenOn": "2027-03-22", "validUntil": "2028-03-01"],
            status: 201)

        // Request: invitations reach each invitee's inbox.
        let requested = try await call(kommun, "POST", "/persons/\(ref)/sips", sipRequest, status: 201)
        let sipId = try #require(requested["sipId"] as? String)
        for client in [af, fk, region] {
            try await eventually("the invitation reaches \(client.baseURL)") {
                let inbox = try await client.get("/inbox").json()["items"] as? [[String: Any]] ?? []
                guard inbox.contains(where: { $0["type"] as? String == "sip.invitation.sent" }) else { return false }
                return try await client.get("/sips/\(sipId)").status == 200
            }
        }

        // Refused: answering for another agency.
        let forOther = try await call(
            af, "POST", "/sips/\(sipId)/invitations/fk/answer",
            ["answer": "accepted", "participant": ["name": "Anna Berg"], "availability": [slot("2027-03-30", "09:00", "12:00")]],
            status: 403)
        #expect(errorCode(forOther) == "wrong_party" && errorField(forOther) == "invitee")

        // Answers with times: everyone is free from Thursday 15:45 (too late for an hour before
        // 16:30), on Good Friday, the weekend and Easter Monday; the first common hour is
        // Tuesday 30 March 10:00 (CEST).
        let answers: [(HTTPTestClient, Agency, String, [[String: String]])] = [
            (
                af, .af, "Anna Berg",
                [
                    slot("2027-03-25", "15:45", "18:00"), slot("2027-03-26", "08:00", "17:00"),
                    slot("2027-03-27", "08:00", "17:00"), slot("2027-03-29", "08:00", "17:00"), slot("2027-03-30", "09:00", "12:00"),
                ]
            ),
            (
                fk, .fk, "Fredrik Ek",
                [
                    slot("2027-03-25", "15:45", "18:00"), slot("2027-03-26", "08:00", "17:00"),
                    slot("2027-03-29", "08:00", "17:00"), slot("2027-03-30", "10:00", "16:00"),
                ]
            ),
            (
                region, .region, "Rut Dahl",
                [
                    slot("2027-03-25", "15:45", "18:00"), slot("2027-03-29", "08:00", "17:00"),
                    slot("2027-03-30", "08:00", "16:00"),
                ]
            ),
        ]
        for (client, agency, name, windows) in answers {
            // The consent travels on its own topic; the invitee answers once it has arrived.
            try await eventually("\(agency.rawValue) answers") {
                let response = try await client.post(
                    "/sips/\(sipId)/invitations/\(agency.rawValue)/answer",
                    json: [
                        "answer": "accepted", "participant": ["name": name, "role": "handläggare"],
                        "availability": windows,
                    ])
                if response.status == 403, response.text.contains("consent_missing") { return false }
                #expect(response.status == 200, "\(response.text)")
                return true
            }
        }
        try await eventually("the caller sees every answer") {
            let view = try await kommun.get("/sips/\(sipId)").json()
            let invitations = view["invitations"] as? [[String: Any]] ?? []
            return invitations.count == 3 && invitations.allSatisfy { $0["answer"] as? String == "accepted" }
        }

        // Refused: scheduling in the past.
        let past = try await call(
            kommun, "POST", "/sips/\(sipId)/schedule",
            ["start": "2027-03-19T09:00:00Z", "end": "2027-03-19T10:00:00Z"], status: 400)
        #expect(errorField(past) == "start")
        // Refused: only the caller schedules.
        #expect(errorCode(try await call(af, "POST", "/sips/\(sipId)/schedule", ["durationMinutes": 60], status: 403)) == "wrong_party")

        // The earliest common slot, across Good Friday, the weekend and Easter Monday.
        let scheduled = try await call(
            kommun, "POST", "/sips/\(sipId)/schedule", ["durationMinutes": 60, "location": "Socialkontoret, rum 3"],
            status: 200)
        let meeting = try #require(scheduled["meeting"] as? [String: Any])
        #expect(meeting["start"] as? String == "2027-03-30T08:00:00.000Z" && meeting["end"] as? String == "2027-03-30T09:00:00.000Z")
        #expect(scheduled["sequence"] as? Int == 0)

        let first = try await calendar(kommun, sipId)
        let firstEvent = try #require(first.components("VEVENT").first)
        #expect(first.property("METHOD")?.value == "REQUEST")
        #expect(firstEvent.property("SEQUENCE")?.value == "0")
        #expect(firstEvent.property("DTSTART")?.parameter("TZID") == "Europe/Stockholm")
        #expect(firstEvent.property("DTSTART")?.value == "20270330T100000")
        #expect(first.components("VTIMEZONE").first?.property("TZID")?.value == "Europe/Stockholm")
        let attendees = firstEvent.properties("ATTENDEE").compactMap { $0.parameter("CN") }
        for name in ["Karin Lund", "Anna Berg", "Fredrik Ek", "Rut Dahl"] {
            #expect(attendees.contains { $0.contains(name) }, "\(attendees)")
        }
        let uid = try #require(firstEvent.property("UID")?.value)

        // Every participant is told: the invitee's own calendar file has the same meeting.
        try await eventually("af has the scheduled meeting") { (try await af.get("/sips/\(sipId)/calendar.ics")).status == 200 }
        let afCalendar = try await calendar(af, sipId)
        #expect(afCalendar.components("VEVENT").first?.property("UID")?.value == uid)

        // Override to a time staff choose: same UID, SEQUENCE 1.
        let moved = try await call(
            kommun, "POST", "/sips/\(sipId)/reschedule",
            ["start": stockholm("2027-03-31", "13:00"), "end": stockholm("2027-03-31", "14:00")], status: 200)
        #expect(moved["sequence"] as? Int == 1)
        let second = try await calendar(kommun, sipId)
        #expect(second.components("VEVENT").first?.property("UID")?.value == uid)
        #expect(second.components("VEVENT").first?.property("SEQUENCE")?.value == "1")
        #expect(second.components("VEVENT").first?.property("DTSTART")?.value == "20270331T130000")

        // A third SIP: fk declines, region never answers before 25 March.
        let third = try await call(
            kommun, "POST", "/persons/\(ref)/sips",
            ["reason": "Uppföljning av insatser", "invited": ["fk", "region"], "answerBy": "2027-03-25"], status: 201)
        let thirdId = try #require(third["sipId"] as? String)
        try await eventually("fk declines the third invitation") {
            (try await fk.post(
                "/sips/\(thirdId)/invitations/fk/answer", json: ["answer": "declined", "reason": "Inget pågående ärende hos FK"])).status
                == 200
        }
        // The invitee that declined sees its own answer, not a SIP still waiting for it.
        let declinedView = try await call(fk, "GET", "/sips/\(thirdId)", status: 200)
        #expect(declinedView["state"] as? String == "declined" && declinedView["ownAnswer"] as? String == "declined", "\(declinedView)")
        try await eventually("kommun has fk's answer") {
            ((try await kommun.get("/sips/\(thirdId)").json()["invitations"] as? [[String: Any]])?.first?["answer"] as? String)
                == "declined"
        }

        // The meeting is held (the caller's clock moves past it: restart on the same store).
        try await system.stopAgency(.kommun)
        try await system.startAgency(.kommun, clock: "2027-04-01T08:00:00Z")
        let kommunLater = system.client(.kommun)
        // Past the answer date, the caller's service escalates region's silence into its own inbox, once.
        try await eventually("kommun's inbox has the reminder about region") {
            let items = try await kommunLater.get("/inbox?limit=200").json()["items"] as? [[String: Any]] ?? []
            let reminders = items.filter { $0["type"] as? String == "sip.invitation.overdue" }
            guard !reminders.isEmpty else { return false }
            #expect(reminders.count == 1, "one reminder, for region only: \(reminders)")
            #expect(
                (reminders.first?["summary"] as? String)?.hasPrefix("Påminnelse: Regionen har inte svarat på kallelsen") == true,
                "\(reminders)")
            #expect((reminders.first?["payload"] as? [String: Any])?["sipId"] as? String == thirdId)
            return true
        }
        _ = try await call(
            kommunLater, "POST", "/sips/\(sipId)/held",
            [
                "heldOn": "2027-03-31",
                "attendees": [
                    ["agency": "kommun", "name": "Karin Lund"], ["agency": "af", "name": "Anna Berg"],
                    ["agency": "fk", "name": "Fredrik Ek"], ["agency": "region", "name": "Rut Dahl"],
                ],
            ],
            status: 200)

        // Refused: a plan without a lead agency.
        var planBody: [String: Any] = [
            "sipId": sipId, "participants": ["kommun", "af", "fk", "region"],
            "goals": ["Egen försörjning inom 18 månader"], "subGoals": ["Stabil behandling", "Arbetsträning 50 %"],
            "personGoal": "Jag vill jobba med djur", "followUpOn": "2027-06-01",
            "actions": [
                [
                    "owner": "af", "ownerContact": ["name": "Anna Berg"], "description": "Kartläggning av arbetsförmåga",
                    "dueDate": "2027-04-20",
                ],
                [
                    "owner": "fk", "ownerContact": ["name": "Fredrik Ek"], "description": "Avstämningsmöte om sjukpenning",
                    "dueDate": "2027-04-15",
                ],
                [
                    "owner": "region", "ownerContact": ["name": "Rut Dahl"], "description": "Läkarintyg med funktionsbeskrivning",
                    "dueDate": "2027-04-10",
                ],
            ],
        ]
        let noLead = try await call(kommunLater, "POST", "/persons/\(ref)/plans", planBody, status: 400)
        #expect(errorField(noLead) == "leadAgency" && errorCode(noLead) == "missing_field")
        planBody["leadAgency"] = "kommun"
        let plan = try await call(kommunLater, "POST", "/persons/\(ref)/plans", planBody, status: 201)
        let planId = try #require(plan["planId"] as? String)
        #expect(plan["actionIds"] as? [String] == ["a1", "a2", "a3"])

        // Each owner sees its action; af completes, fk marks it not possible, region does nothing.
        for (client, agency) in [(af, Agency.af), (fk, .fk), (region, .region)] {
            try await eventually("\(agency.rawValue) sees its action") {
                ((try await client.get("/actions?state=open").json()["items"] as? [[String: Any]]) ?? []).count == 1
            }
        }
        #expect(
            errorCode(try await call(kommunLater, "POST", "/plans/\(planId)/actions/a1/done", [:] as [String: Any], status: 403))
                == "wrong_party")
        _ = try await call(af, "POST", "/plans/\(planId)/actions/a1/done", ["note": "Kartläggning klar"], status: 200)
        _ = try await call(
            fk, "POST", "/plans/\(planId)/actions/a2/not-possible", ["reason": "Personen har inte längre sjukpenning"], status: 200)
        try await eventually("the lead sees both") {
            let actions = try await kommunLater.get("/plans/\(planId)").json()["actions"] as? [[String: Any]] ?? []
            return Set(actions.map { "\($0["actionId"]!)=\($0["state"]!)" }) == ["a1=done", "a2=not-possible", "a3=open"]
        }

        // Revised at a follow-up: history kept.
        let revised = try await call(
            kommunLater, "POST", "/plans/\(planId)/revise",
            [
                "goals": ["Egen försörjning inom 18 månader"], "personGoal": "Jag vill jobba med djur på heltid",
                "followUpOn": "2027-09-01",
                "actions": [
                    [
                        "owner": "kommun", "ownerContact": ["name": "Karin Lund"], "description": "Praktik på djurgård",
                        "dueDate": "2027-06-30",
                    ]
                ],
            ], status: 200)
        #expect(revised["revision"] as? Int == 2 && revised["actionIds"] as? [String] == ["a4"])
        let planView = try await call(kommunLater, "GET", "/plans/\(planId)", status: 200)
        let revisions = planView["revisions"] as? [[String: Any]] ?? []
        #expect(revisions.map { $0["personGoal"] as? String } == ["Jag vill jobba med djur", "Jag vill jobba med djur på heltid"])

        // The coordinator: only region's action is overdue once its clock passes 10 April.
        try await eventually("the coordinator has the plan at revision 2") {
            let state = try await system.coordinatorClient.get("/persons/\(ref)")
            guard state.status == 200, let body = try? state.json(), let plans = findPlans(body) else { return false }
            return plans.first?["revision"] as? Int == 2 && (plans.first?["actions"] as? [Any])?.count == 4
        }
        let person = try await system.coordinatorClient.get("/persons/\(ref)").json()
        let coordinatorPlan = try #require(findPlans(person)?.first)
        let finished = (coordinatorPlan["actions"] as? [[String: Any]] ?? []).filter { $0["completed"] != nil }
        #expect(
            finished.count == 2 && finished.compactMap { $0["notPossibleReason"] as? String } == ["Personen har inte längre sjukpenning"])
        let sips = ((person["state"] as? [String: Any])?["sips"] as? [[String: Any]]) ?? []
        #expect(sips.first { $0["id"] as? String == sipId }?["held"] != nil, "the coordinator shows the SIP as held: \(sips)")
        let clock = try await system.coordinatorClient.post("/admin/clock", json: ["now": "2027-04-12T08:00:00Z"])
        #expect(clock.status == 200, "\(clock.text)")
        try await eventually("the overdue action is flagged") {
            let flags =
                try await system.coordinatorClient.get("/flags?rule=plan-action-overdue&limit=100").json()["flags"] as? [[String: Any]]
                ?? []
            guard let flag = flags.first(where: { $0["clientRef"] as? String == ref }) else { return false }
            let text = "\(flag)"
            #expect(text.contains("Läkarintyg") && !text.contains("Avstämningsmöte") && !text.contains("Kartläggning"), "\(text)")
            return true
        }

        // Closing records the outcome.
        let closed = try await call(kommunLater, "POST", "/plans/\(planId)/close", ["outcome": "work"], status: 200)
        #expect(closed["outcome"] as? String == "work")

        // A second SIP is cancelled: the calendar file becomes METHOD:CANCEL with a higher SEQUENCE.
        let other = try await call(kommunLater, "POST", "/persons/\(ref)/sips", ["reason": "Uppföljning", "invited": ["af"]], status: 201)
        let otherId = try #require(other["sipId"] as? String)
        try await eventually("af answers the second invitation") {
            let response = try await af.post(
                "/sips/\(otherId)/invitations/af/answer",
                json: [
                    "answer": "accepted", "participant": ["name": "Anna Berg"],
                    "availability": [slot("2027-04-06", "08:00", "12:00")],
                ])
            return response.status == 200
        }
        try await eventually("kommun has the answer") {
            ((try await kommunLater.get("/sips/\(otherId)").json()["invitations"] as? [[String: Any]])?.first?["answer"] as? String)
                == "accepted"
        }
        _ = try await call(kommunLater, "POST", "/sips/\(otherId)/schedule", [:] as [String: Any], status: 200)
        let otherUID = try await calendar(kommunLater, otherId).components("VEVENT").first?.property("UID")?.value
        _ = try await call(kommunLater, "POST", "/sips/\(otherId)/cancel", ["reason": "Personen har flyttat"], status: 200)
        let cancelled = try await calendar(kommunLater, otherId)
        #expect(cancelled.property("METHOD")?.value == "CANCEL")
        #expect(cancelled.components("VEVENT").first?.property("UID")?.value == otherUID)
        #expect(cancelled.components("VEVENT").first?.property("SEQUENCE")?.value == "1")
        #expect(cancelled.components("VEVENT").first?.property("STATUS")?.value == "CANCELLED")
    }

    /// Downloads and parses a SIP's calendar file, checking the content type.
    func calendar(_ client: HTTPTestClient, _ sipId: String) async throws -> ICalendarComponent {
        let response = try await client.get("/sips/\(sipId)/calendar.ics")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers.first { $0.key.lowercased() == "content-type" }?.value.hasPrefix("text/calendar") == true)
        let parsed = try ICalendarParser.parse(response.text)
        // An independent RFC 5545 reader (Python's icalendar) agrees with ours on the served file.
        if let python = try PythonICalendar.read(response.text) {
            let event = parsed.components("VEVENT").first
            #expect(python["errors"] as? [String] == [], "icalendar reported errors: \(python)")
            #expect(python["missing_tzids"] as? [String] == [], "every TZID has its VTIMEZONE")
            #expect(python["method"] as? String == parsed.property("METHOD")?.value)
            #expect(python["uid"] as? String == event?.property("UID")?.value)
            #expect((python["sequence"] as? Int).map(String.init) == event?.property("SEQUENCE")?.value)
            #expect(python["dtstart_tzid"] as? String == "Europe/Stockholm")
            #expect((python["attendees"] as? Int ?? 0) >= 2, "\(python)")
        }
        return parsed
    }
}

/// Reads a calendar file with Python's `icalendar` (`$TRISAM_PYTHON` or python3). Returns nil
/// where python or the package is absent, except on CI (`CI=true`), where that is a failure.
enum PythonICalendar {
    static let available: Bool =
        ProcessInfo.processInfo.environment["CI"] == "true"
        || (try? runPython(["-c", "import icalendar"], input: Data()))?.status == 0

    static func read(_ text: String) throws -> [String: Any]? {
        guard available else { return nil }
        let result = try runPython(["-c", script], input: Data(text.utf8))
        guard result.status == 0 else { throw ProcessTestError("python icalendar failed: \(result.error)") }
        return try JSONSerialization.jsonObject(with: result.output) as? [String: Any]
    }

    static let script = #"""
        import sys, json
        from icalendar import Calendar
        cal = Calendar.from_ical(sys.stdin.buffer.read())
        errors = [f"{c.name}: {e}" for c in cal.walk() for e in getattr(c, "errors", [])]
        event = cal.walk("VEVENT")[0]
        attendees = event.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        print(json.dumps({"errors": errors, "missing_tzids": sorted(cal.get_missing_tzids()), "method": str(cal.get("METHOD")),
                          "uid": str(event["UID"]), "sequence": int(event.get("SEQUENCE", 0)),
                          "dtstart_tzid": event["DTSTART"].params.get("TZID"), "attendees": len(attendees)}))
        """#
}

/// The plans of a coordinator person view (`plans` at the top or under `state`).
func findPlans(_ body: [String: Any]) -> [[String: Any]]? {
    if let plans = body["plans"] as? [[String: Any]] { return plans }
    if let state = body["state"] as? [String: Any] { return findPlans(state) }
    return nil
}
