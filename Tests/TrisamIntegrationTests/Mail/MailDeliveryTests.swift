import Foundation
import GRDB
import Testing
import TrisamContracts
import TrisamTestSupport

/// A real SMTP server (aiosmtpd from the test venv, `smtp_sink.py` beside this file) on a free
/// 127.0.0.1 port, started and stopped by the test; what it accepted is read from its folder.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    let folder: URL
    /// Offers and requires STARTTLS with the test certificate (`relay-cert.pem` beside this file).
    let tls: Bool
    private(set) var process: ChildProcess?

    /// The test relay's self-signed certificate (CN localhost, 127.0.0.1), its own CA.
    static let certificate = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("relay-cert.pem")

    init(directory: URL, tls: Bool = false) throws {
        self.tls = tls
        port = try freeLoopbackPort()
        folder = directory.appendingPathComponent("smtp-received")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Starts the server (again, on the same port and folder) and waits until it listens.
    func start() async throws {
        let python = ProcessInfo.processInfo.environment["TRISAM_PYTHON"] ?? "python3"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_sink.py")
        var arguments = [python, script.path, folder.path, String(port)]
        if tls {
            arguments += [Self.certificate.path, Self.certificate.deletingLastPathComponent().appendingPathComponent("relay-key.pem").path]
        }
        let process = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), arguments, directory: folder.deletingLastPathComponent())
        self.process = process
        _ = try await process.waitForLine(limit: .seconds(30)) { $0.contains("ready") }
    }

    func stop() async throws {
        _ = try await process?.stop()
        process = nil
    }

    /// Every message received so far, oldest first.
    func received() throws -> [[String: Any]] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted().map { name in
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
    }
}

@Suite("SIP e-mail through a real SMTP server", .serialized)
struct MailDeliveryTests {
    static let start = "2027-03-22T08:00:00Z" // Monday of the week before Easter.
    static let personnummer = "19121212-1212"
    static let personName = "Tolvan Tolvansson"
    static let reason = "Psykisk ohälsa och långvarigt försörjningsstöd"
    static let addresses: [Agency: String] = [
        .kommun: "karin.lund@kommun.example.se", .af: "anna.berg@af.example.se", .region: "rut.dahl@region.example.se",
    ]

    @Test(
        "invitation, booking, new time and cancellation reach each named participant exactly once with a valid .ics; a mail queued while the relay is away survives a restart and arrives once",
        .timeLimit(.minutes(5)))
    func sipMailFlow() async throws {
        let system = try SystemFixture()
        let sink = try SMTPSink(directory: system.directory)
        do {
            try await run(system, sink)
        } catch {
            Issue.record("process output:\n\(system.output)\n--- smtp\n\(sink.process?.output ?? "")")
            try? await sink.stop()
            await system.cleanUp()
            throw error
        }
        try? await sink.stop()
        await system.cleanUp()
    }

    func run(_ system: SystemFixture, _ sink: SMTPSink) async throws {
        try await sink.start()
        system.extraArguments[.kommun] = [
            "--smtp-url", "smtp://127.0.0.1:\(sink.port)", "--smtp-allow-plain", "--mail-from", "trisam@kommun.example.se",
            "--workspace-url", "https://trisam.kommun.example.se/", "--smtp-timeout", "5",
        ]
        for agency in [Agency.kommun, .af, .region] { try await system.startAgency(agency, clock: Self.start) }
        let (kommun, af, region) = (system.client(.kommun), system.client(.af), system.client(.region))
        let ref = try #require(
            try await call(kommun, "POST", "/persons", ["personnummer": Self.personnummer, "name": Self.personName], status: 201)[
                "clientRef"] as? String)
        try await call(
            kommun, "POST", "/persons/\(ref)/consents",
            ["purpose": "sip", "agencies": ["kommun", "af", "region"], "givenOn": "2027-03-22", "validUntil": "2028-03-01"], status: 201)
        let contacts: [String: Any] = [
            "kommun": ["name": "Karin Lund", "email": Self.addresses[.kommun]!],
            "af": ["name": "Anna Berg", "email": Self.addresses[.af]!],
            "region": ["name": "Rut Dahl", "email": Self.addresses[.region]!],
        ]

        // A contact address that breaks the rule is refused naming the field.
        let bad = try await call(
            kommun, "POST", "/persons/\(ref)/sips",
            ["reason": Self.reason, "invited": ["af"], "contacts": ["af": ["name": "Anna Berg", "email": "anna berg@af"]]], status: 400)
        #expect(errorField(bad) == "contacts.af.email", "\(bad)")

