import Foundation
import Hummingbird
import NIOCore
import TrisamAgency
import TrisamContracts
import TrisamHTTP
import TrisamSip
import TrisamWeb

extension Workspace {
    func mountSipPages(on web: RouterGroup<Context>) {
        let workspace = self
        web.get("/personer/{ref}/sip/{id}") { request, context in
            try await workspace.withPerson(context) { ref in try await workspace.sipPage(request, context, ref, posted: nil) }
        }
        web.get("/personer/{ref}/sip/{id}/dokument") { request, context in
            try await workspace.withPerson(context) { ref in try await workspace.sipDocument(request, context, ref) }
        }
        web.get("/personer/{ref}/sip/{id}/kalender.ics") { _, context in
            let staff = try workspace.staff(context)
            let text = try await workspace.sip.calendarFile(staff, sipId: context.parameters.get("id") ?? "")
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/calendar; charset=utf-8; method=\(text.contains("METHOD:CANCEL") ? "CANCEL" : "REQUEST")",
                    .contentDisposition: "attachment; filename=\"sip.ics\"",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        for action in ["svara", "boka", "omboka", "stall-in", "hallet"] {
            web.post("/personer/{ref}/sip/{id}/\(action)") { request, context in
                try await workspace.withPerson(context) { ref in
                    let id = context.parameters.get("id") ?? ""
                    return try await workspace.submit(
                        request, context, form: action, again: { try await workspace.sipPage(request, context, ref, posted: $0) }
                    ) { staff, input in
                        let done = try await workspace.sipAction(action, staff: staff, sipId: id, input: input)
                        return "/personer/\(ref.rawValue)/sip/\(id)?klart=\(done)"
                    }
                }
            }
        }
    }

    /// Runs one SIP form through the API's operation; answers the confirmation's code.
    func sipAction(_ action: String, staff: Staff, sipId: String, input: FormInput) async throws -> String {
        let grid = TimeGrid(calendar: calendar)
        switch action {
        case "svara":
            var body: [String: Any] = [:]
            let answer = input.text("svar")
            if let answer { body["answer"] = answer }
            if answer == "accepted" {
                body["participant"] = input.contact("deltagare")
                guard let slots = grid.slots(input.all("tider")) else {
                    throw localRefusal("availability", "tiderna kunde inte läsas. Ladda om sidan och välj igen.")
                }
                if slots.isEmpty { throw localRefusal("availability", "välj minst en tid då ni kan.") }
                body["availability"] = slots.map { ["start": Timestamp.format($0.start), "end": Timestamp.format($0.end)] }
            } else if let reason = input.text("skal") {
                body["reason"] = reason
            }
            _ = try await sip.answer(staff, sipId: sipId, invitee: agency.rawValue, body: Self.json(body))
            return "sip-svar"
        case "boka":
            var body: [String: Any] = [:]
            if let minutes = input.text("langd").flatMap(Int.init) { body["durationMinutes"] = minutes }
            if let place = input.text("plats") { body["location"] = place }
            _ = try await sip.schedule(staff, sipId: sipId, reschedule: false, body: Self.json(body))
            return "sip-bokad"
        case "omboka":
            var body: [String: Any] = [:]
            if let place = input.text("plats") { body["location"] = place }
            guard let day = input.text("dag").flatMap(LocalDate.init) else { throw localRefusal("start", "välj en dag.") }
            guard let start = input.text("starttid").flatMap({ TimeGrid.clock(Substring($0)) }) else {
                throw localRefusal("start", "välj en starttid.")
            }
            let minutes = input.text("langd").flatMap(Int.init) ?? 60
            let begin = calendar.instant(day, start)
            body["start"] = Timestamp.format(begin)
            body["end"] = Timestamp.format(begin.addingTimeInterval(TimeInterval(minutes * 60)))
            _ = try await sip.schedule(staff, sipId: sipId, reschedule: true, body: Self.json(body))
            return "sip-ombokad"
        case "stall-in":
            var body: [String: Any] = [:]
            if let reason = input.text("skal") { body["reason"] = reason }
            _ = try await sip.cancel(staff, sipId: sipId, body: Self.json(body))
            return "sip-installd"
        default:
            var attendees: [[String: String]] = []
            for value in input.all("narvarande") {
                let parts = value.split(separator: "|", maxSplits: 1)
                if parts.count == 2 { attendees.append(["agency": String(parts[0]), "name": String(parts[1])]) }
            }
            if let relative = input.text("narstaende") {
                attendees.append(["agency": agency.rawValue, "name": Self.relativePrefix + relative])
            }
            var body: [String: Any] = ["attendees": attendees]
            if let day = input.text("hallet-dag") { body["heldOn"] = day }
            _ = try await sip.held(staff, sipId: sipId, body: Self.json(body))
            return "sip-hallen"
        }
    }

    static let durations: [(String, String)] = [
        ("30", "30 minuter"), ("45", "45 minuter"), ("60", "1 timme"), ("90", "1,5 timme"), ("120", "2 timmar"),
    ]
    static let startTimes: [(String, String)] =
        [("", "Välj tid")]
        + stride(from: 8 * 60, through: 16 * 60, by: 15).map { minutes in
            let text = String(format: "%02d:%02d", minutes / 60, minutes % 60)
            return (text, text.replacingOccurrences(of: ":", with: "."))
        }
    /// Who attended when the person attended: recorded under the calling agency (the contract
    /// names attendees by agency); the person's name does not travel on the bus.
    static let personAttendee = "Personen själv"

    func sipPage(_ request: Request, _ context: Context, _ ref: ClientRef, posted: Posted?) async throws -> Response {
        let staff = try staff(context)
        let id = context.parameters.get("id") ?? ""
        let view = try await sip.view(staff, sipId: id).value
        let summary = try await service.personSummary(staff, clientRef: ref).value
        let person = PersonLine(clientRef: ref.rawValue, identity: summary.identity)
        let grid = TimeGrid(calendar: calendar)
        let base = "/personer/\(ref.rawValue)/sip/\(id)"
        let csrf = context.csrfToken ?? ""
        var facts = [
            Fact(label: "Kallande verksamhet", value: WorkspaceSwedish.agency(view.caller)),
            Fact(label: "Anledning", value: view.reason ?? "–"),
            Fact(label: "Läge", value: WorkspaceSwedish.sipState(view.state)),
        ]
        if view.afterDischarge { facts.append(Fact(label: "Efter utskrivning", value: "Ja, SIP inom 3 dagar")) }
        var links: [Link] = []
        if let scheduled = view.scheduled, let meeting = Self.slot(scheduled.meeting) {
            facts.append(Fact(label: "Tid", value: grid.text(meeting)))
            if let location = scheduled.location { facts.append(Fact(label: "Plats", value: location)) }
            facts.append(Fact(label: "Deltagare", value: scheduled.participants.map(WorkspaceSwedish.agency).joined(separator: ", ")))
            if !scheduled.attendees.isEmpty {
                facts.append(
                    Fact(
                        label: "Kallade personer",
                        value: scheduled.attendees.map { "\($0.name) (\(WorkspaceSwedish.agency($0.agency.rawValue)))" }.joined(
                            separator: ", ")))
            }
            if scheduled.participants.contains(agency.rawValue) {
                links.append(Link(href: "\(base)/kalender.ics", label: "Ladda ner kalenderfil (.ics)", download: true))
            }
        }
        // The SIP is made with the person: their own goal and the plan's goals are on the page.
        if let plan = try await plan(for: id, staff: staff, ref), plan.role == "lead" {
            facts.append(Fact(label: "Vart vill du?", value: JSONText.string(plan.current, "personGoal") ?? "–"))
            facts.append(Fact(label: "Planens mål", value: Self.strings(plan.current, "goals").joined(separator: "; ")))
        }
        links.append(Link(href: "\(base)/dokument", label: "SIP-dokument att skriva ut"))
        if let held = view.held {
            facts.append(Fact(label: "Hölls", value: DateText.day(held.heldOn)))
            facts.append(
                Fact(
                    label: "Närvarande",
                    value: held.attendees.map { "\($0.name) (\(WorkspaceSwedish.agency($0.agency.rawValue)))" }.joined(separator: ", ")))
        }
        if let reason = view.cancelReason { facts.append(Fact(label: "Skäl till att mötet ställdes in", value: reason)) }
        var blocks: [Block] = [.facts(nil, facts)]
        if !links.isEmpty { blocks.append(.links(links)) }
        let invitations = Table(
            "Inbjudna", ["Verksamhet", "Svar senast", "Svar", "Deltagare", "Tider de kan"],
            view.invitations.map { invitation in
                Row(
                    cells: [
                        Cell(text: WorkspaceSwedish.agency(invitation.invitee)), Cell(text: DateText.day(invitation.answerBy)),
                        Cell(text: WorkspaceSwedish.answer(invitation.answer) + (invitation.overdue ? " (försenat)" : "")),
                        Cell(text: JSONText.contact(invitation.participant) ?? invitation.reason ?? "–"),
                        Cell(text: (invitation.availability ?? []).compactMap(Self.slot).map(grid.text).joined(separator: "; ")),
                    ], highlight: invitation.overdue)
            }, empty: "Inga inbjudna.")
        blocks.append(.table(invitations))
        let mails = try await service.sipMails(sipId: id)
        if !mails.isEmpty {
            blocks.append(
                .table(
                    Table(
                        "E-post om mötet", ["Till", "Vad", "Läge"],
                        mails.map { mail in
                            Row(
                                cells: [
                                    Cell(text: (mail.recipientName.map { "\($0), " } ?? "") + mail.recipient),
                                    Cell(text: WorkspaceSwedish.mailKind(mail.kind)), Cell(text: WorkspaceSwedish.mailState(mail)),
                                ], highlight: mail.state == "refused")
                        }, empty: "")))
        }
        var forms: [Form] = []
        let isCaller = view.role == "caller"
        if isCaller && view.state == "requested" {
            let accepted = view.invitations.filter { $0.answer == "accepted" }
            let participants = accepted.map { invitation in
                ParticipantAvailability(participant: invitation.invitee, slots: (invitation.availability ?? []).compactMap(Self.slot))
            }
            var proposal = "Ingen inbjuden har tackat ja än."
            if !participants.isEmpty {
                switch try? SlotFinder(calendar: calendar).earliestSlot(for: participants, duration: 3600, now: now()) {
                case .found(let slot):
                    proposal = "Tidigaste gemensamma tid (1 timme): \(grid.text(TimeSlot(start: slot.start, end: slot.end)))."
                case .noCommonTime(let why): proposal = "Ingen gemensam tid: \(why.swedishDescription)"
                case nil: proposal = "Ingen gemensam tid kunde räknas fram."
                }
            }
            let waiting = view.invitations.filter { $0.answer == "pending" && !$0.overdue }.map { WorkspaceSwedish.agency($0.invitee) }
            forms.append(
                Form(
                    id: "boka", heading: "Boka mötet",
                    intro: proposal + (waiting.isEmpty ? "" : " Väntar fortfarande på svar från \(waiting.joined(separator: ", "))."),
                    action: "\(base)/boka", submit: "Boka", csrf: csrf,
                    fields: [
                        .select("langd", "Mötets längd", Self.durations, value: "60", api: ["durationMinutes"]),
                        .text("plats", "Plats", api: ["location"], hint: "Till exempel: Socialkontoret, rum 3, eller Videomöte."),
                    ]))
        }
        if isCaller && view.state == "scheduled" {
            var present: [(String, String)] = [("\(agency.rawValue)|\(Self.personAttendee)", Self.personAttendee)]
            for attendee in view.scheduled?.attendees ?? [] {
                present.append(("\(attendee.agency.rawValue)|\(attendee.name)", "\(attendee.name) (\(attendee.agency.displayName))"))
            }
            forms.append(
                Form(
                    id: "hallet", heading: "Registrera att mötet hölls", intro: "Kryssa i vilka som var med, personen själv också.",
                    action: "\(base)/hallet", submit: "Registrera som hållet", csrf: csrf,
                    fields: [
                        .date("hallet-dag", "Mötet hölls", value: today.description, api: ["heldOn"]),
                        .group("narvarande", "Närvarande", present, selected: present.dropFirst().map(\.0), api: ["attendees"]),
                        .text("narstaende", "Närstående som var med (valfritt)", api: []),
                    ]))
            forms.append(
                Form(
                    id: "omboka", heading: "Boka om", action: "\(base)/omboka", submit: "Boka om", csrf: csrf,
                    fields: [
                        .date("dag", "Ny dag", api: ["start", "end"], hint: "En vardag som inte är helgdag."),
                        .select("starttid", "Starttid", Self.startTimes, api: []),
                        .select("langd", "Mötets längd", Self.durations, value: "60", api: ["durationMinutes"]),
                        .text("plats", "Plats", value: view.scheduled?.location ?? "", api: ["location"]),
                    ], folded: true))
        }
        if isCaller && (view.state == "requested" || view.state == "scheduled") {
            forms.append(
                Form(
                    id: "stall-in", heading: "Ställ in mötet", action: "\(base)/stall-in", submit: "Ställ in", csrf: csrf,
                    fields: [.area("skal", "Skäl", api: ["reason", "sipId"])], secondary: true, folded: true))
        }
        if !isCaller && view.state == "requested" && view.ownAnswer == "pending" {
            forms.append(
                Form(
                    id: "svara", heading: "Svara på kallelsen",
                    intro: "Kryssa i de tider ni kan delta (svensk tid). Helger och helgdagar visas inte.",
                    action: "\(base)/svara", submit: "Svara", csrf: csrf,
                    fields: [
                        .group(
                            "svar", "Svar", [("accepted", "Vi kommer"), ("declined", "Vi kan inte delta")], selected: ["accepted"],
                            radio: true,
                            api: ["answer"])
                    ] + Field.contact("deltagare", name: staff.name, role: staff.role, heading: "Deltagare")
                        + [
                            .grid(
                                "tider", "Tider ni kan", days: grid.days(after: now(), name: "tider"), api: ["availability"],
                                hint: "Tider som ligger intill varandra slås ihop."),
                            .area("skal", "Skäl om ni inte kan delta", api: ["reason"], required: false),
                        ]))
        }
        if !forms.isEmpty { blocks.append(.forms(forms.prepared(posted), heading: "Nästa steg")) }
        let title = "SIP-möte"
        return render(
            WorkPage(
                frame: frame(context, title: "\(title) – \(person.name)", active: ""), heading: title, lead: nil, person: person,
                notice: request.uri.queryParameters.get("klart").flatMap(WorkspaceSwedish.done),
                back: Link(href: person.href, label: "Tillbaka till \(person.name)"), blocks: blocks))
    }
}
