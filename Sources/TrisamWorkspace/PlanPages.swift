import Foundation
import Hummingbird
import TrisamAgency
import TrisamContracts
import TrisamHTTP
import TrisamWeb

extension Workspace {
    /// Rows for actions on the plan form.
    static let actionRows = 3

    func planForm(_ context: Context, _ ref: ClientRef) -> Form {
        let fields: [Field] =
            [
                .select("huvudansvarig", "Huvudansvarig verksamhet", agencyChoices(), value: agency.rawValue, api: ["leadAgency"]),
                .group(
                    "deltagare", "Verksamheter i planen", agencyChoices(), selected: [agency.rawValue], api: ["participants"],
                    hint: "Varje åtgärd görs av en av dem."),
            ] + goalFields(goals: "", subGoals: "", personGoal: "", followUp: today.adding(days: 30)) + actionFields(first: 1)
        return Form(
            id: "plan", heading: "Handlingsplan", action: "/personer/\(ref.rawValue)/plan", submit: "Skapa handlingsplan",
            csrf: context.csrfToken ?? "", fields: fields)
    }

    /// The revision at a follow-up: the goals as they stand, a new follow-up date, new actions
    /// (the earlier version and its actions are kept).
    func reviseForm(_ plan: PlanView, csrf: String, base: String) -> Form {
        Form(
            id: "revidera", heading: "Revidera planen vid uppföljning",
            intro:
                "Ändra målen om ni har kommit överens om det, sätt nästa uppföljning och lägg till nya åtgärder. Den tidigare versionen sparas.",
            action: "\(base)/revidera", submit: "Spara den reviderade planen", csrf: csrf,
            fields: goalFields(
                goals: Self.strings(plan.current, "goals").joined(separator: "\n"),
                subGoals: Self.strings(plan.current, "subGoals").joined(separator: "\n"),
                personGoal: JSONText.string(plan.current, "personGoal") ?? "",
                followUp: today.adding(days: 30)) + actionFields(first: plan.actions.count + 1),
            folded: true)
    }

    func goalFields(goals: String, subGoals: String, personGoal: String, followUp: LocalDate) -> [Field] {
        [
            .area("mal", "Mål", value: goals, api: ["goals"], hint: "Ett mål per rad."),
            .area("delmal", "Delmål", value: subGoals, api: ["subGoals"], hint: "Ett delmål per rad.", required: false),
            .text("vart-vill-du", "Vart vill du? (personens eget mål, med personens ord)", value: personGoal, api: ["personGoal"]),
            .date("uppfoljning", "Uppföljning", value: followUp.description, api: ["followUpOn"]),
        ]
    }

    /// ``actionRows`` rows of action fields, numbered from `first` for the reader.
    func actionFields(first: Int) -> [Field] {
        (0..<Self.actionRows).flatMap { row -> [Field] in
            let number = first + row
            return [
                .select(
                    "atgard-\(row)-agare", "Åtgärd \(number): vem gör den", agencyChoices(blank: "Ingen åtgärd"),
                    api: ["actions[\(row)].owner"]),
                .text("atgard-\(row)-vad", "Åtgärd \(number): vad ska göras", api: ["actions[\(row)].description", "actions[\(row)]"]),
                .text("atgard-\(row)-kontakt", "Åtgärd \(number): namngiven kontaktperson", api: ["actions[\(row)].ownerContact"]),
                .date("atgard-\(row)-senast", "Åtgärd \(number): klar senast", api: ["actions[\(row)].dueDate"], required: false),
            ]
        }
    }

    /// The goals, follow-up and actions typed, as the API's body, and which row each action sent
    /// was typed in.
    func planBody(_ input: FormInput) -> (body: [String: Any], rows: [Int]) {
        var body: [String: Any] = ["goals": input.lines("mal")]
        let subGoals = input.lines("delmal")
        if !subGoals.isEmpty { body["subGoals"] = subGoals }
        if let goal = input.text("vart-vill-du") { body["personGoal"] = goal }
        if let day = input.text("uppfoljning") { body["followUpOn"] = day }
        var actions: [[String: Any]] = []
        var rows: [Int] = []
        for row in 0..<Self.actionRows {
            let owner = input.text("atgard-\(row)-agare")
            let what = input.text("atgard-\(row)-vad")
            let contact = input.text("atgard-\(row)-kontakt")
            let due = input.text("atgard-\(row)-senast")
            guard owner != nil || what != nil || contact != nil || due != nil else { continue }
            var action: [String: Any] = [:]
            if let owner { action["owner"] = owner }
            if let what { action["description"] = what }
            if let contact { action["ownerContact"] = ["name": contact] }
            if let due { action["dueDate"] = due }
            actions.append(action)
            rows.append(row)
        }
        body["actions"] = actions
        return (body, rows)
    }

