import Foundation
import Hummingbird
import TrisamContracts
import TrisamHTTP

/// The SIP and handlingsplan routes of an agency service (see contracts/openapi.yaml, tag `sip`).
enum SipRoutes {
    /// Adds the routes to `router`, the agency's group behind bearer authentication.
    static func register(
        on router: RouterGroup<AgencyRoutes.Context>, service: SipService,
        body: @escaping @Sendable (Request) async throws(APIError) -> Data
    ) {
        router.post("/persons/:clientRef/sips") { request, context in
            try await service.requestSip(try context.staff(), clientRef: try context.clientRef(), body: try await body(request))
        }
        router.get("/sips/:sipId") { _, context in
            try await service.view(try context.staff(), sipId: context.parameter("sipId"))
        }
        router.post("/sips/:sipId/invitations/:invitee/answer") { request, context in
            try await service.answer(
                try context.staff(), sipId: context.parameter("sipId"), invitee: context.parameter("invitee"),
                body: try await body(request))
        }
        router.post("/sips/:sipId/schedule") { request, context in
            try await service.schedule(
                try context.staff(), sipId: context.parameter("sipId"), reschedule: false, body: try await body(request))
        }
        router.post("/sips/:sipId/reschedule") { request, context in
            try await service.schedule(
                try context.staff(), sipId: context.parameter("sipId"), reschedule: true, body: try await body(request))
        }
        router.post("/sips/:sipId/cancel") { request, context in
            try await service.cancel(try context.staff(), sipId: context.parameter("sipId"), body: try await body(request))
        }
        router.post("/sips/:sipId/held") { request, context in
            try await service.held(try context.staff(), sipId: context.parameter("sipId"), body: try await body(request))
        }
        router.get("/sips/:sipId/calendar.ics") { request, context in
            let text = try await service.calendarFile(try context.staff(), sipId: context.parameter("sipId"))
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/calendar; charset=utf-8; method=\(text.contains("METHOD:CANCEL") ? "CANCEL" : "REQUEST")",
                    .contentDisposition: "attachment; filename=\"sip.ics\"",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/persons/:clientRef/plans") { request, context in
            try await service.createPlan(try context.staff(), clientRef: try context.clientRef(), body: try await body(request))
        }
        router.get("/plans/:planId") { _, context in
            try await service.planView(try context.staff(), planId: context.parameter("planId"))
        }
        router.post("/plans/:planId/revise") { request, context in
            try await service.revisePlan(try context.staff(), planId: context.parameter("planId"), body: try await body(request))
        }
        router.post("/plans/:planId/close") { request, context in
            try await service.closePlan(try context.staff(), planId: context.parameter("planId"), body: try await body(request))
        }
        router.post("/plans/:planId/actions/:actionId/done") { request, context in
            try await service.finishAction(
                try context.staff(), planId: context.parameter("planId"), actionId: context.parameter("actionId"),
                outcome: .done, body: try await body(request))
        }
        router.post("/plans/:planId/actions/:actionId/not-possible") { request, context in
            try await service.finishAction(
                try context.staff(), planId: context.parameter("planId"), actionId: context.parameter("actionId"),
                outcome: .notPossible, body: try await body(request))
        }
        router.get("/actions") { request, context in
            let query = try AgencyRoutes.query(request, allowing: ["state", "limit", "after"])
            return try await service.myActions(try context.staff(), state: query["state"], limit: query["limit"], after: query["after"])
        }
    }
}
