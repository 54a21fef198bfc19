import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrisamContracts
import TrisamHTTP
import TrisamTestSupport

@testable import TrisamAgency

/// The agency's routes in process (HummingbirdTesting, no server, no Kafka): the refusals every
/// route shares, from the HTTP layer (authentication, 404/405, strict bodies, body limit).
@Suite("Agency routes in process")
struct RouteTests {
    static let kommunToken = "kommun-token-0123456789"
    static let afToken = "af-token-0123456789abc"

    /// Runs `test` against kommun's router on a temporary store.
    static func withRouter(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: .kommun)
        let service = AgencyService(
            agency: .kommun, store: store, pseudonymizer: .development, signal: OutboxSignal(),
            logger: testLogger("agency"), today: { LocalDate("2026-11-24")! })
        let tokens = try StaffTokens(
            json: Data(
                #"""
                [{"token":"\#(kommunToken)","agency":"kommun","name":"Anna Berg","role":"handlaggare"},
                 {"token":"\#(afToken)","agency":"af","name":"Omar Ali","role":"arbetsformedlare"}]
                """#.utf8))
        let app = Application(router: AgencyRoutes.router(service: service, tokens: tokens))
        try await app.test(.router, test)
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
    }

    static func error(_ response: TestResponse) -> (code: String?, field: String?, message: String?) {
        let error = json(response)["error"] as? [String: Any]
        return (error?["code"] as? String, error?["field"] as? String, error?["message"] as? String)
    }

    @Test("/health is open; a protected route is 401 without or with an unknown token, 403 with another agency's")
    func authentication() async throws {
        try await Self.withRouter { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.json(response) as NSDictionary == ["agency": "kommun", "status": "ok"] as NSDictionary)
            }
            try await client.execute(uri: "/persons", method: .post, body: ByteBuffer(string: #"{"personnummer":"19121212-1212"}"#)) {
                response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"trisam\"")
                #expect(Self.error(response).code == "unauthorized" && Self.error(response).field == "Authorization")
            }
            try await client.execute(uri: "/inbox", method: .get, headers: Self.bearer("not-a-token-of-anyone-at-all")) { response in
                #expect(response.status == .unauthorized && Self.error(response).code == "unauthorized")
            }
            try await client.execute(uri: "/inbox", method: .get, headers: Self.bearer(Self.afToken)) { response in
                #expect(response.status == .forbidden)
                #expect(Self.error(response).code == "forbidden" && Self.error(response).field == "Authorization")
                #expect(Self.error(response).message == "this token belongs to af, not to kommun's service")
            }
            try await client.execute(uri: "/inbox", method: .get, headers: Self.bearer(Self.kommunToken)) { response in
                #expect(response.status == .ok)
                let body = Self.json(response)
                #expect(body["items"] as? [Any] != nil && body["next"] is NSNull, "\(body)")
            }
        }
    }

    @Test("an unknown path is 404, a bad clientRef 404 naming it, a wrong method 405 with Allow")
    func notFoundAndMethod() async throws {
        try await Self.withRouter { client in
            try await client.execute(uri: "/no-such-thing", method: .get, headers: Self.bearer(Self.kommunToken)) { response in
                #expect(response.status == .notFound)
                #expect(Self.error(response).code == "not_found" && Self.error(response).field == "(path)")
            }
            try await client.execute(uri: "/persons/not-a-client-ref", method: .get, headers: Self.bearer(Self.kommunToken)) { response in
                #expect(response.status == .notFound)
                #expect(Self.error(response).code == "not_found" && Self.error(response).field == "clientRef")
            }
            let ref = String(repeating: "ab", count: 16)
            try await client.execute(uri: "/persons/\(ref)", method: .delete, headers: Self.bearer(Self.kommunToken)) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
                #expect(Self.error(response).code == "method_not_allowed" && Self.error(response).field == "(method)")
            }
            // A literal segment wins over a capture, as in the router: the search takes POST only.
            try await client.execute(uri: "/persons/search", method: .get, headers: Self.bearer(Self.kommunToken)) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "POST", "\(response.status)")
            }
            // A wrong method is told without a token too: the path exists either way.
            try await client.execute(uri: "/sips/s-1/schedule", method: .get) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "POST")
            }
        }
    }

    @Test("strict bodies: 400 naming the field, 413 beyond the limit; a good body 201 then 200")
    func bodies() async throws {
        try await Self.withRouter { client in
            let cases: [(body: String, code: String, field: String)] = [
                (#"{"personnummer":"19121212-1212","nickname":"Anna"}"#, "unknown_field", "nickname"),
                (#"{"personnummer":"19121212-1212","name":"  "}"#, "invalid_field", "name"),
                ("{}", "missing_field", "personnummer"),
                (#"{"personnummer":19121212}"#, "invalid_field", "personnummer"),
                ("[1,2]", "invalid_json", "(body)"),
                ("", "invalid_json", "(body)"),
            ]
            for item in cases {
                try await client.execute(
                    uri: "/persons", method: .post, headers: Self.bearer(Self.kommunToken),
                    body: ByteBuffer(string: item.body)
                ) { response in
                    #expect(response.status == .badRequest, "\(item.body)")
                    #expect(
                        Self.error(response).code == item.code && Self.error(response).field == item.field,
                        "\(item.body): \(Self.error(response))")
                }
            }
            let large = #"{"personnummer":""# + String(repeating: "1", count: StrictBody.defaultLimit) + #""}"#
            try await client.execute(
                uri: "/persons", method: .post, headers: Self.bearer(Self.kommunToken),
                body: ByteBuffer(string: large)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(Self.error(response).code == "body_too_large" && Self.error(response).field == "(body)")
            }
            let ref = try await client.execute(
                uri: "/persons", method: .post, headers: Self.bearer(Self.kommunToken),
                body: ByteBuffer(string: #"{"personnummer":"19121212-1212"}"#)
            ) { response in
                #expect(response.status == .created)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                return Self.json(response)["clientRef"] as? String ?? ""
            }
            try await client.execute(
                uri: "/persons", method: .post, headers: Self.bearer(Self.kommunToken),
                body: ByteBuffer(string: #"{"personnummer":"19121212-1212"}"#)
            ) { response in
                #expect(response.status == .ok && Self.json(response)["clientRef"] as? String == ref)
            }
            try await client.execute(uri: "/persons/\(ref)", method: .get, headers: Self.bearer(Self.kommunToken)) { response in
                #expect(response.status == .ok)
                let body = Self.json(response)
                #expect(
                    Set(body.keys) == [
                        "clientRef", "agency", "identity", "cases", "consents", "referralsSent", "referralsReceived",
                        "handovers", "statuses", "inbox",
                    ])
            }
        }
    }
}
