import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TrisamContracts
import TrisamHTTP
import TrisamTestSupport

@testable import TrisamAgency

#if canImport(Glibc)
    import Glibc
#endif

private let today = LocalDate("2026-11-24")!
private let rules = DateRules(today: today)
private let ref = ClientRef(rawValue: String(repeating: "a", count: 32))!

/// Decodes a status change of `agency` and answers the refusal (nil when accepted).
private func statusRefusal(_ agency: Agency, _ type: String, _ payload: String) -> APIError? {
    do {
        _ = try StatusRequest.decode(Data(#"{"type":"\#(type)","payload":\#(payload)}"#.utf8), agency: agency, clientRef: ref, rules: rules)
        return nil
    } catch {
        return error
    }
}

@Suite("Numbers and dates in requests: the field and the rule are named")
struct RequestRulesTests {
    @Test("a non-integer or too large number in a status payload names the field and the rule")
    func statusNumbers() {
        let measure = #"{"measureId":"m1","measure":"arbetstraning","startDate":"2026-11-01","extentPercent":%@}"#
        for value in ["50.5", "1e30", "12345678901234567890123"] {
            let refusal = statusRefusal(.kommun, "kommun.measure.started", measure.replacingOccurrences(of: "%@", with: value))
            #expect(refusal?.code == .invalidField && refusal?.field == "payload.extentPercent", "\(value): \(String(describing: refusal))")
            #expect(refusal?.message.contains("must be a whole number from 1 to 100") == true, "\(String(describing: refusal))")
        }
        let outOfRange = statusRefusal(.kommun, "kommun.measure.started", measure.replacingOccurrences(of: "%@", with: "150"))
        #expect(outOfRange?.field == "payload.extentPercent" && outOfRange?.message.contains("from 1 to 100, got 150") == true)
        let capacity = statusRefusal(.af, "af.registered", #"{"registeredOn":"2026-11-20","workCapacityPercent":12.5}"#)
        #expect(capacity?.field == "payload.workCapacityPercent" && capacity?.message.contains("from 0 to 100") == true)
        let milestone = statusRefusal(.fk, "fk.rehabkedja.milestone", #"{"day":90.5,"reachedOn":"2026-11-20"}"#)
        #expect(milestone?.field == "payload.day" && milestone?.message.contains("must be 90, 180 or 365") == true)
        let sickNote = statusRefusal(
            .region, "region.sicknote.issued",
            #"{"sickNoteId":"s1","extentPercent":62.5,"from":"2026-11-01","until":"2026-12-01","renewal":false}"#)
        #expect(sickNote?.field == "payload.extentPercent" && sickNote?.message.contains("must be 25, 50, 75 or 100") == true)
    }

    @Test("a non-integer durationMinutes is refused naming the field and the rule")
    func durationMinutes() {
        #expect(throws: APIError.invalid("durationMinutes", "must be a whole number from 15 to 480, got 30.5")) {
            try StrictBody.decode(ScheduleSipRequest.self, from: Data(#"{"durationMinutes":30.5}"#.utf8))
        }
        #expect(throws: APIError.invalid("durationMinutes", "must be a whole number from 15 to 480, got 500")) {
            try StrictBody.decode(ScheduleSipRequest.self, from: Data(#"{"durationMinutes":500}"#.utf8)).duration()
        }
    }

    @Test("status dates lie within their window: 10 years back, 1 year ahead (3 for aktivitetsersättning's end)")
    func statusDates() {
        let measure = #"{"measureId":"m1","measure":"arbetstraning","startDate":"%@","extentPercent":50}"#
        #expect(statusRefusal(.kommun, "kommun.measure.started", measure.replacingOccurrences(of: "%@", with: "2027-06-01")) == nil)
        for date in ["2199-12-31", "2027-11-26", "2016-11-01"] {
            let refusal = statusRefusal(.kommun, "kommun.measure.started", measure.replacingOccurrences(of: "%@", with: date))
            #expect(refusal?.field == "payload.startDate", "\(date): \(String(describing: refusal))")
            #expect(refusal?.message.contains("must lie from 2016-11-23 to 2027-11-25") == true, "\(String(describing: refusal))")
        }
        let future = statusRefusal(.af, "af.registered", #"{"registeredOn":"2026-11-25"}"#)
        #expect(future?.field == "payload.registeredOn" && future?.message.contains("must not be in the future") == true)
        let granted = #"{"from":"2026-11-01","until":"%@","extentPercent":100}"#
        #expect(statusRefusal(.fk, "fk.aktivitetsersattning.granted", granted.replacingOccurrences(of: "%@", with: "2029-10-31")) == nil)
        let tooLong = statusRefusal(.fk, "fk.aktivitetsersattning.granted", granted.replacingOccurrences(of: "%@", with: "2030-01-01"))
        #expect(tooLong?.field == "payload.until" && tooLong?.message.contains("3 years") == true)
        let month = statusRefusal(.kommun, "kommun.forsorjningshinder.reported", #"{"code":"arbetslos","month":"2026-12"}"#)
        #expect(month?.field == "payload.month" && month?.message.contains("not after this month") == true)
        #expect(statusRefusal(.kommun, "kommun.forsorjningshinder.reported", #"{"code":"arbetslos","month":"2026-11"}"#) == nil)
    }

    @Test("plan actions are due within 2 years; SIP times lie within a year")
    func planAndSipHorizons() throws {
        let contact = Contact(name: "Per Lind")
        let action = PlanActionInput(owner: .af, ownerContact: contact, description: "Kartläggning.", dueDate: today.adding(days: 800))
        #expect(throws: APIError.invalid("actions[0].dueDate", "must be within 2 years (by 2028-11-24), got 2029-02-01")) {
            try PlanChecks.events(
                planId: "p1", sipId: nil, lead: .kommun, participants: [.kommun, .af], goals: ["Arbete."], subGoals: [],
                personGoal: nil, followUpOn: today.adding(days: 30), actions: [action], firstAction: 1, revision: 1, rules: rules)
        }
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let far = now.addingTimeInterval(400 * 86_400)
        let answer = AnswerSipRequest(
            answer: .accepted, participant: contact, availability: [TimeSlot(start: far, end: far.addingTimeInterval(3600))], reason: nil)
        do {
            _ = try answer.validated(sipId: "s1", caller: .kommun, invitee: .af, now: now)
            Issue.record("availability 400 days ahead was accepted")
        } catch {
            #expect(error.field == "availability[0].start" && error.message.contains("at most a year ahead"))
        }
    }

    @Test("an actions cursor is checked for its shape only, as the contract's pattern states")
    func actionCursor() {
        #expect(ActionCursor("2026-02-30~p1~a1") != nil)
        #expect(ActionCursor("2026-2-3~p1~a1") == nil)
        #expect(ActionCursor("0") == nil)
    }
}

@Suite("Agency refusals over HTTP: 409 and 431 with the error body")
struct AgencyRefusalRouteTests {
    /// A POST with kommun's token.
    static func post(_ client: some TestClientProtocol, _ path: String, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: path, method: .post, headers: RouteTests.bearer(RouteTests.kommunToken), body: ByteBuffer(string: body)
        ) {
            $0
        }
    }

    /// kommun registers a person and records a consent for `purpose` covering kommun and AF;
    /// answers the clientRef.
    static func personWithConsent(_ client: some TestClientProtocol, purpose: String) async throws -> String {
        let person = try await post(client, "/persons", #"{"personnummer":"19121212-1212"}"#)
        let clientRef = try #require(RouteTests.json(person)["clientRef"] as? String)
        let consent = try await post(
            client, "/persons/\(clientRef)/consents",
            #"{"purpose":"\#(purpose)","agencies":["kommun","af"],"validUntil":"2027-11-01","givenOn":"2026-11-20"}"#)
        #expect(consent.status == .created, "\(RouteTests.json(consent))")
        return clientRef
    }

    @Test("closing a case while its handover waits is 409 conflict naming area")
    func closeDuringHandover() async throws {
        try await RouteTests.withRouter { client in
            func post(_ path: String, _ body: String) async throws -> TestResponse { try await Self.post(client, path, body) }
            let clientRef = try await Self.personWithConsent(client, purpose: "samordning")
            let opened = try await post(
                "/persons/\(clientRef)/cases", #"{"area":"arbete-aktivitet","contact":{"name":"Anna Berg"},"openedOn":"2026-11-20"}"#)
            #expect(opened.status == .created, "\(RouteTests.json(opened))")
            let handover = try await post("/persons/\(clientRef)/handovers", #"{"area":"arbete-aktivitet","to":"af","reason":"Klar."}"#)
            #expect(handover.status == .created, "\(RouteTests.json(handover))")
            let close = try await post(
                "/persons/\(clientRef)/cases/arbete-aktivitet/close", #"{"reason":"completed","closedOn":"2026-11-24"}"#)
            #expect(close.status == .conflict)
            #expect(RouteTests.error(close).code == "conflict" && RouteTests.error(close).field == "area", "\(RouteTests.json(close))")
        }
    }

    @Test("paging parameters that are not whole numbers in range name the parameter and the rule")
    func pagingParameters() async throws {
        try await RouteTests.withRouter { client in
            let auth = RouteTests.bearer(RouteTests.kommunToken)
            let cases: [(uri: String, field: String, rule: String)] = [
                ("/inbox?limit=5.5", "limit", "must be a whole number from 1 to 200"),
                ("/inbox?limit=0", "limit", "must be a whole number from 1 to 200"),
                ("/audit?limit=201", "limit", "must be a whole number from 1 to 200"),
                ("/inbox?before=0", "before", "positive integer"),
                ("/audit?before=1.5", "before", "positive integer"),
                ("/actions?after=0", "after", "next cursor"),
            ]
            for item in cases {
                try await client.execute(uri: item.uri, method: .get, headers: auth) { response in
                    #expect(response.status == .badRequest, "\(item.uri)")
                    let error = RouteTests.error(response)
                    #expect(error.code == "invalid_field" && error.field == item.field, "\(item.uri): \(error)")
                    #expect(error.message?.contains(item.rule) == true, "\(item.uri): \(error)")
                }
            }
            try await client.execute(uri: "/actions?after=2026-02-30~p1~a1", method: .get, headers: auth) { response in
                #expect(response.status == .ok, "the contract's pattern admits it")
            }
        }
    }

    @Test("a plan naming a SIP the agency does not hold is 409 conflict naming sipId, not 404 as for an unknown person")
    func planWithUnknownSip() async throws {
        try await RouteTests.withRouter { client in
            func post(_ path: String, _ body: String) async throws -> TestResponse { try await Self.post(client, path, body) }
            let clientRef = try await Self.personWithConsent(client, purpose: "sip")
            let plan = try await post(
                "/persons/\(clientRef)/plans",
                #"{"sipId":"s-unknown","leadAgency":"kommun","participants":["kommun","af"],"goals":["Arbete."],"followUpOn":"2027-01-10","actions":[]}"#
            )
            #expect(plan.status == .conflict, "\(RouteTests.json(plan))")
            #expect(RouteTests.error(plan).code == "conflict" && RouteTests.error(plan).field == "sipId")
        }
    }

    @Test("headers over the limit get 431, a malformed request 400, both with the JSON error body rather than a bare 400")
    func oversizedHeader() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: .kommun)
        let service = AgencyService(
            agency: .kommun, store: store, pseudonymizer: .development, signal: OutboxSignal(),
            logger: testLogger("agency"), today: { today })
        let tokens = try StaffTokens(json: Data("[]".utf8))
        let app = Application(
            router: AgencyRoutes.router(service: service, tokens: tokens), server: TrisamHTTPServer.http1(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            let huge: HTTPFields = [HTTPField.Name("X-Padding")!: String(repeating: "a", count: 100 * 1024)]
            try await client.execute(uri: "/health", method: .get, headers: huge) { response in
                #expect(response.status.code == 431)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let error = RouteTests.error(response)
                #expect(error.code == "header_too_large" && error.field == "(headers)" && error.message?.isEmpty == false)
            }
            let port = try #require(client.port)
            let answer = try rawExchange(port: port, "GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer)")
            #expect(answer.contains(#""code":"malformed_request""#) && answer.contains(#""field":"(request)""#), "\(answer)")
        }
    }
}

/// Sends `text` as is over a TCP connection to 127.0.0.1:`port` and answers everything the
/// server writes until it closes (for requests no HTTP client would send).
private func rawExchange(port: Int, _ text: String) throws -> String {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw ProcessTestError("socket() failed") }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw ProcessTestError("connect() failed") }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let bytes = Array(text.utf8)
    guard send(socket, bytes, bytes.count, 0) == bytes.count else { throw ProcessTestError("send() failed") }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(socket, &buffer, buffer.count, 0)
        if count <= 0 { break }
        received += buffer[0..<count]
    }
    return String(decoding: received, as: UTF8.self)
}
