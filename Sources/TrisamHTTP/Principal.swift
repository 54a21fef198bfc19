import Hummingbird
import TrisamContracts

/// Who is asking: the member of staff or coordinator a bearer token (or a dashboard session)
/// names. Never holds the token itself.
public struct Principal: Sendable, Equatable {
    /// The name the audit logs record.
    public var name: String
    /// The role the token was issued for (`handlaggare`, `samordnare`, …).
    public var role: String
    /// The agency the principal works for; nil for the coordinators.
    public var agency: Agency?

    public init(name: String, role: String, agency: Agency? = nil) {
        self.name = name
        self.role = role
        self.agency = agency
    }
}

/// A request context that carries the authenticated principal, filled by an authentication
/// middleware (``BearerAuthentication``, the dashboard's session login) before a protected
/// route's handler runs.
public protocol AuthenticatedRequestContext: RequestContext {
    /// Who is asking; nil until an authentication middleware has run.
    var principal: Principal? { get set }
}

extension AuthenticatedRequestContext {
    /// The authenticated principal, or 401 when the route was not behind an authentication
    /// middleware (a programming error caught by the route tests).
    public func requirePrincipal() throws(APIError) -> Principal {
        guard let principal else { throw .unauthorized }
        return principal
    }
}

/// The request context of every Trisam service: Hummingbird's core context plus the principal.
public struct TrisamRequestContext: AuthenticatedRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The CSRF token of the web session that made the request, set by the web fronts' session
    /// middleware for pages to put into their forms; nil for API requests.
    public var csrfToken: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        csrfToken = nil
    }
}
