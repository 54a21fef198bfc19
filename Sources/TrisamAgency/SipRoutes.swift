import Foundation
import Hummingbird
import TrisamContracts

/// The SIP and handlingsplan routes of an agency service (see contracts/openapi.yaml, tag `sip`).
enum SipRoutes {
    static func register(on router: Router<BasicRequestContext>, service: SipService,
                         staff: @escaping @Sendable (Request) throws(APIError) -> Staff,
                         body: @escaping @Sendable (Request) async throws(APIError) -> Data) {
        @Sendable func clientRef(_ context: BasicRequestContext) throws(APIError) -> ClientRef {
            guard let ref = ClientRef(rawValue: context.parameters.get("clientRef") ?? "") else {
                throw .notFound("clientRef", "clientRef must be 32 lowercase hex characters as returned by POST /persons")
            }
            return ref
        }
        @Sendable func parameter(_ context: BasicRequestContext, _ name: String) -> String { context.parameters.get(name) ?? "" }

        router.post("/persons/:clientRef/sips") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.requestSip(who, clientRef: try clientRef(context), body: try await body(request)))
        }
        router.get("/sips/:sipId") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.view(who, sipId: parameter(context, "sipId")))
        }
        router.post("/sips/:sipId/invitations/:invitee/answer") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.answer(who, sipId: parameter(context, "sipId"), invitee: parameter(context, "invitee"),
                                                    body: try await body(request)))
        }
        router.post("/sips/:sipId/schedule") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.schedule(who, sipId: parameter(context, "sipId"), reschedule: false, body: try await body(request)))
        }
        router.post("/sips/:sipId/reschedule") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.schedule(who, sipId: parameter(context, "sipId"), reschedule: true, body: try await body(request)))
        }
        router.post("/sips/:sipId/cancel") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.cancel(who, sipId: parameter(context, "sipId"), body: try await body(request)))
        }
        router.post("/sips/:sipId/held") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.held(who, sipId: parameter(context, "sipId"), body: try await body(request)))
        }
        router.get("/sips/:sipId/calendar.ics") { request, context in
            let who = try staff(request)
            let text = try await service.calendarFile(who, sipId: parameter(context, "sipId"))
            return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8; method=\(text.contains("METHOD:CANCEL") ? "CANCEL" : "REQUEST")",
                                                   .contentDisposition: "attachment; filename=\"sip.ics\""],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/persons/:clientRef/plans") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.createPlan(who, clientRef: try clientRef(context), body: try await body(request)))
        }
        router.get("/plans/:planId") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.planView(who, planId: parameter(context, "planId")))
        }
        router.post("/plans/:planId/revise") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.revisePlan(who, planId: parameter(context, "planId"), body: try await body(request)))
        }
        router.post("/plans/:planId/close") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.closePlan(who, planId: parameter(context, "planId"), body: try await body(request)))
        }
        router.post("/plans/:planId/actions/:actionId/done") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.finishAction(who, planId: parameter(context, "planId"), actionId: parameter(context, "actionId"),
                                                          outcome: .done, body: try await body(request)))
        }
        router.post("/plans/:planId/actions/:actionId/not-possible") { request, context in
            let who = try staff(request)
            return AgencyRoutes.respond(try await service.finishAction(who, planId: parameter(context, "planId"), actionId: parameter(context, "actionId"),
                                                          outcome: .notPossible, body: try await body(request)))
        }
        router.get("/actions") { request, _ in
            let who = try staff(request)
            let query = try AgencyRoutes.query(request, allowing: ["state", "limit", "after"])
            return AgencyRoutes.respond(try await service.myActions(who, state: query["state"], limit: query["limit"], after: query["after"]))
        }
    }
}
