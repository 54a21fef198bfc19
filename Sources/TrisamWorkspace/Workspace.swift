import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TrisamAgency
import TrisamContracts
import TrisamHTTP
import TrisamSip
import TrisamWeb

/// The staff workspace of one agency (issue #20): Swedish server-rendered pages on the agency
/// service's own port, beside its JSON API, mounted on the same router.
///
/// Every change a page makes goes through the same operation of ``AgencyService`` or
/// ``SipService`` as the JSON API (the form is turned into the API's JSON body), so a form is
/// refused exactly when the API would be; the refusal is shown in Swedish beside the field it
/// names, with what was typed kept.
///
/// Login: `/logga-in` checks a staff token of this agency and starts a session (``WebSessions``):
/// an `HttpOnly`, `SameSite=Strict` cookie, 8 hours from last use, CSRF token on every form
/// (``SessionGate``). A single sign-on front replaces only `/logga-in` (see the README).
public struct Workspace: Sendable {
    /// Name of the session cookie, one per agency: cookies do not tell ports apart, and the
    /// dashboard and several workspaces may run on one host (as under `trisam dev`).
    public var cookieName: String { "trisam_arbetsyta_\(agency.rawValue)" }
    /// How often the inbox asks whether something arrived, in milliseconds.
    public var pollMilliseconds = 5_000
    /// Items on one page of the inbox.
    public var inboxPageSize = 25

    let service: AgencyService
    let sip: SipService
    let tokens: StaffTokens
    let sessions: WebSessions
    let pages: WebPages
    let now: @Sendable () -> Date
    let logger: Logger
    let calendar = WorkingCalendar()

    var agency: Agency { service.agency }

