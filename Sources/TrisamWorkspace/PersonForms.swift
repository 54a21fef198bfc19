import Foundation
import Hummingbird
import TrisamAgency
import TrisamContracts
import TrisamHTTP
import TrisamWeb

/// A form page of its own about a person (send a referral, register consent, …): the form's
/// fields, and what its submission does through the API's operation.
struct PersonForm: Sendable {
    var path: String
    var title: String
    var lead: String?
    var form: @Sendable (Workspace, AgencyRoutes.Context, Staff, ClientRef) -> Form
    var run: @Sendable (Workspace, Staff, ClientRef, FormInput) async throws -> String
}

extension Workspace {
    var today: LocalDate { WebSwedish.localDate(of: now()) }

    func agencyChoices(except: Agency? = nil, blank: String? = nil) -> [(String, String)] {
        (blank.map { [("", $0)] } ?? []) + Agency.allCases.filter { $0 != except }.map { ($0.rawValue, $0.displayName) }
    }

    var areaChoices: [(String, String)] { [("", "Välj område")] + Area.allCases.map { ($0.rawValue, $0.displayName) } }

    /// The page of a form about a person (with who the person is, and the way back).
    func personFormPage(
        _ context: Context, _ ref: ClientRef, title: String, lead: String?, forms: [Form], facts: [Fact] = [], posted: Posted?
    )
        async throws -> Response
    {
        let staff = try staff(context)
        let summary = try await service.personSummary(staff, clientRef: ref).value
        let person = PersonLine(clientRef: ref.rawValue, identity: summary.identity)
        var blocks: [Block] = []
        if !facts.isEmpty { blocks.append(.facts(nil, facts)) }
        blocks.append(.forms(forms.prepared(posted)))
        return render(
            WorkPage(
                frame: frame(context, title: "\(title) – \(person.name)", active: ""), heading: title, lead: lead, person: person,
                notice: nil, back: Link(href: person.href, label: "Tillbaka till \(person.name)"), blocks: blocks))
    }

