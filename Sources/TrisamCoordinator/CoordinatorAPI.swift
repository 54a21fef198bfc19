import Foundation
import Hummingbird
import Logging
import NIOCore
import TrisamContracts
import TrisamCoordinatorCore
import TrisamHTTP

/// The coordinator's request context: the principal is the coordinator the bearer token (or
/// the dashboard's session) names, recorded in the audit log of person reads.
public typealias CoordinatorRequestContext = TrisamRequestContext

extension AccessTokens {
    /// The principal of an `Authorization: Bearer <token>` header for a configured token,
    /// otherwise 401 `unauthorized` naming the field `Authorization` (with `WWW-Authenticate`).
    /// Never logs the token.
    public func principal(authorization header: String?) throws(APIError) -> Principal {
        guard let header else {
            throw APIError(
                status: 401, code: .unauthorized, field: "Authorization",
                message: "missing Authorization header: send \"Authorization: Bearer <token>\"")
        }
        guard header.hasPrefix("Bearer "), let entry = entry(for: header.dropFirst(7)) else {
            throw APIError(status: 401, code: .unauthorized, field: "Authorization", message: "unknown bearer token")
        }
        return Principal(name: entry.name, role: entry.role)
    }
}

/// The coordinator's HTTP API (JSON): open flags, one person, counts, the rule catalogue,
/// metrics and health. `/health` and `/metrics` are open; everything else needs a bearer token.
public struct CoordinatorAPI: Sendable {
    let store: CoordinatorStore
    let engine: CoordinatorEngine
    let rules: GapRules
    let clock: CoordinatorClock
    let metrics: CoordinatorMetrics
    let tokens: AccessTokens
    /// The collaboration secret, to turn a number searched for into its clientRef; nil: a
    /// search by number answers 503.
    let pseudonymizer: Pseudonymizer?
    private let allowedMethods = AllowedMethodsBox()
    private let logger = Logger(label: "trisam.coordinator.http")

    public init(
        store: CoordinatorStore, engine: CoordinatorEngine, rules: GapRules, clock: CoordinatorClock,
        metrics: CoordinatorMetrics, tokens: AccessTokens, pseudonymizer: Pseudonymizer? = nil
    ) {
        self.store = store
        self.engine = engine
        self.rules = rules
        self.clock = clock
        self.metrics = metrics
        self.tokens = tokens
        self.pseudonymizer = pseudonymizer
    }

