import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamHTTP
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// The API's routes for work on flags, in process: the actor is the token's principal, and every
/// refusal names its field.
@Suite("Flag work routes in process")
struct FlagWorkRouteTests {
    static let token = "coordinator-token-0123456789"
    static let bearer: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
    static let person = ClientRef(rawValue: String(repeating: "ab", count: 16))!
    static let flagId = "\(person.rawValue):grey-zone:0"

    static func withRouter(_ test: @escaping @Sendable (any TestClientProtocol, CoordinatorStore) async throws -> Void) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        try await store.pool.write { db in
            try CoordinatorStore.insertFlag(
                FlagRow(
                    seq: 0, flagId: flagId, clientRef: person.rawValue, rule: "grey-zone", severity: .high, title: "Gråzon",
                    explanation: "Förklaring.", agencies: [.fk, .af], since: now, raisedAt: now), in: db)
        }
        let clock = CoordinatorClock.fixed(at: now)
        let metrics = CoordinatorMetrics()
        let engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: clock, metrics: metrics)
        let api = CoordinatorAPI(
            store: store, engine: engine, rules: GapRules(), clock: clock, metrics: metrics,
            tokens: AccessTokens([.init(token: token, name: "Testa Samordnare", role: "samordnare")]))
        try await Application(router: api.router()).test(.router) { client in try await test(client, store) }
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
    }

    static func error(_ response: TestResponse) -> (code: String?, field: String?) {
        let error = json(response)["error"] as? [String: Any]
        return (error?["code"] as? String, error?["field"] as? String)
    }

    @Test("take, assign, comment, next step, set aside and close through the API, by the token's principal")
    func workThroughTheAPI() async throws {
        try await Self.withRouter { client, store in
            let path = "/flags/\(Self.flagId)"
            let steps: [(String, String, String)] = [
                ("take", "", "flag.taken"),
                ("assign", #"{"name":"Frida Ek","agency":"fk","phone":"010-123 45 67"}"#, "flag.assigned"),
                ("comment", #"{"comment":"Ringt FK."}"#, "flag.commented"),
                ("next-step", #"{"nextStep":"FK bokar möte","dueOn":"2026-11-25"}"#, "flag.next-step.agreed"),
                ("set-aside", #"{"until":"2026-11-30","reason":"Väntar på intyg"}"#, "flag.set-aside"),
            ]
            for (action, body, type) in steps {
                try await client.execute(uri: "\(path)/\(action)", method: .post, headers: Self.bearer, body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == .ok, "\(action): \(String(buffer: response.body))")
                    #expect(Self.json(response)["eventType"] as? String == type)
                }
            }
            try await client.execute(uri: "/flags?view=aside", method: .get, headers: Self.bearer) { response in
                #expect((Self.json(response)["flags"] as? [Any])?.count == 1)
            }
            try await client.execute(uri: "/flags?view=queue", method: .get, headers: Self.bearer) { response in
                #expect((Self.json(response)["flags"] as? [Any])?.count == 0)
            }
            try await client.execute(
                uri: "\(path)/close", method: .post, headers: Self.bearer, body: ByteBuffer(string: #"{"reason":"Flyttat"}"#)
            ) {
                response in
                let flag = Self.json(response)["flag"] as? [String: Any]
                let work = flag?["work"] as? [String: Any]
                #expect(work?["status"] as? String == "closed" && work?["owner"] as? String == "Frida Ek")
                let history = Self.json(response)["history"] as? [[String: Any]]
                #expect(history?.count == 6)
                #expect(history?.allSatisfy { $0["actor"] as? String == "Testa Samordnare" } == true)
            }
            try await client.execute(uri: path, method: .get, headers: Self.bearer) { response in
                #expect(response.status == .ok)
                #expect((Self.json(response)["history"] as? [Any])?.count == 6)
            }
            #expect(
                try store.auditPage(limit: 10).entries.filter { $0.reader == "Testa Samordnare" && $0.action.hasPrefix("flag.") }.count == 6
            )
        }
    }

    @Test("refusals are specific: the field and why, 400, 404 or 409")
    func refusals() async throws {
        try await Self.withRouter { client, _ in
            let path = "/flags/\(Self.flagId)"
            func expect(_ action: String, _ body: String, _ status: HTTPResponse.Status, _ code: String?, _ field: String?) async throws {
                try await client.execute(uri: "\(path)/\(action)", method: .post, headers: Self.bearer, body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == status, "\(action) \(body): \(String(buffer: response.body))")
                    #expect(Self.error(response).code == code && Self.error(response).field == field, "\(action) \(body)")
                }
            }
            try await expect("comment", "{}", .badRequest, "missing_field", "comment")
            try await expect("comment", #"{"comment":"  "}"#, .badRequest, "missing_field", "comment")
            try await expect("comment", #"{"comment":"Gäller 19121212-1212"}"#, .badRequest, "invalid_field", "comment")
            try await expect("comment", #"{"text":"x"}"#, .badRequest, "unknown_field", "text")
            try await expect("comment", #"{"comment":5}"#, .badRequest, "invalid_field", "comment")
            try await expect("assign", #"{"name":"Frida","agency":"skatteverket"}"#, .badRequest, "invalid_field", "agency")
            try await expect("assign", #"{"name":"Frida","agency":"fk","phone":"ring"}"#, .badRequest, "invalid_field", "phone")
            try await expect("set-aside", #"{"until":"2026-11-18","reason":"x"}"#, .badRequest, "invalid_field", "until")
            try await expect("set-aside", #"{"until":"i morgon","reason":"x"}"#, .badRequest, "invalid_field", "until")
            try await expect("next-step", #"{"nextStep":"Ring","dueOn":"2026-11-01"}"#, .badRequest, "invalid_field", "dueOn")
            try await expect("close", "{}", .badRequest, "missing_field", "reason")
            try await expect("take", "", .ok, nil, nil)
            try await expect("take", "", .conflict, "conflict", "flagId")
            try await client.execute(uri: "/flags/nope/take", method: .post, headers: Self.bearer) { response in
                #expect(response.status == .notFound && Self.error(response).field == "flagId")
            }
            try await client.execute(uri: "\(path)/take", method: .post) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/flags?view=everything", method: .get, headers: Self.bearer) { response in
                #expect(response.status == .badRequest && Self.error(response).field == "view")
            }
        }
    }
}
