import Hummingbird
import TrisamHTTP

/// Answers a browser's GET of a path that does not exist with a front's Swedish page in its
/// layout instead of the API's JSON refusal. API clients (that do not ask for HTML), other
/// methods than GET and HEAD, and paths that exist with other methods (405, when `known` is
/// given) keep the JSON body. Add it after the JSON error middleware, so that it sees the
/// router's 404 first.
public struct WebNotFound<Context: RequestContext>: RouterMiddleware {
    let known: AllowedMethodsBox?
    let page: @Sendable (Request, Context) -> Response

    public init(known: AllowedMethodsBox? = nil, page: @escaping @Sendable (Request, Context) -> Response) {
        self.known = known
        self.page = page
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            guard request.method == .get || request.method == .head, Self.wantsHTML(request),
                known?.methods(for: request.uri.path).isEmpty ?? true
            else { throw error }
            return page(request, context)
        }
    }

    /// Whether the client asks for HTML (a browser navigating) rather than JSON.
    public static func wantsHTML(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept] else { return false }
        return accept.contains("text/html")
    }
}
