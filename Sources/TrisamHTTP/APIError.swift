import Foundation
import Hummingbird
import TrisamContracts

/// A refused request: HTTP status, a machine-readable code, the field at fault (if any) and an
/// English message an integrator can act on. Rendered as
/// `{"error":{"code":"invalid_field","field":"personnummer","message":"…"}}`.
///
/// Every refusal is raised before anything is written, or inside a store transaction that it
/// rolls back, so a refused request writes nothing.
public struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The error codes of the agency and coordinator APIs.
    public enum Code: String, Sendable {
        case invalidJSON = "invalid_json"
        case invalidField = "invalid_field"
        case missingField = "missing_field"
        case unknownField = "unknown_field"
        case bodyTooLarge = "body_too_large"
        case headerTooLarge = "header_too_large"
        case malformedRequest = "malformed_request"
        case unauthorized
        case forbidden
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case consentMissing = "consent_missing"
        case conflict
        case wrongParty = "wrong_party"
        case internalError = "internal_error"
        case unavailable
    }

    public let status: Int
    public let code: Code
    public let field: String?
    public let message: String

    public init(status: Int, code: Code, field: String? = nil, message: String) {
        self.status = status
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(status) \(code.rawValue)\(field.map { " [\($0)]" } ?? ""): \(message)" }

    /// The JSON error body, `{"error":{"code","field"?,"message"}}`.
    public struct Body: Encodable, Sendable {
        public struct Detail: Encodable, Sendable {
            public let code: String
            public let field: String?
            public let message: String
        }
        public let error: Detail
    }

    /// The JSON body.
    public var body: Body { Body(error: .init(code: code.rawValue, field: field, message: message)) }

    /// The response: the JSON body, and `WWW-Authenticate` on a 401.
    public func response() -> Response {
        let data = (try? APIJSON.encoder().encode(body)) ?? Data("{}".utf8)
        var response = APIJSON.response(status: status, data: data)
        if status == 401 { response.headers[.wwwAuthenticate] = "Bearer realm=\"trisam\"" }
        return response
    }

    /// A Hummingbird `HTTPError` thrown by a handler, in the API's terms: the code follows the
    /// status, and a message `name: reason` names `name` as the field.
    public init(_ error: HTTPError) {
        let status = Int(error.status.code)
        let message = error.body ?? error.status.reasonPhrase
        let code: Code =
            switch status {
            case 401: .unauthorized
            case 403: .forbidden
            case 404: .notFound
            case 405: .methodNotAllowed
            case 409: .conflict
            case 413: .bodyTooLarge
            case 431: .headerTooLarge
            case 503: .unavailable
            case 500...: .internalError
            default: .invalidField
            }
        let name = message.prefix { $0 != ":" }
        let field =
            name.count < message.count && !name.isEmpty && name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" })
            ? String(name) : nil
        self.init(status: status, code: code, field: field, message: message)
    }

    // MARK: Constructors

    /// The body as a whole is not a JSON object; `field` is `(body)`.
    public static func invalidJSON(_ message: String) -> APIError {
        APIError(status: 400, code: .invalidJSON, field: "(body)", message: message)
    }

    public static func invalid(_ field: String, _ reason: String) -> APIError {
        APIError(status: 400, code: .invalidField, field: field, message: "\(field) \(reason)")
    }

    public static func missing(_ field: String) -> APIError {
        APIError(status: 400, code: .missingField, field: field, message: "\(field) is required")
    }

    public static func unknownField(_ field: String) -> APIError {
        APIError(status: 400, code: .unknownField, field: field, message: "\(field) is not a field of this request")
    }

    /// A query parameter the endpoint does not take; `known` lists the ones it does.
    public static func unknownQueryParameter(_ name: String, known: Set<String>) -> APIError {
        let shown = redacted(name.prefix(64))
        return APIError(
            status: 400, code: .unknownField, field: shown,
            message: "\(shown) is not a query parameter of this endpoint; known: \(known.sorted().joined(separator: ", "))")
    }

    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            status: 413, code: .bodyTooLarge, field: "(body)",
            message: "the request body is larger than the limit of \(limit) bytes; send at most \(limit) bytes")
    }

    /// The path exists but not with this method; `allowed` lists the methods it has.
    public static func methodNotAllowed(_ method: String, path: String, allowed: [String]) -> APIError {
        APIError(
            status: 405, code: .methodNotAllowed, field: "(method)",
            message: "method \(method) is not allowed on \(redacted(path)); allowed: \(allowed.joined(separator: ", "))")
    }

    /// `text` (a path or parameter name echoed in a refusal) with every run of six or more
    /// digits, as a personnummer would be, replaced by `…`, so a refusal never echoes one.
    public static func redacted(_ text: some StringProtocol) -> String {
        String(text.prefix(200)).replacingOccurrences(of: #"\d{6,}([-+]\d{4})?"#, with: "…", options: .regularExpression)
    }

    public static let unauthorized = APIError(
        status: 401, code: .unauthorized, field: "Authorization",
        message: "a valid bearer token is required (Authorization: Bearer <token>)")

    public static func forbidden(_ message: String, field: String) -> APIError {
        APIError(status: 403, code: .forbidden, field: field, message: message)
    }

    public static func notFound(_ field: String?, _ message: String) -> APIError {
        APIError(status: 404, code: .notFound, field: field, message: message)
    }

    public static func consentMissing(_ message: String, field: String) -> APIError {
        APIError(status: 403, code: .consentMissing, field: field, message: message)
    }

    public static func conflict(_ message: String, field: String) -> APIError {
        APIError(status: 409, code: .conflict, field: field, message: message)
    }

    public static func wrongParty(_ message: String, field: String) -> APIError {
        APIError(status: 403, code: .wrongParty, field: field, message: message)
    }

    public static func internalError(_ message: String = "internal error; the request was not stored") -> APIError {
        APIError(status: 500, code: .internalError, message: message)
    }

    /// A contract violation of a payload field, `prefix` naming where the payload sits in the
    /// request (e.g. `payload`).
    public static func violation(_ violation: PayloadViolation, prefix: String? = nil) -> APIError {
        let field = [prefix, violation.field == "(body)" ? nil : violation.field].compactMap { $0 }.joined(separator: ".")
        let name = field.isEmpty ? "(body)" : field
        if violation.reason == "is required" { return .missing(name) }
        if violation.reason.hasPrefix("is not a field") { return .unknownField(name) }
        return .invalid(name, violation.reason)
    }
}