    func mountPersonForms(on web: RouterGroup<Context>) {
        let workspace = self
        for spec in personForms {
            web.get("/personer/{ref}/\(spec.path)") { _, context in
                try await workspace.withPerson(context) { ref in
                    let staff = try workspace.staff(context)
                    return try await workspace.personFormPage(
                        context, ref, title: spec.title, lead: spec.lead, forms: [spec.form(workspace, context, staff, ref)], posted: nil)
                }
            }
            web.post("/personer/{ref}/\(spec.path)") { request, context in
                try await workspace.withPerson(context) { ref in
                    let staff = try workspace.staff(context)
                    let form = spec.form(workspace, context, staff, ref)
                    return try await workspace.submit(
                        request, context, form: form.id,
                        again: { posted in
                            try await workspace.personFormPage(
                                context, ref, title: spec.title, lead: spec.lead, forms: [form], posted: posted)
                        }
                    ) { staff, input in try await spec.run(workspace, staff, ref, input) }
                }
            }
        }
        // Consent: withdraw.
        web.get("/personer/{ref}/samtycken/{id}") { _, context in
            try await workspace.withPerson(context) { ref in try await workspace.consentPage(context, ref, posted: nil) }
        }
        web.post("/personer/{ref}/samtycken/{id}/aterkalla") { request, context in
            try await workspace.withPerson(context) { ref in
                let id = context.parameters.get("id") ?? ""
                return try await workspace.submit(
                    request, context, form: "aterkalla", again: { try await workspace.consentPage(context, ref, posted: $0) }
                ) { staff, input in
                    var body: [String: Any] = [:]
                    if let day = input.text("aterkallat") { body["withdrawnOn"] = day }
                    _ = try await workspace.service.withdrawConsent(staff, clientRef: ref, consentId: id, body: Self.json(body))
                    return "/personer/\(ref.rawValue)?klart=samtycke-aterkallat"
                }
            }
        }
        // Case: change contact, close.
        web.get("/personer/{ref}/arenden/{area}") { _, context in
            try await workspace.withPerson(context) { ref in try await workspace.casePage(context, ref, posted: nil) }
        }
        for (action, done) in [("kontakt", "kontakt-bytt"), ("avsluta", "arende-avslutat")] {
            web.post("/personer/{ref}/arenden/{area}/\(action)") { request, context in
                try await workspace.withPerson(context) { ref in
                    return try await workspace.submit(
                        request, context, form: action, again: { try await workspace.casePage(context, ref, posted: $0) }
                    ) { staff, input in
                        let area = try AgencyService.area(context.parameters.get("area") ?? "")
                        if action == "kontakt" {
                            var body: [String: Any] = ["contact": input.contact("kontakt")]
                            if let day = input.text("andrad") { body["changedOn"] = day }
                            _ = try await workspace.service.changeContact(staff, clientRef: ref, area: area, body: Self.json(body))
                        } else {
                            var body: [String: Any] = [:]
                            if let reason = input.text("skal") { body["reason"] = reason }
                            if let day = input.text("avslutat") { body["closedOn"] = day }
                            _ = try await workspace.service.closeCase(staff, clientRef: ref, area: area, body: Self.json(body))
                        }
                        return "/personer/\(ref.rawValue)?klart=\(done)"
                    }
                }
            }
        }
        // Handover: accept or refuse (the receiver).
        web.get("/personer/{ref}/overlamningar/{id}") { _, context in
            try await workspace.withPerson(context) { ref in try await workspace.handoverPage(context, ref, posted: nil) }
        }
        for (action, done) in [("godta", "overlamning-godtagen"), ("avboj", "overlamning-avbojd")] {
            web.post("/personer/{ref}/overlamningar/{id}/\(action)") { request, context in
                try await workspace.withPerson(context) { ref in
                    let id = context.parameters.get("id") ?? ""
                    return try await workspace.submit(
                        request, context, form: action, again: { try await workspace.handoverPage(context, ref, posted: $0) }
                    ) { staff, input in
                        if action == "godta" {
                            var body: [String: Any] = ["contact": input.contact("kontakt")]
                            if let day = input.text("godtagen") { body["acceptedOn"] = day }
                            _ = try await workspace.service.answerHandover(staff, handoverId: id, answer: .accept, body: Self.json(body))
                        } else {
                            var body: [String: Any] = [:]
                            if let reason = input.text("skal") { body["reason"] = reason }
                            _ = try await workspace.service.answerHandover(staff, handoverId: id, answer: .refuse, body: Self.json(body))
                        }
                        return "/personer/\(ref.rawValue)?klart=\(done)"
                    }
                }
            }
        }
    }

    // MARK: the forms of their own

