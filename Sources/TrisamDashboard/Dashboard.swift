import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamHTTP
import TrisamWeb

/// The coordinators' dashboard (issue #6): Swedish server-rendered pages over the coordinator's
/// store, mounted on the coordinator's router.
///
/// Pages: `/` (Att agera på), `/personer/{clientRef}` (audited; `?utskrift=1` the print view),
/// `/sok` (find a person), `/ko.csv` (the queue as CSV), `/sip-kalender`, `/oversikt`;
/// `/logga-in`, `/logga-ut`; `/live.json` (what changed, for the queue's live update);
/// `/static/…`. Every page but the login page needs the session cookie set at login, and every
/// form posted (logout included) the session's CSRF token (``SessionGate``).
public struct Dashboard: Sendable {
    /// Name of the session cookie.
    public static let cookieName = "trisam_session"
    /// How often the queue asks whether flags changed, in milliseconds.
    public var pollMilliseconds = 5_000
    /// At most this many rows in the queue.
    public var queueLimit = 500
    /// People on one page of the queue.
    public var pageSize = 50

    let parts: CoordinatorParts
    let sessions: WebSessions
    /// The shared layout, login and message pages, stylesheet and script (``WebPages``) with the
    /// dashboard's own templates.
    let pages: WebPages
    let logger: Logger

