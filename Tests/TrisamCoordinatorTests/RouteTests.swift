import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamHTTP
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// The coordinator's API routes in process (HummingbirdTesting, no server, no Kafka): the
/// refusals of the shared HTTP layer.
@Suite("Coordinator routes in process")
struct CoordinatorRouteTests {
    static let token = "coordinator-token-0123456789"

    static func withRouter(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
        let clock = CoordinatorClock.fixed(at: Date(timeIntervalSince1970: 1_795_000_000))
        let metrics = CoordinatorMetrics()
        let engine = try CoordinatorEngine(store: store, rules: GapRules(), clock: clock, metrics: metrics)
        let api = CoordinatorAPI(
            store: store, engine: engine, rules: GapRules(), clock: clock, metrics: metrics,
            tokens: AccessTokens([.init(token: token, name: "Testa Samordnare", role: "samordnare")]))
        try await Application(router: api.router()).test(.router, test)
    }

    static let bearer: HTTPFields = [.authorization: "Bearer \(token)"]

    static func error(_ response: TestResponse) -> (code: String?, field: String?, message: String?) {
        let body = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
        let error = body["error"] as? [String: Any]
        return (error?["code"] as? String, error?["field"] as? String, error?["message"] as? String)
    }

    @Test("/health and /metrics are open; the API is 401 without or with an unknown token")
    func authentication() async throws {
        try await Self.withRouter { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/flags", method: .get) { response in
                #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] != nil)
                #expect(Self.error(response).code == "unauthorized")
                #expect(Self.error(response).message?.hasPrefix("missing Authorization header") == true)
                #expect(Self.error(response).field == "Authorization")
            }
            try await client.execute(uri: "/audit", method: .get, headers: [.authorization: "Bearer not-a-known-token-at-all"]) {
                response in
                #expect(response.status == .unauthorized && Self.error(response).field == "Authorization")
            }
            try await client.execute(uri: "/flags", method: .get, headers: Self.bearer) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("unknown path 404, wrong method 405 with Allow, bad clientRef and query 400 naming the field, unknown person 404")
    func refusals() async throws {
        try await Self.withRouter { client in
            try await client.execute(uri: "/no-such-thing", method: .get, headers: Self.bearer) { response in
                #expect(response.status == .notFound && Self.error(response).code == "not_found")
            }
            try await client.execute(uri: "/flags", method: .post, headers: Self.bearer) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "GET")
                #expect(Self.error(response).code == "method_not_allowed")
            }
            try await client.execute(uri: "/health", method: .delete) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "GET")
            }
            try await client.execute(uri: "/persons/not-a-ref", method: .get, headers: Self.bearer) { response in
                #expect(response.status == .badRequest && Self.error(response).field == "clientRef")
            }
            try await client.execute(uri: "/persons/\(String(repeating: "cd", count: 16))", method: .get, headers: Self.bearer) {
                response in
                #expect(response.status == .notFound && Self.error(response).field == "clientRef")
            }
            try await client.execute(uri: "/flags?lmit=5", method: .get, headers: Self.bearer) { response in
                #expect(response.status == .badRequest && Self.error(response).field == "lmit")
                #expect(Self.error(response).code == "unknown_field")
            }
            try await client.execute(
                uri: "/admin/clock", method: .post, headers: Self.bearer,
                body: ByteBuffer(string: String(repeating: " ", count: 5000))
            ) { response in
                #expect(response.status == .contentTooLarge && Self.error(response).code == "body_too_large")
            }
            try await client.execute(
                uri: "/admin/clock", method: .post, headers: Self.bearer,
                body: ByteBuffer(string: #"{"later":"2026-11-24T09:00:00Z"}"#)
            ) { response in
                #expect(response.status == .badRequest && Self.error(response).code == "unknown_field")
                #expect(Self.error(response).field == "later")
            }
            try await client.execute(uri: "/admin/clock", method: .post, headers: Self.bearer, body: ByteBuffer(string: "{}")) {
                response in
                #expect(response.status == .badRequest && Self.error(response).code == "missing_field")
                #expect(Self.error(response).field == "now")
            }
        }
    }
}
