import Foundation
import Testing
import TrisamContracts
import TrisamKafka
import TrisamTestSupport

/// Bad input against a real `trisam agency` process: each case gets its 4xx with a JSON body
/// naming the field and the reason, and leaves the store (every table) and Kafka unchanged.
extension AgencyChecks {
    @Suite("Agency refuses bad input and writes nothing")
    struct BadInput {
        /// One bad request and the refusal it must get.
        struct Case: CustomStringConvertible {
            var name: String
            var method = "POST"
            var path: String
            var body: Data?
            /// `nil`: kommun's own token; `""`: no token; else that token.
            var token: String?
            var status: Int
            var code: String
            var field: String?
            /// Every one of these must appear in the message.
            var mentions: [String] = []

            var description: String { name }

            init(
                _ name: String, _ method: String = "POST", path: String, json: Any? = nil, raw: Data? = nil, token: String? = nil,
                _ status: Int, _ code: String, field: String?, mentions: [String] = []
            ) {
                self.name = name
                self.method = method
                self.path = path
                self.body = raw ?? json.map { try! JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
                self.token = token
                self.status = status
                self.code = code
                self.field = field
                self.mentions = mentions
            }
        }

        /// The table, given the person with consent (`known`), one without (`unconsented`) and a
        /// referral kommun sent to af (`referral`).
        static func cases(known: String, unconsented: String, referral: String) -> [Case] {
            let contact: [String: Any] = ["name": "Anna Berg", "role": "socialsekreterare"]
            let referralBody: [String: Any] = [
                "to": "af", "area": "arbete-aktivitet", "reason": "Arbetslös sedan länge.",
                "requestedMeasure": "Inskrivning och kartläggning.",
            ]
            let kommunTypes = EventType.statusTypes(of: .kommun).map(\.rawValue)
            let unknownPerson = String(repeating: "ab", count: 16)
            var oversized = Data("{\"personnummer\":\"".utf8)
            oversized.append(Data(repeating: UInt8(ascii: "1"), count: 70 * 1024))
            oversized.append(Data("\"}".utf8))
            return [
                Case(
                    "personnummer of the wrong form", path: "/persons", json: ["personnummer": "19121212-12"],
                    400, "invalid_field", field: "personnummer", mentions: ["digit"]),
                Case(
                    "personnummer with a wrong check digit", path: "/persons", json: ["personnummer": "19121212-1213"],
                    400, "invalid_field", field: "personnummer", mentions: ["check"]),
                Case(
                    "personnummer with a day that does not exist", path: "/persons", json: ["personnummer": "19120231-1212"],
                    400, "invalid_field", field: "personnummer", mentions: ["day"]),
                Case(
                    "unknown agency", path: "/persons/\(known)/referrals", json: referralBody.merging(["to": "skatteverket"]) { $1 },
                    400, "invalid_field", field: "to", mentions: ["kommun", "af", "fk", "region"]),
                Case(
                    "status type of another agency's vocabulary", path: "/persons/\(known)/statuses",
                    json: [
                        "type": "fk.sjukpenning.decided",
                        "payload": ["decision": "granted", "effectiveDate": Checks.daysFromToday(-3), "extentPercent": 50],
                    ],
                    400, "invalid_field", field: "type", mentions: kommunTypes),
                Case(
                    "status type that does not exist", path: "/persons/\(known)/statuses",
                    json: ["type": "kommun.lottery.won", "payload": [:] as [String: Any]],
                    400, "invalid_field", field: "type", mentions: kommunTypes),
                Case(
                    "missing field", path: "/persons/\(known)/cases", json: ["area": "forsorjning", "contact": contact],
                    400, "missing_field", field: "openedOn"),
                Case(
                    "missing body field of a referral", path: "/persons/\(known)/referrals",
                    json: referralBody.filter { $0.key != "requestedMeasure" }, 400, "missing_field", field: "requestedMeasure"),
                Case(
                    "extra field", path: "/persons", json: ["personnummer": "19121212-1212", "colour": "blue"],
                    400, "unknown_field", field: "colour"),
                Case(
                    "extra field inside a status payload", path: "/persons/\(known)/statuses",
                    json: [
                        "type": "kommun.bistand.decided",
                        "payload": [
                            "decision": "granted", "effectiveDate": Checks.daysFromToday(-3),
                            "month": String(Checks.daysFromToday(-3).prefix(7)), "colour": "blue",
                        ],
                    ],
                    400, "unknown_field", field: "payload.colour"),
                Case(
                    "wrong type: a string where a list is expected", path: "/persons/\(known)/consents",
                    json: [
                        "purpose": "remiss", "agencies": "af", "validUntil": Checks.daysFromToday(300), "givenOn": Checks.daysFromToday(-1),
                    ],
                    400, "invalid_field", field: "agencies"),
                Case(
                    "wrong type: a number where text is expected", path: "/persons/\(known)/statuses",
                    json: ["type": 42, "payload": [:] as [String: Any]], 400, "invalid_field", field: "type"),
                Case(
                    "wrong type: a string where a percentage is expected", path: "/persons/\(known)/statuses",
                    json: [
                        "type": "kommun.measure.started",
                        "payload": [
                            "measureId": "m-1", "measure": "arbetstraning",
                            "startDate": Checks.daysFromToday(-2), "extentPercent": "half",
                        ],
                    ],
                    400, "invalid_field", field: "payload.extentPercent"),
                Case(
                    "date that does not exist", path: "/persons/\(known)/cases",
                    json: ["area": "forsorjning", "contact": contact, "openedOn": "2026-02-30"], 400, "invalid_field", field: "openedOn"),
                Case(
                    "date in the future for something that happened", path: "/persons/\(known)/cases",
                    json: ["area": "samordning", "contact": contact, "openedOn": Checks.daysFromToday(30)], 400, "invalid_field",
                    field: "openedOn"),
                Case(
                    "consent valid for more than five years", path: "/persons/\(known)/consents",
                    json: [
                        "purpose": "sip", "agencies": ["kommun", "region"], "validUntil": Checks.daysFromToday(6 * 366),
                        "givenOn": Checks.daysFromToday(-1),
                    ],
                    400, "invalid_field", field: "validUntil"),
                Case(
                    "answer date in the past", path: "/persons/\(known)/referrals",
                    json: referralBody.merging(["answerBy": Checks.daysFromToday(-5)]) { $1 }, 400, "invalid_field", field: "answerBy"),
                Case(
                    "free text containing a personnummer", path: "/persons/\(known)/referrals",
                    json: referralBody.merging(["reason": "Gäller 19121212-1212, ring henne."]) { $1 }, 400, "invalid_field",
                    field: "reason"),
                Case(
                    "free text containing a personnummer written with spaces and fullwidth digits", path: "/persons/\(known)/referrals",
                    json: referralBody.merging(["reason": "Gäller １２１２１２ １２１２, ring henne."]) { $1 }, 400, "invalid_field", field: "reason",
                    mentions: ["personnummer"]),
                Case(
                    "a personnummer as a contact's phone number", path: "/persons/\(known)/cases",
                    json: [
                        "area": "samordning", "contact": contact.merging(["phone": "19121212-1212"]) { $1 },
                        "openedOn": Checks.daysFromToday(-1),
                    ],
                    400, "invalid_field", field: "contact.phone", mentions: ["personnummer"]),
                Case(
                    "a personnummer as a status payload's identifier", path: "/persons/\(known)/statuses",
                    json: [
                        "type": "kommun.measure.started",
                        "payload": [
                            "measureId": "19121212-1212", "measure": "arbetstraning",
                            "startDate": Checks.daysFromToday(-2), "extentPercent": 50,
                        ],
                    ],
                    400, "invalid_field", field: "payload.measureId", mentions: ["personnummer"]),
                Case(
                    "body over the size limit", path: "/persons", raw: oversized, 413, "body_too_large", field: "(body)",
                    mentions: ["65536"]),
                Case(
                    "malformed JSON", path: "/persons", raw: Data("{\"personnummer\": ".utf8), 400, "invalid_json", field: "(body)",
                    mentions: ["end of file"]),
                Case(
                    "malformed JSON in the middle", path: "/persons/\(known)/cases",
                    raw: Data("{\"area\": \"forsorjning\" \"contact\": {}}".utf8),
                    400, "invalid_json", field: "(body)", mentions: ["around character 23"]),
                Case(
                    "a field given twice", path: "/persons/\(known)/referrals",
                    raw: Data(
                        #"{"to":"af","area":"arbete-aktivitet","reason":"Arbetslös sedan länge.","requestedMeasure":"Kartläggning.","reason":"Annat."}"#
                            .utf8),
                    400, "invalid_field", field: "reason", mentions: ["more than once"]),
                Case(
                    "a JSON array instead of an object", path: "/persons/\(known)/cases", raw: Data("[1,2]".utf8), 400, "invalid_json",
                    field: "(body)",
                    mentions: ["an array"]),
                Case(
                    "misspelt query parameter", "GET", path: "/inbox?lmit=5", 400, "unknown_field", field: "lmit",
                    mentions: ["limit", "before"]),
                Case("audit page with a bad cursor", "GET", path: "/audit?before=yesterday", 400, "invalid_field", field: "before"),
                Case(
                    "wrong method on an existing path", "DELETE", path: "/persons/\(known)", 405, "method_not_allowed", field: "(method)",
                    mentions: ["DELETE", "allowed: GET"]),
                Case(
                    "wrong method on a path holding a personnummer", "DELETE", path: "/persons/19121212-1212", 405, "method_not_allowed",
                    field: "(method)", mentions: ["/persons/…"]),
                Case("unknown endpoint with a personnummer in it", "GET", path: "/people/191212121212", 404, "not_found", field: "(path)"),
                Case("a personnummer as a query parameter", "GET", path: "/inbox?19121212-1212", 400, "unknown_field", field: "…"),
                Case(
                    "wrong method on a SIP path", "GET", path: "/sips/s-1/schedule", 405, "method_not_allowed", field: "(method)",
                    mentions: ["allowed: POST"]),
                Case(
                    "unknown person", path: "/persons/\(unknownPerson)/statuses",
                    json: [
                        "type": "kommun.bistand.decided",
                        "payload": [
                            "decision": "granted", "effectiveDate": Checks.daysFromToday(-3),
                            "month": String(Checks.daysFromToday(-3).prefix(7)),
                        ],
                    ],
                    404, "not_found", field: "clientRef"),
                Case(
                    "unknown referral id", path: "/referrals/r-does-not-exist/cancel", json: ["reason": "Fel person."],
                    404, "not_found", field: "referralId"),
                Case(
                    "answering a referral addressed to another agency", path: "/referrals/\(referral)/accept", json: ["contact": contact],
                    403, "wrong_party", field: "referralId"),
                Case(
                    "closing a referral addressed to another agency", path: "/referrals/\(referral)/close", json: ["outcome": "Klart."],
                    403, "wrong_party", field: "referralId"),
                Case(
                    "referral without consent", path: "/persons/\(unconsented)/referrals", json: referralBody,
                    403, "consent_missing", field: "to"),
                Case(
                    "status change without consent", path: "/persons/\(unconsented)/statuses",
                    json: [
                        "type": "kommun.bistand.decided",
                        "payload": [
                            "decision": "granted", "effectiveDate": Checks.daysFromToday(-3),
                            "month": String(Checks.daysFromToday(-3).prefix(7)),
                        ],
                    ],
                    403, "consent_missing", field: "clientRef"),
                Case(
                    "referral to an agency the consent does not cover", path: "/persons/\(known)/referrals",
                    json: referralBody.merging(["to": "region", "area": "halsa-vard"]) { $1 }, 403, "consent_missing", field: "to"),
                Case(
                    "SIP without consent covering the invited agencies", path: "/persons/\(unconsented)/sips",
                    json: ["reason": "Behöver samordning", "invited": ["af", "region"]], 403, "consent_missing", field: "invited",
                    mentions: ["af", "region"]),
                Case(
                    "SIP inviting an unknown agency", path: "/persons/\(known)/sips",
                    json: ["reason": "Behöver samordning", "invited": ["skatteverket"]], 400, "invalid_field", field: "invited[0]"),
                Case(
                    "answering another agency's SIP invitation", path: "/sips/s-1/invitations/af/answer",
                    json: ["answer": "declined", "reason": "Inte vårt ärende."], 403, "wrong_party", field: "invitee"),
                Case(
                    "scheduling an unknown SIP", path: "/sips/s-does-not-exist/schedule", json: [:] as [String: Any],
                    404, "not_found", field: "sipId"),
                Case(
                    "no bearer token", path: "/persons", json: ["personnummer": "19121212-1212"], token: "",
                    401, "unauthorized", field: "Authorization"),
                Case(
                    "unknown bearer token", path: "/persons", json: ["personnummer": "19121212-1212"],
                    token: "not-a-token-of-anyone-at-all",
                    401, "unauthorized", field: "Authorization"),
                Case(
                    "another agency's token", path: "/persons", json: ["personnummer": "19121212-1212"], token: Checks.tokens[.af],
                    403, "forbidden", field: "Authorization"),
            ]
        }