    /// The router with every route. Once routes are added elsewhere too (the dashboard), call
    /// ``allowMethods(of:)`` so a wrong method on them is answered with 405 as well.
    public func router() -> Router<CoordinatorRequestContext> {
        let router = Router(context: CoordinatorRequestContext.self)
        router.add(middleware: JSONErrorMiddleware(logger: logger, allowed: allowedMethods))
        router.get("/health") { _, _ in
            let stats = try store.statistics()
            return try encoded(
                HealthView(
                    status: "ok", persons: stats.persons, eventsSeen: stats.eventsSeen, openFlags: stats.openFlags,
                    outbox: stats.outbox, now: Timestamp.format(clock.now())))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        let api = router.group().add(
            middleware: BearerAuthentication<CoordinatorRequestContext> { [tokens] in try tokens.principal(authorization: $0) })
        api.get("/flags") { request, context in try listFlags(request, principal: context.principal) }
        api.get("/flags/counts") { _, _ in
            let counts = try store.openFlagCounts()
            let rows = rules.descriptions.map { FlagCounts.Row(rule: $0.id, title: $0.title, open: counts[$0.id] ?? 0) }
            let unknown = counts.keys.filter { id in !rules.descriptions.contains { $0.id == id } }.sorted()
                .map { FlagCounts.Row(rule: $0, title: $0, open: counts[$0] ?? 0) }
            return try encoded(FlagCounts(counts: rows + unknown, total: counts.values.reduce(0, +)))
        }
        api.get("/rules") { _, _ in
            try encoded(["rules": rules.descriptions])
        }
        AuditLogRoutes.register(on: api, store: store)
        api.post("/persons/search") { request, context in try await searchPersons(request, context) }
        api.get("/flags/{flagId}") { _, context in
            let flagId = try context.parameters.require("flagId")
            guard let flag = try store.flag(flagId) else { throw APIError.notFound("flagId", "no flag has this id") }
            return try encoded(FlagDetail(flag: FlagView(flag), history: try store.flagHistory(flagId: flagId, clientRef: flag.clientRef)))
        }
        for kind in FlagAction.Kind.allCases {
            api.post("/flags/{flagId}/\(kind.rawValue)") { request, context in
                let flagId = try context.parameters.require("flagId")
                // Room for the longest texts the contract allows, however they are escaped.
                let body = try await request.collectBody(upTo: 64 * 1024)
                var fields: [String: String] = [:]
                if !body.isEmpty {
                    let object = try StrictBody.object(body, limit: 64 * 1024)
                    let known = Set(FlagAction.fields(of: kind))
                    for key in object.keys.sorted() where !known.contains(key) { throw APIError.unknownField(key) }
                    for (key, value) in object {
                        guard let text = value as? String else {
                            throw APIError.invalid(key, "must be a string, got \(StrictBody.kind(of: value))")
                        }
                        fields[key] = text
                    }
                }
                let actor = context.principal?.name ?? "?"
                let result = try await Self.recordWork(
                    engine: engine, flagId: flagId, kind: kind, fields: fields, actor: actor, path: request.uri.path)
                return try encoded(
                    FlagWorkDone(
                        flag: FlagView(result.flag), eventId: result.event.id, eventType: result.event.type.rawValue,
                        history: try store.flagHistory(flagId: flagId, clientRef: result.flag.clientRef)))
            }
        }
        api.get("/persons/{clientRef}") { request, context in
            let raw = try context.parameters.require("clientRef")
            // /persons/search is POST only; GET on it is not a person.
            if raw == "search" {
                var response = APIError.methodNotAllowed(request.method.rawValue, path: request.uri.path, allowed: ["POST"]).response()
                response.headers[.allow] = "POST"
                return response
            }
            guard let ref = ClientRef(rawValue: raw) else {
                throw APIError.invalid("clientRef", "must be 32 lowercase hex characters")
            }
            guard let found = try store.readPerson(ref, reader: context.principal?.name ?? "?", path: request.uri.path, at: Date()) else {
                throw APIError.notFound("clientRef", "no events known for this person")
            }
            let flags = try store.flags(of: ref)
            return try encoded(
                PersonView(
                    clientRef: ref.rawValue, state: found.state, timeline: found.timeline,
                    olderEvents: try store.timelineSummary(of: ref),
                    openFlags: flags.filter { $0.resolvedAt == nil }.map(FlagView.init),
                    resolvedFlags: flags.filter { $0.resolvedAt != nil }.map(FlagView.init)))
        }
        api.post("/admin/clock") { request, context in
            guard clock.isControllable else {
                throw APIError.conflict(ClockError.notControllable.description, field: "now")
            }
            let object = try StrictBody.object(try await request.collectBody(upTo: 4096), limit: 4096)
            for key in object.keys.sorted() where key != "now" { throw APIError.unknownField(key) }
            guard let value = object["now"] else { throw APIError.missing("now") }
            guard let text = value as? String, let date = Timestamp.parse(text) else {
                throw APIError.invalid("now", "must be an RFC 3339 date-time such as 2026-11-24T09:00:00Z")
            }
            do { try clock.set(date) } catch { throw APIError.invalid("now", "\(error)") }
            let outcome = try await engine.runDueChecks()
            return try encoded(
                ClockMoved(now: Timestamp.format(clock.now()), raised: outcome.raised.count, resolved: outcome.resolved.count))
        }
        allowMethods(of: router)
        return router
    }

    /// Records the router's routes for the 405 answer (call again after adding routes).
    public func allowMethods(of router: Router<CoordinatorRequestContext>) {
        allowedMethods.set(AllowedMethods(router.routes.map { (method: $0.method.rawValue, pattern: $0.path.description) }))
    }

    /// `POST /persons/search`: by number (with the collaboration secret) or by reference;
    /// audited with the number of matches, never the number.
    private func searchPersons(_ request: Request, _ context: CoordinatorRequestContext) async throws -> Response {
        let object = try StrictBody.object(try await request.collectBody(upTo: 4096), limit: 4096)
        let prefix: String
        switch try PersonSearch.key(json: object) {
        case .reference(let reference): prefix = reference
        case .number(let identity):
            guard let pseudonymizer else {
                throw APIError(
                    status: 503, code: .unavailable, field: identity.kind == .reservnummer ? "reservnummer" : "personnummer",
                    message:
                        "this coordinator has no collaboration secret (TRISAM_CLIENTREF_SECRET or TRISAM_CLIENTREF_SECRET_FILE), so it cannot search by number; search by reference instead"
                )
            }
            prefix = identity.clientRef(pseudonymizer).rawValue
        }
        // The audit entry names the request with its method: a search is a POST, never a page to GET.
        let found = try store.searchPersons(
            prefix: prefix, reader: context.principal?.name ?? "?", path: "POST \(request.uri.path)", at: Date())
        return try encoded(found)
    }

    /// Parses and records one action on a flag, answering a refusal with the field and why
    /// (400 for a wrong field, 409 when the flag's state refuses the action, 404 for no flag).
    static func recordWork(
        engine: CoordinatorEngine, flagId: String, kind: FlagAction.Kind, fields: [String: String], actor: String, path: String
    ) async throws(APIError) -> (flag: FlagRow, event: EventEnvelope) {
        do {
            let action = try FlagAction.parse(kind, fields)
            return try await engine.work(flagId: flagId, action: action, actor: actor, path: path)
        } catch let refusal as FlagWorkRefusal {
            throw apiError(refusal)
        } catch FlagWorkError.unknownFlag {
            throw APIError.notFound("flagId", "no flag has this id")
        } catch FlagWorkError.refused(let refusal) {
            throw apiError(refusal)
        } catch {
            throw APIError(status: 500, code: .internalError, message: "the action could not be stored")
        }
    }

    static func apiError(_ refusal: FlagWorkRefusal) -> APIError {
        if refusal.isConflict { return APIError.conflict(refusal.message, field: refusal.field ?? "flagId") }
        if refusal.reason == .missing, let field = refusal.field { return APIError.missing(field) }
        return APIError.invalid(refusal.field ?? "flagId", refusal.message)
    }

    private func listFlags(_ request: Request, principal: Principal?) throws -> Response {
        let parameters = request.uri.queryParameters
        var query = FlagQuery()
        let known: Set<String> = ["rule", "severity", "agency", "minAgeDays", "limit", "cursor", "view"]
        for (name, _) in parameters where !known.contains(String(name)) {
            throw APIError.unknownQueryParameter(String(name), known: known)
        }
        if let rule = parameters.get("rule") {
            guard rules.descriptions.contains(where: { $0.id == rule }) else {
                throw APIError.invalid("rule", "unknown rule \"\(APIError.redacted(rule))\"; see GET /rules")
            }
            query.rule = rule
        }
        if let severity = parameters.get("severity") {
            guard let value = FlagSeverity(rawValue: severity) else {
                throw APIError.invalid("severity", "must be low, medium or high, got \"\(APIError.redacted(severity))\"")
            }
            query.severity = value
        }
        if let agency = parameters.get("agency") {
            guard let value = Agency(rawValue: agency) else {
                throw APIError.invalid("agency", "must be kommun, af, fk or region, got \"\(APIError.redacted(agency))\"")
            }
            query.agency = value
        }
        if let text = parameters.get("minAgeDays") {
            guard let days = Int(text), days >= 0, days <= 36_500 else {
                throw APIError.invalid("minAgeDays", "must be a whole number of days from 0 to 36500, got \"\(APIError.redacted(text))\"")
            }
            query.sinceAtOrBefore = clock.now().addingTimeInterval(-Double(days) * 86_400)
        }
        if let text = parameters.get("limit") {
            guard let limit = Int(text), (1...1000).contains(limit) else {
                throw APIError.invalid("limit", "must be a whole number from 1 to 1000, got \"\(APIError.redacted(text))\"")
            }
            query.limit = limit
        }
        if let text = parameters.get("cursor") {
            guard let cursor = Int64(text), cursor >= 0 else {
                throw APIError.invalid("cursor", "must be the nextCursor of a previous page, got \"\(APIError.redacted(text))\"")
            }
            query.cursor = cursor
        }
        if let view = parameters.get("view") {
            let today = StockholmTime.date(of: clock.now())
            switch view {
            case "queue": query.view = .queue(today: today)
            case "mine": query.view = .mine(principal?.name ?? "?", today: today)
            case "unassigned": query.view = .unassigned(today: today)
            case "aside": query.view = .aside(today: today)
            default:
                throw APIError.invalid("view", "must be queue, mine, unassigned or aside, got \"\(APIError.redacted(view))\"")
            }
        }
        let rows = try store.openFlags(query)
        let next = rows.count == query.limit ? rows.last.map { String($0.seq) } : nil
        return try encoded(FlagPage(flags: rows.map(FlagView.init), nextCursor: next))
    }
}

/// One flag as the API shows it.
struct FlagView: Codable {
    var flagId: String
    var clientRef: String
    var rule: String
    var severity: FlagSeverity
    var title: String
    var explanation: String
    var agencies: [Agency]
    var evidence: [String]
    var since: Date
    var raisedAt: Date
    var resolvedAt: Date?
    var resolution: String?
    /// The work on it: who works it, whether it is set aside or closed, the next step.
    var work: WorkView