    /// Runs a plan operation; a refusal of an action names the row it was typed in
    /// ("actions[1].dueDate" names the second action sent, which may have been typed in a later row).
    func withActionRows<T>(_ rows: [Int], _ run: () async throws(APIError) -> T) async throws -> T {
        do {
            return try await run()
        } catch {
            guard let field = error.field, field.hasPrefix("actions["), let close = field.firstIndex(of: "]"),
                let index = Int(field[field.index(field.startIndex, offsetBy: 8)..<close]), index < rows.count
            else { throw error }
            throw APIError(
                status: error.status, code: error.code, field: "actions[\(rows[index])]" + field[field.index(after: close)...],
                message: error.message)
        }
    }

    /// Creates the plan through the API's operation; a refusal of an action names the row it was typed in.
    func createPlan(_ staff: Staff, _ ref: ClientRef, _ input: FormInput) async throws -> String {
        var (body, rows) = planBody(input)
        body["participants"] = input.all("deltagare")
        if let lead = input.text("huvudansvarig") { body["leadAgency"] = lead }
        let json = Self.json(body)
        let reply = try await withActionRows(rows) { () throws(APIError) in
            try await sip.createPlan(staff, clientRef: ref, body: json).value
        }
        return "/personer/\(ref.rawValue)/planer/\(reply.planId)?klart=plan-skapad"
    }

    /// Revises the plan at a follow-up through the API's operation.
    func revisePlan(_ staff: Staff, _ ref: ClientRef, planId: String, _ input: FormInput) async throws -> String {
        let (body, rows) = planBody(input)
        let json = Self.json(body)
        let reply = try await withActionRows(rows) { () throws(APIError) in
            try await sip.revisePlan(staff, planId: planId, body: json).value
        }
        return "/personer/\(ref.rawValue)/planer/\(planId)?klart=plan-reviderad&version=\(reply.revision)"
    }

    func mountPlanPages(on web: RouterGroup<Context>) {
        let workspace = self
        web.get("/personer/{ref}/planer/{id}") { request, context in
            try await workspace.withPerson(context) { ref in try await workspace.planPage(request, context, ref, posted: nil) }
        }
        web.post("/personer/{ref}/planer/{id}/atgarder/{action}/{outcome}") { request, context in
            try await workspace.withPerson(context) { ref in
                let id = context.parameters.get("id") ?? ""
                let action = context.parameters.get("action") ?? ""
                let outcome = context.parameters.get("outcome") ?? ""
                return try await workspace.submit(
                    request, context, form: "\(action)-\(outcome)",
                    again: { try await workspace.planPage(request, context, ref, posted: $0) }
                ) { staff, input in
                    var body: [String: Any] = [:]
                    if outcome == "klar" {
                        if let day = input.text("klar-dag") { body["completedOn"] = day }
                        if let note = input.text("anteckning") { body["note"] = note }
                        _ = try await workspace.sip.finishAction(staff, planId: id, actionId: action, outcome: .done, body: Self.json(body))
                        return "/personer/\(ref.rawValue)/planer/\(id)?klart=atgard-klar"
                    }
                    if let reason = input.text("skal") { body["reason"] = reason }
                    _ = try await workspace.sip.finishAction(
                        staff, planId: id, actionId: action, outcome: .notPossible, body: Self.json(body))
                    return "/personer/\(ref.rawValue)/planer/\(id)?klart=atgard-gar-inte"
                }
            }
        }
        web.post("/personer/{ref}/planer/{id}/revidera") { request, context in
            try await workspace.withPerson(context) { ref in
                let id = context.parameters.get("id") ?? ""
                return try await workspace.submit(
                    request, context, form: "revidera", again: { try await workspace.planPage(request, context, ref, posted: $0) }
                ) { staff, input in try await workspace.revisePlan(staff, ref, planId: id, input) }
            }
        }
        web.post("/personer/{ref}/planer/{id}/avsluta") { request, context in
            try await workspace.withPerson(context) { ref in
                let id = context.parameters.get("id") ?? ""
                return try await workspace.submit(
                    request, context, form: "avsluta", again: { try await workspace.planPage(request, context, ref, posted: $0) }
                ) { staff, input in
                    var body: [String: Any] = [:]
                    if let outcome = input.text("utfall") { body["outcome"] = outcome }
                    if let reason = input.text("skal") { body["reason"] = reason }
                    if let day = input.text("avslutad") { body["closedOn"] = day }
                    _ = try await workspace.sip.closePlan(staff, planId: id, body: Self.json(body))
                    return "/personer/\(ref.rawValue)/planer/\(id)?klart=plan-avslutad"
                }
            }
        }
    }