    /// Loads the templates and static files from the module's resources.
    public init(
        parts: CoordinatorParts, sessions: WebSessions = WebSessions(),
        logger: Logger = Logger(label: "trisam.dashboard")
    ) throws {
        self.parts = parts
        self.sessions = sessions
        self.logger = logger
        guard let templateFolder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw DashboardError("the dashboard's resources (Templates) are missing beside the executable")
        }
        do {
            pages = try WebPages(
                templateFolder: templateFolder, names: ["queue", "person", "calendar", "overview", "search"], logger: logger)
        } catch {
            throw DashboardError("\(error)")
        }
    }

    /// Adds the dashboard's routes to the coordinator's router.
    public func mount(on router: Router<CoordinatorRequestContext>) {
        let dashboard = self
        // Before the dashboard's routes, so that it also answers paths no route knows.
        let known = AllowedMethodsBox()
        router.add(middleware: WebNotFound<CoordinatorRequestContext>(known: known) { request, _ in dashboard.notFoundPage(request) })
        router.get("/static/{file}") { _, context in
            let file = try context.parameters.require("file")
            guard let response = dashboard.pages.asset(file) else { throw APIError.notFound("file", "no such static file") }
            return response
        }
        router.get("/logga-in") { request, _ in
            if dashboard.currentSession(request) != nil { return Self.redirect(to: "/") }
            return dashboard.page("login", Self.loginPage(next: Self.safeNext(request.uri.queryParameters.get("next")), error: nil))
        }
        router.post("/logga-in") { request, _ in try await dashboard.login(request) }
        let pages = router.group().add(
            middleware: SessionGate<CoordinatorRequestContext>(
                sessions: sessions, cookieName: Self.cookieName, loginPath: "/logga-in", jsonPaths: ["/live.json"]
            ) { _, context in
                dashboard.message(context, title: Swedish.formExpiredTitle, text: Swedish.formExpired, status: .forbidden)
            })
        pages.post("/logga-ut") { request, _ in
            if let id = request.cookies[Self.cookieName]?.value { dashboard.sessions.end(id) }
            var response = Self.redirect(to: "/logga-in")
            response.setCookie(WebPages.clearedCookie(name: Self.cookieName))
            return response
        }
        pages.get("/") { request, context in try dashboard.queue(request, context) }
        pages.get("/personer/{clientRef}") { request, context in try dashboard.person(request, context) }
        pages.post("/personer/{clientRef}/flaggor") { request, context in try await dashboard.work(request, context) }
        pages.get("/sip-kalender") { _, context in try dashboard.calendar(context) }
        pages.get("/oversikt") { _, context in try dashboard.overview(context) }
        dashboard.mountSearchAndExport(on: pages)
        pages.get("/live.json") { _, _ in
            let marker = try dashboard.liveMarker()
            let body = "{\"marker\":\"\(marker.text)\",\"open\":\(marker.open),\"time\":\"\(Swedish.time(Date()))\"}"
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        known.set(AllowedMethods(router.routes.map { (method: $0.method.rawValue, pattern: $0.path.description) }))
    }

    /// The Swedish page for a path that does not exist (404), in the dashboard's layout.
    func notFoundPage(_ request: Request) -> Response {
        let session = currentSession(request)
        return page(
            "message",
            WebMessagePage(
                frame: frame(user: session?.name, csrf: session?.csrfToken, title: Swedish.notFoundTitle, active: ""),
                text: Swedish.notFound(request.uri.path)),
            status: .notFound)
    }

    // MARK: pages

    func login(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = (try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body))) ?? LoginForm(token: nil, next: nil)
        let next = Self.safeNext(form.next)
        guard let token = form.token?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            return page("login", Self.loginPage(next: next, error: Swedish.loginMissing), status: .badRequest)
        }
        guard let entry = parts.tokens.entry(for: Substring(token)) else {
            logger.notice("dashboard login refused: unknown token")
            return page(
                "login", Self.loginPage(next: next, error: Swedish.loginUnknown),
                status: .unauthorized)
        }
        let id = sessions.start(name: entry.name, role: entry.role)
        logger.info("dashboard login", metadata: ["reader": "\(entry.name)"])
        var response = Self.redirect(to: next)
        response.setCookie(WebPages.sessionCookie(name: Self.cookieName, id: id, lifetime: sessions.lifetime))
        return response
    }

    func queue(_ request: Request, _ context: CoordinatorRequestContext) throws -> Response {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let descriptions = parts.rules.descriptions
        let now = parts.clock.now()
        let today = StockholmTime.date(of: now)
        let user = context.principal?.name ?? "?"
        let counts = try parts.store.openFlagCounts()
        let filter: QueueFilter
        var error: FilterError?
        switch QueueFilter.parse(query, ruleIds: descriptions.map(\.id)) {
        case .success(let parsed): filter = parsed
        case .failure(let failure):
            filter = QueueFilter()
            error = failure
        }
        var tabs: [QueueTab] = []
        var rows: [PersonRow] = []
        var heading = ""
        var range = ""
        var previous: String?
        var next: String?
        if error == nil {
            var storeQuery = filter.flagQuery(now: now, limit: queueLimit)
            for view in QueueFilter.View.allCases {
                storeQuery.view = view.queueView(user: user, today: today)
                let count = try parts.store.queueCount(storeQuery)
                tabs.append(
                    QueueTab(
                        label: Swedish.viewName(view), count: count.persons, path: "/" + filter.queryString(view: view),
                        current: view == filter.view, view: view.rawValue))
                if view == filter.view {
                    heading = Swedish.queueHeading(persons: count.persons, flags: count.flags, view: view, filtered: filter.isActive)
                }
            }
            storeQuery.view = filter.view.queueView(user: user, today: today)
            let size = filter.pageSize ?? pageSize
            var page = try parts.store.personQueue(storeQuery, limit: size, after: filter.after, before: filter.before)
            if filter.before != nil, page.previous == nil {
                page = try parts.store.personQueue(storeQuery, limit: size) // back at the start: a full first page
            }
            rows = Queue.personRows(page.persons, today: today)
            let total = tabs.first { $0.current }?.count ?? 0
            if let first = page.persons.first {
                let before = try parts.store.personsBefore(storeQuery, first.cursor)
                range = Swedish.pageRange(from: before + 1, to: before + page.persons.count, of: total)
            }
            previous = page.previous.map { "/" + filter.queryString(before: $0) }
            next = page.next.map { "/" + filter.queryString(after: $0) }
        }
        let marker = try liveMarker()
        let model = QueuePage(
            frame: frame(context, title: Swedish.queueTitle, active: "queue"),
            error: error?.message, heading: heading, tabs: tabs, rows: rows, range: range, previous: previous, next: next,
            filtered: filter.isActive, view: filter.view.rawValue, perSida: filter.pageSize.map(String.init) ?? "",
            clearPath: "/" + QueueFilter().queryString(view: filter.view),
            rules: [Option(value: "", label: Swedish.allRules, selected: filter.rule == nil)]
                + descriptions.map { Option(value: $0.id, label: "\($0.title) (\(counts[$0.id] ?? 0))", selected: filter.rule == $0.id) },
            agencies: [Option(value: "", label: Swedish.allAgencies, selected: filter.agency == nil)]
                + Agency.allCases.map { Option(value: $0.rawValue, label: $0.displayName, selected: filter.agency == $0) },
            severities: [Option(value: "", label: Swedish.allSeverities, selected: filter.severity == nil)]
                + [FlagSeverity.high, .medium, .low].map {
                    Option(value: $0.rawValue, label: Swedish.severity($0), selected: filter.severity == $0)
                },
            minAgeDays: filter.minAgeDays.map(String.init) ?? "",
            marker: marker.text, pollMilliseconds: pollMilliseconds,
            now: Swedish.time(Date()), live: Swedish.live(fetchedAt: Swedish.time(Date())),
            exportPath: "/ko.csv" + filter.queryString)
        return page("queue", model, status: error == nil ? .ok : .badRequest)
    }

    /// What changes whenever a flag is raised, resolved or worked on, or a day passes (flags set
    /// aside come back): the queue's live update compares it.
    func liveMarker() throws -> (text: String, open: Int) {
        let marker = try parts.store.flagChangeMarker()
        let work = try parts.store.flagWorkMarker()
        let day = StockholmTime.date(of: parts.clock.now()).description
        return ("\(marker.raised)-\(marker.resolved)-\(work)-\(day)", marker.open)
    }

    /// `POST /personer/{clientRef}/flaggor`: one action on one of the person's flags, from the
    /// person page's forms. Recorded: back to the page (303) with a notice. Refused: the page
    /// again with what was typed and the refusal beside the field.
    func work(_ request: Request, _ context: CoordinatorRequestContext) async throws -> Response {
        let raw = try context.parameters.require("clientRef")
        guard let ref = ClientRef(rawValue: raw) else {
            return message(context, title: Swedish.invalidPersonTitle, text: Swedish.invalidPerson, status: .badRequest)
        }
        let body = try await request.collectBody(upTo: 64 * 1024)
        let form = (try? URLEncodedFormDecoder().decode(WorkForm.self, from: String(decoding: body, as: UTF8.self))) ?? WorkForm()
        guard let flagId = form.flagga, let kind = form.atgard.flatMap(FlagAction.Kind.init(rawValue:)),
            let flag = try parts.store.flag(flagId), flag.clientRef == ref.rawValue
        else {
            return message(context, title: Swedish.unknownPersonTitle, text: Swedish.unknownFlag, status: .notFound)
        }
        let fields = form.fields(for: kind)
        guard let engine = parts.engine else {
            let refused = FlagWorkPanel.Refused(flagId: flagId, kind: kind, fields: fields, refusal: nil, message: Swedish.readOnly)
            return try person(request, context, refused: refused, status: .serviceUnavailable)
        }
        let actor = context.principal?.name ?? "?"
        do {
            let action = try FlagAction.parse(kind, fields)
            _ = try await engine.work(flagId: flagId, action: action, actor: actor, path: request.uri.path)
        } catch let refusal as FlagWorkRefusal {
            let refused = FlagWorkPanel.Refused(flagId: flagId, kind: kind, fields: fields, refusal: refusal)
            return try person(request, context, refused: refused, status: .badRequest)
        } catch FlagWorkError.refused(let refusal) {
            let refused = FlagWorkPanel.Refused(flagId: flagId, kind: kind, fields: fields, refusal: refusal)
            return try person(request, context, refused: refused, status: refusal.isConflict ? .conflict : .badRequest)
        } catch FlagWorkError.unknownFlag {
            return message(context, title: Swedish.unknownPersonTitle, text: Swedish.unknownFlag, status: .notFound)
        }
        return Self.redirect(to: "/personer/\(ref.rawValue)?klart=\(kind.rawValue)#flagga-\(flag.rule)")
    }

    func person(
        _ request: Request, _ context: CoordinatorRequestContext, refused: FlagWorkPanel.Refused? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let raw = try context.parameters.require("clientRef")
        guard let ref = ClientRef(rawValue: raw) else {
            return message(context, title: Swedish.invalidPersonTitle, text: Swedish.invalidPerson, status: .badRequest)
        }
        // The print view (`?utskrift=1`): the whole page without navigation, audited as printed.
        let printView = request.uri.queryParameters.get("utskrift") != nil
        let path = request.uri.path + (printView ? "?utskrift=1" : "")
        guard let found = try parts.store.readPerson(ref, reader: context.principal?.name ?? "?", path: path, at: Date()) else {
            return message(context, title: Swedish.unknownPersonTitle, text: Swedish.unknownPerson, status: .notFound)
        }
        let flags = try parts.store.flags(of: ref)
        let model = PersonPage(
            state: found.state, timeline: found.timeline, flags: flags, now: parts.clock.now(),
            history: try parts.store.flagHistory(of: ref), refused: refused, user: context.principal?.name,
            olderEvents: try parts.store.timelineSummary(of: ref))
        let done = refused == nil ? request.uri.queryParameters.get("klart").flatMap(FlagAction.Kind.init(rawValue:)) : nil
        var frame = frame(context, title: Swedish.personTitle(model.shortRef), active: "")
        frame.print = printView
        return page(
            "person",
            PersonPageContext(
                frame: frame, person: model, chartSvg: model.chart.svg(), printView: printView,
                printNotice: Swedish.printNotice(reader: context.principal?.name ?? "?", at: Date()),
                personPath: request.uri.path, printPath: request.uri.path + "?utskrift=1",
                notice: done.map(Swedish.workDone), refusedNotice: refused.map { _ in Swedish.formRefused }),
            status: status)
    }

    func calendar(_ context: CoordinatorRequestContext) throws -> Response {
        let now = parts.clock.now()
        // The store's calendar items, not every person (issue 22).
        let lists = try parts.store.calendar(now: now)
        let calendar = SipCalendar(overdue: lists.overdue, upcoming: lists.upcoming, unbooked: lists.unbooked, now: now)
        return page(
            "calendar",
            CalendarPageContext(
                frame: frame(context, title: Swedish.calendarTitle, active: "calendar"),
                calendar: calendar, today: Swedish.date(of: now)))
    }

    func overview(_ context: CoordinatorRequestContext) throws -> Response {
        let now = parts.clock.now()
        let today = StockholmTime.date(of: now)
        let counts = try parts.store.openFlagCounts()
        let descriptions = parts.rules.descriptions
        let ruleRows = descriptions.map { description in
            RuleCount(
                rule: description.id, title: description.title, open: counts[description.id] ?? 0,
                severity: Swedish.severity(description.severity), path: "/?regel=\(description.id)")
        }.sorted { $0.open > $1.open }
        let byRule = BarChart(items: ruleRows.filter { $0.open > 0 }.map { ($0.title, $0.open, "#1f5fa8") })
        let days = FlagTrend.window(endingOn: today, count: 60)
        // The store's counts by day, not every flag of the window (issue 22).
        let trendCounts = try parts.store.flagTrend(from: days[0])
        let trend = LineChart(
            days: days,
            series: [
                (Swedish.trendAll, "#1f5fa8", FlagTrend.daily(trendCounts, days: days)),
                (Swedish.trendHigh, "#b3261e", FlagTrend.daily(trendCounts, days: days, highOnly: true)),
            ])
        // From the sums the engine keeps with each batch, not from every person (issue 22).
        let sums = try parts.store.overviewSums()
        let referrals = ReferralTimes(sums: sums, today: today)
        let ownership = OwnershipCounts(sums: sums)
        let model = OverviewPageContext(
            frame: frame(context, title: Swedish.overviewTitle, active: "overview"),
            totalOpen: counts.values.reduce(0, +), persons: sums.persons,
            rules: ruleRows,
            byRuleChart: byRule.svg(id: "per-regel", title: Swedish.byRuleChartTitle),
            trendChart: trend.svg(id: "trend", title: Swedish.trendChartTitle),
            referralChart: GroupedColumns(
                buckets: ReferralTimes.buckets,
                series: [
                    (Swedish.referralsAnswered, "#1b7240", referrals.answered),
                    (Swedish.referralsWaiting, "#b3261e", referrals.waiting),
                ]
            ).svg(id: "remisstider", title: Swedish.referralChartTitle),
            referralAgencies: referrals.perAgency,
            ownershipChart: ownership.chart.svg(id: "agarskap-per-myndighet", title: Swedish.ownershipOverviewTitle),
            ownershipRows: Area.allCases.map { area in
                OwnershipRow(
                    area: area.displayName, kommun: ownership.count(area, .kommun), af: ownership.count(area, .af),
                    fk: ownership.count(area, .fk), region: ownership.count(area, .region),
                    nobody: ownership.unowned[area] ?? 0)
            })
        return page("overview", model)
    }

    // MARK: helpers

    func frame(_ context: CoordinatorRequestContext, title: String, active: String) -> Frame {
        frame(user: context.principal?.name, csrf: context.csrfToken, title: title, active: active)
    }

    func frame(user: String?, csrf: String?, title: String, active: String) -> Frame {
        Frame(
            title: title, user: user ?? "", csrf: csrf ?? "", loggedIn: user != nil, queue: active == "queue",
            calendar: active == "calendar", overview: active == "overview", search: active == "search")
    }

    /// The shared templates and the dashboard's own.
    var templates: MustacheLibrary { pages.templates }

    static func loginPage(next: String, error: String?) -> WebLoginPage {
        WebLoginPage(brand: "samordning", intro: "Logga in med din inloggningsnyckel för samordnare.", next: next, error: error)
    }

    func page(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        pages.render(template, model, status: status)
    }

    func message(_ context: CoordinatorRequestContext, title: String, text: String, status: HTTPResponse.Status) -> Response {
        page("message", WebMessagePage(frame: frame(context, title: title, active: ""), text: text), status: status)
    }

    static let htmlHeaders: HTTPFields = WebPages.htmlHeaders

    static func redirect(to location: String) -> Response {
        SessionGate<CoordinatorRequestContext>.redirect(to: location)
    }

    /// Only a path on this site may be the target after login: printable ASCII without spaces
    /// (browsers drop tabs and line breaks from a URL, so `/<tab>/host` would lead to `//host`),
    /// no `//host`, no backslash (read as `/` by browsers), no scheme, not the login pages.
    static func safeNext(_ next: String?) -> String { WebPages.safeNext(next) }

    func currentSession(_ request: Request) -> WebSessions.Session? {
        request.cookies[Self.cookieName].flatMap { sessions.session($0.value) }
    }
}