        @Test("every bad input gets its 4xx naming the field and the reason, and the store and Kafka stay unchanged")
        func badInputs() async throws {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let cluster = try Checks.cluster()
            defer { cluster.shutdown() }
            let collector = try Checks.EventCollector(bootstrap: cluster.bootstrapServers, topics: Topic.all)
            let kommun = try await Checks.AgencyProcess(.kommun, bootstrap: cluster.bootstrapServers, directory: directory)
            let client = kommun.client()

            // A person with samordning and remiss consent for kommun and af, a case and a referral
            // to af; a second person without any consent.
            let known = try await Checks.register(client, Checks.personnummer(11))
            try await Checks.consent(client, known, purpose: "samordning", agencies: [.kommun, .af])
            try await Checks.consent(client, known, purpose: "remiss", agencies: [.kommun, .af])
            let opened = try await client.post(
                "/persons/\(known)/cases",
                json: [
                    "area": "forsorjning", "contact": ["name": "Anna Berg"], "openedOn": Checks.daysFromToday(-2),
                ])
            #expect(opened.status == 201, "\(opened.text)")
            let sent = try await client.post(
                "/persons/\(known)/referrals",
                json: [
                    "to": "af", "area": "arbete-aktivitet", "reason": "Arbetslös sedan länge.", "requestedMeasure": "Inskrivning.",
                ])
            #expect(sent.status == 201, "\(sent.text)")
            let referral = try #require(try sent.json()["referralId"] as? String)
            let unconsented = try await Checks.register(client, Checks.personnummer(12))

            // Wait until the setup's events are on Kafka and the store has settled.
            try await eventually("the setup's events reach Kafka", limit: .seconds(30)) { collector.events.count >= 4 }
            var before = try await Checks.quiescentDigest(kommun.storePath)
            let eventsBefore = collector.events.count
            #expect(!before.isEmpty, "the store has tables")

            var answers: [String] = []
            for bad in BadInput.cases(known: known, unconsented: unconsented, referral: referral) {
                let token = bad.token == "" ? nil : (bad.token ?? Checks.tokens[.kommun])
                let response = try await HTTPTestClient(port: kommun.port, token: token).request(bad.method, bad.path, body: bad.body)
                let error = (try? response.json())?["error"] as? [String: Any]
                #expect(response.status == bad.status, "\(bad): status \(response.status), body \(response.text)")
                #expect(error?["code"] as? String == bad.code, "\(bad): \(response.text)")
                if let field = bad.field {
                    #expect(error?["field"] as? String == field, "\(bad): the error must name \(field): \(response.text)")
                }
                let message = error?["message"] as? String ?? ""
                #expect(message.count >= 10, "\(bad): the error must say why: \(response.text)")
                for mention in bad.mentions {
                    #expect(message.contains(mention), "\(bad): the message must mention \(mention): \(message)")
                }
                #expect(
                    !message.contains("19121212") && !response.text.contains("1212-121"), "\(bad): the answer must not echo a personnummer")
                let after = try Checks.storeDigest(kommun.storePath)
                #expect(after == before, "\(bad) changed the store: \(after.filter { before[$0.key] != $0.value }.keys.sorted())")
                before = after
                answers.append(BadInput.validatorLine(bad, response))
            }

