import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

/// Finding a person by personnummer on the real `trisam coordinator` (issue 21), logging at
/// trace level: the number is typed into the dashboard's form and the API's body, turned into
/// the clientRef with the collaboration secret, and appears in no log line, URL or audit entry.
@Suite("Person search on the real coordinator", .serialized)
struct PersonSearchProcessTests {
    @Test("a search by personnummer (form and API) finds the person; the number reaches no log line, URL or audit entry")
    func numberNeverLogged() async throws {
        let harness = try CoordinatorHarness()
        harness.environment["LOG_LEVEL"] = "trace"
        let number = "19121212-1212"
        let typo = "19121212-1213"
        let ref = testPseudonymizer.clientRef(for: try PersonalIdentityNumber(number))
        do {
            try await harness.start()
            try await harness.publish([
                EventEnvelope(
                    id: "search-c1", source: .agency(.kommun), time: Date(timeIntervalSince1970: 1_795_000_000), subject: ref,
                    event: .consentGiven(
                        ConsentGiven(
                            consentId: "search-c1", purpose: .samordning, agencies: Agency.allCases, validUntil: day("2027-06-30"),
                            givenOn: day("2026-11-20"))))
            ])
            try await eventually("the coordinator holds the person", limit: .seconds(30)) {
                let answer = try await harness.client.post("/persons/search", json: ["reference": ref.rawValue])
                return (try answer.json()["matches"] as? [Any])?.count == 1
            }

            // The dashboard: log in, type the number into the form.
            let browser = RawClient(port: harness.port)
            let login = try await browser.send("POST", "/logga-in", form: "token=\(harness.token)")
            browser.cookie = try #require(login.headers["set-cookie"]).split(separator: ";").first.map(String.init)
            // The form's CSRF token, as a browser posts it with the form.
            let searchPage = try await browser.send("GET", "/sok", accept: "text/html").text
            let tokenStart = try #require(searchPage.range(of: "name=\"csrf\" value=\"")).upperBound
            let csrf = String(searchPage[tokenStart...].prefix(64))
            let found = try await browser.send("POST", "/sok", form: "csrf=\(csrf)&nummer=\(number)", accept: "text/html")
            #expect(found.status == 303 && found.headers["location"] == "/personer/\(ref.rawValue)", "\(found.status) \(found.headers)")
            let wrong = try await browser.send("POST", "/sok", form: "csrf=\(csrf)&nummer=\(typo)", accept: "text/html")
            #expect(wrong.status == 400 && wrong.text.contains("Personnummer: kontrollsiffran stämmer inte"))
            let page = try await browser.send("GET", "/personer/\(ref.rawValue)", accept: "text/html")
            #expect(page.status == 200)

            // The API: the number in the JSON body.
            let byNumber = try await harness.client.post("/persons/search", json: ["personnummer": number])
            #expect(byNumber.status == 200 && byNumber.text.contains(ref.rawValue), "\(byNumber.text)")
            let refused = try await harness.client.post("/persons/search", json: ["personnummer": typo])
            let refusedField = (try refused.json()["error"] as? [String: Any])?["field"] as? String
            #expect(refused.status == 400 && refusedField == "personnummer")

            let audit = try await harness.client.get("/audit?limit=100")
            let entries = try audit.json()["entries"] as? [[String: Any]] ?? []
            #expect(entries.filter { $0["action"] as? String == "search" }.count >= 3)
            #expect(
                entries.contains {
                    $0["action"] as? String == "search" && $0["path"] as? String == "POST /sok" && $0["matches"] as? Int == 1
                })
            let process = harness.process
            #expect(try await harness.stop() == 0)
            let output = process?.output ?? ""
            #expect(output.contains("trace") || output.count > 200, "the coordinator logged nothing at trace level: \(output)")
            var seen = [found.headers["location"] ?? "", audit.text]
            seen.append(output)
            for text in seen {
                for form in writtenForms(number) + writtenForms(typo) {
                    #expect(!text.contains(form), "the number (as \(form)) appears: \(text.prefix(2000))")
                }
            }
        } catch {
            Issue.record("coordinator output:\n\(harness.output)")
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }
}
