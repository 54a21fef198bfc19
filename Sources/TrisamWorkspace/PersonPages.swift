import Foundation
import HTTPTypes
import Hummingbird
import TrisamAgency
import TrisamContracts
import TrisamHTTP
import TrisamWeb

extension Workspace {
    typealias Context = AgencyRoutes.Context

    /// The pages behind the session gate.
    func mountPages(on web: RouterGroup<Context>) {
        let workspace = self
        web.get("/inkorg") { request, context in try await workspace.inbox(request, context) }
        web.get("/personer") { request, context in try workspace.personsPage(request, context, posted: nil) }
        web.post("/personer/sok") { request, context in try await workspace.search(request, context) }
        web.post("/personer/ny") { request, context in try await workspace.register(request, context) }
        web.get("/personer/{ref}") { request, context in
            try await workspace.withPerson(context) { ref in try await workspace.personPage(request, context, ref) }
        }
        mountPersonForms(on: web)
        mountStatusForm(on: web)
        mountReferralPages(on: web)
        mountSipPages(on: web)
        mountPlanPages(on: web)
        mountFlagPages(on: web)
    }

    /// Runs `body` with the person of the path, or answers the Swedish page for an unknown one.
    func withPerson(_ context: Context, _ body: (ClientRef) async throws -> Response) async throws -> Response {
        guard let ref = ClientRef(rawValue: context.parameters.get("ref") ?? "") else {
            return message(context, title: WorkspaceSwedish.unknownPersonTitle, text: WorkspaceSwedish.unknownPerson, status: .notFound)
        }
        do {
            return try await body(ref)
        } catch let error as APIError where error.code == .notFound && (error.field == "clientRef" || error.field == nil) {
            return message(context, title: WorkspaceSwedish.unknownPersonTitle, text: WorkspaceSwedish.unknownPerson, status: .notFound)
        }
    }

    /// Renders a page of blocks.
    func render(_ page: WorkPage, status: HTTPResponse.Status = .ok) -> Response { pages.render("forms", page, status: status) }

    /// Runs a form: on success to `done`'s page, on refusal the page again with what was typed.
    func submit(
        _ request: Request, _ context: Context, form: String,
        again: @escaping (Posted) async throws -> Response,
        run: (Staff, FormInput) async throws -> String
    ) async throws -> Response {
        let input = try await Self.form(request)
        let staff = try staff(context)
        do {
            return WebPages.redirect(to: try await run(staff, input))
        } catch let error as APIError {
            if error.status >= 500 { logger.error("workspace form failed", metadata: ["form": "\(form)", "error": "\(error)"]) }
            var response = try await again(Posted(form: form, input: input, error: error))
            response.status = Self.status(error)
            return response
        }
    }

    // MARK: search and register

    func personsPage(_ request: Request, _ context: Context, posted: Posted?) throws -> Response {
        let search = Form(
            id: "sok", heading: "Sök person", intro: "Numret skickas i formuläret, aldrig i adressen, och sökningen loggas.",
            action: "/personer/sok", submit: "Sök", csrf: context.csrfToken ?? "",
            fields: [
                .text(
                    "sok-personnummer", "Personnummer eller samordningsnummer", api: ["personnummer", "reservnummer"],
                    hint: "12 siffror, till exempel 19121212-1212.", required: true, autocomplete: "off")
            ])
        let register = Form(
            id: "ny", heading: "Registrera person", intro: "Personen läggs in i er verksamhets identitetsregister (krypterat).",
            action: "/personer/ny", submit: "Registrera person", csrf: context.csrfToken ?? "",
            fields: [
                .text(
                    "personnummer", "Personnummer eller samordningsnummer", api: ["personnummer"],
                    hint: "12 siffror, till exempel 19121212-1212.", required: true, autocomplete: "off"),
                .text("reservnummer", "Reservnummer (om personnummer saknas)", api: ["reservnummer"], autocomplete: "off"),
                .text("namn", "Namn", api: ["name"], required: true, autocomplete: "off"),
            ])
        let page = WorkPage(
            frame: frame(context, title: WorkspaceSwedish.personsTitle, active: "persons"), heading: WorkspaceSwedish.personsTitle,
            lead: nil, person: nil, notice: nil, back: nil, blocks: [.forms([search, register].prepared(posted))])
        return render(page)
    }

    func search(_ request: Request, _ context: Context) async throws -> Response {
        try await submit(
            request, context, form: "sok", again: { try self.personsPage(request, context, posted: $0) },
            run: { staff, input in
                let number = input.text("sok-personnummer")
                var body: [String: Any] = [:]
                if let number { body[Self.isReserve(number) ? "reservnummer" : "personnummer"] = number }
                let found = try await service.searchPerson(staff, body: Self.json(body)).value
                return "/personer/\(found.clientRef)"
            })
    }

