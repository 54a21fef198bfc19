import Foundation
import Testing
import TrisamContracts
import TrisamKafka
import TrisamTestSupport

/// `contracts/openapi.yaml` is valid and describes the real service: every documented route
/// exists, and what the real processes answer validates against the document.
extension AgencyChecks {
    @Suite("Agency API document: valid and matching the real service")
    struct OpenAPIDocument {
        @Test("openapi.yaml is valid OpenAPI 3.1, its $refs resolve and its examples validate")
        func documentIsValid() throws {
            let result = try Checks.runScript("validate-openapi.py")
            #expect(
                result.status == 0,
                "validate-openapi.py (install openapi-spec-validator or set TRISAM_PYTHON): \(result.output)\(result.errors)")
            #expect(result.output.contains("valid OpenAPI 3.1"))
        }

        /// Records answers and validates them against the document at the end.
        final class Answers: @unchecked Sendable {
            private(set) var lines: [String] = []

            func record(_ method: String, _ path: String, _ response: HTTPTestClient.Response) {
                let body = (try? JSONSerialization.jsonObject(with: response.body)) ?? response.text
                let line: [String: Any] = ["method": method, "path": path, "status": response.status, "body": body]
                lines.append(String(decoding: try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            }

            func send(
                _ client: HTTPTestClient, _ method: String, _ path: String, json: Any? = nil,
                expect status: Int, sourceLocation: SourceLocation = #_sourceLocation
            ) async throws -> [String: Any] {
                let response = json == nil ? try await client.request(method, path) : try await client.request(method, path, json: json!)
                record(method, path, response)
                #expect(response.status == status, "\(method) \(path): \(response.status) \(response.text)", sourceLocation: sourceLocation)
                return (try? response.json()) ?? [:]
            }

            func validate() throws {
                let verdicts = try Checks.runScript("validate-openapi.py", ["--responses"], input: lines.joined(separator: "\n") + "\n")
                #expect(verdicts.errors.isEmpty, "\(verdicts.errors)")
                let results = verdicts.output.split(separator: "\n")
                #expect(results.count == lines.count)
                for (line, verdict) in zip(lines, results) {
                    #expect(verdict == "ok", "\(verdict) — \(line.prefix(400))")
                }
            }
        }

        @Test("every documented operation exists on the real service and answers as documented")
        func routesExist() async throws {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let cluster = try Checks.cluster(brokers: 1)
            defer { cluster.shutdown() }
            let af = try await Checks.AgencyProcess(.af, bootstrap: cluster.bootstrapServers, directory: directory)
            let routes = try Checks.runScript("validate-openapi.py", ["--routes"]).output.split(separator: "\n").map(String.init)
            #expect(routes.count >= 36)
            let values = [
                "clientRef": String(repeating: "0f", count: 16), "area": "forsorjning", "consentId": "c-unknown",
                "handoverId": "h-unknown", "referralId": "r-unknown", "sipId": "s-unknown", "invitee": "af",
                "planId": "p-unknown", "actionId": "a1",
            ]
            let answers = Answers()
            for route in routes {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                var path = parts[1]
                for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
                // With this agency's token and an empty object: a documented refusal (or success),
                // never the router's own 404 for an unknown path.
                let response =
                    parts[0] == "GET"
                    ? try await af.client().get(path) : try await af.client().request(parts[0], path, json: [String: Any]())
                answers.record(parts[0], path, response)
                if response.status == 404 {
                    let error = (try? response.json())?["error"] as? [String: Any]
                    #expect(
                        error?["code"] as? String == "not_found" && error?["field"] != nil,
                        "\(route) is documented but the service does not route it: \(response.text)")
                }
                // Without a token: refused, except /health.
                if path != "/health" {
                    let anonymous =
                        parts[0] == "GET"
                        ? try await HTTPTestClient(port: af.port).get(path)
                        : try await HTTPTestClient(port: af.port).request(parts[0], path, json: [String: Any]())
                    answers.record(parts[0], path, anonymous)
                    #expect(anonymous.status == 401, "\(route) without a token: \(anonymous.status) \(anonymous.text)")
                }
            }
            try answers.validate()
            #expect(try await af.stop() == 0, "\(af.output)")
        }