            // Nothing arrives later either: no late store write, no event on any topic.
            try await Task.sleep(for: .seconds(2))
            #expect(try Checks.storeDigest(kommun.storePath) == before)
            #expect(collector.events.count == eventsBefore, "bad input published events")

            // The digest does see a write: one good request changes it.
            let good = try await client.post("/persons", json: ["personnummer": Checks.personnummer(13)])
            #expect(good.status == 201, "\(good.text)")
            #expect(try Checks.storeDigest(kommun.storePath) != before, "a registration must change the store digest")

            // Every refusal has the documented shape and status (contracts/openapi.yaml).
            let verdicts = try Checks.runScript("validate-openapi.py", ["--responses"], input: answers.joined(separator: "\n") + "\n")
            #expect(verdicts.errors.isEmpty, "\(verdicts.errors)")
            for (line, verdict) in zip(answers, verdicts.output.split(separator: "\n")) {
                #expect(verdict == "ok", "\(verdict) — \(line.prefix(300))")
            }
            await collector.close()
            #expect(try await kommun.stop() == 0, "\(kommun.output)")
        }

        /// `{method, path, status, body}` for `validate-openapi.py --responses`.
        static func validatorLine(_ bad: Case, _ response: HTTPTestClient.Response) -> String {
            let body = (try? JSONSerialization.jsonObject(with: response.body)) ?? response.text
            let line: [String: Any] = ["method": bad.method, "path": bad.path, "status": response.status, "body": body]
            return String(decoding: try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self)
        }
    }
}
