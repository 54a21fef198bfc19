/// Protection of forms against cross-site request forgery: every form of a session carries the
/// session's token in a hidden field named ``fieldName`` (or a script sends it in the header
/// ``headerName``), and ``SessionGate`` refuses a state-changing request whose token is missing or
/// differs. The session cookie is also `SameSite=Strict`; the token is the second lock.
public enum CSRF {
    /// The name of the hidden form field that carries the token.
    public static let fieldName = "csrf"
    /// The request header a script may carry the token in instead.
    public static let headerName = "X-CSRF-Token"

    /// Whether the submitted token equals the session's, compared in constant time.
    public static func matches(_ submitted: some StringProtocol, _ expected: String) -> Bool {
        let a = Array(submitted.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count, !b.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// The value of the field `csrf` in an `application/x-www-form-urlencoded` body, if any.
    public static func token(inForm body: String) -> Substring? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == Substring(fieldName) else { continue }
            // The token is hex: percent-decoding changes nothing a valid token holds.
            return parts[1]
        }
        return nil
    }
}
