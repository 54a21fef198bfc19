import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TrisamContracts
import TrisamHTTP
import TrisamTestSupport
import TrisamWeb
import TrisamWorkspace

@testable import TrisamAgency

/// One agency's service with its workspace in process (HummingbirdTesting, no server, no Kafka),
/// on a temporary store with a fixed clock; what it publishes is handed to another side's inbox
/// the way the bus would deliver it.
final class WorkspaceSide: @unchecked Sendable {
    static let start = Timestamp.parse("2027-03-01T09:00:00Z")!
    /// The service's clock; a test moves it forward to the day of a meeting.
    let clock = TestClock(WorkspaceSide.start)
    let agency: Agency
    let base: AgencyService
    let sip: SipService
    let app: Application<RouterResponder<TrisamRequestContext>>
    let directory: URL
    let token: String

    deinit { try? FileManager.default.removeItem(at: directory) }

    init(_ agency: Agency) throws {
        self.agency = agency
        directory = try temporaryDirectory()
        let store = try AgencyStore(path: directory.appendingPathComponent("agency.sqlite").path, agency: agency)
        let clock = self.clock
        let now: @Sendable () -> Date = { clock.now }
        base = AgencyService(
            agency: agency, store: store, pseudonymizer: .development, signal: OutboxSignal(),
            logger: testLogger("agency"), today: { DateRules.swedishToday(now()) })
        sip = SipService(base: base, now: now)
        token = "\(agency.rawValue)-workspace-token-0123456789"
        let tokens = try StaffTokens(
            json: Data(
                #"""
                [{"token":"kommun-workspace-token-0123456789","agency":"kommun","name":"Karin Lind","role":"handläggare"},
                 {"token":"af-workspace-token-0123456789","agency":"af","name":"Ali Hassan","role":"arbetsförmedlare"},
                 {"token":"region-workspace-token-0123456789","agency":"region","name":"Rolf Berg","role":"läkare"}]
                """#.utf8))
        let router = AgencyRoutes.router(service: base, tokens: tokens, sipClock: now)
        try Workspace(service: base, sip: sip, tokens: tokens, now: now, logger: testLogger("workspace")).mount(on: router)
        app = Application(router: router)
    }

    /// Delivers everything `other` wrote for this agency's inbox or the consent topic.
    func deliver(from other: WorkspaceSide) async throws {
        let pending = try await other.base.store.pool.read { db in try Outbox.pending(db, limit: 10_000) }
        for row in pending where row.message.topic == Topic.inbox(agency) || row.message.topic == Topic.consent {
            let encoded = EncodedEvent(
                key: row.message.key ?? [], headers: row.message.headers.map { EventHeader(name: $0.name, value: $0.value ?? []) },
                value: row.message.value)
            _ = try await base.receive(try EventEnvelope(decoding: encoded), topic: row.message.topic)
        }
    }
}

/// A clock a test moves.
final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    var now: Date {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// A logged-in browser: the session cookie and the page's CSRF token.
struct Browser {
    let client: any TestClientProtocol
    var cookie = ""

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return ByteBuffer(
            string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    mutating func login(_ token: String) async throws {
        let response = try await client.execute(
            uri: "/logga-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: Self.form([("token", token), ("next", "/inkorg")]))
        #expect(response.status == .seeOther)
        let setCookie = response.headers[.setCookie] ?? ""
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), "\(setCookie)")
        cookie = String(setCookie.split(separator: ";")[0])
    }

    func get(_ uri: String) async throws -> (status: HTTPResponse.Status, html: String, location: String?) {
        let response = try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie, .accept: "text/html"])
        return (response.status, String(buffer: response.body), response.headers[.location])
    }

    /// The CSRF token of the session, from a page's logout form.
    func csrf() async throws -> String {
        let html = try await get("/inkorg").html
        guard let range = html.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) else { return "" }
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    func post(_ uri: String, _ fields: [(String, String)], csrf: Bool = true) async throws -> (
        status: HTTPResponse.Status, html: String, location: String?
    ) {
        let token = csrf ? try await self.csrf() : ""
        let response = try await client.execute(
            uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
            body: Self.form((csrf ? [("csrf", token)] : []) + fields))
        return (response.status, String(buffer: response.body), response.headers[.location])
    }
}

@Suite("Agency workspace in process")
struct WorkspaceRouteTests {
    @Test("login: no session goes to the login page; an unknown or another agency's token is refused in Swedish; logout ends the session")
    func login() async throws {
        let kommun = try WorkspaceSide(.kommun)
        try await kommun.app.test(.router) { client in
            var browser = Browser(client: client)
            let anonymous = try await browser.get("/inkorg")
            #expect(anonymous.status == .seeOther && anonymous.location == "/logga-in?next=/inkorg")
            let page = try await browser.get("/logga-in")
            #expect(page.html.contains("Kommunen") && page.html.contains("ekonomiskt bistånd"))
            for (token, text) in [
                ("not-a-token-of-anyone", "okänd nyckel"), ("af-workspace-token-0123456789", "hör till en annan verksamhet"),
            ] {
                let refused = try await client.execute(
                    uri: "/logga-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: Browser.form([("token", token)]))
                #expect(refused.status == .unauthorized)
                #expect(String(buffer: refused.body).contains(text))
                #expect(String(buffer: refused.body).contains(#"aria-describedby="login-error""#))
            }
            try await browser.login(kommun.token)
            let inbox = try await browser.get("/inkorg")
            #expect(inbox.status == .ok && inbox.html.contains("Inloggad: Karin Lind") && inbox.html.contains("Inkorgen är tom"))
            #expect(inbox.html.contains(#"href="/static/trisam.css""#))
            let logout = try await browser.post("/logga-ut", [])
            #expect(logout.status == .seeOther && logout.location == "/logga-in")
            #expect(try await browser.get("/inkorg").status == .seeOther)
        }
    }

    @Test("a browser asking for a page that does not exist gets the Swedish 404 page; an API client keeps the JSON refusal")
    func notFound() async throws {
        let kommun = try WorkspaceSide(.kommun)
        try await kommun.app.test(.router) { client in
            let page = try await client.execute(uri: "/finns-inte", method: .get, headers: [.accept: "text/html"])
            #expect(page.status == .notFound)
            let html = String(buffer: page.body)
            #expect(html.contains("Sidan finns inte") && html.contains("gå tillbaka till Inkorgen") && html.contains(#"lang="sv""#))
            let api = try await client.execute(uri: "/finns-inte", method: .get, headers: [.accept: "application/json"])
            #expect(api.status == .notFound && String(buffer: api.body).contains(#""code":"not_found""#))
        }
    }

    @Test("a form without the session's CSRF token is refused with the Swedish page and changes nothing")
    func csrfRefusal() async throws {
        let kommun = try WorkspaceSide(.kommun)
        try await kommun.app.test(.router) { client in
            var browser = Browser(client: client)
            try await browser.login(kommun.token)
            let refused = try await browser.post("/personer/ny", [("personnummer", "19121212-1212"), ("namn", "Tolvan")], csrf: false)
            #expect(refused.status == .forbidden && refused.html.contains("Formuläret har gått ut"))
            let forged = try await browser.post(
                "/personer/ny", [("csrf", String(repeating: "0", count: 64)), ("personnummer", "19121212-1212")], csrf: false)
            #expect(forged.status == .forbidden)
            let search = try await browser.post("/personer/sok", [("sok-personnummer", "19121212-1212")])
            #expect(search.status == .notFound && search.html.contains("ingen person med det numret"))
        }
    }

    @Test("registering a person: a refusal is shown beside the field in Swedish with what was typed; success opens the person")
    func register() async throws {
        let kommun = try WorkspaceSide(.kommun)
        try await kommun.app.test(.router) { client in
            var browser = Browser(client: client)
            try await browser.login(kommun.token)
            let refused = try await browser.post("/personer/ny", [("personnummer", "19121212-1213"), ("namn", "Tolvan Tolvansson")])
            #expect(refused.status == .badRequest)
            #expect(
                refused.html.contains(#"id="personnummer-error""#) && refused.html.contains("inte ett giltigt nummer"), "\(refused.html)")
            #expect(refused.html.contains(#"aria-describedby="personnummer-hint personnummer-error""#))
            #expect(refused.html.contains(#"value="Tolvan Tolvansson""#) && refused.html.contains(#"value="19121212-1213""#))
            let done = try await browser.post("/personer/ny", [("personnummer", "19121212-1212"), ("namn", "Tolvan Tolvansson")])
            #expect(done.status == .seeOther)
            let location = try #require(done.location)
            #expect(location.hasPrefix("/personer/") && location.hasSuffix("?klart=registrerad"))
            let person = try await browser.get(location)
            #expect(
                person.html.contains("Tolvan Tolvansson") && person.html.contains("19121212-1212")
                    && person.html.contains("Personen är registrerad."))
            let found = try await browser.post("/personer/sok", [("sok-personnummer", "191212121212")])
            #expect(found.status == .seeOther && found.location == String(location.split(separator: "?")[0]))
        }
    }

    @Test(
        "the referral, SIP and plan flows through the forms: kommun sends, AF accepts from its inbox; a SIP is answered in the time picker, booked, held; AF marks its action done"
    )
    func flows() async throws {
        let kommun = try WorkspaceSide(.kommun)
        let af = try WorkspaceSide(.af)
        let region = try WorkspaceSide(.region)
        try await kommun.app.test(.router) { kommunClient in
            try await af.app.test(.router) { afClient in
                try await region.app.test(.router) { regionClient in
                    var k = Browser(client: kommunClient)
                    var a = Browser(client: afClient)
                    var r = Browser(client: regionClient)
                    try await k.login(kommun.token)
                    try await a.login(af.token)
                    try await r.login(region.token)
                    let registered = try await k.post("/personer/ny", [("personnummer", "19121212-1212"), ("namn", "Tolvan Tolvansson")])
                    let person = String(try #require(registered.location).split(separator: "?")[0])
                    for purpose in ["remiss", "sip", "handlingsplan", "samordning"] {
                        let consent = try await k.post(
                            "\(person)/samtycke",
                            [
                                ("andamal", purpose), ("verksamheter", "kommun"), ("verksamheter", "af"), ("verksamheter", "region"),
                                ("gavs", "2027-03-01"), ("galler-till", "2028-02-28"),
                            ])
                        #expect(consent.status == .seeOther, "\(consent.html)")
                    }
                    // Refused: no receiver chosen; the typed texts stay.
                    let refused = try await k.post(
                        "\(person)/remiss",
                        [("till", ""), ("omrade", "arbete-aktivitet"), ("efterfragas", "Inskrivning"), ("anledning", "Vill arbeta")])
                    #expect(refused.status == .badRequest && refused.html.contains("Till: fyll i."), "\(refused.html)")
                    #expect(refused.html.contains(#"value="Inskrivning""#) && refused.html.contains(">Vill arbeta</textarea>"))
                    let sent = try await k.post(
                        "\(person)/remiss",
                        [("till", "af"), ("omrade", "arbete-aktivitet"), ("efterfragas", "Inskrivning"), ("anledning", "Vill arbeta")])
                    #expect(sent.status == .seeOther && sent.location?.hasSuffix("klart=remiss-skickad") == true, "\(sent.html)")
                    try await af.deliver(from: kommun)
                    let inbox = try await a.get("/inkorg")
                    #expect(inbox.html.contains("Remiss att besvara") && inbox.html.contains("Tolvan Tolvansson"), "\(inbox.html)")
                    let answerLink = try #require(
                        inbox.html.range(of: #"/personer/[0-9a-f]{32}/remisser/[0-9a-f-]+"#, options: .regularExpression).map {
                            String(inbox.html[$0])
                        })
                    let rejectRefused = try await a.post("\(answerLink)/avvisa", [("skal", "")])
                    #expect(rejectRefused.status == .badRequest && rejectRefused.html.contains("Skäl: fyll i."), "\(rejectRefused.html)")
                    let accepted = try await a.post(
                        "\(answerLink)/godta", [("kontakt-namn", "Ali Hassan"), ("kontakt-roll", "arbetsförmedlare")])
                    #expect(accepted.status == .seeOther, "\(accepted.html)")
                    #expect(try await a.get(try #require(accepted.location)).html.contains("Godtagen"))
                    let report = try await a.post("\(answerLink)/lagesrapport", [("rapport", "Inskriven, kartläggning pågår")])
                    #expect(report.status == .seeOther, "\(report.html)")
                    let closedEarly = try await a.post("\(answerLink)/avsluta", [("resultat", "")])
                    #expect(closedEarly.status == .badRequest && closedEarly.html.contains("Resultat: fyll i."), "\(closedEarly.html)")
                    try await kommun.deliver(from: af)
                    let kommunInbox = try await k.get("/inkorg").html
                    #expect(kommunInbox.contains("Remissen är godtagen") && kommunInbox.contains("Lägesrapport om remiss"))

                    // SIP: called by the kommun, answered by AF and the region in the time picker.
                    try await region.deliver(from: kommun)
                    let called = try await k.post(
                        "\(person)/sip", [("anledning", "Samordna insatser"), ("inbjudna", "af"), ("inbjudna", "region")])
                    #expect(called.status == .seeOther, "\(called.html)")
                    let sipPage = String(try #require(called.location).split(separator: "?")[0])
                    try await af.deliver(from: kommun)
                    try await region.deliver(from: kommun)
                    let afInbox = try await a.get("/inkorg")
                    let afSip = try #require(
                        afInbox.html.range(of: #"/personer/[0-9a-f]{32}/sip/[0-9a-f-]+"#, options: .regularExpression).map {
                            String(afInbox.html[$0])
                        })
                    let picker = try await a.get(afSip)
                    #expect(
                        picker.html.contains("Tisdag 2 mars") && picker.html.contains(#"value="2027-03-02T10:00-12:00""#), "\(picker.html)")
                    let none = try await a.post("\(afSip)/svara", [("svar", "accepted"), ("deltagare-namn", "Ali Hassan")])
                    #expect(none.status == .badRequest && none.html.contains("Tider ni kan: välj minst en tid"), "\(none.html)")
                    let afAnswer = try await a.post(
                        "\(afSip)/svara",
                        [
                            ("svar", "accepted"), ("deltagare-namn", "Ali Hassan"), ("deltagare-epost", "ali.hassan@af.example.se"),
                            ("tider", "2027-03-02T10:00-12:00"), ("tider", "2027-03-03T08:00-10:00"),
                        ])
                    #expect(afAnswer.status == .seeOther, "\(afAnswer.html)")
                    let regionInbox = try await r.get("/inkorg")
                    let regionSip = try #require(
                        regionInbox.html.range(of: #"/personer/[0-9a-f]{32}/sip/[0-9a-f-]+"#, options: .regularExpression).map {
                            String(regionInbox.html[$0])
                        })
                    let regionAnswer = try await r.post(
                        "\(regionSip)/svara", [("svar", "accepted"), ("deltagare-namn", "Rolf Berg"), ("tider", "2027-03-02T10:00-12:00")])
                    #expect(regionAnswer.status == .seeOther, "\(regionAnswer.html)")
                    try await kommun.deliver(from: af)
                    try await kommun.deliver(from: region)
                    let proposal = try await k.get(sipPage)
                    #expect(
                        proposal.html.contains("Tidigaste gemensamma tid (1 timme): Tisdag 2 mars 2027 kl. 10.00–11.00"), "\(proposal.html)"
                    )
                    let booked = try await k.post("\(sipPage)/boka", [("langd", "60"), ("plats", "Socialkontoret")])
                    #expect(booked.status == .seeOther, "\(booked.html)")
                    // The booking is mailed to Ali Hassan, whose answer gave an address; the page says how it went.
                    #expect(try await k.get(sipPage).html.contains("ali.hassan@af.example.se"), "the mail is listed")
                    try await kommun.base.store.pool.write { db in
                        try db.execute(
                            sql:
                                "UPDATE mailOutbox SET state = 'refused', attempts = 1, lastError = '550 5.1.1 Mailbox unavailable' WHERE recipient = ?",
                            arguments: ["ali.hassan@af.example.se"])
                    }
                    let refusedMail = try await k.get(sipPage).html
                    #expect(
                        refusedMail.contains("Gick inte att skicka") && refusedMail.contains("550 5.1.1 Mailbox unavailable"),
                        "\(refusedMail)")
                    let rebooked = try await k.post(
                        "\(sipPage)/omboka", [("dag", "2027-03-02"), ("starttid", "13:00"), ("langd", "60"), ("plats", "Rum 4")])
                    #expect(rebooked.status == .seeOther, "\(rebooked.html)")
                    #expect(try await k.get(sipPage).html.contains("Tisdag 2 mars 2027 kl. 13.00–14.00"))
                    let weekend = try await k.post("\(sipPage)/omboka", [("dag", "2027-03-06"), ("starttid", "10:00"), ("langd", "60")])
                    #expect(weekend.status == .badRequest && weekend.html.contains(#"id="dag-error""#), "\(weekend.html)")
                    let ics = try await kommunClient.execute(uri: "\(sipPage)/kalender.ics", method: .get, headers: [.cookie: k.cookie])
                    #expect(ics.status == .ok && String(buffer: ics.body).contains("BEGIN:VCALENDAR"))
                    let early = try await k.post(
                        "\(sipPage)/hallet", [("hallet-dag", "2027-03-01"), ("narvarande", "kommun|Personen själv")])
                    #expect(early.status == .badRequest && early.html.contains("Mötet hölls: ligger för tidigt."), "\(early.html)")
                    kommun.clock.now = Timestamp.parse("2027-03-02T12:00:00Z")!
                    let held = try await k.post(
                        "\(sipPage)/hallet",
                        [
                            ("hallet-dag", "2027-03-02"), ("narvarande", "kommun|Personen själv"), ("narvarande", "af|Ali Hassan"),
                            ("narstaende", "Maria Andersson"),
                        ])
                    #expect(held.status == .seeOther, "\(held.html)")
                    let heldPage = try await k.get(try #require(held.location)).html
                    #expect(heldPage.contains("Personen själv (Kommunen)") && heldPage.contains("Hållen"), "\(heldPage)")

                    // Plan with an AF action, which AF marks done.
                    let planRefused = try await k.post(
                        "\(person)/plan",
                        [
                            ("huvudansvarig", "kommun"), ("deltagare", "kommun"), ("mal", "Egen försörjning"),
                            ("uppfoljning", "2027-04-01"),
                            ("atgard-1-agare", "af"), ("atgard-1-vad", "Kartläggning"), ("atgard-1-kontakt", "Ali Hassan"),
                            ("atgard-1-senast", "2027-03-20"),
                        ])
                    #expect(
                        planRefused.status == .badRequest && planRefused.html.contains(#"id="atgard-1-agare-error""#), "\(planRefused.html)"
                    )
                    let plan = try await k.post(
                        "\(person)/plan",
                        [
                            ("huvudansvarig", "kommun"), ("deltagare", "kommun"), ("deltagare", "af"), ("mal", "Egen försörjning"),
                            ("vart-vill-du", "Jobba med djur"), ("uppfoljning", "2027-04-01"), ("atgard-0-agare", "af"),
                            ("atgard-0-vad", "Kartläggning"), ("atgard-0-kontakt", "Ali Hassan"), ("atgard-0-senast", "2027-03-20"),
                        ])
                    #expect(plan.status == .seeOther, "\(plan.html)")
                    #expect(try await k.get(try #require(plan.location)).html.contains("Jobba med djur"))
                    // The SIP document for the meeting: the person and their närstående first, the plan in
                    // the person's words, who does what, who holds it together, the next follow-up.
                    let document = try await k.get("\(sipPage)/dokument")
                    #expect(document.status == .ok)
                    #expect(document.html.contains("Samordnad individuell plan (SIP)") && document.html.contains("data-print"))
                    #expect(document.html.contains("<td>Personen själv</td><td>Den planen gäller</td><td>Ja</td>"), "\(document.html)")
                    #expect(document.html.contains("<td>Maria Andersson</td><td>Närstående</td><td>Ja</td>"))
                    #expect(document.html.contains("Jobba med djur") && document.html.contains("<td>Kartläggning</td>"))
                    #expect(document.html.contains("Kommunen håller samman planen") && document.html.contains("1 apr 2027"))
                    #expect(try await k.get(sipPage).html.contains("SIP-dokument att skriva ut"))
                    // Revised at the follow-up: new goals and a new action; the earlier version is kept.
                    let planPath = try #require(plan.location?.split(separator: "?").first.map(String.init))
                    let noGoal = try await k.post("\(planPath)/revidera", [("mal", ""), ("uppfoljning", "2027-05-01")])
                    #expect(noGoal.status == .badRequest && noGoal.html.contains(#"id="revidera-mal-error""#), "\(noGoal.html)")
                    let revised = try await k.post(
                        "\(planPath)/revidera",
                        [
                            ("mal", "Egen försörjning\nArbetsträning"), ("vart-vill-du", "Jobba med hästar"), ("uppfoljning", "2027-05-01"),
                            ("atgard-0-agare", "kommun"), ("atgard-0-vad", "Ansöka om arbetsträning"), ("atgard-0-kontakt", "Karin Lind"),
                            ("atgard-0-senast", "2027-04-15"),
                        ])
                    #expect(revised.status == .seeOther, "\(revised.html)")
                    let revisedPage = try await k.get(try #require(revised.location)).html
                    #expect(revisedPage.contains("Handlingsplanen är reviderad.") && revisedPage.contains("2, reviderad vid uppföljning"))
                    #expect(revisedPage.contains("Jobba med hästar") && revisedPage.contains("Ansöka om arbetsträning"))
                    #expect(revisedPage.contains("Kartläggning"), "the earlier action stays")
                    try await af.deliver(from: kommun)
                    let afPlanInbox = try await a.get("/inkorg")
                    #expect(afPlanInbox.html.contains("Åtgärd att utföra") && afPlanInbox.html.contains("Era åtgärder i handlingsplaner"))
                    let afPlan = try #require(
                        afPlanInbox.html.range(of: #"/personer/[0-9a-f]{32}/planer/[0-9a-f-]+"#, options: .regularExpression).map {
                            String(afPlanInbox.html[$0])
                        })
                    let done = try await a.post("\(afPlan)/atgarder/a1/klar", [("klar-dag", "2027-03-01")])
                    #expect(done.status == .seeOther, "\(done.html)")
                    #expect(try await a.get(try #require(done.location)).html.contains("Åtgärden är markerad som klar."))
                }
            }
        }
    }
}

@Suite("Agency workspace: the other forms")
struct WorkspaceOtherFormsTests {
    @Test(
        "cases, handovers, consent withdrawal, referral cancel, SIP cancel and closing a plan: each refused in Swedish beside its field, then done"
    )
    func otherForms() async throws {
        let kommun = try WorkspaceSide(.kommun)
        let af = try WorkspaceSide(.af)
        try await kommun.app.test(.router) { kommunClient in
            try await af.app.test(.router) { afClient in
                var k = Browser(client: kommunClient)
                var a = Browser(client: afClient)
                try await k.login(kommun.token)
                try await a.login(af.token)
                let registered = try await k.post("/personer/ny", [("personnummer", "19121212-1212"), ("namn", "Tolvan Tolvansson")])
                let person = String(try #require(registered.location).split(separator: "?")[0])
                // Consent refused without a purpose, then given.
                let noPurpose = try await k.post(
                    "\(person)/samtycke", [("verksamheter", "kommun"), ("gavs", "2027-03-01"), ("galler-till", "2028-01-01")])
                #expect(noPurpose.status == .badRequest && noPurpose.html.contains("Ändamål: fyll i."), "\(noPurpose.html)")
                for purpose in ["samordning", "remiss", "sip", "handlingsplan"] {
                    let given = try await k.post(
                        "\(person)/samtycke",
                        [
                            ("andamal", purpose), ("verksamheter", "kommun"), ("verksamheter", "af"), ("gavs", "2027-03-01"),
                            ("galler-till", "2028-01-01"),
                        ])
                    #expect(given.status == .seeOther, "\(given.html)")
                }
                // A case: opened, its contact changed, handed over to AF, accepted there.
                let noArea = try await k.post("\(person)/arende", [("kontakt-namn", "Karin Lind"), ("oppnat", "2027-03-01")])
                #expect(noArea.status == .badRequest && noArea.html.contains("Område: fyll i."), "\(noArea.html)")
                let opened = try await k.post(
                    "\(person)/arende", [("omrade", "forsorjning"), ("kontakt-namn", "Karin Lind"), ("oppnat", "2027-03-01")])
                #expect(opened.status == .seeOther && opened.location?.hasSuffix("klart=arende-oppnat") == true, "\(opened.html)")
                let twice = try await k.post(
                    "\(person)/arende", [("omrade", "forsorjning"), ("kontakt-namn", "Karin Lind"), ("oppnat", "2027-03-01")])
                #expect(twice.status == .conflict && twice.html.contains("redan ett öppet ärende"), "\(twice.html)")
                let badPhone = try await k.post(
                    "\(person)/arenden/forsorjning/kontakt",
                    [("kontakt-namn", "Eva Ek"), ("kontakt-telefon", "ring mig"), ("andrad", "2027-03-01")])
                #expect(badPhone.status == .badRequest && badPhone.html.contains(#"id="kontakt-telefon-error""#), "\(badPhone.html)")
                #expect(badPhone.html.contains(#"value="ring mig""#))
                let changed = try await k.post(
                    "\(person)/arenden/forsorjning/kontakt", [("kontakt-namn", "Eva Ek"), ("andrad", "2027-03-01")])
                #expect(changed.status == .seeOther, "\(changed.html)")
                #expect(try await k.get(person).html.contains("Eva Ek"))
                let handover = try await k.post(
                    "\(person)/overlamning", [("omrade", "forsorjning"), ("till", "af"), ("anledning", "Har fått arbete")])
                #expect(handover.status == .seeOther, "\(handover.html)")
                try await af.deliver(from: kommun)
                let inbox = try await a.get("/inkorg")
                #expect(inbox.html.contains("Överlämning att besvara"), "\(inbox.html)")
                let link = try #require(
                    inbox.html.range(of: #"/personer/[0-9a-f]{32}/overlamningar/[0-9a-f-]+"#, options: .regularExpression).map {
                        String(inbox.html[$0])
                    })
                let noReason = try await a.post("\(link)/avboj", [("skal", "")])
                #expect(noReason.status == .badRequest && noReason.html.contains("Skäl: fyll i."), "\(noReason.html)")
                let taken = try await a.post("\(link)/godta", [("kontakt-namn", "Ali Hassan"), ("godtagen", "2027-03-01")])
                #expect(taken.status == .seeOther, "\(taken.html)")
                #expect(try await a.get(person).html.contains("Ali Hassan"))
                // A case closed, with a reason from the vocabulary.
                let second = try await k.post(
                    "\(person)/arende", [("omrade", "samordning"), ("kontakt-namn", "Karin Lind"), ("oppnat", "2027-03-01")])
                #expect(second.status == .seeOther, "\(second.html)")
                let noClose = try await k.post("\(person)/arenden/samordning/avsluta", [("skal", ""), ("avslutat", "2027-03-01")])
                #expect(noClose.status == .badRequest && noClose.html.contains("Skäl: fyll i."), "\(noClose.html)")
                let closed = try await k.post("\(person)/arenden/samordning/avsluta", [("skal", "completed"), ("avslutat", "2027-03-01")])
                #expect(closed.status == .seeOther, "\(closed.html)")
                // A referral cancelled by its sender.
                let sent = try await k.post(
                    "\(person)/remiss",
                    [("till", "af"), ("omrade", "arbete-aktivitet"), ("efterfragas", "Kartläggning"), ("anledning", "Behöver stöd")])
                let page = try await k.get(person)
                let referral = try #require(
                    page.html.range(of: #"/personer/[0-9a-f]{32}/remisser/[0-9a-f-]+"#, options: .regularExpression).map {
                        String(page.html[$0])
                    })
                #expect(sent.status == .seeOther)
                let cancelled = try await k.post("\(referral)/aterkalla", [("skal", "Personen har flyttat")])
                #expect(cancelled.status == .seeOther, "\(cancelled.html)")
                #expect(try await k.get(try #require(cancelled.location)).html.contains("Återkallad"))
                // A SIP called and cancelled.
                let called = try await k.post("\(person)/sip", [("anledning", "Samordna"), ("inbjudna", "af")])
                let sip = String(try #require(called.location).split(separator: "?")[0])
                let noCancel = try await k.post("\(sip)/stall-in", [("skal", "")])
                #expect(noCancel.status == .badRequest && noCancel.html.contains("Skäl: fyll i."), "\(noCancel.html)")
                let off = try await k.post("\(sip)/stall-in", [("skal", "Personen är sjuk")])
                #expect(off.status == .seeOther, "\(off.html)")
                #expect(try await k.get(sip).html.contains("Inställd"))
                // A plan closed with an outcome.
                let plan = try await k.post(
                    "\(person)/plan",
                    [("huvudansvarig", "kommun"), ("deltagare", "kommun"), ("mal", "Arbete"), ("uppfoljning", "2027-04-01")])
                let planPage = String(try #require(plan.location).split(separator: "?")[0])
                let noOutcome = try await k.post("\(planPage)/avsluta", [("utfall", ""), ("avslutad", "2027-03-01")])
                #expect(noOutcome.status == .badRequest && noOutcome.html.contains("Utfall: fyll i."), "\(noOutcome.html)")
                let ended = try await k.post(
                    "\(planPage)/avsluta", [("utfall", "work"), ("skal", "goals-reached"), ("avslutad", "2027-03-01")])
                #expect(ended.status == .seeOther, "\(ended.html)")
                #expect(try await k.get(planPage).html.contains("Avslutad"))
                // A status change in the kommun's vocabulary, every code with its Swedish label.
                let choose = try await k.get("\(person)/status?typ=kommun.forsorjningshinder.reported")
                #expect(
                    choose.html.contains(">Arbetslös</option>") && choose.html.contains(">Sjukskriven med läkarintyg</option>"),
                    "\(choose.html)")
                let noCode = try await k.post(
                    "\(person)/status", [("typ", "kommun.forsorjningshinder.reported"), ("f-code", ""), ("f-month", "2027-02")])
                #expect(noCode.status == .badRequest && noCode.html.contains("Försörjningshinder: fyll i."), "\(noCode.html)")
                #expect(noCode.html.contains(#"value="2027-02""#))
                let status = try await k.post(
                    "\(person)/status", [("typ", "kommun.forsorjningshinder.reported"), ("f-code", "arbetslos"), ("f-month", "2027-02")])
                #expect(status.status == .seeOther, "\(status.html)")
                #expect(try await k.get(person).html.contains("Försörjningshinder rapporterat"))
                // The consent withdrawn.
                let consentPage = try await k.get(person)
                let consent = try #require(
                    consentPage.html.range(of: #"/personer/[0-9a-f]{32}/samtycken/[0-9a-f-]+"#, options: .regularExpression).map {
                        String(consentPage.html[$0])
                    })
                let future = try await k.post("\(consent)/aterkalla", [("aterkallat", "2027-04-01")])
                #expect(future.status == .badRequest && future.html.contains("Återkallat: får inte ligga efter i dag."), "\(future.html)")
                let withdrawn = try await k.post("\(consent)/aterkalla", [("aterkallat", "2027-03-01")])
                #expect(
                    withdrawn.status == .seeOther && withdrawn.location?.hasSuffix("klart=samtycke-aterkallat") == true, "\(withdrawn.html)"
                )
            }
        }
    }
}
