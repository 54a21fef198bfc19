import Foundation

/// A mailbox as a header names it: an address and, optionally, a display name.
public struct Mailbox: Sendable, Hashable {
    /// The address, e.g. `anna.berg@timra.se` (checked by ``EmailAddress``).
    public var address: String
    /// The display name, e.g. "Anna Berg"; encoded (RFC 2047) when it is not plain ASCII.
    public var name: String?

    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// The header form: `Anna Berg <anna.berg@timra.se>` or `<anna.berg@timra.se>`.
    var header: String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        return "\(MIME.phrase(name)) <\(address)>"
    }
}

/// An iCalendar object attached to a mail (RFC 6047, iMIP): its METHOD and its text.
public struct CalendarAttachment: Sendable, Hashable {
    /// `REQUEST` or `CANCEL`; repeated as the `method` parameter of the MIME type.
    public var method: String
    /// The `.ics` text (CRLF line ends).
    public var content: String
    /// The attachment's file name.
    public var fileName: String

    public init(method: String, content: String, fileName: String = "sip-mote.ics") {
        self.method = method
        self.content = content
        self.fileName = fileName
    }
}

/// An e-mail as Trisam sends it: a plain text body in UTF-8 and, optionally, a calendar
/// attachment. ``rendered()`` writes it as an RFC 5322 message with MIME (RFC 2045–2047):
/// the same message, byte for byte, each time it is rendered, so a retry after a crash sends
/// exactly what the first try sent, with the same `Message-ID`.
public struct MailMessage: Sendable, Hashable {
    /// The globally unique id without angle brackets, e.g. `sip-1a2b.scheduled.0.3f9a01c2@kommun.trisam`.
    public var messageId: String
    /// When the mail was written (the `Date` header).
    public var date: Date
    public var from: Mailbox
    public var to: [Mailbox]
    public var subject: String
    /// The text, lines separated by `\n`.
    public var text: String
    public var calendar: CalendarAttachment?

    public init(
        messageId: String, date: Date, from: Mailbox, to: [Mailbox], subject: String, text: String, calendar: CalendarAttachment? = nil
    ) {
        self.messageId = messageId
        self.date = date
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.calendar = calendar
    }

    /// The message as it goes to the relay, with CRLF line ends.
    public func rendered() -> Data {
        var lines: [String] = [
            "Message-ID: <\(messageId)>",
            "Date: \(MIME.date(date))",
            "From: \(from.header)",
            "To: " + to.map(\.header).joined(separator: ",\r\n "),
            "Subject: \(MIME.encodedWords(subject))",
            "MIME-Version: 1.0",
            "Content-Language: sv",
            // An automatic message (RFC 3834): vacation responders do not answer it.
            "Auto-Submitted: auto-generated",
        ]
        let textPart = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            MIME.base64Lines(Data(Self.crlf(text).utf8)),
        ]
        if let calendar {
            let boundary = "=_trisam_" + MIME.boundaryToken(messageId)
            lines.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("This is a MIME message.")
            lines.append("--\(boundary)")
            lines += textPart
            lines.append("--\(boundary)")
            lines.append("Content-Type: text/calendar; charset=utf-8; method=\(calendar.method);\r\n name=\"\(calendar.fileName)\"")
            lines.append("Content-Disposition: attachment; filename=\"\(calendar.fileName)\"")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(MIME.base64Lines(Data(calendar.content.utf8)))
            lines.append("--\(boundary)--")
        } else {
            lines += textPart
        }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// `\n` (or stray `\r\n`) line ends as CRLF.
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }
}

/// The encodings of MIME headers and bodies.
enum MIME {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 5322 date-time in UTC: `Thu, 03 Dec 2026 12:14:05 +0000`.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.weekday, .year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(weekdays[(p.weekday ?? 1) - 1]), \(two(p.day)) \(months[(p.month ?? 1) - 1]) \(p.year ?? 1970) "
            + "\(two(p.hour)):\(two(p.minute)):\(two(p.second)) +0000"
    }

    /// Text that is plain printable ASCII stays as it is; anything else becomes UTF-8 encoded
    /// words (`=?UTF-8?B?…?=`), each at most 75 characters, folded onto continuation lines.
    static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), text.count <= 900 { return text }
        var words: [Data] = []
        var chunk = Data()
        for character in text {
            let bytes = Data(String(character).utf8)
            // 39 bytes make 52 base64 characters: with `=?UTF-8?B?` and `?=` a word of 64, so even
            // the first line ("Subject: " and a word) stays within 78 characters.
            if chunk.count + bytes.count > 39 {
                words.append(chunk)
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\($0.base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// A display name: plain when it is letters, digits and spaces of ASCII, quoted when it is
    /// other ASCII, encoded words otherwise.
    static func phrase(_ name: String) -> String {
        let scalars = name.unicodeScalars
        if scalars.allSatisfy({
            ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value | 0x20 >= 0x61 && $0.value | 0x20 <= 0x7A) || $0 == " "
        }) {
            return name
        }
        if scalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return encodedWords(name)
    }

    /// Base64 in lines of 76 characters (RFC 2045 §6.8), joined by CRLF.
    static func base64Lines(_ data: Data) -> String {
        let encoded = Array(data.base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76).map { String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self) }
            .joined(separator: "\r\n")
    }

    /// A boundary token that depends only on the message id, so a message renders the same each
    /// time; base64 text never contains `=_`, so the boundary cannot occur in a part.
    static func boundaryToken(_ messageId: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in messageId.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