    /// The workspace over an agency's operations; `now` is the service's clock.
    public init(
        service: AgencyService, sip: SipService, tokens: StaffTokens, sessions: WebSessions = WebSessions(),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "trisam.workspace")
    ) throws {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw WebPagesError("the workspace's templates are missing beside the executable")
        }
        self.pages = try WebPages(
            templateFolder: folder, names: ["fields", "flaglist", "inbox", "forms", "sipdoc"], logger: logger)
        self.service = service
        self.sip = sip
        self.tokens = tokens
        self.sessions = sessions
        self.now = now
        self.logger = logger
    }

    /// Adds the workspace's pages to the agency service's router.
    public func mount(on router: Router<AgencyRoutes.Context>) {
        let workspace = self
        // A browser's GET of a path that does not exist: the Swedish page, not the API's JSON.
        router.add(middleware: WebNotFound<AgencyRoutes.Context> { request, _ in workspace.notFoundPage(request) })
        router.get("/static/{file}") { _, context in
            let file = try context.parameters.require("file")
            guard let response = workspace.pages.asset(file) else { throw APIError.notFound("file", "no such static file") }
            return response
        }
        router.get("/logga-in") { request, _ in
            if workspace.currentSession(request) != nil { return WebPages.redirect(to: "/inkorg") }
            return workspace.loginPage(next: WebPages.safeNext(request.uri.queryParameters.get("next"), home: "/inkorg"), error: nil)
        }
        router.post("/logga-in") { request, _ in try await workspace.login(request) }
        let web = router.group().add(
            middleware: SessionGate<AgencyRoutes.Context>(
                sessions: sessions, cookieName: cookieName, loginPath: "/logga-in", jsonPaths: ["/live.json"]
            ) { _, context in
                workspace.message(context, title: WebSwedish.formExpiredTitle, text: WebSwedish.formExpired, status: .forbidden)
            })
        web.post("/logga-ut") { request, _ in
            if let id = request.cookies[cookieName]?.value { workspace.sessions.end(id) }
            var response = WebPages.redirect(to: "/logga-in")
            response.setCookie(WebPages.clearedCookie(name: cookieName))
            return response
        }
        web.get("/") { _, _ in WebPages.redirect(to: "/inkorg") }
        web.get("/live.json") { _, _ in
            let marker = try await workspace.service.inboxMarker()
            let body =
                "{\"marker\":\"\(marker.newest)\",\"open\":\(marker.count),\"time\":\"\(WebSwedish.time(workspace.now()))\"}"
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        mountPages(on: web)
    }

    // MARK: login

    func loginPage(next: String, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        pages.render(
            "login",
            WebLoginPage(brand: WorkspaceSwedish.brand(agency), intro: WorkspaceSwedish.loginIntro(agency), next: next, error: error),
            status: status)
    }

    func login(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = FormInput(body: String(buffer: body))
        let next = WebPages.safeNext(form.text("next"), home: "/inkorg")
        guard let token = form.text("token") else { return loginPage(next: next, error: WebSwedish.loginMissing, status: .badRequest) }
        let staff: Staff
        do {
            staff = try tokens.authorize("Bearer \(token)", agency: agency)
        } catch {
            logger.notice("workspace login refused", metadata: ["why": "\(error.code.rawValue)"])
            let text = error.code == .forbidden ? WorkspaceSwedish.loginOtherAgency : WebSwedish.loginUnknown
            return loginPage(next: next, error: text, status: .unauthorized)
        }
        return startSession(staff, next: next)
    }

    /// Starts the session of someone whose identity was checked (by a token here; by a single
    /// sign-on front that replaces `/logga-in`, such as an OpenID Connect callback after a SITHS
    /// login) and sends them on to `next` with the session cookie set.
    public func startSession(_ staff: Staff, next: String) -> Response {
        let id = sessions.start(name: staff.name, role: staff.role, agency: staff.agency)
        logger.info("workspace login", metadata: ["staff": "\(staff.name)"])
        var response = WebPages.redirect(to: next)
        response.setCookie(WebPages.sessionCookie(name: cookieName, id: id, lifetime: sessions.lifetime))
        return response
    }

    func currentSession(_ request: Request) -> WebSessions.Session? {
        request.cookies[cookieName].flatMap { sessions.session($0.value) }
    }

    // MARK: helpers

    /// The member of staff of the session (``SessionGate`` has set the principal).
    func staff(_ context: AgencyRoutes.Context) throws -> Staff {
        guard let principal = context.principal, principal.agency == agency else { throw APIError.unauthorized }
        return Staff.session(agency: agency, name: principal.name, role: principal.role)
    }

    func frame(_ context: AgencyRoutes.Context, title: String, active: String) -> WebFrame {
        frame(user: context.principal?.name, csrf: context.csrfToken, title: title, active: active)
    }

    func frame(user: String?, csrf: String?, title: String, active: String) -> WebFrame {
        WebFrame(
            title: title, user: user, csrf: csrf, brand: WorkspaceSwedish.brand(agency),
            menu: [
                .init(href: "/inkorg", label: "Inkorg", current: active == "inbox"),
                .init(href: "/personer", label: "Sök person", current: active == "persons"),
            ],
            footer: WorkspaceSwedish.footer, home: "/inkorg", homeLabel: WorkspaceSwedish.notFoundBack)
    }

    /// The Swedish 404 page in the workspace's layout (logged in or not).
    func notFoundPage(_ request: Request) -> Response {
        let session = currentSession(request)
        return pages.render(
            "message",
            WebMessagePage(
                frame: frame(user: session?.name, csrf: session?.csrfToken, title: WebSwedish.notFoundTitle, active: ""),
                text: WebSwedish.notFound(request.uri.path, backTo: WorkspaceSwedish.notFoundBack)),
            status: .notFound)
    }

    func message(_ context: AgencyRoutes.Context, title: String, text: String, status: HTTPResponse.Status) -> Response {
        pages.render("message", WebMessagePage(frame: frame(context, title: title, active: ""), text: text), status: status)
    }

    /// The form body of a request (the session gate has collected it already).
    static func form(_ request: Request) async throws -> FormInput {
        var request = request
        let body: ByteBuffer = try await request.collectBody(upTo: 256 * 1024)
        return FormInput(body: String(buffer: body))
    }

    /// The JSON body the API's operation takes.
    static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// The HTTP status a refused form is answered with: the API's.
    static func status(_ error: APIError) -> HTTPResponse.Status { HTTPResponse.Status(code: error.status) }
}
