import Foundation
import Testing
import TrisamCoordinator
import TrisamTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A plain HTTP client that neither follows redirects nor keeps cookies, so the tests see the
/// 303s and Set-Cookie headers themselves.
final class RawClient: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    let port: Int
    var cookie: String?
    private lazy var session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }()

    init(port: Int) { self.port = port }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func send(
        _ method: String, _ path: String, form: String? = nil, accept: String? = nil
    ) async throws -> (status: Int, headers: [String: String], text: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let accept { request.setValue(accept, forHTTPHeaderField: "Accept") }
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        if let form {
            request.httpBody = Data(form.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return (http.statusCode, headers, String(decoding: data, as: UTF8.self))
    }
}

/// The real `trisam coordinator` (with the dashboard mounted) against a real embedded broker process.
@Suite("Dashboard process", .serialized) struct DashboardProcessTests {
    @Test("login session pages and audit") func loginSessionPagesAndAudit() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try ChildProcess(
            try trisamExecutable(), ["broker", "--state-dir", "state", "--brokers", "1", "--partitions", "2"],
            directory: directory)
        let bootstrapFile = directory.appendingPathComponent("state/bootstrap")
        try await eventually("the broker writes its bootstrap file") { FileManager.default.fileExists(atPath: bootstrapFile.path) }
        let token = "dashboard-test-token-0123456789"
        let tokens = directory.appendingPathComponent("tokens.json")
        try Data("[{\"token\":\"\(token)\",\"name\":\"Testa Samordnare\",\"role\":\"samordnare\"}]".utf8).write(to: tokens)
        let port = try freeLoopbackPort()
        let store = directory.appendingPathComponent("coordinator.sqlite").path
        let coordinator = try ChildProcess(
            try trisamExecutable(),
            [
                "coordinator", "--state-dir", "state", "--port", String(port), "--tokens-file", tokens.path,
                "--store", store, "--clock", "fixed:2026-11-24T09:00:00Z",
            ], directory: directory, environment: ["LOG_LEVEL": "warning"])
        defer {
            _ = Task {
                _ = try? await coordinator.stop()
                _ = try? await broker.stop()
            }
        }
        try await HTTPTestClient(port: port).waitUntilServing("/health")
        let client = RawClient(port: port)

        // Without a session every page redirects to the login page, and the live endpoint refuses.
        let anonymous = try await client.send("GET", "/oversikt")
        #expect(anonymous.status == 303)
        #expect(anonymous.headers["location"] == "/logga-in?next=/oversikt")
        #expect(try await client.send("GET", "/").headers["location"] == "/logga-in")
        #expect(try await client.send("GET", "/live.json").status == 401)
        let login = try await client.send("GET", "/logga-in?next=/oversikt")
        #expect(login.status == 200)
        #expect(login.text.contains("<label for=\"token\">Inloggningsnyckel</label>"))
        #expect(login.text.contains("value=\"/oversikt\""))
        #expect(login.text.contains("lang=\"sv\""))

        // A wrong or missing token is refused naming the field; nothing is set.
        let wrong = try await client.send("POST", "/logga-in", form: "token=not-a-token-at-all&next=%2F")
        #expect(wrong.status == 401)
        #expect(wrong.text.contains("Inloggningsnyckel: okänd nyckel"))
        #expect(wrong.headers["set-cookie"] == nil)
        #expect(try await client.send("POST", "/logga-in", form: "next=%2F").status == 400)
        // The review's open redirect: a tab after the first slash, which browsers drop.
        let tabbed = try await client.send("POST", "/logga-in", form: "token=\(token)&next=%2F%09%2F127.0.0.2%2Flanded")
        #expect(tabbed.status == 303)
        #expect(tabbed.headers["location"] == "/")

        // The right token: an HttpOnly, SameSite=Strict session cookie and a 303 to the asked page.
        let accepted = try await client.send("POST", "/logga-in", form: "token=\(token)&next=%2Foversikt")
        #expect(accepted.status == 303)
        #expect(accepted.headers["location"] == "/oversikt")
        let setCookie = try #require(accepted.headers["set-cookie"])
        #expect(setCookie.contains("HttpOnly"))
        #expect(setCookie.contains("SameSite=Strict"))
        #expect(!setCookie.contains(token))
        client.cookie = String(setCookie.split(separator: ";")[0])

        for (path, heading) in [
            ("/", "<h1>Att agera på</h1>"), ("/sip-kalender", "<h1>SIP-kalender</h1>"), ("/oversikt", "<h1>Översikt</h1>"),
        ] {
            let page = try await client.send("GET", path)
            #expect(page.status == 200, "\(path)")
            #expect(page.text.contains(heading), "\(path)")
            #expect(page.text.contains("Inloggad: Testa Samordnare"), "\(path)")
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        }
        let queue = try await client.send("GET", "/")
        #expect(queue.text.contains("Inga öppna flaggor"))
        #expect(queue.text.contains("data-live"))
        let live = try await client.send("GET", "/live.json")
        #expect(live.status == 200)
        #expect(live.text.contains("\"marker\":\"0-0-0-2026-11-24\""))

        // Filters are checked and refused naming the filter by its label, without a count of
        // flags beside the refusal.
        let badFilter = try await client.send("GET", "/?minstDagar=tio")
        #expect(badFilter.status == 400)
        #expect(badFilter.text.contains("Minst antal dagar: ska vara ett heltal från 0 till 36500, inte ”tio”."))
        #expect(!badFilter.text.contains("öppna flaggor, varav"))
        #expect(!badFilter.text.contains("Inga öppna flaggor"))
        let unknownFilter = try await client.send("GET", "/?sortera=x")
        #expect(unknownFilter.status == 400)
        #expect(unknownFilter.text.contains("Filtret ”sortera” finns inte."))
        #expect(!unknownFilter.text.contains("öppna flaggor, varav"))

        // An unknown path answers a Swedish page in the dashboard's layout to a browser; the
        // API's clients keep the JSON refusal, and a path known with other methods its 405.
        let browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        let missing = try await client.send("GET", "/finns-inte", accept: browserAccept)
        #expect(missing.status == 404)
        #expect(missing.headers["content-type"] == "text/html; charset=utf-8")
        #expect(missing.text.contains("<html lang=\"sv\">"))
        #expect(missing.text.contains("<h1>Sidan finns inte</h1>"))
        #expect(missing.text.contains("Det finns ingen sida med adressen ”/finns-inte”."))
        #expect(missing.text.contains("Inloggad: Testa Samordnare"))
        #expect(missing.text.contains("<a class=\"skip\" href=\"#innehall\">"))
        let missingAnonymous = try await RawClient(port: port).send("GET", "/personer/x/y", accept: browserAccept)
        #expect(missingAnonymous.status == 404)
        #expect(missingAnonymous.text.contains("<h1>Sidan finns inte</h1>"))
        #expect(!missingAnonymous.text.contains("Logga ut"))
        let missingJSON = try await client.send("GET", "/finns-inte", accept: "application/json")
        #expect(missingJSON.status == 404)
        #expect(missingJSON.text.contains("\"code\":\"not_found\""))
        #expect(try await client.send("GET", "/finns-inte").text.contains("\"code\":\"not_found\""))
        #expect(try await client.send("GET", "/logga-ut", accept: browserAccept).status == 405)

        // A person page is audited with the session's name, even when the person is unknown.
        let ref = "00112233445566778899aabbccddeeff"
        let unknown = try await client.send("GET", "/personer/\(ref)")
        #expect(unknown.status == 404)
        #expect(unknown.text.contains("Det finns inga uppgifter om den här personen."))
        #expect(try await client.send("GET", "/personer/nej").status == 400)
        let log = try CoordinatorStore(path: store).accessLog()
        #expect(log.contains { $0.reader == "Testa Samordnare" && $0.clientRef == ref && $0.path == "/personer/\(ref)" })

        // The JSON API still wants its bearer token, not the cookie.
        #expect(try await client.send("GET", "/flags").status == 401)
        #expect(try await client.send("GET", "/static/trisam.css").status == 200)

        // A form posted without the session's CSRF token, or with another, is refused with a
        // Swedish page and changes nothing: the session is still open.
        for form in ["", "csrf=\(String(repeating: "0", count: 64))"] {
            let forged = try await client.send("POST", "/logga-ut", form: form)
            #expect(forged.status == 403, "\(form)")
            #expect(forged.text.contains("<h1>Formuläret har gått ut</h1>"), "\(form)")
        }
        #expect(try await client.send("GET", "/").status == 200)

        // Logout, with the token the page's form carries, ends the session.
        let page = try await client.send("GET", "/").text
        let marker = "name=\"csrf\" value=\""
        let tokenStart = try #require(page.range(of: marker)).upperBound
        let csrf = String(page[tokenStart...].prefix(64))
        #expect(csrf.count == 64 && csrf.allSatisfy(\.isHexDigit))
        let logout = try await client.send("POST", "/logga-ut", form: "csrf=\(csrf)")
        #expect(logout.status == 303)
        #expect(logout.headers["location"] == "/logga-in")
        #expect(try await client.send("GET", "/").status == 303)
        _ = try await coordinator.stop()
        _ = try await broker.stop()
    }
}