/// The dashboard could not be set up.
public struct DashboardError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

// MARK: template contexts

struct LoginForm: Decodable {
    var token: String?
    var next: String?
}

/// The frame of every page: the layout, menu and footer shared with the agencies' workspaces.
typealias Frame = WebFrame

extension WebFrame {
    /// The dashboard's frame: its menu with the page `queue`, `calendar`, `overview` or `search`
    /// marked.
    init(
        title: String, user: String, csrf: String, loggedIn: Bool, queue: Bool, calendar: Bool, overview: Bool,
        search: Bool = false
    ) {
        self.init(
            title: title, user: loggedIn ? user : nil, csrf: csrf, brand: "samordning",
            menu: [
                .init(href: "/", label: "Att agera på", current: queue),
                .init(href: "/sip-kalender", label: "SIP-kalender", current: calendar),
                .init(href: "/oversikt", label: "Översikt", current: overview),
                .init(href: "/sok", label: "Sök person", current: search),
            ],
            footer: "Trisam – personer identifieras bara med personreferens. Varje visad personsida loggas.",
            home: "/", homeLabel: "Att agera på")
    }
}

struct Option: Equatable {
    var value: String
    var label: String
    var selected: Bool
}

/// The fields of the person page's forms for work on a flag (the names the API uses).
struct WorkForm: Decodable {
    var csrf: String?
    var flagga: String?
    var atgard: String?
    var name: String?
    var agency: String?
    var phone: String?
    var comment: String?
    var nextStep: String?
    var dueOn: String?
    var until: String?
    var reason: String?

