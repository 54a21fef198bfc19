import Foundation
import Hummingbird
import TrisamAgency
import TrisamContracts
import TrisamHTTP
import TrisamWeb

/// The inbox: everything addressed to this agency, newest first and paged, and above it the
/// coordinator's flags that name this agency and the plan actions it owns that are still open,
/// earliest due date first.
struct InboxPage: Sendable {
    struct Item: Sendable {
        var id: String
        var title: String
        var todo: Bool
        var summary: String
        var person: PersonLine
        var from: String
        var since: String
        var links: [Link]
        var hasLinks: Bool
    }
    struct DueAction: Sendable {
        var description: String
        var due: String
        var overdue: Bool
        var person: PersonLine
        var href: String
    }

    var frame: WebFrame
    var notice: String?
    /// The most urgent flags naming this agency (``inboxFlagCount``).
    var flagItems: [FlagItem]
    var hasFlags: Bool
    var flagsHeading = WorkspaceSwedish.flagsHeading
    var flagsLead = WorkspaceSwedish.flagsLead
    var flagTotal: String
    /// "Visa alla 145 flaggor" when the Inkorg shows only the first.
    var moreFlags: String?
    var actions: [DueAction]
    var hasActions: Bool
    var items: [Item]
    var hasItems: Bool
    var older: String?
    var newer: Bool
    var marker: String
    var pollMilliseconds: Int
    var live: WebSwedish.LiveTexts
    /// "3" when items ask for something; nil when none does.
    var todoCount: String?
}

extension Workspace {
    /// How many flags the Inkorg shows above its messages.
    static let inboxFlagCount = 5

    func inbox(_ request: Request, _ context: AgencyRoutes.Context) async throws -> Response {
        let staff = try staff(context)
        let before = request.uri.queryParameters.get("fore")
        let page: Page<InboxItem>
        do {
            page = try await service.inbox(staff, limit: String(inboxPageSize), before: before).value
        } catch {
            return message(
                context, title: WorkspaceSwedish.inboxTitle, text: WorkspaceSwedish.refusal(error, label: "Sida"), status: .badRequest)
        }
        let marker = try await service.inboxMarker()
        let today = WebSwedish.localDate(of: now())
        // The ten due first; the rest are a click away on each person's plan.
        let due = try await sip.myActions(staff, state: "open", limit: "10").value.items
        let actions = due.map { action in
            InboxPage.DueAction(
                description: action.description, due: DateText.day(action.dueDate),
                overdue: (LocalDate(action.dueDate).map { $0 < today }) ?? false,
                person: PersonLine(clientRef: action.clientRef, identity: action.person),
                href: "/personer/\(action.clientRef)/planer/\(action.planId)")
        }
        let items = page.items.map { item in inboxItem(item) }
        // The flags only on the first page (they are not part of the paged messages): the most
        // urgent few, the rest on /flaggor.
        let allFlags = before == nil ? try await flagItems(staff, context, back: "/inkorg") : []
        let flags = Array(allFlags.prefix(Self.inboxFlagCount))
        let model = InboxPage(
            frame: frame(context, title: WorkspaceSwedish.inboxTitle, active: "inbox"),
            notice: request.uri.queryParameters.get("klart").flatMap(WorkspaceSwedish.done),
            flagItems: flags, hasFlags: !flags.isEmpty, flagTotal: String(allFlags.count),
            moreFlags: allFlags.count > flags.count ? "Visa alla \(allFlags.count) flaggor" : nil, actions: actions,
            hasActions: !actions.isEmpty, items: items, hasItems: !items.isEmpty,
            older: page.next.map { "/inkorg?fore=\($0)" }, newer: before != nil, marker: marker.newest,
            pollMilliseconds: pollMilliseconds, live: WorkspaceSwedish.inboxLive,
            todoCount: items.contains(where: \.todo) ? String(items.filter(\.todo).count) : nil)
        return pages.render("inbox", model)
    }

    /// One inbox item: what, about whom, from whom, since when, and the buttons for what comes next.
    func inboxItem(_ item: InboxItem) -> InboxPage.Item {
        let person = PersonLine(clientRef: item.clientRef, identity: item.person)
        let base = "/personer/\(item.clientRef)"
        let payload = item.payload
        var links: [Link] = []
        func id(_ key: String) -> String? { JSONText.string(payload, key) }
        switch item.type {
        case "referral.sent":
            if let referral = id("referralId") {
                links.append(Link(href: "\(base)/remisser/\(referral)", label: "Svara på remissen", primary: true))
            }
        case let type where type.hasPrefix("referral."):
            if let referral = id("referralId") { links.append(Link(href: "\(base)/remisser/\(referral)", label: "Visa remissen")) }
        case "handover.requested":
            if let handover = id("handoverId") {
                links.append(Link(href: "\(base)/overlamningar/\(handover)", label: "Svara på överlämningen", primary: true))
            }
        case "sip.invitation.sent", "sip.invitation.overdue":
            if let sipId = id("sipId") { links.append(Link(href: "\(base)/sip/\(sipId)", label: "Svara på kallelsen", primary: true)) }
        case let type where type.hasPrefix("sip."):
            if let sipId = id("sipId") {
                links.append(Link(href: "\(base)/sip/\(sipId)", label: "Visa SIP-mötet"))
                if type == "sip.scheduled" {
                    links.append(Link(href: "\(base)/sip/\(sipId)/kalender.ics", label: "Lägg in i kalendern (.ics)", download: true))
                }
            }
        case "plan.action.assigned":
            if let plan = id("planId") { links.append(Link(href: "\(base)/planer/\(plan)", label: "Visa åtgärden", primary: true)) }
        case let type where type.hasPrefix("plan."):
            if let plan = id("planId") { links.append(Link(href: "\(base)/planer/\(plan)", label: "Visa handlingsplanen")) }
        default: break
        }
        links.append(Link(href: base, label: "Öppna personen"))
        let contact =
            JSONText.contact(JSONText.object(payload, "contact")) ?? JSONText.contact(JSONText.object(payload, "participant"))
            ?? JSONText.contact(JSONText.object(payload, "ownerContact"))
        let from = WorkspaceSwedish.agency(item.from) + (contact.map { ", \($0)" } ?? "")
        return InboxPage.Item(
            id: "post-\(item.cursor)", title: WorkspaceSwedish.inboxType(item.type), todo: WorkspaceSwedish.toDoTypes.contains(item.type),
            summary: item.summary, person: person, from: from, since: DateText.moment(item.receivedAt), links: links, hasLinks: true)
    }
}
