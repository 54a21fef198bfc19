import Foundation
import Hummingbird
import Logging
import TrisamContracts
import TrisamHTTP

/// The HTTP API of one agency service (see contracts/openapi.yaml).
public enum AgencyRoutes {
    /// The request context of an agency's routes: the principal is the member of staff.
    public typealias Context = TrisamRequestContext

    /// The router: every route but `/health` sits behind bearer authentication with a token of
    /// this agency (401 without or with an unknown one, 403 with another agency's).
    public static func router(
        service: AgencyService, tokens: StaffTokens, bodyLimit: Int = StrictBody.defaultLimit,
        sipClock: @escaping @Sendable () -> Date = { Date() }
    ) -> Router<Context> {
        let router = Router(context: Context.self)
        let allowed = AllowedMethodsBox()
        router.add(middleware: JSONErrorMiddleware(logger: service.logger, allowed: allowed))
        let agency = service.agency

        @Sendable func body(_ request: Request) async throws(APIError) -> Data {
            try await request.collectBody(upTo: bodyLimit)
        }

        router.get("/health") { _, _ in
            JSONReply(200, Health(agency: agency.rawValue, status: "ok"))
        }
        let api = router.group().add(
            middleware: BearerAuthentication<Context> { header in
                Principal(try tokens.authorize(header, agency: agency))
            })
        api.post("/persons") { request, context in
            try await service.registerPerson(try context.staff(), body: try await body(request))
        }
        api.post("/persons/search") { request, context in
            try await service.searchPerson(try context.staff(), body: try await body(request))
        }
        api.get("/persons/:clientRef") { _, context in
            try await service.personSummary(try context.staff(), clientRef: try context.clientRef())
        }
        api.post("/persons/:clientRef/consents") { request, context in
            try await service.addConsent(try context.staff(), clientRef: try context.clientRef(), body: try await body(request))
        }
        api.post("/persons/:clientRef/consents/:consentId/withdraw") { request, context in
            try await service.withdrawConsent(
                try context.staff(), clientRef: try context.clientRef(), consentId: context.parameter("consentId"),
                body: try await body(request))
        }
        api.post("/persons/:clientRef/statuses") { request, context in
            try await service.publishStatus(try context.staff(), clientRef: try context.clientRef(), body: try await body(request))
        }
        api.post("/persons/:clientRef/cases") { request, context in
            try await service.openCase(try context.staff(), clientRef: try context.clientRef(), body: try await body(request))
        }
        api.post("/persons/:clientRef/cases/:area/close") { request, context in
            try await service.closeCase(
                try context.staff(), clientRef: try context.clientRef(), area: try AgencyService.area(context.parameter("area")),
                body: try await body(request))
        }
        api.post("/persons/:clientRef/cases/:area/contact") { request, context in
            try await service.changeContact(
                try context.staff(), clientRef: try context.clientRef(), area: try AgencyService.area(context.parameter("area")),
                body: try await body(request))
        }
        api.post("/persons/:clientRef/handovers") { request, context in
            try await service.requestHandover(try context.staff(), clientRef: try context.clientRef(), body: try await body(request))
        }
        api.post("/handovers/:handoverId/accept") { request, context in
            try await service.answerHandover(
                try context.staff(), handoverId: context.parameter("handoverId"), answer: .accept, body: try await body(request))
        }
        api.post("/handovers/:handoverId/refuse") { request, context in
            try await service.answerHandover(
                try context.staff(), handoverId: context.parameter("handoverId"), answer: .refuse, body: try await body(request))
        }
        api.post("/persons/:clientRef/referrals") { request, context in
            try await service.sendReferral(try context.staff(), clientRef: try context.clientRef(), body: try await body(request))
        }
        for action in ReferralAction.allCases {
            api.post("/referrals/:referralId/\(action.rawValue)") { request, context in
                try await service.actOnReferral(
                    try context.staff(), referralId: context.parameter("referralId"), action: action,
                    body: try await body(request))
            }
        }
        api.get("/inbox") { request, context in
            let query = try AgencyRoutes.query(request, allowing: ["limit", "before"])
            return try await service.inbox(try context.staff(), limit: query["limit"], before: query["before"])
        }
        api.get("/flags") { request, context in
            let query = try AgencyRoutes.query(request, allowing: ["clientRef"])
            return try await service.flags(try context.staff(), clientRef: query["clientRef"])
        }
        api.post("/flags/:flagId/take") { _, context in
            try await service.takeFlag(try context.staff(), flagId: context.parameter("flagId"))
        }
        api.get("/audit") { request, context in
            let query = try AgencyRoutes.query(request, allowing: ["clientRef", "limit", "before"])
            return try await service.auditLog(
                try context.staff(), clientRef: query["clientRef"], limit: query["limit"], before: query["before"])
        }
        SipRoutes.register(on: api, service: SipService(base: service, now: sipClock), body: body)
        allowed.set(AllowedMethods(router.routes.map { (method: $0.method.rawValue, pattern: $0.path.description) }))
        return router
    }

    /// The query parameters of a request, refusing one the endpoint does not take (400
    /// `unknown_field` naming it) so a misspelt `limit` is not silently ignored.
    static func query(_ request: Request, allowing known: Set<String>) throws(APIError) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let key = String(name)
            guard known.contains(key) else { throw APIError.unknownQueryParameter(key, known: known) }
            values[key] = String(value)
        }
        return values
    }
}

extension AuthenticatedRequestContext {
    /// The member of staff the bearer token names (the router's ``BearerAuthentication`` sets it).
    func staff() throws(APIError) -> Staff {
        let principal = try requirePrincipal()
        guard let agency = principal.agency else { throw .unauthorized }
        return Staff(agency: agency, name: principal.name, role: principal.role)
    }

    /// The `clientRef` path parameter; 404 naming it when it is not one POST /persons returns.
    func clientRef() throws(APIError) -> ClientRef {
        guard let ref = ClientRef(rawValue: parameters.get("clientRef") ?? "") else {
            throw .notFound("clientRef", "clientRef must be 32 lowercase hex characters as returned by POST /persons")
        }
        return ref
    }

    /// A path parameter (empty when absent; the service refuses an unknown id by name).
    func parameter(_ name: String) -> String { parameters.get(name) ?? "" }
}

extension Principal {
    /// The principal of a member of staff.
    init(_ staff: Staff) { self.init(name: staff.name, role: staff.role, agency: staff.agency) }
}