    var personForms: [PersonForm] {
        var forms = [
            PersonForm(
                path: "samtycke", title: "Registrera samtycke",
                lead: "Samtycket gäller ett ändamål och de verksamheter personen har samtyckt till, och kan återkallas.",
                form: { workspace, context, _, ref in
                    Form(
                        id: "samtycke", heading: "Samtycke", action: "/personer/\(ref.rawValue)/samtycke", submit: "Registrera samtycke",
                        csrf: context.csrfToken ?? "",
                        fields: [
                            .group(
                                "andamal", "Ändamål", ConsentPurpose.allCases.map { ($0.rawValue, WorkspaceSwedish.purpose($0)) },
                                selected: [], radio: true, api: ["purpose"]),
                            .group(
                                "verksamheter", "Verksamheter som samtycket omfattar",
                                Agency.allCases.map { ($0.rawValue, $0.displayName) }, selected: [workspace.agency.rawValue],
                                api: ["agencies"], hint: "Er egen verksamhet måste vara med."),
                            .date("gavs", "Samtycket gavs", value: workspace.today.description, api: ["givenOn"]),
                            .date(
                                "galler-till", "Gäller till och med", value: workspace.today.adding(days: 365).description,
                                api: ["validUntil"], hint: "Högst fem år från dagen det gavs."),
                        ])
                },
                run: { workspace, staff, ref, input in
                    var body: [String: Any] = ["agencies": input.all("verksamheter")]
                    if let purpose = input.text("andamal") { body["purpose"] = purpose }
                    if let day = input.text("gavs") { body["givenOn"] = day }
                    if let day = input.text("galler-till") { body["validUntil"] = day }
                    _ = try await workspace.service.addConsent(staff, clientRef: ref, body: Self.json(body))
                    return "/personer/\(ref.rawValue)?klart=samtycke"
                }),
            PersonForm(
                path: "remiss", title: "Skicka remiss",
                lead: "Mottagaren får personens identitet krypterad till sig, om samtycket för remiss omfattar er båda.",
                form: { workspace, context, _, ref in
                    Form(
                        id: "remiss", heading: "Remiss", action: "/personer/\(ref.rawValue)/remiss", submit: "Skicka remiss",
                        csrf: context.csrfToken ?? "",
                        fields: [
                            .select(
                                "till", "Till", workspace.agencyChoices(except: workspace.agency, blank: "Välj verksamhet"), api: ["to"]),
                            .select("omrade", "Område", workspace.areaChoices, api: ["area"]),
                            .text(
                                "efterfragas", "Vad ni ber om", api: ["requestedMeasure"],
                                hint: "Till exempel: inskrivning och kartläggning.",
                                required: true),
                            .area("anledning", "Anledning", api: ["reason"], hint: "Skriv inte personnummer i texten."),
                            .date(
                                "svar-senast", "Svar senast", value: workspace.today.adding(days: 14).description, api: ["answerBy"],
                                required: false),
                        ])
                },
                run: { workspace, staff, ref, input in
                    var body: [String: Any] = [:]
                    for (name, key) in [
                        ("till", "to"), ("omrade", "area"), ("efterfragas", "requestedMeasure"), ("anledning", "reason"),
                        ("svar-senast", "answerBy"),
                    ] {
                        if let value = input.text(name) { body[key] = value }
                    }
                    _ = try await workspace.service.sendReferral(staff, clientRef: ref, body: Self.json(body))
                    return "/personer/\(ref.rawValue)?klart=remiss-skickad"
                }),
            PersonForm(
                path: "arende", title: "Öppna ärende", lead: "Ärendet har en namngiven kontaktperson som de andra verksamheterna ser.",
                form: { workspace, context, staff, ref in
                    Form(
                        id: "arende", heading: "Ärende", action: "/personer/\(ref.rawValue)/arende", submit: "Öppna ärende",
                        csrf: context.csrfToken ?? "",
                        fields: [.select("omrade", "Område", workspace.areaChoices, api: ["area"])]
                            + Field.contact("kontakt", name: staff.name, role: staff.role)
                            + [.date("oppnat", "Öppnat", value: workspace.today.description, api: ["openedOn"])])
                },
                run: { workspace, staff, ref, input in
                    var body: [String: Any] = ["contact": input.contact("kontakt")]
                    if let area = input.text("omrade") { body["area"] = area }
                    if let day = input.text("oppnat") { body["openedOn"] = day }
                    _ = try await workspace.service.openCase(staff, clientRef: ref, body: Self.json(body))
                    return "/personer/\(ref.rawValue)?klart=arende-oppnat"
                }),
            PersonForm(
                path: "overlamning", title: "Överlämna område",
                lead: "Ni är ansvariga tills mottagaren har godtagit överlämningen.",
                form: { workspace, context, _, ref in
                    Form(
                        id: "overlamning", heading: "Överlämning", action: "/personer/\(ref.rawValue)/overlamning", submit: "Överlämna",
                        csrf: context.csrfToken ?? "",
                        fields: [
                            .select("omrade", "Område", workspace.areaChoices, api: ["area"]),
                            .select(
                                "till", "Till", workspace.agencyChoices(except: workspace.agency, blank: "Välj verksamhet"), api: ["to"]),
                            .area("anledning", "Anledning", api: ["reason"]),
                        ])
                },
                run: { workspace, staff, ref, input in
                    var body: [String: Any] = [:]
                    for (name, key) in [("omrade", "area"), ("till", "to"), ("anledning", "reason")] {
                        if let value = input.text(name) { body[key] = value }
                    }
                    _ = try await workspace.service.requestHandover(staff, clientRef: ref, body: Self.json(body))
                    return "/personer/\(ref.rawValue)?klart=overlamning-skickad"
                }),
            PersonForm(
                path: "plan", title: "Ny handlingsplan",
                lead: "Planen säger vad som ska göras, av vem och när, och vad personen själv vill.",
                form: { workspace, context, _, ref in workspace.planForm(context, ref) },
                run: { workspace, staff, ref, input in try await workspace.createPlan(staff, ref, input) }),
        ]
        if agency == .kommun || agency == .region {
            forms.append(
                PersonForm(
                    path: "sip", title: "Kalla till SIP",
                    lead: "De inbjudna svarar med de tider de kan; sedan bokar ni den tidigaste gemensamma tiden.",
                    form: { workspace, context, _, ref in
                        Form(
                            id: "sip", heading: "Kallelse", action: "/personer/\(ref.rawValue)/sip", submit: "Kalla till SIP",
                            csrf: context.csrfToken ?? "",
                            fields: [
                                .area("anledning", "Anledning till SIP", api: ["reason"]),
                                .group(
                                    "inbjudna", "Verksamheter som kallas", workspace.agencyChoices(except: workspace.agency), selected: [],
                                    api: ["invited"]),
                                .check(
                                    "efter-utskrivning", "Efter utskrivning från slutenvård (SIP inom 3 dagar)", api: ["afterDischarge"]),
                                .date(
                                    "svar-senast", "De inbjudna svarar senast", value: workspace.today.adding(days: 7).description,
                                    api: ["answerBy"], required: false),
                            ])
                    },
                    run: { workspace, staff, ref, input in
                        var body: [String: Any] = ["invited": input.all("inbjudna")]
                        if let reason = input.text("anledning") { body["reason"] = reason }
                        if input.text("efter-utskrivning") != nil { body["afterDischarge"] = true }
                        if let day = input.text("svar-senast") { body["answerBy"] = day }
                        let reply = try await workspace.sip.requestSip(staff, clientRef: ref, body: Self.json(body)).value
                        return "/personer/\(ref.rawValue)/sip/\(reply.sipId)?klart=sip-kallad"
                    }))
        }
        return forms
    }

