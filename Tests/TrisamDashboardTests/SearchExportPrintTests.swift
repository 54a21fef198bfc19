import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing
import TrisamContracts
@_spi(Benchmarks) import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamHTTP
import TrisamKafka
import TrisamTestSupport
import TrisamWeb

@testable import TrisamDashboard

/// The dashboard's person search, the queue's CSV export and the person page's print view
/// (issue 21), in process: the routes behind a real session, over a real store.
@Suite("Dashboard search, export and print")
struct SearchExportPrintTests {
    static let number = "19121212-1212"
    static let secret = Pseudonymizer.development

    /// A store with the person of ``number`` (and flags), the dashboard mounted behind a session.
    final class Setup: Sendable {
        let directory: URL
        let store: CoordinatorStore
        let known: ClientRef
        let sessions = WebSessions()
        let cookie: String
        /// The session's CSRF token, which every form posts.
        let csrf: String

        init() async throws {
            directory = try temporaryDirectory()
            store = try CoordinatorStore(path: directory.appendingPathComponent("coordinator.sqlite").path)
            let engine = try CoordinatorEngine(
                store: store, rules: GapRules(), clock: .fixed(at: at("2026-04-01")), metrics: CoordinatorMetrics())
            known = SearchExportPrintTests.secret.clientRef(for: try PersonalIdentityNumber(SearchExportPrintTests.number))
            let partition = TopicPartition(topic: "trisam.consent", partition: 0)
            var offset: Int64 = 0
            let events: [EventEnvelope] = [
                EventEnvelope(
                    id: "c1", source: .agency(.kommun), time: at("2026-01-02"), subject: known,
                    event: .consentGiven(
                        ConsentGiven(
                            consentId: "c1", purpose: .samordning, agencies: Agency.allCases, validUntil: day("2026-12-31"),
                            givenOn: day("2026-01-02")))),
                EventEnvelope(
                    id: "s1", source: .agency(.region), time: at("2026-02-01"), subject: known,
                    event: .regionSickNoteIssued(
                        SickNoteIssued(
                            sickNoteId: "sn", extentPercent: 100, from: day("2026-02-01"), until: day("2026-05-31"), renewal: false))),
                EventEnvelope(
                    id: "f1", source: .agency(.fk), time: at("2026-02-05"), subject: known,
                    event: .fkSjukpenningDecided(SjukpenningDecided(decision: .noSgi, effectiveDate: day("2026-02-05")))),
            ]
            _ = try await engine.process(
                events.map { event in
                    defer { offset += 1 }
                    return IncomingEvent(partition: partition, offset: offset, envelope: event)
                })
            let id = sessions.start(name: "Sara Samordnare", role: "samordnare")
            cookie = "\(Dashboard.cookieName)=\(id)"
            csrf = sessions.session(id)!.csrfToken
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func router(secret: Pseudonymizer?) throws -> Router<CoordinatorRequestContext> {
            let router = Router(context: CoordinatorRequestContext.self)
            let parts = CoordinatorParts(
                store: store, rules: GapRules(), clock: .fixed(at: at("2026-04-01")), tokens: AccessTokens([]), pseudonymizer: secret)
            try Dashboard(parts: parts, sessions: sessions).mount(on: router)
            return router
        }

        func audit() throws -> [(action: String, clientRef: String, path: String, matches: Int?)] {
            try store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT action, clientRef, path, matches FROM access_log ORDER BY seq").map {
                    ($0["action"], $0["clientRef"], $0["path"], $0["matches"])
                }
            }
        }
    }

    static func form(_ client: some TestClientProtocol, _ cookie: String, _ csrf: String, _ body: String) async throws -> (
        status: HTTPResponse.Status, location: String?, html: String
    ) {
        try await client.execute(
            uri: "/sok", method: .post,
            headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded", .accept: "text/html"],
            body: ByteBuffer(string: "csrf=\(csrf)&" + body)
        ) { response in (response.status, response.headers[.location], String(buffer: response.body)) }
    }

    @Test("a personnummer typed into the form leads to the person's page; the number is in no URL and no audit entry")
    func searchByNumber() async throws {
        let setup = try await Setup()
        let cookie = setup.cookie
        let known = setup.known.rawValue
        try await Application(router: try setup.router(secret: Self.secret)).test(.router) { client in
            let page = try await client.execute(uri: "/sok", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(page.contains("<form class=\"search\" method=\"post\" action=\"/sok\""))
            #expect(page.contains("<label for=\"nummer\">") && page.contains("<label for=\"referens\">"))
            #expect(page.contains("aria-current=\"page\">Sök person"))
            let found = try await Self.form(client, cookie, setup.csrf, "nummer=19121212-1212")
            #expect(found.status == .seeOther && found.location == "/personer/\(known)")
            let spaced = try await Self.form(client, cookie, setup.csrf, "nummer=+191212121212+")
            #expect(spaced.status == .seeOther && spaced.location == "/personer/\(known)")
            let nobody = try await Self.form(client, cookie, setup.csrf, "nummer=20121212-1212")
            #expect(nobody.status == .ok && nobody.html.contains(Swedish.noPersonWithNumber))
            let wrong = try await Self.form(client, cookie, setup.csrf, "nummer=19121212-1213")
            #expect(wrong.status == .badRequest)
            #expect(
                wrong.html.contains("id=\"nummer-meddelande\" class=\"error\" role=\"alert\">Personnummer: kontrollsiffran stämmer inte"))
            let short = try await Self.form(client, cookie, setup.csrf, "nummer=1912")
            #expect(short.status == .badRequest && short.html.contains("Personnummer: numret har 4 siffror"))
            let reserv = try await Self.form(client, cookie, setup.csrf, "nummer=rv12")
            #expect(reserv.status == .badRequest && reserv.html.contains("Reservnummer:"))
            let empty = try await Self.form(client, cookie, setup.csrf, "nummer=&referens=")
            #expect(empty.status == .badRequest && empty.html.contains(Swedish.searchEmpty))
            let both = try await Self.form(client, cookie, setup.csrf, "nummer=19121212-1212&referens=abcd")
            #expect(both.status == .badRequest && both.html.contains(Swedish.searchBoth))
            try await client.execute(uri: "/sok", method: .post, body: ByteBuffer(string: "nummer=19121212-1212")) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/logga-in?next=/sok")
            }
        }
        let audit = try setup.audit()
        #expect(audit.map(\.action) == ["search", "search", "search"])
        #expect(audit.map(\.matches) == [1, 1, 0])
        #expect(audit.allSatisfy { $0.path == "POST /sok" })
        for entry in audit {
            for form in writtenForms(Self.number) { #expect(!entry.path.contains(form) && !entry.clientRef.contains(form)) }
        }
    }

    @Test("a short reference: one match opens the page, several are listed, none is said beside the field")
    func searchByReference() async throws {
        let setup = try await Setup()
        let cookie = setup.cookie
        let known = setup.known.rawValue
        let other = ClientRef(rawValue: String(known.prefix(4)) + String(repeating: "0", count: 28))!
        let engine = try CoordinatorEngine(
            store: setup.store, rules: GapRules(), clock: .fixed(at: at("2026-04-01")), metrics: CoordinatorMetrics())
        _ = try await engine.process([
            IncomingEvent(
                partition: TopicPartition(topic: "trisam.consent", partition: 1), offset: 0,
                envelope: EventEnvelope(
                    id: "c2", source: .agency(.af), time: at("2026-01-03"), subject: other,
                    event: .consentGiven(
                        ConsentGiven(
                            consentId: "c2", purpose: .samordning, agencies: Agency.allCases, validUntil: day("2026-12-31"),
                            givenOn: day("2026-01-03")))))
        ])
        try await Application(router: try setup.router(secret: nil)).test(.router) { client in
            let one = try await Self.form(client, cookie, setup.csrf, "referens=\(known.prefix(8).uppercased())")
            #expect(one.status == .seeOther && one.location == "/personer/\(known)")
            let several = try await Self.form(client, cookie, setup.csrf, "referens=\(known.prefix(4))")
            #expect(several.status == .ok)
            #expect(several.html.contains("<a href=\"/personer/\(known)\">Person \(known.prefix(8))</a>"))
            #expect(several.html.contains("<a href=\"/personer/\(other.rawValue)\">Person \(other.rawValue.prefix(8))</a>"))
            #expect(several.html.contains("2 personer matchar"))
            let none = try await Self.form(client, cookie, setup.csrf, "referens=ffffffff")
            #expect(none.status == .ok && none.html.contains("id=\"referens-meddelande\" class=\"notice\" role=\"alert\">Ingen person"))
            let bad = try await Self.form(client, cookie, setup.csrf, "referens=xyz")
            #expect(bad.status == .badRequest && bad.html.contains("id=\"referens-meddelande\" class=\"error\""))
            // Without the collaboration secret the number search says so, in Swedish; the rest works.
            let page = try await client.execute(uri: "/sok", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(page.contains(Swedish.searchNoSecret) && page.contains("id=\"nummer\" name=\"nummer\""))
            let byNumber = try await Self.form(client, cookie, setup.csrf, "nummer=19121212-1212")
            #expect(byNumber.status == .serviceUnavailable && byNumber.html.contains(Swedish.searchNoSecret))
        }
        #expect(try setup.audit().map(\.matches) == [1, 2, 0])
    }

    @Test("the CSV export: BOM, ; between fields, Swedish columns, the queue's filter, each person audited as exported")
    func export() async throws {
        let setup = try await Setup()
        let cookie = setup.cookie
        var query = FlagQuery()
        query.limit = 100
        let open = try setup.store.openFlags(query)
        let severity = try #require(open.first?.severity)
        let absent = try #require([FlagSeverity.high, .medium, .low].first { level in !open.contains { $0.severity == level } })
        let wanted = open.filter { $0.severity == severity }.count
        try await Application(router: try setup.router(secret: nil)).test(.router) { client in
            try await client.execute(uri: "/ko.csv?allvarlighet=\(severity.rawValue)", method: .get, headers: [.cookie: cookie]) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"trisam-att-agera-pa-2026-04-01.csv\"")
                let bytes = Array(buffer: response.body)
                #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
                let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
                #expect(lines[0] == Swedish.exportColumns.joined(separator: ";"))
                #expect(lines.count == wanted + 2 && lines.last == "", "\(lines)")
                #expect(lines[1].hasPrefix("\(setup.known.rawValue.prefix(8));\(Swedish.severity(severity));"), "\(lines)")
                #expect(lines[1].hasSuffix(";\(setup.known.rawValue)"))
            }
            try await client.execute(uri: "/ko.csv?allvarlighet=\(absent.rawValue)", method: .get, headers: [.cookie: cookie]) { response in
                let text = String(decoding: Array(buffer: response.body).dropFirst(3), as: UTF8.self)
                #expect(text == Swedish.exportColumns.joined(separator: ";") + "\r\n")
            }
            try await client.execute(uri: "/ko.csv?allvarlighet=akut", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .badRequest && String(buffer: response.body).contains("Allvarlighet:"))
            }
            try await client.execute(uri: "/ko.csv", method: .get) { response in #expect(response.status == .seeOther) }
        }
        let audit = try setup.audit()
        #expect(audit.map(\.action) == ["export"] && audit.first?.clientRef == setup.known.rawValue, "\(audit)")
        #expect(audit.first?.path == "/ko.csv?allvarlighet=\(severity.rawValue)")
    }

    @Test("the print view shows the whole page without navigation and audits the read as printed")
    func printView() async throws {
        let setup = try await Setup()
        let cookie = setup.cookie
        let known = setup.known.rawValue
        try await Application(router: try setup.router(secret: nil)).test(.router) { client in
            let normal = try await client.execute(uri: "/personer/\(known)", method: .get, headers: [.cookie: cookie]) {
                String(buffer: $0.body)
            }
            #expect(normal.contains("<a class=\"button\" href=\"/personer/\(known)?utskrift=1\">Skriv ut</a>"))
            #expect(normal.contains("nav aria-label=\"Huvudmeny\""))
            let printed = try await client.execute(uri: "/personer/\(known)?utskrift=1", method: .get, headers: [.cookie: cookie]) {
                String(buffer: $0.body)
            }
            #expect(printed.contains("<body class=\"utskrift\">"))
            #expect(!printed.contains("nav aria-label=\"Huvudmeny\""))
            #expect(printed.contains("<button type=\"button\" data-print>Skriv ut</button>"))
            #expect(printed.contains("<script src=\"/static/print.js\" defer></script>"))
            #expect(printed.contains("<details class=\"evidence\" open>"))
            #expect(printed.contains("class=\"print-notice\">Utskriven ") && printed.contains(" av Sara Samordnare."))
            try await client.execute(uri: "/static/print.js", method: .get) { #expect($0.status == .ok) }
        }
        #expect(try setup.audit().map(\.path) == ["/personer/\(known)", "/personer/\(known)?utskrift=1"])
    }

    @Test("CSV fields: quoted when they hold ; or quotes, formulas defused, one line per flag most severe first")
    func csvFields() {
        #expect(QueueExport.field("a;b") == "\"a;b\"")
        #expect(QueueExport.field("hon sa \"nej\"") == "\"hon sa \"\"nej\"\"\"")
        #expect(QueueExport.field("=SUMMA(A1)") == "'=SUMMA(A1)")
        #expect(QueueExport.field("Försäkringskassan och kommunen") == "Försäkringskassan och kommunen")
        let export = QueueExport(
            flags: [
                flag(1, .low, since: "2026-03-01"), flag(2, .high, since: "2026-03-10", explanation: "Ingen äger; kommunen behöver agera"),
            ],
            today: day("2026-03-25"))
        #expect(export.rows.map(\.fields[1]) == ["Hög", "Låg"])
        #expect(export.rows[0].fields[3] == "Ingen äger; kommunen behöver agera.")
        #expect(export.rows[0].fields[5] == "15" && export.rows[0].fields[6] == "2026-03-10")
        let text = String(decoding: export.csv().dropFirst(3), as: UTF8.self)
        #expect(text.contains(";\"Ingen äger; kommunen behöver agera.\";"))
        #expect(
            QueueFilter(rule: "ping-pong", agency: .af, severity: .high, minAgeDays: 7).queryString
                == "?regel=ping-pong&myndighet=af&allvarlighet=high&minstDagar=7")
        #expect(QueueFilter().queryString == "")
    }
}
