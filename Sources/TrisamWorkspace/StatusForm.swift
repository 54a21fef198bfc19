import Foundation
import Hummingbird
import TrisamAgency
import TrisamContracts
import TrisamCoordinatorCore
import TrisamHTTP
import TrisamWeb

/// The form of a status change in the agency's own vocabulary: first the kind of status (a GET
/// form), then its fields, each code of the vocabulary with its Swedish label (``Svenska``).
/// Posts `{"type", "payload"}` to the API's `publishStatus`.
enum StatusFields {
    enum Kind {
        case date, month, percent, number, text, yes
        case code([(String, String)])
        case codes([(String, String)])
    }
    struct Input {
        var key: String
        var label: String
        var kind: Kind
        var required = true
    }

    static func codes<V: Vocabulary>(_ type: V.Type, _ label: (V) -> String) -> [(String, String)] {
        V.allCases.map { ($0.rawValue, Svenska.capitalised(label($0))) }
    }

    /// The fields of each status type.
    static func inputs(_ type: EventType) -> [Input] {
        switch type {
        case .kommunBistandDecided:
            [
                Input(key: "decision", label: "Beslut", kind: .code(codes(BistandDecision.self, Svenska.bistand))),
                Input(key: "effectiveDate", label: "Gäller från", kind: .date),
                Input(key: "month", label: "Avser månad", kind: .month),
            ]
        case .kommunForsorjningshinderReported:
            [
                Input(key: "code", label: "Försörjningshinder", kind: .code(codes(Forsorjningshinder.self, Svenska.forsorjningshinder))),
                Input(key: "month", label: "Avser månad", kind: .month),
            ]
        case .kommunArbetshinderAssessed:
            [
                Input(key: "barriers", label: "Arbetshinder", kind: .codes(codes(Arbetshinder.self, Svenska.arbetshinder))),
                Input(key: "assessedOn", label: "Bedömt", kind: .date),
            ]
        case .kommunMeasureStarted:
            [
                Input(key: "measureId", label: "Insatsens id i ert system", kind: .text),
                Input(key: "measure", label: "Insats", kind: .code(codes(MunicipalMeasure.self, Svenska.measure))),
                Input(key: "startDate", label: "Startar", kind: .date),
                Input(key: "extentPercent", label: "Omfattning i procent av heltid", kind: .percent),
            ]
        case .kommunMeasureEnded, .afProgrammeEnded:
            [
                Input(key: type == .afProgrammeEnded ? "programmeId" : "measureId", label: "Id i ert system", kind: .text),
                Input(key: "endDate", label: "Slutade", kind: .date),
                Input(key: "reason", label: "Skäl", kind: .code(codes(ActivityEndReason.self, Svenska.activityEnd))),
            ]
        case .afRegistered:
            [
                Input(key: "registeredOn", label: "Inskriven", kind: .date),
                Input(key: "workCapacityPercent", label: "Arbetsförmåga i procent", kind: .percent, required: false),
            ]
        case .afRegistrationFailed:
            [
                Input(
                    key: "reason", label: "Skäl", kind: .code(codes(AfRegistrationFailure.self, Svenska.registrationFailure))),
                Input(key: "attemptedOn", label: "Försökte", kind: .date),
            ]
        case .afProgrammeStarted:
            [
                Input(key: "programmeId", label: "Programmets id i ert system", kind: .text),
                Input(key: "programme", label: "Program", kind: .code(codes(AfProgramme.self, Svenska.programme))),
                Input(key: "startDate", label: "Startar", kind: .date),
                Input(key: "extentPercent", label: "Omfattning i procent av heltid", kind: .percent),
            ]
        case .afWorkCapacityLacking, .regionMedicallyFinished: [Input(key: "assessedOn", label: "Bedömt", kind: .date)]
        case .afDeregistered:
            [
                Input(key: "deregisteredOn", label: "Avaktualiserad", kind: .date),
                Input(key: "reason", label: "Skäl", kind: .code(codes(AfDeregistrationReason.self, Svenska.deregistration))),
            ]
        case .fkSjukpenningDecided:
            [
                Input(key: "decision", label: "Beslut", kind: .code(codes(SjukpenningDecision.self, Svenska.sjukpenning))),
                Input(key: "effectiveDate", label: "Gäller från", kind: .date),
                Input(key: "extentPercent", label: "Omfattning i procent", kind: .percent, required: false),
                Input(key: "until", label: "Till och med", kind: .date, required: false),
            ]
        case .fkSgiStatus:
            [
                Input(key: "status", label: "SGI", kind: .code(codes(SgiStatus.self, Svenska.sgi))),
                Input(key: "effectiveDate", label: "Gäller från", kind: .date),
            ]
        case .fkRehabkedjaMilestone:
            [
                Input(key: "day", label: "Dag i rehabiliteringskedjan (90, 180 eller 365)", kind: .number),
                Input(key: "reachedOn", label: "Nådd", kind: .date),
            ]
        case .fkAktivitetsersattningGranted:
            [
                Input(key: "from", label: "Från", kind: .date), Input(key: "until", label: "Till och med", kind: .date),
                Input(key: "extentPercent", label: "Omfattning i procent", kind: .percent),
            ]
        case .fkAktivitetsersattningEnded:
            [
                Input(key: "endDate", label: "Upphör", kind: .date),
                Input(key: "reason", label: "Skäl", kind: .code(codes(BenefitEndReason.self, Svenska.benefitEnd))),
            ]
        case .fkSjukersattningDecided:
            [
                Input(key: "decision", label: "Beslut", kind: .code(codes(SjukersattningDecision.self, Svenska.sjukersattning))),
                Input(key: "effectiveDate", label: "Gäller från", kind: .date),
            ]
        case .regionSickNoteIssued:
            [
                Input(key: "sickNoteId", label: "Läkarintygets id i ert system", kind: .text),
                Input(key: "extentPercent", label: "Sjukskrivning i procent", kind: .percent),
                Input(key: "from", label: "Från", kind: .date), Input(key: "until", label: "Till och med", kind: .date),
                Input(key: "renewal", label: "Förlängning av ett tidigare läkarintyg", kind: .yes, required: false),
            ]
        case .regionSickNoteEnded:
            [
                Input(key: "sickNoteId", label: "Läkarintygets id i ert system", kind: .text),
                Input(key: "endedOn", label: "Upphörde", kind: .date),
                Input(key: "reason", label: "Skäl", kind: .code(codes(SickNoteEndReason.self, Svenska.sickNoteEnd))),
            ]
        case .regionTreatmentStatus:
            [
                Input(key: "status", label: "Behandling", kind: .code(codes(TreatmentStatus.self, Svenska.treatment))),
                Input(key: "unit", label: "Vårdenhet", kind: .code(codes(CareUnit.self, Svenska.careUnit))),
                Input(key: "effectiveDate", label: "Gäller från", kind: .date),
            ]
        default: []
        }
    }