    // MARK: consent, case and handover pages

    func consentPage(_ context: Context, _ ref: ClientRef, posted: Posted?) async throws -> Response {
        let staff = try staff(context)
        let id = context.parameters.get("id") ?? ""
        let summary = try await service.personSummary(staff, clientRef: ref).value
        guard let consent = summary.consents.first(where: { $0.consentId == id }) else {
            return message(context, title: "Samtycket finns inte", text: "Det finns inget sådant samtycke för personen.", status: .notFound)
        }
        let facts = [
            Fact(label: "Ändamål", value: ConsentPurpose(rawValue: consent.purpose).map(WorkspaceSwedish.purpose) ?? consent.purpose),
            Fact(label: "Omfattar", value: consent.agencies.map(WorkspaceSwedish.agency).joined(separator: ", ")),
            Fact(label: "Gavs", value: DateText.day(consent.givenOn)),
            Fact(label: "Gäller till", value: DateText.day(consent.validUntil)),
        ]
        let form = Form(
            id: "aterkalla", heading: "Återkalla samtycket", intro: "Personen har återkallat sitt samtycke.",
            action: "/personer/\(ref.rawValue)/samtycken/\(id)/aterkalla", submit: "Återkalla samtycket", csrf: context.csrfToken ?? "",
            fields: [.date("aterkallat", "Återkallat", value: today.description, api: ["withdrawnOn", "consentId"])], secondary: true)
        return try await personFormPage(context, ref, title: "Samtycke", lead: nil, forms: [form], facts: facts, posted: posted)
    }

