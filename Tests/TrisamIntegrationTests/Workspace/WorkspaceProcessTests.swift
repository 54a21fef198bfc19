import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

/// The workspaces of real `trisam agency` processes on an embedded broker: a referral sent
/// through the kommun's forms reaches AF's Inkorg over Kafka with the person's name, is accepted
/// there, and the answer reaches the kommun's Inkorg.
@Suite("Workspace processes", .serialized) struct WorkspaceProcessTests {
    /// Logs in at the workspace of `agency` and answers the client with its session cookie.
    static func login(_ fixture: AgencyProcessFixture, _ agency: Agency) async throws -> RawClient {
        let client = RawClient(port: fixture.ports[agency]!)
        let anonymous = try await client.send("GET", "/inkorg", accept: "text/html")
        #expect(anonymous.status == 303 && anonymous.headers["location"] == "/logga-in?next=/inkorg")
        let login = try await client.send("POST", "/logga-in", form: "token=\(AgencyProcessFixture.tokens[agency]!)&next=%2Finkorg")
        #expect(login.status == 303 && login.headers["location"] == "/inkorg")
        let cookie = try #require(login.headers["set-cookie"])
        #expect(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.hasPrefix("trisam_arbetsyta_\(agency.rawValue)="))
        client.cookie = String(cookie.split(separator: ";")[0])
        return client
    }

    static func csrf(_ client: RawClient) async throws -> String {
        let html = try await client.send("GET", "/inkorg", accept: "text/html").text
        let range = try #require(html.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression))
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    static func post(_ client: RawClient, _ path: String, _ form: String) async throws -> (status: Int, location: String?, text: String) {
        let reply = try await client.send("POST", path, form: "csrf=\(try await csrf(client))&" + form)
        return (reply.status, reply.headers["location"], reply.text)
    }

    @Test("a referral through the kommun's forms reaches AF's Inkorg with the person's name; AF's acceptance reaches the kommun")
    func referralAcrossProcesses() async throws {
        let fixture = try AgencyProcessFixture()
        try await fixture.start(.kommun)
        try await fixture.start(.af)
        do {
            let kommun = try await Self.login(fixture, .kommun)
            let af = try await Self.login(fixture, .af)
            let registered = try await Self.post(kommun, "/personer/ny", "personnummer=19121212-1212&namn=Tolvan+Tolvansson")
            #expect(registered.status == 303, "\(registered.text)")
            let person = String(try #require(registered.location).split(separator: "?")[0])
            let today = LocalDate(DateRulesToday.text)!
            let consent = try await Self.post(
                kommun, "\(person)/samtycke",
                "andamal=remiss&verksamheter=kommun&verksamheter=af&gavs=\(today)&galler-till=\(today.adding(days: 100))")
            #expect(consent.status == 303, "\(consent.text)")
            let sent = try await Self.post(
                kommun, "\(person)/remiss", "till=af&omrade=arbete-aktivitet&efterfragas=Inskrivning&anledning=Vill+arbeta")
            #expect(sent.status == 303, "\(sent.text)")
            var inbox = ""
            try await eventually("the referral reaches AF's Inkorg", limit: .seconds(30)) {
                inbox = try await af.send("GET", "/inkorg", accept: "text/html").text
                return inbox.contains("Remiss att besvara")
            }
            #expect(inbox.contains("Tolvan Tolvansson") && inbox.contains("19121212-1212"))
            let live = try await af.send("GET", "/live.json", accept: "application/json")
            #expect(live.status == 200 && live.text.contains("\"marker\""))
            // Consent reaches AF over the consent topic; until then accepting is refused in Swedish.
            let link = try #require(
                inbox.range(of: #"/personer/[0-9a-f]{32}/remisser/[0-9a-f-]+"#, options: .regularExpression).map { String(inbox[$0]) })
            var accepted: (status: Int, location: String?, text: String) = (0, nil, "")
            try await eventually("AF accepts the referral", limit: .seconds(30)) {
                accepted = try await Self.post(af, "\(link)/godta", "kontakt-namn=Ali+Hassan&kontakt-roll=arbetsf%C3%B6rmedlare")
                return accepted.status == 303
            }
            try await eventually("the acceptance reaches the kommun's Inkorg", limit: .seconds(30)) {
                try await kommun.send("GET", "/inkorg", accept: "text/html").text.contains("Remissen är godtagen")
            }
            let audit = try await fixture.client(.af).get("/audit?limit=200")
            #expect(audit.text.contains("inbox.read") && audit.text.contains("referral.accept"))
        } catch {
            try? await fixture.stop()
            throw error
        }
        try await fixture.stop()
    }
}