    func register(_ request: Request, _ context: Context) async throws -> Response {
        try await submit(
            request, context, form: "ny", again: { try self.personsPage(request, context, posted: $0) },
            run: { staff, input in
                var body: [String: Any] = [:]
                if let number = input.text("personnummer") { body["personnummer"] = number }
                if let number = input.text("reservnummer") { body["reservnummer"] = number }
                if let name = input.text("namn") { body["name"] = name }
                let registered = try await service.registerPerson(staff, body: Self.json(body)).value
                return "/personer/\(registered.clientRef)?klart=registrerad"
            })
    }

    /// A reservnummer has letters; a personnummer or samordningsnummer only digits, `-` and `+`.
    static func isReserve(_ number: String) -> Bool { number.contains { $0.isLetter } }

    // MARK: the person

    func personPage(_ request: Request, _ context: Context, _ ref: ClientRef) async throws -> Response {
        let staff = try staff(context)
        let summary = try await service.personSummary(staff, clientRef: ref).value
        let (sipIds, planIds) = try await sip.meetingsAndPlans(staff, clientRef: ref)
        var sips: [SipView] = []
        for id in sipIds { sips.append(try await sip.view(staff, sipId: id).value) }
        var plans: [PlanView] = []
        for id in planIds { plans.append(try await sip.planView(staff, planId: id).value) }
        let person = PersonLine(clientRef: ref.rawValue, identity: summary.identity)
        let base = "/personer/\(ref.rawValue)"
        var actions = [
            Link(href: "\(base)/remiss", label: "Skicka remiss", primary: true),
            Link(href: "\(base)/samtycke", label: "Registrera samtycke"),
            Link(href: "\(base)/arende", label: "Öppna ärende"),
            Link(href: "\(base)/overlamning", label: "Överlämna område"),
            Link(href: "\(base)/plan", label: "Ny handlingsplan"),
            Link(href: "\(base)/status", label: "Registrera status"),
        ]
        if agency == .kommun || agency == .region {
            actions.insert(Link(href: "\(base)/sip", label: "Kalla till SIP", primary: true), at: 1)
        }
        var blocks: [Block] = [.links(actions)]
        let flags = try await flagItems(staff, context, clientRef: ref.rawValue, back: base)
        if !flags.isEmpty { blocks.append(.flags(flags, heading: WorkspaceSwedish.flagsHeading, text: WorkspaceSwedish.flagsLead)) }
        if let identity = summary.identity {
            blocks.insert(
                .facts(
                    nil,
                    [
                        Fact(label: WorkspaceSwedish.identityKind(identity.kind), value: identity.number),
                        Fact(label: "Namn", value: identity.name ?? "–"),
                        Fact(label: "Personreferens", value: person.reference),
                    ]), at: 0)
        }
        blocks.append(
            .table(
                Table(
                    "Ärenden hos \(WorkspaceSwedish.inText(agency))", ["Område", "Kontaktperson", "Öppnat", "Läge", ""],
                    summary.cases.map { item in
                        Row(cells: [
                            Cell(text: WorkspaceSwedish.area(item.area)), Cell(text: JSONText.contact(item.contact) ?? "–"),
                            Cell(text: DateText.day(item.openedOn)),
                            Cell(
                                text: item.open
                                    ? "Öppet"
                                    : "Avslutat \(DateText.day(item.closedOn))"
                                        + (item.handoverTo.map { " (överlämnat till \(WorkspaceSwedish.agency($0)))" } ?? "")),
                            item.open ? Cell(text: "Ändra eller avsluta", href: "\(base)/arenden/\(item.area)") : Cell(text: ""),
                        ])
                    }, empty: "Inga ärenden.")))
        blocks.append(
            .table(
                Table(
                    "Samtycken", ["Ändamål", "Omfattar", "Gavs", "Gäller till", "Läge", ""],
                    summary.consents.map { consent in
                        Row(cells: [
                            Cell(text: ConsentPurpose(rawValue: consent.purpose).map(WorkspaceSwedish.purpose) ?? consent.purpose),
                            Cell(text: consent.agencies.map(WorkspaceSwedish.agency).joined(separator: ", ")),
                            Cell(text: DateText.day(consent.givenOn)), Cell(text: DateText.day(consent.validUntil)),
                            Cell(
                                text: consent.withdrawnOn.map { "Återkallat \(DateText.day($0))" }
                                    ?? (consent.valid ? "Gäller" : "Gäller inte")),
                            consent.withdrawnOn == nil && consent.valid
                                ? Cell(text: "Återkalla", href: "\(base)/samtycken/\(consent.consentId)") : Cell(text: ""),
                        ])
                    }, empty: "Inga samtycken registrerade. Registrera samtycke innan ni skickar remiss eller kallar till SIP.")))
        func referralRows(_ referrals: [PersonSummaryBody.Referral], sent: Bool) -> [Row] {
            referrals.map { referral in
                Row(
                    cells: [
                        Cell(text: WorkspaceSwedish.agency((sent ? referral.to : referral.from) ?? "")),
                        Cell(text: WorkspaceSwedish.area(referral.area ?? "")), Cell(text: referral.requestedMeasure ?? "–"),
                        Cell(text: WorkspaceSwedish.referralState(referral.state)), Cell(text: DateText.day(referral.answerBy)),
                        Cell(text: JSONText.contact(referral.contact) ?? "–"),
                        Cell(text: "Öppna", href: referral.referralId.map { "\(base)/remisser/\($0)" }),
                    ],
                    highlight: !sent && (referral.state == "sent" || referral.state == "received"))
            }
        }
        blocks.append(
            .table(
                Table(
                    "Remisser till er", ["Från", "Område", "Efterfrågas", "Läge", "Svar senast", "Kontaktperson", ""],
                    referralRows(summary.referralsReceived, sent: false), empty: "Inga remisser till er.")))
        blocks.append(
            .table(
                Table(
                    "Remisser som ni har skickat", ["Till", "Område", "Efterfrågas", "Läge", "Svar senast", "Kontaktperson", ""],
                    referralRows(summary.referralsSent, sent: true), empty: "Inga skickade remisser.")))
        blocks.append(
            .table(
                Table(
                    "Överlämningar", ["Område", "Från", "Till", "Anledning", "Läge", ""],
                    summary.handovers.map { handover in
                        Row(
                            cells: [
                                Cell(text: WorkspaceSwedish.area(handover.area)), Cell(text: WorkspaceSwedish.agency(handover.from)),
                                Cell(text: WorkspaceSwedish.agency(handover.to)), Cell(text: handover.reason),
                                Cell(text: WorkspaceSwedish.handoverState(handover.state)),
                                Cell(text: "Öppna", href: "\(base)/overlamningar/\(handover.handoverId)"),
                            ], highlight: handover.state == "requested" && handover.to == agency.rawValue)
                    }, empty: "Inga överlämningar.")))
        let grid = TimeGrid(calendar: calendar)
        blocks.append(
            .table(
                Table(
                    "SIP-möten", ["Kallande", "Läge", "Tid", "Deltagare", ""],
                    sips.map { view in
                        Row(cells: [
                            Cell(text: WorkspaceSwedish.agency(view.caller)), Cell(text: WorkspaceSwedish.sipState(view.state)),
                            Cell(text: view.scheduled.flatMap { Self.slot($0.meeting) }.map(grid.text) ?? "Inte bokat"),
                            Cell(
                                text: view.scheduled?.participants.map(WorkspaceSwedish.agency).joined(separator: ", ")
                                    ?? view.invitations.map { WorkspaceSwedish.agency($0.invitee) }.joined(separator: ", ")),
                            Cell(text: "Öppna", href: "\(base)/sip/\(view.sipId)"),
                        ])
                    }, empty: "Inga SIP-möten.")))
        blocks.append(
            .table(
                Table(
                    "Handlingsplaner och åtgärder", ["Huvudansvarig", "Läge", "Uppföljning", "Åtgärder", ""],
                    plans.map { plan in
                        Row(cells: [
                            Cell(text: WorkspaceSwedish.agency(plan.leadAgency)), Cell(text: WorkspaceSwedish.planState(plan.state)),
                            Cell(text: DateText.day(plan.followUpOn)),
                            Cell(
                                text: plan.actions.map {
                                    "\($0.description) (\(WorkspaceSwedish.agency($0.owner)), \(WorkspaceSwedish.actionState($0.state).lowercased()))"
                                }
                                .joined(separator: "; ")),
                            Cell(text: "Öppna", href: "\(base)/planer/\(plan.planId)"),
                        ])
                    }, empty: "Ingen handlingsplan.")))
        blocks.append(
            .table(
                Table(
                    "Statusar som ni har registrerat", ["Status", "Registrerad"],
                    summary.statuses.map { status in
                        Row(cells: [Cell(text: WorkspaceSwedish.statusType(status.type)), Cell(text: DateText.moment(status.publishedAt))])
                    }, empty: "Inga statusar.")))
        let page = WorkPage(
            frame: frame(context, title: person.name, active: ""), heading: person.name, lead: nil, person: nil,
            notice: request.uri.queryParameters.get("klart").flatMap(WorkspaceSwedish.done), back: nil, blocks: blocks)
        return render(page)
    }

    static func slot(_ body: SlotBody) -> TimeSlot? {
        guard let start = Timestamp.parse(body.start), let end = Timestamp.parse(body.end) else { return nil }
        return TimeSlot(start: start, end: end)
    }
}