    func casePage(_ context: Context, _ ref: ClientRef, posted: Posted?) async throws -> Response {
        let staff = try staff(context)
        let area = context.parameters.get("area") ?? ""
        let base = "/personer/\(ref.rawValue)/arenden/\(area)"
        let contact = Form(
            id: "kontakt", heading: "Byt kontaktperson", action: "\(base)/kontakt", submit: "Byt kontaktperson",
            csrf: context.csrfToken ?? "",
            fields: Field.contact("kontakt", name: staff.name, role: staff.role, heading: "Ny kontaktperson")
                + [.date("andrad", "Från och med", value: today.description, api: ["changedOn"])])
        let close = Form(
            id: "avsluta", heading: "Avsluta ärendet", intro: "Ska någon annan ta över? Använd Överlämna område i stället.",
            action: "\(base)/avsluta", submit: "Avsluta ärendet", csrf: context.csrfToken ?? "",
            fields: [
                .select(
                    "skal", "Skäl",
                    [("", "Välj skäl")]
                        + CaseCloseReason.allCases.filter { $0 != .handover }.map { ($0.rawValue, WorkspaceSwedish.caseClose($0)) },
                    api: ["reason", "area"]),
                .date("avslutat", "Avslutat", value: today.description, api: ["closedOn"]),
            ], secondary: true, folded: true)
        return try await personFormPage(
            context, ref, title: "Ärende: \(WorkspaceSwedish.area(area))", lead: nil, forms: [contact, close], posted: posted)
    }

    func handoverPage(_ context: Context, _ ref: ClientRef, posted: Posted?) async throws -> Response {
        let staff = try staff(context)
        let id = context.parameters.get("id") ?? ""
        let summary = try await service.personSummary(staff, clientRef: ref).value
        guard let handover = summary.handovers.first(where: { $0.handoverId == id }) else {
            return message(
                context, title: "Överlämningen finns inte", text: "Det finns ingen sådan överlämning för personen.", status: .notFound)
        }
        let (facts, forms) = handoverParts(handover, id: id, ref: ref, staff: staff, csrf: context.csrfToken ?? "")
        return try await personFormPage(context, ref, title: "Överlämning", lead: nil, forms: forms, facts: facts, posted: posted)
    }

    /// The handover page's facts and forms. Built outside the async page function: the Swift
    /// 6 compiler crashed (signal 11, "While splitting coroutine") compiling it inline in release.
    private func handoverParts(
        _ handover: PersonSummaryBody.Handover, id: String, ref: ClientRef, staff: Staff, csrf: String
    ) -> (facts: [Fact], forms: [Form]) {
        let facts = [
            Fact(label: "Område", value: WorkspaceSwedish.area(handover.area)),
            Fact(label: "Från", value: WorkspaceSwedish.agency(handover.from)),
            Fact(label: "Till", value: WorkspaceSwedish.agency(handover.to)),
            Fact(label: "Anledning", value: handover.reason), Fact(label: "Läge", value: WorkspaceSwedish.handoverState(handover.state)),
            Fact(label: "Begärd", value: DateText.moment(handover.requestedAt)),
        ]
        var forms: [Form] = []
        if handover.to == agency.rawValue && handover.state == "requested" {
            let base = "/personer/\(ref.rawValue)/overlamningar/\(id)"
            forms.append(
                Form(
                    id: "godta", heading: "Godta överlämningen", intro: "Ni blir ansvariga för området med en namngiven kontaktperson.",
                    action: "\(base)/godta", submit: "Godta", csrf: csrf,
                    fields: Field.contact("kontakt", name: staff.name, role: staff.role)
                        + [.date("godtagen", "Godtagen", value: today.description, api: ["acceptedOn", "handoverId"])]))
            forms.append(
                Form(
                    id: "avboj", heading: "Avböj överlämningen", action: "\(base)/avboj", submit: "Avböj", csrf: csrf,
                    fields: [.area("skal", "Skäl", api: ["reason"])], secondary: true))
        }
        return (facts, forms)
    }
}
