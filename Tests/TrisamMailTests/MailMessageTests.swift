import CCurl
import Foundation
import Testing
import TrisamContracts

@testable import TrisamMail

/// The parts of a rendered message: headers (unfolded) and the body after the blank line.
private func split(_ data: Data) -> (headers: [String: String], body: String) {
    let text = String(decoding: data, as: UTF8.self)
    let parts = text.components(separatedBy: "\r\n\r\n")
    var headers: [String: String] = [:]
    var last: String?
    for line in parts[0].components(separatedBy: "\r\n") {
        if line.hasPrefix(" "), let last {
            headers[last, default: ""] += line
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            headers[name] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            last = name
        }
    }
    return (headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
}

/// Decodes `=?UTF-8?B?…?=` words separated by folding whitespace.
private func decodeWords(_ header: String) -> String {
    header.components(separatedBy: .whitespaces).filter { !$0.isEmpty }.map { word -> String in
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return word }
        let encoded = String(word.dropFirst(10).dropLast(2))
        return String(decoding: Data(base64Encoded: encoded) ?? Data(), as: UTF8.self)
    }.joined()
}

private let sample = MailMessage(
    messageId: "sip-1.scheduled.abc@kommun.sip.trisam", date: Date(timeIntervalSince1970: 1_806_400_000),
    from: Mailbox("trisam@kommun.example.se", name: "Trisam – Kommunen"),
    to: [Mailbox("anna.berg@af.example.se", name: "Anna Berg")],
    subject: "SIP-möte bokat: tisdag 30 mars 2027 kl. 10.00–11.00 – en lång rubrik som måste delas på flera rader",
    text: "Hej Anna Berg,\n\nEtt SIP-möte är bokat.\n.\nRad som börjar med punkt.",
    calendar: CalendarAttachment(method: "REQUEST", content: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"))

@Suite("MIME messages")
struct MailMessageTests {
    @Test("headers: Message-ID, RFC 5322 date, encoded Swedish subject and names, automatic, MIME 1.0")
    func headers() {
        let (headers, _) = split(sample.rendered())
        #expect(headers["Message-ID"] == "<sip-1.scheduled.abc@kommun.sip.trisam>")
        #expect(headers["Date"] == "Tue, 30 Mar 2027 09:46:40 +0000")
        #expect(headers["MIME-Version"] == "1.0")
        #expect(headers["Auto-Submitted"] == "auto-generated")
        #expect(decodeWords(headers["Subject"] ?? "") == sample.subject)
        #expect(headers["To"] == "Anna Berg <anna.berg@af.example.se>")
        #expect(headers["From"]?.hasSuffix("<trisam@kommun.example.se>") == true)
        #expect(decodeWords(String(headers["From"]!.dropLast(" <trisam@kommun.example.se>".count))) == "Trisam – Kommunen")
        #expect(headers["Content-Type"]?.hasPrefix("multipart/mixed; boundary=") == true)
    }

    @Test("every line ends in CRLF and is at most 78 characters; the text and the .ics decode from base64")
    func body() throws {
        let rendered = sample.rendered()
        let text = String(decoding: rendered, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
        #expect(text.allSatisfy { $0.isASCII })
        let boundary = try #require(text.range(of: "boundary=\"").map { text[$0.upperBound...].prefix { $0 != "\"" } })
        let parts = text.components(separatedBy: "--\(boundary)")
        #expect(parts.count == 4 && parts[3].hasPrefix("--"))
        func decoded(_ part: String) -> String {
            let body = part.components(separatedBy: "\r\n\r\n").dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
            return String(decoding: Data(base64Encoded: body) ?? Data(), as: UTF8.self)
        }
        #expect(parts[1].contains("Content-Type: text/plain; charset=utf-8"))
        #expect(decoded(parts[1]) == "Hej Anna Berg,\r\n\r\nEtt SIP-möte är bokat.\r\n.\r\nRad som börjar med punkt.")
        #expect(parts[2].contains("Content-Type: text/calendar; charset=utf-8; method=REQUEST;\r\n name=\"sip-mote.ics\""))
        #expect(parts[2].contains("Content-Disposition: attachment; filename=\"sip-mote.ics\""))
        #expect(decoded(parts[2]) == sample.calendar!.content)
    }

    @Test("the same mail renders byte for byte the same (a retry sends what the first try sent)")
    func stable() {
        #expect(sample.rendered() == sample.rendered())
        var other = sample
        other.messageId = "sip-2.scheduled.abc@kommun.sip.trisam"
        #expect(other.rendered() != sample.rendered())
    }

    @Test("a mail without a calendar is a single text part")
    func textOnly() {
        var plain = sample
        plain.calendar = nil
        let (headers, body) = split(plain.rendered())
        #expect(headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(headers["Content-Transfer-Encoding"] == "base64")
        #expect(!body.contains("text/calendar"))
    }

    @Test("display names: plain ASCII stays, punctuation is quoted, other text is encoded")
    func phrases() {
        #expect(Mailbox("a@b.se", name: "Anna Berg").header == "Anna Berg <a@b.se>")
        #expect(Mailbox("a@b.se", name: "Berg, Anna \"AB\"").header == "\"Berg, Anna \\\"AB\\\"\" <a@b.se>")
        #expect(Mailbox("a@b.se", name: "Åsa Öberg").header.hasPrefix("=?UTF-8?B?"))
        #expect(Mailbox("a@b.se").header == "<a@b.se>")
    }
}

@Suite("SMTP relay configuration")
struct SMTPRelayTests {
    @Test("smtp:// requires STARTTLS, smtps:// is TLS, plain only to a loopback relay; the port defaults by scheme")
    func security() throws {
        let starttls = try SMTPRelay(url: "smtp://mail.kommun.example.se", from: "trisam@kommun.example.se")
        #expect(starttls.security == .startTLS && starttls.port == 587 && starttls.url == "smtp://mail.kommun.example.se:587")
        let tls = try SMTPRelay(url: "smtps://mail.kommun.example.se", from: "trisam@kommun.example.se")
        #expect(tls.security == .implicitTLS && tls.port == 465)
        let plain = try SMTPRelay(url: "smtp://127.0.0.1:2525", from: "trisam@kommun.example.se", allowPlain: true)
        #expect(plain.security == .plain && plain.port == 2525)
        #expect(throws: SMTPConfigurationError.self) {
            try SMTPRelay(url: "smtp://mail.kommun.example.se:25", from: "trisam@kommun.example.se", allowPlain: true)
        }
        #expect(throws: SMTPConfigurationError.self) { try SMTPRelay(url: "http://mail.example.se", from: "trisam@kommun.example.se") }
        #expect(throws: SMTPConfigurationError.self) { try SMTPRelay(url: "smtp://mail.example.se", from: "not an address") }
    }

    @Test("credentials come from the environment only and never show")
    func credentials() throws {
        let error = #expect(throws: SMTPConfigurationError.self) {
            try SMTPRelay(url: "smtp://user:hemligt@mail.example.se", from: "trisam@kommun.example.se")
        }
        #expect(error?.description.contains("hemligt") == false)
        let relay = try #require(
            try SMTPRelay.fromEnvironment(
                url: nil, from: nil, allowPlain: false, timeout: nil,
                environment: [
                    "TRISAM_SMTP_URL": "smtp://mail.example.se:587", "TRISAM_MAIL_FROM": "trisam@kommun.example.se",
                    "TRISAM_SMTP_USERNAME": "trisam", "TRISAM_SMTP_PASSWORD": "hemligt-lösenord",
                ]))
        #expect(relay.username == "trisam" && relay.password == "hemligt-lösenord" && relay.timeout == .seconds(30))
        #expect(!relay.description.contains("hemligt") && !"\(relay)".contains("hemligt"))
        #expect(try SMTPRelay.fromEnvironment(url: nil, from: nil, allowPlain: false, timeout: nil, environment: [:]) == nil)
        #expect(throws: SMTPConfigurationError.self) {
            try SMTPRelay.fromEnvironment(url: "smtp://mail.example.se", from: nil, allowPlain: false, timeout: nil, environment: [:])
        }
        #expect(throws: SMTPConfigurationError.self) {
            try SMTPRelay.fromEnvironment(
                url: "smtp://mail.example.se", from: "a@b.se", allowPlain: false, timeout: nil,
                environment: ["TRISAM_SMTP_USERNAME": "only-the-user"])
        }
    }

    @Test("a 5xx answer is a refusal; 4xx, a refused login and an unreachable relay are retried")
    func classification() {
        #expect(SMTPSender.classify(result: CURLE_SEND_ERROR, response: 550, message: "x") == .refused(code: 550, "x"))
        #expect(SMTPSender.classify(result: CURLE_WEIRD_SERVER_REPLY, response: 554, message: "x") == .refused(code: 554, "x"))
        #expect(SMTPSender.classify(result: CURLE_SEND_ERROR, response: 451, message: "x") == .temporary("x", connection: false))
        #expect(SMTPSender.classify(result: CURLE_LOGIN_DENIED, response: 535, message: "x") == .temporary("x", connection: true))
        #expect(SMTPSender.classify(result: CURLE_COULDNT_CONNECT, response: 0, message: "x") == .temporary("x", connection: true))
    }
}

@Suite("E-mail address rule")
struct EmailAddressTests {
    @Test("work addresses pass; spaces, missing parts, non-ASCII and over-long ones are refused")
    func rule() {
        for valid in ["anna.berg@timra.se", "a+b_c%d-e@sub.region-x.example.se", "x@y.se"] {
            #expect(EmailAddress.isValid(valid), "\(valid)")
        }
        let long =
            String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 63) + "." + String(repeating: "c", count: 63) + ".se"
        #expect(EmailAddress.isValid(long))
        for invalid in [
            "", "anna", "anna@", "@timra.se", "anna@timra", "anna berg@timra.se", "anna@timra..se", "anna@.se", "åsa@timra.se",
            "anna@timra.se\n", "<anna@timra.se>", "Anna <anna@timra.se>", String(repeating: "a", count: 65) + "@x.se",
            "a@" + String(repeating: "b", count: 64) + ".se",
        ] {
            #expect(!EmailAddress.isValid(invalid), "\(invalid)")
        }
    }
}