        // Invitation: one mail to each invited contact (not to the organizer).
        let requested = try await call(
            kommun, "POST", "/persons/\(ref)/sips",
            ["reason": Self.reason, "invited": ["af", "region"], "answerBy": "2027-03-29", "contacts": contacts], status: 201)
        let sipId = try #require(requested["sipId"] as? String)
        try await eventually("the invitations arrive", limit: .seconds(30)) { try sink.received().count >= 2 }
        let invitations = try sink.received()
        #expect(invitations.count == 2)
        #expect(Set(invitations.flatMap { $0["rcptTo"] as? [String] ?? [] }) == [Self.addresses[.af]!, Self.addresses[.region]!])
        for mail in invitations {
            #expect((mail["subject"] as? String)?.hasPrefix("Kallelse till SIP-möte") == true, "\(mail["subject"] ?? "")")
            #expect(mail["calendar"] is NSNull)
            #expect((mail["text"] as? String)?.contains("https://trisam.kommun.example.se/") == true)
        }

        // Both answer with a named participant and an address.
        for (client, agency, name) in [(af, Agency.af, "Anna Berg"), (region, .region, "Rut Dahl")] {
            try await eventually("\(agency.rawValue) answers", limit: .seconds(30)) {
                let response = try await client.post(
                    "/sips/\(sipId)/invitations/\(agency.rawValue)/answer",
                    json: [
                        "answer": "accepted", "participant": ["name": name, "email": Self.addresses[agency]!],
                        "availability": [slot("2027-03-30", "10:00", "16:00")],
                    ])
                if response.status == 404 || (response.status == 403 && response.text.contains("consent_missing")) { return false }
                #expect(response.status == 200, "\(response.text)")
                return true
            }
        }
        try await eventually("kommun has both answers", limit: .seconds(30)) {
            let invitations = try await kommun.get("/sips/\(sipId)").json()["invitations"] as? [[String: Any]] ?? []
            return invitations.count == 2 && invitations.allSatisfy { $0["answer"] as? String == "accepted" }
        }

        // Booked, moved, cancelled: one mail per participant per fact, with METHOD and SEQUENCE.
        try await call(
            kommun, "POST", "/sips/\(sipId)/schedule", ["durationMinutes": 60, "location": "Socialkontoret, rum 3"], status: 200)
        try await eventually("the booking arrives", limit: .seconds(30)) { try sink.received().count >= 5 }
        try await call(
            kommun, "POST", "/sips/\(sipId)/reschedule",
            ["start": stockholm("2027-03-31", "13:00"), "end": stockholm("2027-03-31", "14:00")], status: 200)
        try await eventually("the new time arrives", limit: .seconds(30)) { try sink.received().count >= 8 }
        try await call(kommun, "POST", "/sips/\(sipId)/cancel", ["reason": "Personen är inlagd på sjukhus"], status: 200)
        try await eventually("the cancellation arrives", limit: .seconds(30)) { try sink.received().count >= 11 }
        try await Task.sleep(for: .seconds(2))
        let all = try sink.received()
        #expect(all.count == 11, "\(all.map { $0["subject"] ?? "" })")
        let everyone = Set(Self.addresses.values)
        let expected: [(String, String, Int, String)] = [
            ("SIP-möte bokat", "REQUEST", 0, "20270330T100000"), ("Ny tid för SIP-möte", "REQUEST", 1, "20270331T130000"),
            ("Inställt: SIP-möte", "CANCEL", 2, "20270331T130000"),
        ]
        var uids: Set<String> = []
        for (subject, method, sequence, start) in expected {
            let mails = all.filter { ($0["subject"] as? String)?.hasPrefix(subject) == true }
            #expect(mails.count == 3, "\(subject): \(mails.count)")
            #expect(Set(mails.flatMap { $0["rcptTo"] as? [String] ?? [] }) == everyone, "\(subject)")
            for mail in mails {
                let calendar = try #require(mail["calendar"] as? [String: Any], "\(subject) has an .ics")
                #expect(calendar["method"] as? String == method && calendar["contentTypeMethod"] as? String == method)
                #expect(calendar["sequence"] as? Int == sequence)
                #expect(calendar["tzid"] as? String == "Europe/Stockholm")
                #expect((calendar["start"] as? String)?.hasPrefix(isoLocal(start)) == true, "\(calendar["start"] ?? "")")
                let attendees = Set((calendar["attendees"] as? [String] ?? []).map { $0.lowercased() })
                #expect(attendees == Set(everyone.map { "mailto:\($0)" }), "\(attendees)")
                #expect((calendar["organizer"] as? String)?.lowercased() == "mailto:\(Self.addresses[.kommun]!)")
                uids.insert(calendar["uid"] as? String ?? "")
            }
        }
        #expect(uids.count == 1, "one calendar entry: \(uids)")
        #expect(Set(all.compactMap { $0["messageId"] as? String }).count == 11, "every mail has its own Message-ID")

