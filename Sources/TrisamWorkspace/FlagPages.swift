import Foundation
import Hummingbird
import TrisamAgency
import TrisamContracts
import TrisamHTTP
import TrisamWeb

/// The coordinator's flags that name this agency, as its staff see them: above the Inkorg's
/// messages and on the person's page, each with who works it and a button to take it.
struct FlagItem: Sendable {
    var id: String
    var title: String
    var explanation: String
    var severity: String
    var severityLabel: String
    var person: PersonLine
    var since: String
    var owner: String
    /// Nil when the member of staff already works the flag.
    var take: String?
    /// The page to come back to after taking it, and the session's CSRF token for the form.
    var back: String
    var csrf: String
}

extension Workspace {
    func mountFlagPages(on web: RouterGroup<Context>) {
        let workspace = self
        web.get("/flaggor") { request, context in try await workspace.flagsPage(request, context) }
        web.post("/flaggor/{flagId}/ta") { request, context in try await workspace.takeFlag(request, context) }
    }

    /// `GET /flaggor`: every open flag naming this agency, most severe and newest first.
    func flagsPage(_ request: Request, _ context: Context) async throws -> Response {
        let staff = try staff(context)
        let flags = try await flagItems(staff, context, back: "/flaggor")
        let page = WorkPage(
            frame: frame(context, title: WorkspaceSwedish.flagsHeading, active: "inbox"), heading: WorkspaceSwedish.flagsHeading,
            lead: WorkspaceSwedish.flagsLead, person: nil,
            notice: request.uri.queryParameters.get("klart").flatMap(WorkspaceSwedish.done),
            back: Link(href: "/inkorg", label: WorkspaceSwedish.inboxTitle),
            blocks: [flags.isEmpty ? .text(WorkspaceSwedish.noFlags) : .flags(flags, heading: "\(flags.count) flaggor", text: nil)])
        return render(page)
    }

    /// The open flags naming this agency (one person's, or everyone's), most severe and newest
    /// raised first, with the take form coming back to `back`.
    func flagItems(_ staff: Staff, _ context: Context, clientRef: String? = nil, back: String) async throws -> [FlagItem] {
        let flags = try await service.flags(staff, clientRef: clientRef).value.flags
        // Most severe first (FlagSeverity's order); newest first within a severity.
        func severity(_ flag: AgencyFlag) -> FlagSeverity { FlagSeverity(rawValue: flag.severity) ?? .low }
        let ordered = flags.reversed().enumerated().sorted { a, b in
            let (x, y) = (severity(a.element), severity(b.element))
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        return ordered.map { flag in
            let mine = flag.owner == staff.name && (flag.ownerAgency == nil || flag.ownerAgency == agency.rawValue)
            return FlagItem(
                id: "flagga-\(flag.flagId)", title: flag.title, explanation: flag.explanation, severity: flag.severity,
                severityLabel: WorkspaceSwedish.severity(flag.severity),
                person: PersonLine(clientRef: flag.clientRef, identity: flag.person), since: DateText.moment(flag.raisedAt),
                owner: WorkspaceSwedish.flagOwner(flag.owner, agency: flag.ownerAgency, mine: mine),
                take: mine ? nil : "/flaggor/\(flag.flagId)/ta", back: back, csrf: context.csrfToken ?? "")
        }
    }

    /// `POST /flaggor/{flagId}/ta`: the member of staff takes the flag; back to where they were.
    func takeFlag(_ request: Request, _ context: Context) async throws -> Response {
        let staff = try staff(context)
        let input = try await Self.form(request)
        let back = WebPages.safeNext(input.text("tillbaka"), home: "/inkorg").split(separator: "?").first.map(String.init) ?? "/inkorg"
        let flagId = context.parameters.get("flagId") ?? ""
        // `takeFlag` throws only APIError (typed), so the catch binds it as such.
        let taken: Result<Void, APIError> = await {
            do throws(APIError) {
                _ = try await service.takeFlag(staff, flagId: flagId)
                return .success(())
            } catch {
                return .failure(error)
            }
        }()
        if case .failure(let error) = taken {
            return message(
                context, title: WorkspaceSwedish.flagTakeRefusedTitle, text: WorkspaceSwedish.refusal(error, label: "Flaggan"),
                status: Self.status(error))
        }
        return WebPages.redirect(to: back + "?klart=flagga-tagen")
    }
}
