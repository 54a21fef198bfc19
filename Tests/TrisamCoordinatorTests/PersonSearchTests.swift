import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamHTTP
import TrisamKafka
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// Finding a person in the coordinator (issue 21): by number, turned into the clientRef with the
/// collaboration secret, or by the start of the clientRef; `POST /persons/search` and its audit.
@Suite("Coordinator person search")
struct PersonSearchTests {
    static let token = "coordinator-token-0123456789"
    static let secret = Pseudonymizer.development
    static let number = "19121212-1212"

    /// A store with two persons whose clientRefs share their first character, one of them the
    /// person with ``number``, and an API over it (with or without the collaboration secret).
    final class Setup: Sendable {
        let directory: URL
        let store: CoordinatorStore
        let engine: CoordinatorEngine
        let known: ClientRef
        let other: ClientRef

        init() async throws {
            directory = try temporaryDirectory()
            store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
            engine = try CoordinatorEngine(
                store: store, rules: GapRules(), clock: .fixed(at: ConsentErasureTests.at("2026-04-01")), metrics: CoordinatorMetrics())
            known = PersonSearchTests.secret.clientRef(for: try PersonalIdentityNumber(PersonSearchTests.number))
            other = ClientRef(rawValue: String(known.rawValue.prefix(1)) + String(repeating: "0", count: 31))!
            var offset: Int64 = 0
            for (ref, prefix) in [(known, "k"), (other, "o")] {
                let batch = ConsentErasureTests.history(ref: ref, prefix: prefix).map { event in
                    defer { offset += 1 }
                    return IncomingEvent(partition: ConsentErasureTests.partition, offset: offset, envelope: event)
                }
                _ = try await engine.process(batch)
            }
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func api(secret: Pseudonymizer?) -> CoordinatorAPI {
            CoordinatorAPI(
                store: store, engine: engine, rules: GapRules(), clock: .fixed(at: ConsentErasureTests.at("2026-04-01")),
                metrics: CoordinatorMetrics(),
                tokens: AccessTokens([.init(token: PersonSearchTests.token, name: "Sara Samordnare", role: "samordnare")]),
                pseudonymizer: secret)
        }

        /// The audit log as stored: action, clientRef, path, matches.
        func audit() throws -> [(action: String, clientRef: String, path: String, matches: Int?)] {
            try store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT action, clientRef, path, matches FROM access_log ORDER BY seq").map {
                    ($0["action"], $0["clientRef"], $0["path"], $0["matches"])
                }
            }
        }