    func planPage(_ request: Request, _ context: Context, _ ref: ClientRef, posted: Posted?) async throws -> Response {
        let staff = try staff(context)
        let id = context.parameters.get("id") ?? ""
        let plan = try await sip.planView(staff, planId: id).value
        let summary = try await service.personSummary(staff, clientRef: ref).value
        let person = PersonLine(clientRef: ref.rawValue, identity: summary.identity)
        let base = "/personer/\(ref.rawValue)/planer/\(id)"
        let csrf = context.csrfToken ?? ""
        var facts = [Fact(label: "Huvudansvarig", value: WorkspaceSwedish.agency(plan.leadAgency))]
        if plan.role == "lead" {
            facts.append(Fact(label: "Läge", value: WorkspaceSwedish.planState(plan.state)))
            facts.append(Fact(label: "Verksamheter", value: (plan.participants ?? []).map(WorkspaceSwedish.agency).joined(separator: ", ")))
            facts.append(Fact(label: "Mål", value: Self.strings(plan.current, "goals").joined(separator: "; ")))
            let subGoals = Self.strings(plan.current, "subGoals")
            if !subGoals.isEmpty { facts.append(Fact(label: "Delmål", value: subGoals.joined(separator: "; "))) }
            facts.append(Fact(label: "Vart vill du?", value: JSONText.string(plan.current, "personGoal") ?? "–"))
            facts.append(Fact(label: "Uppföljning", value: DateText.day(plan.followUpOn)))
            if let revision = plan.revision, revision > 1 {
                facts.append(Fact(label: "Version", value: "\(revision), reviderad vid uppföljning"))
            }
            if let outcome = plan.outcome {
                facts.append(Fact(label: "Utfall", value: PlanOutcome(rawValue: outcome).map(WorkspaceSwedish.planOutcome) ?? outcome))
            }
        } else {
            facts.append(Fact(label: "Er roll", value: "Ni utför åtgärder i planen; hela planen har den huvudansvariga verksamheten."))
        }
        let todayDate = today
        let actions = Table(
            "Åtgärder", ["Vad", "Vem", "Kontaktperson", "Klar senast", "Läge"],
            plan.actions.map { action in
                let overdue = action.state == "open" && (LocalDate(action.dueDate).map { $0 < todayDate } ?? false)
                return Row(
                    cells: [
                        Cell(text: action.description), Cell(text: WorkspaceSwedish.agency(action.owner)),
                        Cell(text: JSONText.contact(action.ownerContact) ?? "–"),
                        Cell(text: DateText.day(action.dueDate) + (overdue ? " (försenad)" : "")),
                        Cell(
                            text: WorkspaceSwedish.actionState(action.state)
                                + (action.completedOn.map { " \(DateText.day($0))" } ?? "") + (action.reason.map { ": \($0)" } ?? "")),
                    ], highlight: overdue)
            }, empty: "Inga åtgärder.")
        var blocks: [Block] = [.facts(nil, facts), .table(actions)]
        var forms: [Form] = []
        for action in plan.actions where action.owner == agency.rawValue && action.state == "open" {
            let path = "\(base)/atgarder/\(action.actionId)"
            forms.append(
                Form(
                    id: "\(action.actionId)-klar", heading: "Klar: \(action.description)", action: "\(path)/klar",
                    submit: "Markera som klar",
                    csrf: csrf,
                    fields: [
                        .date("klar-dag", "Klar den", value: todayDate.description, api: ["completedOn", "actionId"]),
                        .text("anteckning", "Anteckning (valfritt)", api: ["note"]),
                    ]))
            forms.append(
                Form(
                    id: "\(action.actionId)-gar-inte", heading: "Går inte: \(action.description)", action: "\(path)/gar-inte",
                    submit: "Markera som inte möjlig", csrf: csrf, fields: [.area("skal", "Skäl", api: ["reason"])], secondary: true,
                    folded: true))
        }
        if plan.role == "lead" && plan.state == "open" {
            forms.append(reviseForm(plan, csrf: csrf, base: base))
            forms.append(
                Form(
                    id: "avsluta", heading: "Avsluta handlingsplanen", action: "\(base)/avsluta", submit: "Avsluta planen", csrf: csrf,
                    fields: [
                        .select(
                            "utfall", "Utfall",
                            [("", "Välj utfall")] + PlanOutcome.allCases.map { ($0.rawValue, WorkspaceSwedish.planOutcome($0)) },
                            api: ["outcome"]),
                        .select(
                            "skal", "Skäl",
                            [("", "Inget angivet")] + PlanCloseReason.allCases.map { ($0.rawValue, WorkspaceSwedish.planClose($0)) },
                            api: ["reason"]),
                        .date("avslutad", "Avslutad", value: todayDate.description, api: ["closedOn", "planId"]),
                    ], secondary: true, folded: true))
        }
        // Fields of the per-action forms share names; ids must stay unique on the page.
        forms = forms.map { form in
            var form = form
            for index in form.fields.indices { form.fields[index].id = "\(form.id)-\(form.fields[index].name)" }
            return form
        }
        if !forms.isEmpty { blocks.append(.forms(forms.prepared(posted), heading: "Nästa steg")) }
        return render(
            WorkPage(
                frame: frame(context, title: "Handlingsplan – \(person.name)", active: ""), heading: "Handlingsplan", lead: nil,
                person: person, notice: request.uri.queryParameters.get("klart").flatMap(WorkspaceSwedish.done),
                back: Link(href: person.href, label: "Tillbaka till \(person.name)"), blocks: blocks))
    }

    static func strings(_ value: JSONValue?, _ key: String) -> [String] {
        guard case .array(let items) = JSONText.object(value, key) else { return [] }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }
}
