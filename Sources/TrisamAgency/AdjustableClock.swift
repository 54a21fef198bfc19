import Foundation
import Hummingbird
import Synchronization
import TrisamContracts
import TrisamHTTP

/// A clock for demos and browser tests: the system's time plus an offset that only moves
/// forward (`POST /admin/clock`), so that a SIP booked for tomorrow can be recorded as held
/// today. Never used unless the service is started with `--clock adjustable`.
public final class AdjustableClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    public init() {}

    /// The time now, as the service sees it.
    public var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    /// Moves the clock forward to `moment`; a moment in the past is refused (the service's facts
    /// must keep their order).
    public func move(to moment: Date) throws(APIError) {
        try offset.withLock { offset throws(APIError) in
            let current = Date().addingTimeInterval(offset)
            guard moment >= current else {
                throw .invalid("to", "must not be before the service's time now (\(Timestamp.format(current)))")
            }
            offset = moment.timeIntervalSinceNow
        }
    }

    /// `POST /admin/clock` with `{"to": "<RFC 3339>"}`, for a member of this agency's staff.
    public func mount(on router: Router<AgencyRoutes.Context>, tokens: StaffTokens, agency: Agency) {
        let admin = router.group().add(
            middleware: BearerAuthentication<AgencyRoutes.Context> { header in
                Principal(try tokens.authorize(header, agency: agency))
            })
        admin.post("/admin/clock") { [self] request, context in
            _ = try context.staff()
            let body = try await request.collectBody(upTo: 4096)
            let to = try StrictBody.decode(ClockRequest.self, from: body).to
            guard let moment = Timestamp.parse(to) else { throw APIError.invalid("to", "must be an RFC 3339 date-time") }
            try move(to: moment)
            return JSONReply(200, ClockMoved(now: Timestamp.format(now)))
        }
    }
}

struct ClockRequest: Codable, Sendable, KnownFields {
    static let fieldNames: Set<String> = ["to"]
    var to: String
}

/// The service's time after `POST /admin/clock`.
public struct ClockMoved: Encodable, Sendable {
    public var now: String
}
