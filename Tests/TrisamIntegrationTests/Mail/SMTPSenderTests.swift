import Foundation
import Testing
import TrisamMail
import TrisamTestSupport

/// ``SMTPSender`` against a real relay (aiosmtpd): STARTTLS is required unless plain is allowed
/// to a loopback relay, the relay's certificate is checked, and the relay's answer decides.
@Suite("SMTP sender against a real relay", .serialized)
struct SMTPSenderTests {
    static func message(to recipient: String) -> MailMessage {
        MailMessage(
            messageId: "test-\(UUID().uuidString)@kommun.sip.trisam", date: Date(), from: Mailbox("trisam@kommun.example.se"),
            to: [Mailbox(recipient, name: "Anna Berg")], subject: "SIP-möte bokat", text: "Hej Anna Berg,\n\nEtt SIP-möte är bokat.")
    }

    @Test(
        "with STARTTLS the mail goes over TLS to a relay whose certificate checks; without the CA it is not sent", .timeLimit(.minutes(2)))
    func startTLS() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = try SMTPSink(directory: directory, tls: true)
        try await sink.start()
        defer { Task { [sink] in try? await sink.stop() } }
        let trusted = try SMTPRelay(
            url: "smtp://localhost:\(sink.port)", from: "trisam@kommun.example.se", timeout: .seconds(10),
            caFile: SMTPSink.certificate.path)
        let mail = Self.message(to: "anna.berg@af.example.se")
        #expect(await SMTPSender(relay: trusted).send(mail.rendered(), to: ["anna.berg@af.example.se"]) == .accepted)
        let received = try sink.received()
        #expect(received.count == 1 && received.first?["messageId"] as? String == "<\(mail.messageId)>")
        #expect(received.first?["subject"] as? String == "SIP-möte bokat")

        // The system's store does not know the test CA: refused before anything is sent, and retried later.
        let untrusted = try SMTPRelay(url: "smtp://localhost:\(sink.port)", from: "trisam@kommun.example.se", timeout: .seconds(10))
        let outcome = await SMTPSender(relay: untrusted).send(mail.rendered(), to: ["anna.berg@af.example.se"])
        guard case .temporary(_, connection: true) = outcome else {
            Issue.record("expected a retry, got \(outcome)")
            return
        }
        #expect(try sink.received().count == 1)
        try await sink.stop()
    }

    @Test("a relay that offers no STARTTLS gets nothing unless plain is allowed to it; 550 is a refusal", .timeLimit(.minutes(2)))
    func plainAndRefusal() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = try SMTPSink(directory: directory)
        try await sink.start()
        let mail = Self.message(to: "anna.berg@af.example.se").rendered()
        let required = try SMTPRelay(url: "smtp://127.0.0.1:\(sink.port)", from: "trisam@kommun.example.se", timeout: .seconds(10))
        let outcome = await SMTPSender(relay: required).send(mail, to: ["anna.berg@af.example.se"])
        if case .temporary(_, connection: true) = outcome {} else { Issue.record("expected a retry without STARTTLS, got \(outcome)") }
        #expect(try sink.received().isEmpty)

        let plain = try SMTPRelay(
            url: "smtp://127.0.0.1:\(sink.port)", from: "trisam@kommun.example.se", allowPlain: true, timeout: .seconds(10))
        #expect(await SMTPSender(relay: plain).send(mail, to: ["anna.berg@af.example.se"]) == .accepted)
        let refused = await SMTPSender(relay: plain).send(mail, to: ["refuse@af.example.se"])
        if case .refused(550, _) = refused {} else { Issue.record("expected 550, got \(refused)") }
        #expect(try sink.received().count == 1)

        // Nobody listening: a retry, marked as the relay being away.
        try await sink.stop()
        let away = await SMTPSender(relay: plain).send(mail, to: ["anna.berg@af.example.se"])
        if case .temporary(_, connection: true) = away {} else { Issue.record("expected the relay away, got \(away)") }
    }
}
