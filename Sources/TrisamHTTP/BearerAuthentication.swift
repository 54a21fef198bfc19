import Hummingbird

/// Authenticates `Authorization: Bearer <token>` and puts the principal into the context;
/// routes that need a token are added to a group behind it, `/health` and `/metrics` stay
/// outside. What a missing, unknown or foreign token is answered with is the verifier's choice
/// (it throws the refusal), so each service keeps its own wording. Never logs the token.
public struct BearerAuthentication<Context: AuthenticatedRequestContext>: RouterMiddleware {
    /// Maps the `Authorization` header value (nil when absent) to a principal, or throws the refusal.
    public typealias Verifier = @Sendable (_ authorization: String?) throws -> Principal

    let verify: Verifier

    public init(_ verify: @escaping Verifier) {
        self.verify = verify
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.principal = try verify(request.headers[.authorization])
        return try await next(request, context)
    }
}
