import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore

/// The page renderer every web front shares: one Mustache library holding the shared layout,
/// login and message pages (this module's `Templates`) and the front's own templates, the shared
/// stylesheet and script (this module's `Static`: `trisam.css`, `trisam.js`) beside the front's
/// own static files, and the HTML headers (content security policy: nothing from outside the
/// service) of every page.
public struct WebPages: Sendable {
    /// The templates, shared and the front's (a front's tests render models with it directly).
    public let templates: MustacheLibrary
    let assets: [String: Asset]
    let logger: Logger

    struct Asset: Sendable {
        var type: String
        var body: ByteBuffer
    }

    /// Loads the shared templates and files, then the front's templates `names` from
    /// `templateFolder` (`<name>.mustache`, which may use `{{<layout}}`).
    public init(templateFolder: URL, names: [String], logger: Logger) throws {
        guard let shared = Bundle.module.url(forResource: "Templates", withExtension: nil),
            let sharedStatic = Bundle.module.url(forResource: "Static", withExtension: nil)
        else { throw WebPagesError("the shared web resources (TrisamWeb Templates, Static) are missing beside the executable") }
        var library = MustacheLibrary()
        let sharedNames = ["layout", "login", "message"]
        for (folder, name) in sharedNames.map({ (shared, $0) }) + names.map({ (templateFolder, $0) }) {
            let url = folder.appendingPathComponent("\(name).mustache")
            do {
                try library.register(String(contentsOf: url, encoding: .utf8), named: name)
            } catch {
                throw WebPagesError("template \(name).mustache: \(error)")
            }
        }
        templates = library
        var assets: [String: Asset] = [:]
        for (name, type) in [
            ("trisam.css", "text/css; charset=utf-8"), ("trisam.js", "text/javascript; charset=utf-8"),
            ("print.js", "text/javascript; charset=utf-8"),
        ] {
            let data = try Data(contentsOf: sharedStatic.appendingPathComponent(name))
            assets[name] = Asset(type: type, body: ByteBuffer(bytes: data))
        }
        self.assets = assets
        self.logger = logger
    }

    /// The page `template` rendered with `model`, with the HTML headers.
    public func render(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        guard let html = templates.render(model, withTemplate: template) else {
            logger.error("web template missing", metadata: ["template": "\(template)"])
            return Response(
                status: .internalServerError, headers: Self.htmlHeaders,
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: "<!doctype html><html lang=\"sv\"><title>Fel</title><p>\(WebSwedish.pageFailed)</p></html>")))
        }
        return Response(status: status, headers: Self.htmlHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A static file of this module (`/static/<name>`), or nil.
    public func asset(_ name: String) -> Response? {
        guard let asset = assets[name] else { return nil }
        return Response(
            status: .ok, headers: [.contentType: asset.type, .cacheControl: "no-cache"], body: .init(byteBuffer: asset.body))
    }

    /// The headers of every page: no caching, nothing loaded or framed from outside the service.
    public static let htmlHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .contentSecurityPolicy:
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    /// A 303 redirect to a path on this site.
    public static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Only a path on this site may be the target after login: printable ASCII without spaces
    /// (browsers drop tabs and line breaks from a URL, so `/<tab>/host` would lead to `//host`),
    /// no `//host`, no backslash (read as `/` by browsers), no scheme, not the login pages.
    public static func safeNext(_ next: String?, home: String = "/") -> String {
        guard let next, next.hasPrefix("/"), next.utf8.count <= 2048,
            next.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix("/logga-")
        else { return home }
        return next
    }

    /// The session cookie set at login: `HttpOnly`, `SameSite=Strict`, for the whole site.
    public static func sessionCookie(name: String, id: String, lifetime: TimeInterval) -> Cookie {
        Cookie(name: name, value: id, maxAge: Int(lifetime), path: "/", httpOnly: true, sameSite: .strict)
    }

    /// The cookie that removes the session cookie at logout.
    public static func clearedCookie(name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict)
    }
}

/// The frame of every page: the title, who is logged in, the session's CSRF token for the
/// logout form, the front's name beside "Trisam", its menu and its footer line.
public struct WebFrame: Sendable {
    /// One entry of the main menu.
    public struct MenuItem: Sendable {
        public var href: String
        public var label: String
        public var current: Bool
        public init(href: String, label: String, current: Bool) {
            self.href = href
            self.label = label
            self.current = current
        }
    }

    public var title: String
    public var user: String
    /// The session's CSRF token, for the hidden field of every form (see ``CSRF``).
    public var csrf: String
    /// Whether a session is open (the menu and the logout button show).
    public var loggedIn: Bool
    /// Shown beside "Trisam" ("samordning", "Kommunen").
    public var brand: String
    public var menu: [MenuItem]
    public var footer: String
    /// The front's start page and its name, for "Tillbaka till …".
    public var home: String
    public var homeLabel: String
    /// A print view: no navigation, and the script of the "Skriv ut" button.
    public var print = false

    public init(
        title: String, user: String?, csrf: String?, brand: String, menu: [MenuItem], footer: String, home: String, homeLabel: String
    ) {
        self.title = title
        self.user = user ?? ""
        self.csrf = csrf ?? ""
        self.loggedIn = user != nil
        self.brand = brand
        self.menu = menu
        self.footer = footer
        self.home = home
        self.homeLabel = homeLabel
    }
}

/// The model of the shared login page.
public struct WebLoginPage: Sendable {
    public var brand: String
    public var intro: String
    public var next: String
    public var error: String?
    public init(brand: String, intro: String, next: String, error: String?) {
        self.brand = brand
        self.intro = intro
        self.next = next
        self.error = error
    }
}

/// The model of the shared message page (refusals, "not found").
public struct WebMessagePage: Sendable {
    public var frame: WebFrame
    public var text: String
    public init(frame: WebFrame, text: String) {
        self.frame = frame
        self.text = text
    }
}

/// The shared resources could not be loaded.
public struct WebPagesError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
