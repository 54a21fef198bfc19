import CCurl
import Dispatch
import Foundation

/// What the relay made of one message.
public enum SMTPOutcome: Sendable, Hashable {
    /// The relay accepted the message for every recipient (250 after DATA).
    case accepted
    /// Not delivered this time: the relay is unreachable, timed out, or answered 4xx. Try again.
    /// `connection` is true when the relay could not be reached at all (every other message
    /// would fail the same way).
    case temporary(String, connection: Bool)
    /// The relay refused the message for good (a 5xx answer to MAIL, RCPT or DATA). Trying
    /// again would get the same answer.
    case refused(code: Int, String)
}

/// Hands messages to an SMTP relay through libcurl (Debian's `libcurl4-openssl-dev`): one
/// SMTP session per message on a thread of its own, so the cooperative pool is never blocked.
/// With ``SMTPSecurity/startTLS`` the session fails unless the relay switches to TLS; the
/// relay's certificate is verified against the system's CA store.
public final class SMTPSender: Sendable {
    public let relay: SMTPRelay
    private let queue = DispatchQueue(label: "trisam.smtp")

    /// libcurl's global state, set up once per process before the first handle.
    private static let globalInit: Bool = trisam_curl_global_init() == CURLE_OK

    public init(relay: SMTPRelay) {
        self.relay = relay
    }

    /// Sends `message` (RFC 5322, CRLF line ends) from ``SMTPRelay/from`` to `recipients`.
    public func send(_ message: Data, to recipients: [String]) async -> SMTPOutcome {
        let relay = self.relay
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Self.perform(relay, message, recipients)) }
        }
    }

    private static func perform(_ relay: SMTPRelay, _ message: Data, _ recipients: [String]) -> SMTPOutcome {
        guard globalInit, let handle = curl_easy_init() else { return .temporary("libcurl could not be initialised", connection: true) }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { list = curl_slist_append(list, "<\(recipient)>") }
        defer { curl_slist_free_all(list) }
        let upload = SMTPUpload(message)
        let box = Unmanaged.passRetained(upload)
        defer { box.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let result: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            var code = CURLE_OK
            func set(_ step: CURLcode) { if code == CURLE_OK { code = step } }
            set(trisam_curl_setopt_string(handle, CURLOPT_URL, relay.url))
            set(trisam_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(relay.from)>"))
            set(trisam_curl_setopt_list(handle, CURLOPT_MAIL_RCPT, list))
            set(trisam_curl_setopt_long(handle, CURLOPT_UPLOAD, 1))
            set(trisam_curl_setopt_read_function(handle, readCallback))
            set(trisam_curl_setopt_pointer(handle, CURLOPT_READDATA, box.toOpaque()))
            set(trisam_curl_setopt_long(handle, CURLOPT_INFILESIZE, upload.bytes.count))
            set(trisam_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(trisam_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(relay.connectTimeout)))
            set(trisam_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(relay.timeout)))
            set(trisam_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress))
            switch relay.security {
            case .startTLS, .implicitTLS: set(trisam_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
            case .plain: set(trisam_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue)))
            }
            if let caFile = relay.caFile { set(trisam_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
            if let username = relay.username, let password = relay.password {
                set(trisam_curl_setopt_string(handle, CURLOPT_USERNAME, username))
                set(trisam_curl_setopt_string(handle, CURLOPT_PASSWORD, password))
            }
            guard code == CURLE_OK else { return code }
            return curl_easy_perform(handle)
        }
        if result == CURLE_OK { return .accepted }
        var response = 0
        _ = trisam_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
        let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let message =
            (detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail) + (response > 0 ? " (SMTP \(response))" : "")
        return classify(result: result, response: response, message: message)
    }

    /// A 5xx answer to MAIL, RCPT or DATA is a refusal; a refused login (535) or a relay that
    /// will not speak TLS is the operator's to fix, so those are retried like an outage.
    static func classify(result: CURLcode, response: Int, message: String) -> SMTPOutcome {
        let replies: Set<UInt32> = [CURLE_SEND_ERROR.rawValue, CURLE_RECV_ERROR.rawValue, CURLE_WEIRD_SERVER_REPLY.rawValue]
        if replies.contains(result.rawValue), (500...599).contains(response), response != 530, response != 535 {
            return .refused(code: response, message)
        }
        let connection: Set<UInt32> = [
            CURLE_COULDNT_CONNECT.rawValue, CURLE_COULDNT_RESOLVE_HOST.rawValue, CURLE_OPERATION_TIMEDOUT.rawValue,
            CURLE_USE_SSL_FAILED.rawValue, CURLE_SSL_CONNECT_ERROR.rawValue, CURLE_LOGIN_DENIED.rawValue,
            CURLE_PEER_FAILED_VERIFICATION.rawValue, CURLE_GOT_NOTHING.rawValue,
        ]
        return .temporary(message, connection: connection.contains(result.rawValue) || response == 0)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// The message handed to libcurl's read callback, read front to back once.
private final class SMTPUpload {
    let bytes: [UInt8]
    var offset = 0

    init(_ data: Data) { bytes = Array(data) }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// libcurl pulls the message through this: copies the next bytes of the upload.
nonisolated(unsafe) private let readCallback: curl_read_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<SMTPUpload>.fromOpaque(context).takeUnretainedValue().read(into: buffer, capacity: size * count)
}
