import Foundation
import Hummingbird
import Logging
import TrisamContracts

/// The HTTP API of one agency service (see contracts/openapi.yaml).
public enum AgencyRoutes {
    /// The router: every route but `/health` needs a bearer token of this agency.
    public static func router(service: AgencyService, tokens: StaffTokens, bodyLimit: Int = StrictBody.defaultLimit,
                              sipClock: @escaping @Sendable () -> Date = { Date() }) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let allowed = AllowedMethodsBox()
        router.add(middleware: JSONErrorMiddleware(logger: service.logger, allowed: allowed))
        let agency = service.agency

        @Sendable func staff(_ request: Request) throws(APIError) -> Staff {
            try tokens.authorize(request.headers[.authorization], agency: agency)
        }
        @Sendable func body(_ request: Request) async throws(APIError) -> Data {
            do {
                var buffer = try await request.body.collect(upTo: bodyLimit)
                return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
            } catch {
                throw .bodyTooLarge(limit: bodyLimit)
            }
        }
        @Sendable func clientRef(_ context: BasicRequestContext) throws(APIError) -> ClientRef {
            let text = context.parameters.get("clientRef") ?? ""
            guard let ref = ClientRef(rawValue: text) else {
                throw .notFound("clientRef", "clientRef must be 32 lowercase hex characters as returned by POST /persons")
            }
            return ref
        }
        @Sendable func parameter(_ context: BasicRequestContext, _ name: String) -> String {
            context.parameters.get(name) ?? ""
        }

        router.get("/health") { _, _ in
            respond(APIResult(200, ["agency": agency.rawValue, "status": "ok"]))
        }
        router.post("/persons") { request, _ in
            let who = try staff(request)
            return respond(try await service.registerPerson(who, body: try await body(request)))
        }
        router.get("/persons/:clientRef") { request, context in
            let who = try staff(request)
            return respond(try await service.personSummary(who, clientRef: try clientRef(context)))
        }
        router.post("/persons/:clientRef/consents") { request, context in
            let who = try staff(request)
            return respond(try await service.addConsent(who, clientRef: try clientRef(context), body: try await body(request)))
        }
        router.post("/persons/:clientRef/consents/:consentId/withdraw") { request, context in
            let who = try staff(request)
            return respond(try await service.withdrawConsent(who, clientRef: try clientRef(context), consentId: parameter(context, "consentId"),
                                                             body: try await body(request)))
        }
        router.post("/persons/:clientRef/statuses") { request, context in
            let who = try staff(request)
            return respond(try await service.publishStatus(who, clientRef: try clientRef(context), body: try await body(request)))
        }
        router.post("/persons/:clientRef/cases") { request, context in
            let who = try staff(request)
            return respond(try await service.openCase(who, clientRef: try clientRef(context), body: try await body(request)))
        }
        router.post("/persons/:clientRef/cases/:area/close") { request, context in
            let who = try staff(request)
            return respond(try await service.closeCase(who, clientRef: try clientRef(context), area: try AgencyService.area(parameter(context, "area")),
                                                       body: try await body(request)))
        }
        router.post("/persons/:clientRef/cases/:area/contact") { request, context in
            let who = try staff(request)
            return respond(try await service.changeContact(who, clientRef: try clientRef(context), area: try AgencyService.area(parameter(context, "area")),
                                                           body: try await body(request)))
        }
        router.post("/persons/:clientRef/handovers") { request, context in
            let who = try staff(request)
            return respond(try await service.requestHandover(who, clientRef: try clientRef(context), body: try await body(request)))
        }
        router.post("/handovers/:handoverId/accept") { request, context in
            let who = try staff(request)
            return respond(try await service.answerHandover(who, handoverId: parameter(context, "handoverId"), answer: .accept, body: try await body(request)))
        }
        router.post("/handovers/:handoverId/refuse") { request, context in
            let who = try staff(request)
            return respond(try await service.answerHandover(who, handoverId: parameter(context, "handoverId"), answer: .refuse, body: try await body(request)))
        }
        router.post("/persons/:clientRef/referrals") { request, context in
            let who = try staff(request)
            return respond(try await service.sendReferral(who, clientRef: try clientRef(context), body: try await body(request)))
        }
        for action in ReferralAction.allCases {
            router.post("/referrals/:referralId/\(action.rawValue)") { request, context in
                let who = try staff(request)
                return respond(try await service.actOnReferral(who, referralId: parameter(context, "referralId"), action: action,
                                                               body: try await body(request)))
            }
        }
        router.get("/inbox") { request, _ in
            let who = try staff(request)
            let query = try AgencyRoutes.query(request, allowing: ["limit", "before"])
            return respond(try await service.inbox(who, limit: query["limit"], before: query["before"]))
        }
        router.get("/audit") { request, _ in
            let who = try staff(request)
            let query = try AgencyRoutes.query(request, allowing: ["clientRef", "limit", "before"])
            return respond(try await service.auditLog(who, clientRef: query["clientRef"], limit: query["limit"], before: query["before"]))
        }
        SipRoutes.register(on: router, service: SipService(base: service, now: sipClock), staff: staff, body: body)
        allowed.set(AllowedMethods(router.routes.map { (method: $0.method.rawValue, pattern: $0.path.description) }))
        return router
    }

    /// The query parameters of a request, refusing one the endpoint does not take (400
    /// `unknown_field` naming it) so a misspelt `limit` is not silently ignored.
    static func query(_ request: Request, allowing known: Set<String>) throws(APIError) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let key = String(name)
            guard known.contains(key) else {
                let name = APIError.redacted(key.prefix(64))
                throw APIError(status: 400, code: .unknownField, field: name,
                               message: "\(name) is not a query parameter of this endpoint; known: \(known.sorted().joined(separator: ", "))")
            }
            values[key] = String(value)
        }
        return values
    }

    /// A JSON response.
    static func respond(_ result: APIResult) -> Response {
        json(status: result.status, result.body)
    }

    static func json(status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: HTTPResponse.Status(code: status),
                        headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into the API's JSON error body; unexpected errors become a 500 without
/// details (nothing about a request or token is logged).
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let logger: Logger
    /// The router's routes, to tell a wrong method (405) from an unknown path (404).
    let allowed: AllowedMethodsBox

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            var response = AgencyRoutes.json(status: error.status, error.jsonBody)
            if error.status == 401 { response.headers[.wwwAuthenticate] = "Bearer realm=\"trisam\"" }
            return response
        } catch let error as HTTPError {
            let code = Int(error.status.code)
            let path = request.uri.path
            let methods = code == 404 || code == 405 ? allowed.methods(for: path) : []
            let apiError = switch code {
            case 404 where methods.isEmpty: APIError.notFound("(path)", "no such endpoint: \(request.method.rawValue) \(APIError.redacted(path))")
            case 404, 405: APIError.methodNotAllowed(request.method.rawValue, path: path, allowed: methods)
            case 413: APIError.bodyTooLarge(limit: StrictBody.defaultLimit)
            default: APIError(status: code, code: code >= 500 ? .internalError : .invalidField, message: error.body ?? "request refused")
            }
            var response = AgencyRoutes.json(status: apiError.status, apiError.jsonBody)
            if apiError.code == .methodNotAllowed, !methods.isEmpty { response.headers[.allow] = methods.joined(separator: ", ") }
            return response
        } catch {
            logger.error("request failed: \(type(of: error))")
            let apiError = APIError.internalError()
            return AgencyRoutes.json(status: apiError.status, apiError.jsonBody)
        }
    }
}