        /// Every text column of the access log, for a search for a number in it.
        func auditText() throws -> String {
            try store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM access_log").map { "\($0)" }.joined(separator: "\n")
            }
        }
    }

    static func post(_ client: some TestClientProtocol, _ body: String) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        try await client.execute(
            uri: "/persons/search", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: ByteBuffer(string: body)
        ) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
        }
    }

    static func error(_ json: [String: Any]) -> (code: String?, field: String?) {
        let error = json["error"] as? [String: Any]
        return (error?["code"] as? String, error?["field"] as? String)
    }

    @Test("a reference is 4 to 32 hex characters, either case, and is searched in lower case")
    func references() {
        #expect(PersonSearch.reference("0123ABcd") == "0123abcd")
        #expect(PersonSearch.reference(String(repeating: "f", count: 32)) == String(repeating: "f", count: 32))
        for bad in ["", "abc", "0123 abcd", "0123abcg", String(repeating: "a", count: 33), "ÅÄÖÅ"] {
            #expect(PersonSearch.reference(bad) == nil, "\(bad)")
        }
    }

    @Test("the body names exactly one of personnummer, reservnummer and reference; refusals name the field and never echo a number")
    func bodyRefusals() throws {
        let cases: [([String: Any], String, String)] = [
            ([:], "missing_field", "personnummer"),
            (["personnummer": "19121212-1212", "reference": "0123"], "invalid_field", "reference"),
            (["colour": "blå"], "unknown_field", "colour"),
            (["personnummer": 191_212_121_212], "invalid_field", "personnummer"),
            (["personnummer": "19121212-1213"], "invalid_field", "personnummer"),
            (["personnummer": " 19121212-1212"], "invalid_field", "personnummer"),
            (["reservnummer": "rv1234ab"], "invalid_field", "reservnummer"),
            (["reference": "xyz1"], "invalid_field", "reference"),
        ]
        for (body, code, field) in cases {
            do {
                _ = try PersonSearch.key(json: body)
                Issue.record("\(body) was accepted")
            } catch {
                #expect(error.code.rawValue == code && error.field == field, "\(body): \(error)")
                #expect(!error.message.contains("1212"), "\(error.message)")
            }
        }
        #expect(try PersonSearch.key(json: ["reference": "ABCD"]) == .reference("abcd"))
        guard case .number(let identity) = try PersonSearch.key(json: ["personnummer": "191212121212"]) else {
            Issue.record("a personnummer is a number")
            return
        }
        #expect(identity.clientRef(Self.secret) == Self.secret.clientRef(for: try PersonalIdentityNumber(Self.number)))
    }

    @Test("a prefix finds every person it starts, a whole clientRef one; each search is audited with its count, never the number")
    func storeSearch() async throws {
        let setup = try await Setup()
        let both = try setup.store.searchPersons(prefix: String(setup.known.rawValue.prefix(1)), reader: "Sara", path: "/sok", at: Date())
        #expect(Set(both.matches.map(\.clientRef)) == [setup.known.rawValue, setup.other.rawValue] && !both.truncated)
        #expect(both.matches.allSatisfy { $0.openFlags > 0 && $0.lastEventTime != nil && $0.reference.count == 8 })
        let one = try setup.store.searchPersons(prefix: setup.known.rawValue, reader: "Sara", path: "/sok", at: Date())
        #expect(one.matches.map(\.clientRef) == [setup.known.rawValue])
        let none = try setup.store.searchPersons(prefix: "ffff", reader: "Sara", path: "/sok", at: Date())
        #expect(none.matches.isEmpty)
        let audit = try setup.audit()
        #expect(audit.map(\.action) == ["search", "search", "search"])
        #expect(audit.map(\.matches) == [2, 1, 0])
        #expect(audit.map(\.clientRef) == ["", setup.known.rawValue, ""])
        let page = try setup.store.auditPage(limit: 10)
        #expect(page.entries.map(\.action) == ["search", "search", "search"])
        #expect(page.entries.first?.clientRef == nil && page.entries.first?.matches == 0)
    }

    @Test("POST /persons/search by number, by reference and with nothing found; each is audited without the number")
    func route() async throws {
        let setup = try await Setup()
        let api = setup.api(secret: Self.secret)
        let known = setup.known.rawValue
        try await Application(router: api.router()).test(.router) { client in
            let byNumber = try await Self.post(client, #"{"personnummer":"191212121212"}"#)
            #expect(byNumber.status == .ok)
            let matches = byNumber.json["matches"] as? [[String: Any]] ?? []
            #expect(matches.map { $0["clientRef"] as? String } == [known] && byNumber.json["truncated"] as? Bool == false)
            #expect(matches.first?["reference"] as? String == String(known.prefix(8)))
            let byReference = try await Self.post(client, #"{"reference":"\#(known.prefix(1).uppercased())"}"#)
            #expect(byReference.status == .badRequest && Self.error(byReference.json).field == "reference")
            let prefix = try await Self.post(client, #"{"reference":"\#(known.prefix(4))"}"#)
            #expect(prefix.status == .ok && !(prefix.json["matches"] as? [Any] ?? []).isEmpty)
            let nobody = try await Self.post(client, #"{"personnummer":"20121212-1212"}"#)
            #expect(nobody.status == .ok && (nobody.json["matches"] as? [Any])?.isEmpty == true)
            let wrong = try await Self.post(client, #"{"personnummer":"19121212-1213"}"#)
            #expect(wrong.status == .badRequest && Self.error(wrong.json) == ("invalid_field", "personnummer"))
            let twice = try await Self.post(client, #"{"reference":"0123","reference":"4567"}"#)
            #expect(twice.status == .badRequest)
            try await client.execute(uri: "/persons/search", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unauthorized)
            }
            // The search is POST only: GET on it is not a person called "search".
            try await client.execute(uri: "/persons/search", method: .get, headers: [.authorization: "Bearer \(Self.token)"]) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "POST")
            }
        }
        let audit = try setup.audit()
        #expect(audit.map(\.action) == ["search", "search", "search"])
        #expect(audit.map(\.matches) == [1, audit[1].matches, 0])
        #expect(audit.allSatisfy { $0.path == "POST /persons/search" })
        let text = try setup.auditText()
        for form in writtenForms(Self.number) + writtenForms("20121212-1212") { #expect(!text.contains(form), "\(form)") }
    }

    @Test("without the collaboration secret a search by number answers 503 naming the field; by reference it works")
    func withoutSecret() async throws {
        let setup = try await Setup()
        try await Application(router: setup.api(secret: nil).router()).test(.router) { client in
            let byNumber = try await Self.post(client, #"{"personnummer":"19121212-1212"}"#)
            #expect(byNumber.status == .serviceUnavailable && Self.error(byNumber.json) == ("unavailable", "personnummer"))
            let byReservnummer = try await Self.post(client, #"{"reservnummer":"RV1234AB"}"#)
            #expect(byReservnummer.status == .serviceUnavailable && Self.error(byReservnummer.json).field == "reservnummer")
            let byReference = try await Self.post(client, #"{"reference":"\#(setup.known.rawValue)"}"#)
            #expect(byReference.status == .ok && (byReference.json["matches"] as? [Any])?.count == 1)
        }
    }
}