        // Nothing about the person: no personnummer, name, clientRef or reason in any part.
        for mail in all {
            let texts = [mail["raw"], mail["text"], mail["subject"], (mail["calendar"] as? [String: Any])?["raw"]].compactMap {
                $0 as? String
            }
            for text in texts {
                for secret in [
                    Self.personnummer, "191212121212", "1212121212", Self.personName, ref, String(ref.prefix(8)).uppercased(), Self.reason,
                    "inlagd",
                ] {
                    #expect(!text.contains(secret), "a mail holds \(secret)")
                }
                #expect(!IdentityNumberScan.contains(text))
            }
        }

        // The relay goes away: a new SIP's invitations are queued, kommun restarts, the relay comes
        // back, and the mail arrives exactly once; the one the relay refuses (550) is recorded
        // and not tried again.
        try await sink.stop()
        let second = try await call(
            kommun, "POST", "/persons/\(ref)/sips",
            [
                "reason": Self.reason, "invited": ["af", "region"],
                "contacts": [
                    "af": ["name": "Anna Berg", "email": Self.addresses[.af]!],
                    "region": ["name": "Rut Dahl", "email": "refuse.rut@region.example.se"],
                ],
            ], status: 201)
        let secondId = try #require(second["sipId"] as? String)
        try await Task.sleep(for: .seconds(2))
        try await system.stopAgency(.kommun)
        let store = system.directory.appendingPathComponent("state/kommun/agency.sqlite").path
        // Both kept; the relay was tried (the sender waits after the first it cannot reach).
        let queued = try Self.mailRows(store, sipId: secondId)
        #expect(queued.map(\.state) == ["queued", "queued"] && queued.contains { $0.attempts >= 1 }, "\(queued)")
        try await system.startAgency(.kommun, clock: Self.start)
        try await Task.sleep(for: .seconds(1))
        #expect(try sink.received().count == 11)
        try await sink.start()
        try await eventually("the queued invitation arrives after the relay is back", limit: .seconds(60)) {
            try sink.received().count >= 12
        }
        try await Task.sleep(for: .seconds(4))
        let final = try sink.received()
        #expect(final.count == 12)
        let late = try #require(final.last)
        #expect(late["rcptTo"] as? [String] == [Self.addresses[.af]!])
        #expect((late["messageId"] as? String)?.contains(secondId) == true, "\(late["messageId"] ?? "")")
        try await system.stopAgency(.kommun)
        let outcome = try Self.mailRows(store, sipId: secondId)
        let refused = outcome.first { $0.recipient.hasPrefix("refuse") }
        #expect(outcome.first { $0.recipient == Self.addresses[.af]! }?.state == "sent", "\(outcome)")
        #expect(refused?.state == "refused" && refused?.lastError?.contains("550") == true, "\(outcome)")
        let refusedAttempts = refused?.attempts ?? 0
        #expect(outcome.count == 2)
        // Started once more: the refused mail is not tried again.
        try await system.startAgency(.kommun, clock: Self.start)
        try await Task.sleep(for: .seconds(3))
        try await system.stopAgency(.kommun)
        #expect(try Self.mailRows(store, sipId: secondId).first { $0.recipient.hasPrefix("refuse") }?.attempts == refusedAttempts)
        #expect(try sink.received().count == 12)
    }

    struct MailRow: Sendable, CustomStringConvertible {
        var recipient: String
        var state: String
        var attempts: Int
        var lastError: String?
        var description: String { "\(recipient): \(state) after \(attempts) attempt(s) (\(lastError ?? "-"))" }
    }

    /// The mail outbox rows of a SIP in a stopped agency's store.
    static func mailRows(_ path: String, sipId: String) throws -> [MailRow] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM mailOutbox WHERE sipId = ? ORDER BY recipient", arguments: [sipId]).map { row in
                MailRow(recipient: row["recipient"], state: row["state"], attempts: row["attempts"], lastError: row["lastError"])
            }
        }
    }

    /// "20270330T100000" as the icalendar package prints it: "2027-03-30T10:00:00".
    private func isoLocal(_ compact: String) -> String {
        let c = Array(compact)
        return
            "\(String(c[0..<4]))-\(String(c[4..<6]))-\(String(c[6..<8]))T\(String(c[9..<11])):\(String(c[11..<13])):\(String(c[13..<15]))"
    }
}