    struct WorkView: Codable {
        /// `coordinator` (took it) or `assignee` (assigned to a named person at an agency).
        var ownerKind: String?
        var owner: String?
        var ownerAgency: Agency?
        var ownerPhone: String?
        /// `queue`, `aside` (until `asideUntil`), `closed` (as no gap) or `resolved`.
        var status: String
        var asideUntil: LocalDate?
        var reason: String?
        var nextStep: String?
        var nextStepDue: LocalDate?
    }

    init(_ row: FlagRow) {
        flagId = row.flagId
        clientRef = row.clientRef
        rule = row.rule
        severity = row.severity
        title = row.title
        explanation = row.explanation
        agencies = row.agencies
        evidence = row.evidence
        since = row.since
        raisedAt = row.raisedAt
        resolvedAt = row.resolvedAt
        resolution = row.resolution
        var work = WorkView(status: "queue")
        switch row.work.owner {
        case .coordinator(let name):
            work.ownerKind = "coordinator"
            work.owner = name
        case .assignee(let contact, let agency):
            work.ownerKind = "assignee"
            work.owner = contact.name
            work.ownerAgency = agency
            work.ownerPhone = contact.phone
        case nil: break
        }
        switch row.work.parked {
        case .aside(let until, let reason):
            work.status = "aside"
            work.asideUntil = until
            work.reason = reason
        case .closed(let reason):
            work.status = "closed"
            work.reason = reason
        case nil: break
        }
        if row.resolvedAt != nil { work.status = "resolved" }
        work.nextStep = row.work.nextStep?.text
        work.nextStepDue = row.work.nextStep?.dueOn
        self.work = work
    }
}

/// `GET /flags/{flagId}`: the flag and the history of work on it.
struct FlagDetail: Encodable {
    var flag: FlagView
    var history: [FlagHistoryEntry]
}

/// `POST /flags/{flagId}/<action>`: the flag after the action, the event that records it, and
/// the flag's history.
struct FlagWorkDone: Encodable {
    var flag: FlagView
    var eventId: String
    var eventType: String
    var history: [FlagHistoryEntry]
}

struct FlagPage: Codable {
    var flags: [FlagView]
    var nextCursor: String?
}

/// `GET /health`.
struct HealthView: Encodable {
    var status: String
    var persons: Int
    var eventsSeen: Int
    var openFlags: Int
    var outbox: Int
    var now: String
}

/// `GET /flags/counts`: open flags per rule, the catalogue's rules first.
struct FlagCounts: Encodable {
    struct Row: Encodable {
        var rule: String
        var title: String
        var open: Int
    }
    var counts: [Row]
    var total: Int
}

/// `POST /admin/clock`: the new time and what the due checks raised and resolved.
struct ClockMoved: Encodable {
    var now: String
    var raised: Int
    var resolved: Int
}

struct PersonView: Encodable {
    var clientRef: String
    var state: PersonState
    var timeline: [TimelineEntry]
    /// What the timeline summarises of events beyond the retention window.
    var olderEvents: [TimelineSummaryEntry]
    var openFlags: [FlagView]
    var resolvedFlags: [FlagView]
}

private func encoded(_ value: some Encodable) throws -> Response {
    let data = try EventEnvelope.encoder().encode(value)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
