import Foundation
import Hummingbird
import Logging

/// Turns every error into the JSON error body `{"error":{"code","field"?,"message"}}`:
/// an ``APIError`` as it is; a Hummingbird `HTTPError` with its status, message and headers
/// (a message `name: reason` names `name` as the field); the router's bare 404 for a path that
/// exists with other methods becomes 405 with `Allow`; anything else a 500 without details
/// (nothing about a request or token is logged). Add it first, and set the route table with
/// ``AllowedMethodsBox/set(_:)`` once every route is added.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    /// The router's routes, to tell a wrong method (405) from an unknown path (404).
    let allowed: AllowedMethodsBox
    /// The body limit a 413 from Hummingbird names.
    let bodyLimit: Int

    public init(logger: Logger, allowed: AllowedMethodsBox, bodyLimit: Int = StrictBody.defaultLimit) {
        self.logger = logger
        self.allowed = allowed
        self.bodyLimit = bodyLimit
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as HTTPError {
            let code = Int(error.status.code)
            let path = request.uri.path
            // The router's own refusals carry no message; a handler's 404 ("no such person") does.
            let routerRefusal = error.body == nil && (code == 404 || code == 405)
            let methods = routerRefusal ? allowed.methods(for: path) : []
            let apiError: APIError =
                switch code {
                case 404 where routerRefusal && methods.isEmpty:
                    .notFound("(path)", "no such endpoint: \(request.method.rawValue) \(APIError.redacted(path))")
                case 404 where routerRefusal, 405 where routerRefusal:
                    .methodNotAllowed(request.method.rawValue, path: path, allowed: methods)
                case 413: .bodyTooLarge(limit: bodyLimit)
                default: APIError(error)
                }
            var response = apiError.response()
            for field in error.headers where response.headers[field.name] == nil { response.headers.append(field) }
            if apiError.code == .methodNotAllowed, !methods.isEmpty { response.headers[.allow] = methods.joined(separator: ", ") }
            return response
        } catch {
            logger.error("request failed: \(type(of: error))")
            return APIError.internalError().response()
        }
    }
}