        @Test("a SIP and a handlingsplan between kommun and af: every answer validates against openapi.yaml")
        func sipConversation() async throws {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let cluster = try Checks.cluster(brokers: 1)
            defer { cluster.shutdown() }
            let clock = ["--clock", "fixed:2027-03-22T08:00:00Z"]
            let kommunDirectory = directory.appendingPathComponent("kommun")
            let afDirectory = directory.appendingPathComponent("af")
            try FileManager.default.createDirectory(at: kommunDirectory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: afDirectory, withIntermediateDirectories: true)
            let kommunProcess = try await Checks.AgencyProcess(
                .kommun, bootstrap: cluster.bootstrapServers, directory: kommunDirectory, extraArguments: clock)
            let afProcess = try await Checks.AgencyProcess(
                .af, bootstrap: cluster.bootstrapServers, directory: afDirectory, extraArguments: clock)
            let kommun = kommunProcess.client()
            let af = afProcess.client()
            let a = Answers()

            let ref = try #require(
                try await a.send(kommun, "POST", "/persons", json: ["personnummer": Checks.personnummer(32)], expect: 201)["clientRef"]
                    as? String)
            let request: [String: Any] = ["reason": "Samordning behövs.", "invited": ["af"], "afterDischarge": false]
            _ = try await a.send(kommun, "POST", "/persons/\(ref)/sips", json: request, expect: 403)
            _ = try await a.send(
                kommun, "POST", "/persons/\(ref)/consents",
                json: ["purpose": "sip", "agencies": ["kommun", "af"], "validUntil": "2028-01-01", "givenOn": "2027-03-20"], expect: 201)
            _ = try await a.send(af, "POST", "/persons/\(ref)/sips", json: request, expect: 403)
            let sipId = try #require(
                try await a.send(kommun, "POST", "/persons/\(ref)/sips", json: request, expect: 201)["sipId"] as? String)
            try await eventually("af has the invitation and the consent", limit: .seconds(30)) {
                let response = try await af.post(
                    "/sips/\(sipId)/invitations/af/answer",
                    json: [
                        "answer": "accepted", "participant": ["name": "Per Lind"],
                        "availability": [["start": "2027-03-24T08:00:00Z", "end": "2027-03-24T12:00:00Z"]],
                    ])
                a.record("POST", "/sips/\(sipId)/invitations/af/answer", response)
                return response.status == 200
            }
            _ = try await a.send(af, "GET", "/sips/\(sipId)", expect: 200)
            _ = try await a.send(
                af, "POST", "/sips/\(sipId)/invitations/kommun/answer", json: ["answer": "declined", "reason": "x"], expect: 403)
            try await eventually("kommun has the answer", limit: .seconds(30)) {
                try await kommun.get("/sips/\(sipId)").text.contains("\"accepted\"")
            }
            _ = try await a.send(kommun, "GET", "/sips/\(sipId)", expect: 200)
            _ = try await a.send(
                kommun, "POST", "/sips/\(sipId)/schedule", json: ["start": "2027-03-01T08:00:00Z", "end": "2027-03-01T09:00:00Z"],
                expect: 400)
            _ = try await a.send(
                kommun, "POST", "/sips/\(sipId)/schedule", json: ["durationMinutes": 60, "location": "Rum 3"], expect: 200)
            _ = try await a.send(kommun, "POST", "/sips/\(sipId)/schedule", json: ["durationMinutes": 60], expect: 409)
            _ = try await a.send(
                kommun, "POST", "/sips/\(sipId)/reschedule", json: ["start": "2027-03-24T09:00:00Z", "end": "2027-03-24T10:00:00Z"],
                expect: 200)
            _ = try await a.send(kommun, "GET", "/sips/\(sipId)/calendar.ics", expect: 200)
            _ = try await a.send(
                kommun, "POST", "/sips/\(sipId)/held",
                json: ["heldOn": "2027-03-22", "attendees": [["agency": "af", "name": "Per Lind"]]],
                expect: 400)
            _ = try await a.send(kommun, "POST", "/sips/\(sipId)/cancel", json: ["reason": "Personen är sjuk."], expect: 200)
            _ = try await a.send(kommun, "GET", "/sips/\(sipId)", expect: 200)

