import Foundation
import TrisamContracts

/// How the connection to the relay is protected.
public enum SMTPSecurity: String, Sendable, Hashable {
    /// `smtp://`: the session starts in plain text and must switch to TLS with STARTTLS before
    /// anything is sent; a relay that does not offer it is refused.
    case startTLS = "starttls"
    /// `smtps://`: TLS from the first byte (port 465).
    case implicitTLS = "tls"
    /// `smtp://` without TLS: only to a relay on the loopback interface (a local test relay or
    /// an MTA on the same host), never across a network.
    case plain
}

/// A relay configuration that cannot be used, in words an operator can act on.
public struct SMTPConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The SMTP relay the agency service hands its mail to: where it is, how the connection is
/// protected, the credentials (from the environment only) and the envelope sender. Its
/// ``description`` never shows the password.
public struct SMTPRelay: Sendable, CustomStringConvertible {
    /// Environment variables read by ``fromEnvironment(url:from:allowPlain:timeout:environment:)``.
    public static let urlVariable = "TRISAM_SMTP_URL"
    public static let fromVariable = "TRISAM_MAIL_FROM"
    public static let usernameVariable = "TRISAM_SMTP_USERNAME"
    public static let passwordVariable = "TRISAM_SMTP_PASSWORD"
    public static let passwordFileVariable = "TRISAM_SMTP_PASSWORD_FILE"
    public static let timeoutVariable = "TRISAM_SMTP_TIMEOUT"
    public static let caFileVariable = "TRISAM_SMTP_CA_FILE"

    /// `smtp://host:port` or `smtps://host:port`, without credentials or path.
    public let url: String
    public let host: String
    public let port: Int
    public let security: SMTPSecurity
    public let username: String?
    let password: String?
    /// The envelope sender and `From` address.
    public let from: String
    /// The display name of `From`, e.g. "Trisam – Kommunen".
    public let fromName: String?
    /// How long connecting may take.
    public let connectTimeout: Duration
    /// How long one whole delivery (connect, TLS, AUTH, MAIL, RCPT, DATA) may take.
    public let timeout: Duration
    /// The CA certificates (PEM) the relay's certificate is checked against, instead of the
    /// system's store (an agency's internal CA).
    public let caFile: String?

    /// A relay from its URL. `smtp://` requires STARTTLS unless `allowPlain` is set and the host
    /// is a loopback address; `smtps://` uses TLS from the start.
    public init(
        url: String, from: String, fromName: String? = nil, username: String? = nil, password: String? = nil, allowPlain: Bool = false,
        timeout: Duration = .seconds(30), caFile: String? = nil
    ) throws(SMTPConfigurationError) {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), let host = parts.host, !host.isEmpty
        else {
            throw SMTPConfigurationError(
                "the SMTP relay URL must read smtp://host:port or smtps://host:port, got \"\(Self.redacted(url))\"")
        }
        if parts.user != nil || parts.password != nil {
            throw SMTPConfigurationError(
                "the SMTP relay URL must not hold credentials; set \(Self.usernameVariable) and \(Self.passwordVariable) instead")
        }
        guard parts.path.isEmpty || parts.path == "/", parts.query == nil, parts.fragment == nil else {
            throw SMTPConfigurationError("the SMTP relay URL must be smtp://host:port or smtps://host:port, without path or query")
        }
        switch scheme {
        case "smtp": security = allowPlain ? .plain : .startTLS
        case "smtps": security = .implicitTLS
        default: throw SMTPConfigurationError("the SMTP relay URL must start with smtp:// (STARTTLS) or smtps:// (TLS), got \(scheme)://")
        }
        if security == .plain, !Self.isLoopback(host) {
            throw SMTPConfigurationError(
                "plain SMTP without TLS is allowed only to a relay on this host (127.0.0.1, ::1, localhost), not to \(host)")
        }
        let port = parts.port ?? (scheme == "smtps" ? 465 : 587)
        guard (1...65535).contains(port) else { throw SMTPConfigurationError("the SMTP relay port must be 1–65535, got \(port)") }
        guard EmailAddress.isValid(from) else {
            throw SMTPConfigurationError("the sender address (--mail-from, \(Self.fromVariable)) must be an address like trisam@kommun.se")
        }
        if (username == nil) != (password == nil) {
            throw SMTPConfigurationError("set both \(Self.usernameVariable) and \(Self.passwordVariable), or neither")
        }
        guard timeout >= .seconds(1), timeout <= .seconds(600) else {
            throw SMTPConfigurationError("the SMTP timeout must be 1–600 seconds")
        }
        self.host = host
        self.port = port
        self.url = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        self.from = from
        self.fromName = fromName
        self.username = username
        self.password = password
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw SMTPConfigurationError("cannot read the SMTP CA file \(caFile)")
        }
        self.timeout = timeout
        self.connectTimeout = min(timeout, .seconds(10))
        self.caFile = caFile
    }

    /// The relay of `url` (or `$TRISAM_SMTP_URL`), nil when neither is set. The sender comes
    /// from `from` or `$TRISAM_MAIL_FROM`; credentials only from `$TRISAM_SMTP_USERNAME` and
    /// `$TRISAM_SMTP_PASSWORD` (or `$TRISAM_SMTP_PASSWORD_FILE`); the timeout from `timeout`
    /// or `$TRISAM_SMTP_TIMEOUT` (seconds, default 30); a CA file from `caFile` or
    /// `$TRISAM_SMTP_CA_FILE`.
    public static func fromEnvironment(
        url: String?, from: String?, fromName: String? = nil, allowPlain: Bool, timeout: Int?, caFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SMTPConfigurationError) -> SMTPRelay? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let url = url ?? value(urlVariable) else { return nil }
        guard let from = from ?? value(fromVariable) else {
            throw SMTPConfigurationError("an SMTP relay is configured but no sender: pass --mail-from or set \(fromVariable)")
        }
        var password = value(passwordVariable)
        if let file = value(passwordFileVariable) {
            if password != nil { throw SMTPConfigurationError("set \(passwordVariable) or \(passwordFileVariable), not both") }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw SMTPConfigurationError("cannot read the SMTP password file \(file)")
            }
            password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        let seconds: Int
        if let timeout {
            seconds = timeout
        } else if let text = value(timeoutVariable) {
            guard let parsed = Int(text) else { throw SMTPConfigurationError("\(timeoutVariable) must be a number of seconds") }
            seconds = parsed
        } else {
            seconds = 30
        }
        return try SMTPRelay(
            url: url, from: from, fromName: fromName, username: value(usernameVariable), password: password, allowPlain: allowPlain,
            timeout: .seconds(seconds), caFile: caFile ?? value(caFileVariable))
    }

    /// Where the relay is and how mail reaches it; never the password.
    public var description: String {
        let security: String =
            switch self.security {
            case .startTLS: "STARTTLS required"
            case .implicitTLS: "TLS"
            case .plain: "plain (loopback only)"
            }
        return "\(url) (\(security)\(username == nil ? "" : ", authenticated")), from \(from)"
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// `url` with anything between `//` and `@` hidden, for error messages.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", range: scheme.upperBound..<url.endIndex) else { return url }
        return url.replacingCharacters(in: scheme.upperBound..<at.lowerBound, with: "***")
    }
}
