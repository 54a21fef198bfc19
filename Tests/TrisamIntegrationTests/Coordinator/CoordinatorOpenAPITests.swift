import Foundation
import Testing
import TrisamContracts
import TrisamFixtures
import TrisamTestSupport

/// `contracts/coordinator.openapi.yaml` is valid and describes the real coordinator: every
/// documented operation exists, and what the real process answers, refusals included,
/// validates against the document.
@Suite("Coordinator API document: valid and matching the real coordinator", .serialized)
struct CoordinatorOpenAPITests {
    static let document = ["--document", "coordinator.openapi.yaml"]

    @Test("coordinator.openapi.yaml is valid OpenAPI 3.1, its $refs resolve and its examples validate")
    func documentIsValid() throws {
        let result = try Checks.runScript("validate-openapi.py", Self.document)
        #expect(result.status == 0, "validate-openapi.py: \(result.output)\(result.errors)")
        #expect(result.output.contains("coordinator.openapi.yaml: valid OpenAPI 3.1"))
    }

    @Test("every documented operation answers as documented on the real coordinator, and so do its refusals")
    func answersValidate() async throws {
        let harness = try CoordinatorHarness()
        do {
            try await harness.start()
            let ref = testPseudonymizer.clientRef(for: try PersonalIdentityNumber("19121212-1212"))
            try await harness.publish([
                EventEnvelope(
                    id: "openapi-c1", source: .agency(.kommun), time: Date(timeIntervalSince1970: 1_795_000_000), subject: ref,
                    event: .consentGiven(
                        ConsentGiven(
                            consentId: "openapi-c1", purpose: .samordning, agencies: Agency.allCases, validUntil: day("2027-06-30"),
                            givenOn: day("2026-11-20"))))
            ])
            // A flag, so that the operations of work on flags have one to act on.
            try await harness.publish(FlagScenarios.greyZone(ref: ref, idPrefix: "openapi", today: day("2026-11-24")))
            try await eventually("the coordinator holds the person and a flag", limit: .seconds(30)) {
                let person = try await harness.client.get("/persons/\(ref.rawValue)").status
                let flags = try await harness.client.get("/flags").json()["flags"] as? [Any]
                return person == 200 && flags?.isEmpty == false
            }
            let flags = try await harness.client.get("/flags").json()["flags"] as? [[String: Any]] ?? []
            let flagId = try #require(flags.first?["flagId"] as? String)
            // The body each operation takes; work on the flag in the document's order (take, assign,
            // comment, next step, set aside, close), each allowed after the one before.
            let bodies: [String: [String: Any]] = [
                "/admin/clock": ["now": "2026-12-01T09:00:00Z"], "/persons/search": ["reference": String(ref.rawValue.prefix(8))],
                "/take": [:], "/assign": ["name": "Frida Ek", "agency": "fk", "phone": "010-123 45 67"],
                "/comment": ["comment": "Ringt Försäkringskassan."], "/next-step": ["nextStep": "FK bokar möte", "dueOn": "2026-12-10"],
                "/set-aside": ["until": "2026-12-15", "reason": "Väntar på läkarintyg"],
                "/close": ["reason": "Personen har flyttat från kommunen"],
            ]
            let routes = try Checks.runScript("validate-openapi.py", Self.document + ["--routes"]).output.split(separator: "\n")
            #expect(routes.count == 16)
            let answers = CheckedAnswers()
            for route in routes {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                let path = parts[1].replacingOccurrences(of: "{clientRef}", with: ref.rawValue)
                    .replacingOccurrences(of: "{flagId}", with: flagId)
                let body = bodies.first { path.hasSuffix($0.key) }?.value ?? [:]
                let response =
                    parts[0] == "GET" ? try await harness.client.get(path) : try await harness.client.post(path, json: body)
                answers.record(parts[0], path, response)
                #expect(response.status == 200, "\(route): \(response.status) \(response.text)")
                if !["/health", "/metrics"].contains(path) {
                    let anonymous =
                        parts[0] == "GET" ? try await harness.anonymous.get(path) : try await harness.anonymous.post(path, json: body)
                    answers.record(parts[0], path, anonymous)
                    #expect(anonymous.status == 401, "\(route) without a token: \(anonymous.status)")
                }
            }
            for (method, path, json, status) in [
                ("GET", "/flags?severity=akut", nil, 400), ("GET", "/flags?lmit=5", nil, 400), ("GET", "/flags?limit=2", nil, 200),
                ("GET", "/audit?cursor=0", nil, 400), ("GET", "/audit?clientRef=\(ref.rawValue)", nil, 200),
                ("GET", "/persons/not-a-ref", nil, 400), ("GET", "/persons/\(String(repeating: "ab", count: 16))", nil, 404),
                ("POST", "/persons/search", ["personnummer": "19121212-1212"] as [String: Any], 200),
                ("POST", "/persons/search", ["personnummer": "19121212-1213"], 400),
                ("POST", "/persons/search", ["reference": "xyz"], 400), ("POST", "/persons/search", [String: Any](), 400),
                ("POST", "/admin/clock", ["now": "2020-01-01T00:00:00Z"], 400), ("POST", "/admin/clock", ["later": "x"], 400),
                ("DELETE", "/flags", nil, 405), ("GET", "/no-such-endpoint", nil, 404),
            ] as [(String, String, [String: Any]?, Int)] {
                let response =
                    json == nil
                    ? try await harness.client.request(method, path) : try await harness.client.request(method, path, json: json!)
                answers.record(method, path, response)
                #expect(response.status == status, "\(method) \(path): \(response.status) \(response.text)")
            }
            let big = try await harness.client.request("POST", "/persons/search", json: ["reference": String(repeating: "a", count: 5000)])
            answers.record("POST", "/persons/search", big)
            #expect(big.status == 413)
            try answers.validate(document: Self.document)
        } catch {
            Issue.record("coordinator output:\n\(harness.output)")
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }
}

/// Answers recorded for `validate-openapi.py --responses`, validated at the end.
final class CheckedAnswers: @unchecked Sendable {
    private(set) var lines: [String] = []

    func record(_ method: String, _ path: String, _ response: HTTPTestClient.Response) {
        let body = (try? JSONSerialization.jsonObject(with: response.body)) ?? response.text
        let line: [String: Any] = ["method": method, "path": path, "status": response.status, "body": body]
        lines.append(String(decoding: try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
    }

    func validate(document: [String]) throws {
        let verdicts = try Checks.runScript("validate-openapi.py", document + ["--responses"], input: lines.joined(separator: "\n") + "\n")
        #expect(verdicts.errors.isEmpty, "\(verdicts.errors)")
        let results = verdicts.output.split(separator: "\n")
        #expect(results.count == lines.count)
        for (line, verdict) in zip(lines, results) { #expect(verdict == "ok", "\(verdict) — \(line.prefix(400))") }
    }
}