            let plan: [String: Any] = [
                "sipId": sipId, "participants": ["kommun", "af"], "goals": ["Arbete"], "subGoals": ["Kartläggning"],
                "personGoal": "Jag vill jobba i butik", "followUpOn": "2027-06-01",
                "actions": [
                    ["owner": "af", "ownerContact": ["name": "Per Lind"], "description": "Kartläggning", "dueDate": "2027-04-20"],
                    ["owner": "af", "ownerContact": ["name": "Per Lind"], "description": "Praktik", "dueDate": "2027-05-20"],
                ],
            ]
            _ = try await a.send(kommun, "POST", "/persons/\(ref)/plans", json: plan, expect: 400)
            var withLead = plan
            withLead["leadAgency"] = "kommun"
            let planId = try #require(
                try await a.send(kommun, "POST", "/persons/\(ref)/plans", json: withLead, expect: 201)["planId"] as? String)
            try await eventually("af sees its actions", limit: .seconds(30)) {
                try await af.get("/actions?state=open").text.contains(planId)
            }
            _ = try await a.send(af, "GET", "/actions?state=open", expect: 200)
            _ = try await a.send(af, "GET", "/actions?state=late", expect: 400)
            _ = try await a.send(af, "GET", "/plans/\(planId)", expect: 200)
            _ = try await a.send(kommun, "POST", "/plans/\(planId)/actions/a1/done", json: [String: Any](), expect: 403)
            _ = try await a.send(af, "POST", "/plans/\(planId)/actions/a1/done", json: ["note": "Klar."], expect: 200)
            _ = try await a.send(
                af, "POST", "/plans/\(planId)/actions/a2/not-possible", json: ["reason": "Ingen praktikplats."], expect: 200)
            _ = try await a.send(af, "POST", "/plans/\(planId)/actions/a2/done", json: [String: Any](), expect: 409)
            _ = try await a.send(
                kommun, "POST", "/plans/\(planId)/revise", json: ["goals": ["Arbete", "Körkort"], "followUpOn": "2027-09-01"], expect: 200)
            _ = try await a.send(kommun, "GET", "/plans/\(planId)", expect: 200)
            _ = try await a.send(kommun, "POST", "/plans/\(planId)/close", json: ["outcome": "work"], expect: 200)
            _ = try await a.send(kommun, "GET", "/plans/\(planId)", expect: 200)

            try a.validate()
            #expect(try await kommunProcess.stop() == 0, "\(kommunProcess.output)")
            #expect(try await afProcess.stop() == 0, "\(afProcess.output)")
        }

        @Test("a referral and a handover between kommun and af: every answer validates against openapi.yaml")
        func conversation() async throws {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let cluster = try Checks.cluster(brokers: 1)
            defer { cluster.shutdown() }
            let kommunDirectory = directory.appendingPathComponent("kommun")
            let afDirectory = directory.appendingPathComponent("af")
            try FileManager.default.createDirectory(at: kommunDirectory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: afDirectory, withIntermediateDirectories: true)
            let kommunProcess = try await Checks.AgencyProcess(.kommun, bootstrap: cluster.bootstrapServers, directory: kommunDirectory)
            let afProcess = try await Checks.AgencyProcess(.af, bootstrap: cluster.bootstrapServers, directory: afDirectory)
            let kommun = kommunProcess.client()
            let af = afProcess.client()
            let a = Answers()

            _ = try await a.send(kommun, "GET", "/health", expect: 200)
            let person = Checks.personnummer(31)
            let ref = try #require(
                try await a.send(kommun, "POST", "/persons", json: ["personnummer": person], expect: 201)["clientRef"] as? String)
            _ = try await a.send(kommun, "POST", "/persons", json: ["personnummer": person], expect: 200)
            let consent: (String) -> [String: Any] = { purpose in
                [
                    "purpose": purpose, "agencies": ["kommun", "af"], "validUntil": Checks.daysFromToday(400),
                    "givenOn": Checks.daysFromToday(-1),
                ]
            }
            _ = try await a.send(kommun, "POST", "/persons/\(ref)/consents", json: consent("samordning"), expect: 201)
            _ = try await a.send(kommun, "POST", "/persons/\(ref)/consents", json: consent("remiss"), expect: 201)
            let sip = try await a.send(kommun, "POST", "/persons/\(ref)/consents", json: consent("sip"), expect: 201)
            _ = try await a.send(
                kommun, "POST", "/persons/\(ref)/statuses",
                json: [
                    "type": "kommun.bistand.decided",
                    "payload": [
                        "decision": "granted", "effectiveDate": Checks.daysFromToday(-3),
                        "month": String(Checks.daysFromToday(-3).prefix(7)),
                    ],
                ], expect: 202)
            let contact = ["name": "Anna Berg", "role": "socialsekreterare"]
            for area in ["forsorjning", "arbete-aktivitet"] {
                _ = try await a.send(
                    kommun, "POST", "/persons/\(ref)/cases",
                    json: ["area": area, "contact": contact, "openedOn": Checks.daysFromToday(-2)], expect: 201)
            }
            _ = try await a.send(
                kommun, "POST", "/persons/\(ref)/cases/forsorjning/contact",
                json: ["contact": ["name": "Karin Ek"], "changedOn": Checks.daysFromToday(-1)], expect: 200)

            // kommun refers to af; af sees it in its inbox and runs the loop to the end.
            let referral = try #require(
                try await a.send(
                    kommun, "POST", "/persons/\(ref)/referrals",
                    json: [
                        "to": "af", "area": "arbete-aktivitet", "reason": "Arbetslös sedan länge.", "requestedMeasure": "Inskrivning.",
                        "answerBy": Checks.daysFromToday(20),
                    ], expect: 201)["referralId"] as? String)
            try await eventually("af's inbox shows the referral", limit: .seconds(30)) {
                let inbox = try await af.get("/inbox?limit=10")
                return inbox.text.contains(referral) && inbox.text.contains("referral.sent")
            }
            _ = try await a.send(af, "GET", "/inbox?limit=10", expect: 200)
            _ = try await a.send(af, "POST", "/referrals/\(referral)/received", json: [String: Any](), expect: 200)
            _ = try await a.send(
                af, "POST", "/referrals/\(referral)/accept", json: ["contact": ["name": "Per Lind", "role": "arbetsförmedlare"]],
                expect: 200)
            _ = try await a.send(af, "POST", "/referrals/\(referral)/update", json: ["note": "Kartläggning bokad."], expect: 200)
            _ = try await a.send(af, "POST", "/referrals/\(referral)/close", json: ["outcome": "Inskriven."], expect: 200)
            _ = try await a.send(af, "POST", "/referrals/\(referral)/reject", json: ["reason": "För sent."], expect: 409)
            try await eventually("kommun's inbox shows the outcome", limit: .seconds(30)) {
                try await kommun.get("/inbox").text.contains("referral.closed")
            }
            let page = try await a.send(kommun, "GET", "/inbox?limit=2", expect: 200)
            if let next = page["next"] as? String {
                _ = try await a.send(
                    kommun, "GET", "/inbox?limit=2&before=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? next)",
                    expect: 200)
            }

            // A second referral, cancelled by the sender.
            let second = try #require(
                try await a.send(
                    kommun, "POST", "/persons/\(ref)/referrals",
                    json: [
                        "to": "af", "area": "arbete-aktivitet", "reason": "Ny bedömning.", "requestedMeasure": "Samtal.",
                    ], expect: 201)["referralId"] as? String)
            _ = try await a.send(kommun, "POST", "/referrals/\(second)/cancel", json: ["reason": "Personen har flyttat."], expect: 200)

            // Handover of arbete-aktivitet: af accepts; of forsorjning: af refuses.
            let handover = try #require(
                try await a.send(
                    kommun, "POST", "/persons/\(ref)/handovers",
                    json: ["area": "arbete-aktivitet", "to": "af", "reason": "Klar för insatser."], expect: 201)["handoverId"] as? String)
            let refused = try #require(
                try await a.send(
                    kommun, "POST", "/persons/\(ref)/handovers",
                    json: ["area": "forsorjning", "to": "af", "reason": "Prövning."], expect: 201)["handoverId"] as? String)
            try await eventually("af's inbox shows both handovers", limit: .seconds(30)) {
                let text = try await af.get("/inbox?limit=50").text
                return text.contains(handover) && text.contains(refused)
            }
            _ = try await a.send(
                af, "POST", "/handovers/\(handover)/accept",
                json: ["contact": ["name": "Per Lind"], "acceptedOn": Checks.daysFromToday(0)], expect: 200)
            _ = try await a.send(
                af, "POST", "/handovers/\(refused)/refuse", json: ["reason": "Försörjning ligger hos kommunen."], expect: 200)
            try await eventually("kommun learns both answers", limit: .seconds(30)) {
                let text = try await kommun.get("/inbox?limit=50").text
                return text.contains("handover.accepted") && text.contains("handover.refused")
            }
            _ = try await a.send(
                kommun, "POST", "/persons/\(ref)/cases/forsorjning/close",
                json: ["reason": "completed", "closedOn": Checks.daysFromToday(0)], expect: 200)
            if let consentId = sip["consentId"] as? String {
                _ = try await a.send(
                    kommun, "POST", "/persons/\(ref)/consents/\(consentId)/withdraw", json: ["withdrawnOn": Checks.daysFromToday(0)],
                    expect: 200)
            }
            _ = try await a.send(kommun, "GET", "/persons/\(ref)", expect: 200)
            _ = try await a.send(kommun, "GET", "/audit?clientRef=\(ref)&limit=20", expect: 200)
            _ = try await a.send(af, "GET", "/audit", expect: 200)

            try a.validate()
            #expect(try await kommunProcess.stop() == 0, "\(kommunProcess.output)")
            #expect(try await afProcess.stop() == 0, "\(afProcess.output)")
        }
    }
}