    /// The fields `kind` takes, as typed.
    func fields(for kind: FlagAction.Kind) -> [String: String] {
        let all: [String: String?] = [
            "name": name, "agency": agency, "phone": phone, "comment": comment, "nextStep": nextStep, "dueOn": dueOn,
            "until": until, "reason": reason,
        ]
        var fields: [String: String] = [:]
        for name in FlagAction.fields(of: kind) { if let value = all[name] ?? nil { fields[name] = value } }
        return fields
    }
}

/// A view of the queue as a tab: "Mina (3)".
struct QueueTab {
    var label: String
    var count: Int
    var path: String
    var current: Bool
    var view: String
}

struct QueuePage {
    var frame: Frame
    var error: String?
    var heading: String
    var tabs: [QueueTab]
    var rows: [PersonRow]
    var range: String
    var previous: String?
    var next: String?
    var filtered: Bool
    /// The view (`vy`), kept by the filter form.
    var view: String
    /// People per page when chosen (`perSida`), kept by the filter form.
    var perSida: String = ""
    var clearPath: String
    var rules: [Option]
    var agencies: [Option]
    var severities: [Option]
    var minAgeDays: String
    var marker: String
    var pollMilliseconds: Int
    var now: String
    var live: Swedish.LiveTexts
    /// The CSV export of the queue under the current filter.
    var exportPath = "/ko.csv"
}

struct PersonPageContext {
    var frame: Frame
    var person: PersonPage
    var chartSvg: String
    /// The print view (`?utskrift=1`): every detail open, who printed it and when.
    var printView = false
    var printNotice = ""
    var personPath = ""
    var printPath = ""
    /// After an action on a flag was recorded.
    var notice: String?
    /// After a form was refused (the refusal itself is beside the field).
    var refusedNotice: String?
}

struct CalendarPageContext {
    var frame: Frame
    var calendar: SipCalendar
    var today: String
}

struct RuleCount {
    var rule: String
    var title: String
    var open: Int
    var severity: String
    var path: String
}

struct OwnershipRow {
    var area: String
    var kommun: Int
    var af: Int
    var fk: Int
    var region: Int
    var nobody: Int
}

struct OverviewPageContext {
    var frame: Frame
    var totalOpen: Int
    var persons: Int
    var rules: [RuleCount]
    var byRuleChart: String
    var trendChart: String
    var referralChart: String
    var referralAgencies: [ReferralTimes.PerAgency]
    var ownershipChart: String
    var ownershipRows: [OwnershipRow]
}
