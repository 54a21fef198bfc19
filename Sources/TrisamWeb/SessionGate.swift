import Foundation
import HTTPTypes
import Hummingbird
import TrisamHTTP

/// A request context that carries, besides the principal, the CSRF token of the web session
/// that made the request, for pages to put into their forms.
public protocol WebSessionRequestContext: AuthenticatedRequestContext {
    /// The session's CSRF token; nil until ``SessionGate`` has run.
    var csrfToken: String? { get set }
}

extension TrisamRequestContext: WebSessionRequestContext {}

/// Guards the pages of a web front: a request needs a live session cookie, and a request that
/// changes something (any method but GET and HEAD) also the session's CSRF token.
///
/// Without a session, a page request is redirected (303) to the login page with the page as
/// `next`, and a path in `jsonPaths` answers 401 JSON. A missing or wrong CSRF token is answered
/// by `refused` (a page in the front's own language, status 403).
public struct SessionGate<Context: WebSessionRequestContext>: RouterMiddleware {
    let sessions: WebSessions
    let cookieName: String
    let loginPath: String
    let jsonPaths: Set<String>
    let refused: @Sendable (Request, Context) -> Response
    /// The largest form body read to find the token.
    let maxFormBytes: Int

    /// A gate over `sessions`, reading the session id from the cookie `cookieName`.
    public init(
        sessions: WebSessions, cookieName: String, loginPath: String, jsonPaths: Set<String> = [],
        maxFormBytes: Int = 1 << 20, refused: @escaping @Sendable (Request, Context) -> Response
    ) {
        self.sessions = sessions
        self.cookieName = cookieName
        self.loginPath = loginPath
        self.jsonPaths = jsonPaths
        self.maxFormBytes = maxFormBytes
        self.refused = refused
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let id = request.cookies[cookieName]?.value, let session = sessions.session(id) else {
            return try notLoggedIn(request)
        }
        var context = context
        context.principal = Principal(name: session.name, role: session.role, agency: session.agency)
        context.csrfToken = session.csrfToken
        var request = request
        if request.method != .get && request.method != .head {
            let submitted: Substring?
            if let header = request.headers[HTTPField.Name(CSRF.headerName)!] {
                submitted = Substring(header)
            } else {
                // The core's mutating collect: the handler can read the collected body again.
                let body: ByteBuffer = try await request.collectBody(upTo: maxFormBytes)
                submitted = CSRF.token(inForm: String(buffer: body))
            }
            guard let submitted, CSRF.matches(submitted, session.csrfToken) else {
                return refused(request, context)
            }
        }
        return try await next(request, context)
    }

    func notLoggedIn(_ request: Request) throws -> Response {
        if jsonPaths.contains(request.uri.path) {
            throw APIError(status: 401, code: .unauthorized, field: "session", message: "no session: log in at \(loginPath)")
        }
        var target = request.uri.path
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_.~"))) ?? "/"
        return Self.redirect(to: target == "/" ? loginPath : "\(loginPath)?next=\(encoded)")
    }

    /// A 303 redirect to a path on this site.
    public static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