    static func field(_ input: Input, today: LocalDate) -> Field {
        let name = "f-\(input.key)"
        let api = ["payload.\(input.key)"]
        switch input.kind {
        case .date: return .date(name, input.label, value: input.required ? today.description : "", api: api, required: input.required)
        case .month:
            return .text(
                name, input.label, value: String(today.description.prefix(7)), api: api, hint: "År och månad, till exempel 2026-11.",
                required: true)
        case .percent, .number: return .text(name, input.label, api: api, required: input.required, type: "number")
        case .text: return .text(name, input.label, value: UUID().uuidString.lowercased(), api: api, required: true)
        case .yes: return .check(name, input.label, api: api)
        case .code(let choices): return .select(name, input.label, [("", "Välj")] + choices, api: api)
        case .codes(let choices): return .group(name, input.label, choices, selected: [], api: api)
        }
    }

    /// The payload typed in the fields.
    static func payload(_ type: EventType, _ form: FormInput) -> [String: Any] {
        var payload: [String: Any] = [:]
        for input in inputs(type) {
            let name = "f-\(input.key)"
            switch input.kind {
            case .percent, .number:
                if let text = form.text(name) { payload[input.key] = Int(text) ?? text }
            case .yes: if form.text(name) != nil { payload[input.key] = true } else if input.key == "renewal" { payload[input.key] = false }
            case .codes: payload[input.key] = form.all(name)
            default: if let text = form.text(name) { payload[input.key] = text }
            }
        }
        return payload
    }
}

extension Workspace {
    func mountStatusForm(on web: RouterGroup<Context>) {
        let workspace = self
        web.get("/personer/{ref}/status") { request, context in
            try await workspace.withPerson(context) { ref in
                try await workspace.statusPage(context, ref, type: request.uri.queryParameters.get("typ"), posted: nil)
            }
        }
        web.post("/personer/{ref}/status") { request, context in
            try await workspace.withPerson(context) { ref in
                let input = try await Self.form(request)
                let type = input.text("typ")
                return try await workspace.submit(
                    request, context, form: "status", again: { try await workspace.statusPage(context, ref, type: type, posted: $0) },
                    run: { staff, input in
                        var body: [String: Any] = [:]
                        if let type { body["type"] = type }
                        body["payload"] = EventType(rawValue: type ?? "").map { StatusFields.payload($0, input) } ?? [:]
                        _ = try await workspace.service.publishStatus(staff, clientRef: ref, body: Self.json(body))
                        return "/personer/\(ref.rawValue)?klart=status"
                    })
            }
        }
    }

    func statusPage(_ context: Context, _ ref: ClientRef, type: String?, posted: Posted?) async throws -> Response {
        let types = EventType.statusTypes(of: agency)
        let chosen = type.flatMap(EventType.init(rawValue:)).flatMap { types.contains($0) ? $0 : nil }
        let choose = Form(
            id: "statustyp", heading: "Vilken status?", action: "/personer/\(ref.rawValue)/status", submit: "Välj", csrf: "",
            fields: [
                .select(
                    "typ", "Status", [("", "Välj status")] + types.map { ($0.rawValue, WorkspaceSwedish.statusType($0.rawValue)) },
                    value: chosen?.rawValue ?? "", api: ["type"])
            ], get: true)
        var forms = [choose]
        if let chosen {
            forms.append(
                Form(
                    id: "status", heading: WorkspaceSwedish.statusType(chosen.rawValue), action: "/personer/\(ref.rawValue)/status",
                    submit: "Registrera status", csrf: context.csrfToken ?? "",
                    fields: [.hidden("typ", chosen.rawValue)] + StatusFields.inputs(chosen).map { StatusFields.field($0, today: today) }))
        }
        return try await personFormPage(
            context, ref, title: "Registrera status",
            lead: "Statusen går till samordnaren och syns för dem som samordnar personens ärende.", forms: forms, posted: posted)
    }
}
