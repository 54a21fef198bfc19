import Foundation
import Hummingbird
import TrisamAgency
import TrisamContracts
import TrisamHTTP
import TrisamWeb

extension Workspace {
    /// The referral actions as the workspace names them: path, the API's action, the
    /// confirmation shown after, and the text field the API takes (if any).
    static let referralActions: [(path: String, action: ReferralAction, done: String, field: (form: String, api: String)?)] = [
        ("mottagen", .received, "remiss-mottagen", nil),
        ("godta", .accept, "remiss-godtagen", nil),
        ("avvisa", .reject, "remiss-avvisad", ("skal", "reason")),
        ("lagesrapport", .update, "remiss-lagesrapport", ("rapport", "note")),
        ("avsluta", .close, "remiss-avslutad", ("resultat", "outcome")),
        ("aterkalla", .cancel, "remiss-aterkallad", ("skal", "reason")),
    ]

    func mountReferralPages(on web: RouterGroup<Context>) {
        let workspace = self
        web.get("/personer/{ref}/remisser/{id}") { request, context in
            try await workspace.withPerson(context) { ref in try await workspace.referralPage(request, context, ref, posted: nil) }
        }
        for entry in Self.referralActions {
            web.post("/personer/{ref}/remisser/{id}/\(entry.path)") { request, context in
                try await workspace.withPerson(context) { ref in
                    let id = context.parameters.get("id") ?? ""
                    return try await workspace.submit(
                        request, context, form: entry.path,
                        again: { try await workspace.referralPage(request, context, ref, posted: $0) }
                    ) { staff, input in
                        var body: [String: Any] = [:]
                        if entry.action == .accept { body["contact"] = input.contact("kontakt") }
                        if let field = entry.field, let text = input.text(field.form) { body[field.api] = text }
                        _ = try await workspace.service.actOnReferral(staff, referralId: id, action: entry.action, body: Self.json(body))
                        return "/personer/\(ref.rawValue)/remisser/\(id)?klart=\(entry.done)"
                    }
                }
            }
        }
    }

    func referralPage(_ request: Request, _ context: Context, _ ref: ClientRef, posted: Posted?) async throws -> Response {
        let staff = try staff(context)
        let id = context.parameters.get("id") ?? ""
        let summary = try await service.personSummary(staff, clientRef: ref).value
        let sent = summary.referralsSent.first { $0.referralId == id }
        guard let referral = sent ?? summary.referralsReceived.first(where: { $0.referralId == id }) else {
            return message(context, title: "Remissen finns inte", text: "Det finns ingen sådan remiss för personen.", status: .notFound)
        }
        let person = PersonLine(clientRef: ref.rawValue, identity: summary.identity)
        var facts = [
            Fact(label: "Från", value: WorkspaceSwedish.agency(referral.from ?? "")),
            Fact(label: "Till", value: WorkspaceSwedish.agency(referral.to ?? "")),
            Fact(label: "Område", value: WorkspaceSwedish.area(referral.area ?? "")),
            Fact(label: "Vad som efterfrågas", value: referral.requestedMeasure ?? "–"),
            Fact(label: "Anledning", value: referral.reason ?? "–"),
            Fact(label: "Skickad", value: DateText.moment(referral.sentAt)),
            Fact(label: "Svar senast", value: DateText.day(referral.answerBy)),
            Fact(label: "Läge", value: WorkspaceSwedish.referralState(referral.state)),
        ]
        if let contact = JSONText.contact(referral.contact) { facts.append(Fact(label: "Kontaktperson hos mottagaren", value: contact)) }
        if let note = referral.lastNote { facts.append(Fact(label: "Senaste lägesrapport", value: note)) }
        if let outcome = referral.outcome { facts.append(Fact(label: "Resultat", value: outcome)) }
        if let reason = referral.rejectReason { facts.append(Fact(label: "Skäl till avvisning", value: reason)) }
        if let reason = referral.cancelReason { facts.append(Fact(label: "Skäl till återkallelse", value: reason)) }
        let base = "/personer/\(ref.rawValue)/remisser/\(id)"
        let csrf = context.csrfToken ?? ""
        let state = ReferralState(rawValue: referral.state ?? "") ?? .sent
        let party: ReferralParty = sent != nil ? .sender : .receiver
        func allowed(_ action: ReferralAction) -> Bool {
            action.party == party && ReferralStateMachine.allowedStates(for: action).contains(state)
        }
        var forms: [Form] = []
        if allowed(.accept) {
            forms.append(
                Form(
                    id: "godta", heading: "Godta remissen", intro: "Ni tar emot personen med en namngiven kontaktperson.",
                    action: "\(base)/godta", submit: "Godta", csrf: csrf,
                    fields: Field.contact("kontakt", name: staff.name, role: staff.role)))
        }
        if allowed(.reject) {
            forms.append(
                Form(
                    id: "avvisa", heading: "Avvisa remissen", intro: "Avsändaren får skälet och kan välja ett annat steg.",
                    action: "\(base)/avvisa", submit: "Avvisa", csrf: csrf,
                    fields: [.area("skal", "Skäl", api: ["reason", "referralId"])], secondary: true))
        }
        if allowed(.received) {
            forms.append(
                Form(
                    id: "mottagen", heading: "Kvittera", intro: "Tala om att remissen är mottagen medan ni tar ställning.",
                    action: "\(base)/mottagen", submit: "Kvittera mottagen", csrf: csrf, fields: [], folded: true))
        }
        if allowed(.update) {
            forms.append(
                Form(
                    id: "lagesrapport", heading: "Lägesrapport", action: "\(base)/lagesrapport", submit: "Skicka lägesrapport", csrf: csrf,
                    fields: [.area("rapport", "Lägesrapport", api: ["note", "referralId"])]))
        }
        if allowed(.close) {
            forms.append(
                Form(
                    id: "avsluta", heading: "Avsluta remissen", action: "\(base)/avsluta", submit: "Avsluta remissen", csrf: csrf,
                    fields: [.area("resultat", "Resultat", api: ["outcome", "referralId"])], folded: true))
        }
        if allowed(.cancel) {
            forms.append(
                Form(
                    id: "aterkalla", heading: "Återkalla remissen", action: "\(base)/aterkalla", submit: "Återkalla", csrf: csrf,
                    fields: [.area("skal", "Skäl", api: ["reason", "referralId"])], secondary: true, folded: true))
        }
        var blocks: [Block] = [.facts(nil, facts)]
        if !forms.isEmpty { blocks.append(.forms(forms.prepared(posted), heading: "Nästa steg")) }
        let title =
            sent != nil
            ? "Remiss till \(WorkspaceSwedish.agency(referral.to ?? ""))" : "Remiss från \(WorkspaceSwedish.agency(referral.from ?? ""))"
        return render(
            WorkPage(
                frame: frame(context, title: "\(title) – \(person.name)", active: ""), heading: title, lead: nil, person: person,
                notice: request.uri.queryParameters.get("klart").flatMap(WorkspaceSwedish.done),
                back: Link(href: person.href, label: "Tillbaka till \(person.name)"), blocks: blocks))
    }
}
