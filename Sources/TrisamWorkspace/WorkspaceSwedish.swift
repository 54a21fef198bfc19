import Foundation
import TrisamAgency
import TrisamContracts
import TrisamCoordinatorCore
import TrisamHTTP
import TrisamWeb

/// Every Swedish text the staff workspace builds in code, in one place for review: the labels of
/// each code of the vocabularies, inbox items, states, confirmations, and the refusals of the
/// API in Swedish (``refusal(_:label:)``). Words for what the agencies report come from
/// ``Svenska`` (shared with the coordinator and its dashboard); the page furniture shared with
/// the dashboard (login, logout, missing pages, dates) from ``WebSwedish``.
///
/// Terms: "Inkorg"; "remiss" (skicka, godta, avvisa, återkalla); "överlämning"; "kallelse till
/// SIP", "svara", "boka"; "handlingsplan" with "mål", "delmål", "Vart vill du?" and "åtgärd";
/// "handläggare", "arbetsförmedlare", "vårdgivare" for staff.
enum WorkspaceSwedish {
    // MARK: - The front

    /// "Kommunen", shown beside "Trisam".
    static func brand(_ agency: Agency) -> String { agency.displayName }

    /// Who logs in, in the agency's own words.
    static func loginIntro(_ agency: Agency) -> String {
        switch agency {
        case .kommun: "Logga in med din inloggningsnyckel som handläggare inom ekonomiskt bistånd (försörjningsstöd)."
        case .af: "Logga in med din inloggningsnyckel som arbetsförmedlare."
        case .fk: "Logga in med din inloggningsnyckel som handläggare på Försäkringskassan."
        case .region: "Logga in med din inloggningsnyckel som vårdgivare (läkare, rehabkoordinator)."
        }
    }

    static let footer = "Trisam – varje gång du visar en person loggas det, med ditt namn."
    static let loginOtherAgency = "Inloggningsnyckel: nyckeln hör till en annan verksamhet. Logga in på din egen verksamhets sida."
    static let inboxTitle = "Inkorg"

    // MARK: flags

    /// The flag's severity in the dashboard's word, with "prioritet": "Hög prioritet".
    static func severity(_ code: String) -> String { "\((FlagSeverity(rawValue: code) ?? .low).swedishName) prioritet" }

    /// Who works a flag: "Ingen har tagit den än", "Ni (Ali Hassan)", "Sara Samordnare, Trisam".
    static func flagOwner(_ owner: String?, agency: String?, mine: Bool) -> String {
        guard let owner else { return "Ingen har tagit den än." }
        if mine { return "Du tar hand om den." }
        return "\(owner), \(agency.map { Self.agency($0) } ?? "samordnare i Trisam")."
    }

    // MARK: mail

    /// What a SIP mail was: "Kallelse", "Bokat möte", …
    static func mailKind(_ kind: String) -> String {
        switch kind {
        case "sip.invitation": "Kallelse att svara på"
        case "sip.scheduled": "Bokat möte med kalenderfil"
        case "sip.rescheduled": "Ombokat möte med kalenderfil"
        case "sip.cancelled": "Inställt möte"
        case "sip.reminder": "Påminnelse om svar"
        default: "E-post"
        }
    }

    /// How a SIP mail went, with the relay's answer when it refused the address for good.
    static func mailState(_ mail: SipMailRecord) -> String {
        switch mail.state {
        case "sent": "Skickat \(mail.sentAt.map(DateText.moment) ?? "")"
        case "refused":
            "Gick inte att skicka: e-postservern tog inte emot adressen (\(mail.lastError ?? "inget svar")). Kontrollera adressen och kontakta personen på annat sätt."
        default: mail.attempts > 0 ? "Väntar, e-postservern svarar inte än (försök \(mail.attempts))" : "Väntar på att skickas"
        }
    }

    static let flagTakeRefusedTitle = "Flaggan kunde inte tas"
    static let noFlags = "Inga flaggor där ni behöver agera just nu."
    static let flagsHeading = "Flaggor där ni behöver agera"
    static let flagsLead =
        "Samordnarna i Trisam ser att personen riskerar att hamna mellan verksamheterna och att ni är en av dem som behöver agera. Ta flaggan om du tar hand om det; samordnarna ser då vem som gör det."
    static let personsTitle = "Sök eller registrera person"
    static let notFoundBack = "Inkorgen"
    static let unknownPersonTitle = "Personen finns inte hos er"
    static let unknownPerson = "Er verksamhet har inga uppgifter om den här personen."
    static let inboxLive = WebSwedish.LiveTexts(
        fetched: "Uppdateras automatiskt.", updated: "Uppdaterad {tid}: {antal} meddelanden i inkorgen.")

    // MARK: - Vocabularies

    /// "kommunen", "Arbetsförmedlingen": the agency in running text.
    static func inText(_ agency: Agency) -> String { Svenska.agency(agency) }

    static func agency(_ code: String) -> String { Agency(rawValue: code)?.displayName ?? code }
    static func area(_ code: String) -> String { Area(rawValue: code)?.displayName ?? code }

    static func purpose(_ purpose: ConsentPurpose) -> String {
        switch purpose {
        case .samordning: "Samordning"
        case .sip: "SIP (samordnad individuell plan)"
        case .remiss: "Remiss"
        case .handlingsplan: "Handlingsplan"
        }
    }

    static func referralState(_ code: String?) -> String {
        switch code {
        case "sent": "Skickad, inte besvarad"
        case "received": "Mottagen, inte besvarad"
        case "accepted": "Godtagen"
        case "rejected": "Avvisad"
        case "completed": "Avslutad"
        case "cancelled": "Återkallad"
        default: code ?? "okänd"
        }
    }

    static func handoverState(_ code: String) -> String {
        switch code {
        case "requested": "Väntar på svar"
        case "accepted": "Godtagen"
        case "refused": "Avböjd"
        default: code
        }
    }

    static func sipState(_ code: String) -> String {
        switch code {
        case "requested": "Kallad, inte bokad"
        case "scheduled": "Bokad"
        case "held": "Hållen"
        case "cancelled": "Inställd"
        case "declined": "Ni har tackat nej"
        default: code
        }
    }

    static func answer(_ code: String) -> String {
        switch code {
        case "accepted": "Tackat ja"
        case "declined": "Tackat nej"
        default: "Inte svarat"
        }
    }

    static func actionState(_ code: String) -> String {
        switch code {
        case "open": "Pågår"
        case "done": "Klar"
        case "not-possible": "Går inte att genomföra"
        default: code
        }
    }

    static func planState(_ code: String?) -> String {
        switch code {
        case "open": "Gäller"
        case "closed": "Avslutad"
        default: code ?? "Gäller"
        }
    }

    static func caseClose(_ reason: CaseCloseReason) -> String { Svenska.capitalised(Svenska.caseClose(reason)) }

    static func planOutcome(_ outcome: PlanOutcome) -> String {
        switch outcome {
        case .work: "Arbete"
        case .studies: "Studier"
        case .otherBenefit: "Annan ersättning"
        case .moved: "Flyttat"
        case .other: "Annat"
        }
    }

    static func planClose(_ reason: PlanCloseReason) -> String { Svenska.capitalised(Svenska.planClose(reason)) }

    static func identityKind(_ kind: String) -> String {
        switch kind {
        case "samordningsnummer": "Samordningsnummer"
        case "reservnummer": "Reservnummer"
        default: "Personnummer"
        }
    }

    /// The status type of this agency's vocabulary as staff say it.
    static func statusType(_ code: String) -> String {
        guard let type = EventType(rawValue: code) else { return code }
        switch type {
        case .kommunBistandDecided: return "Beslut om ekonomiskt bistånd"
        case .kommunForsorjningshinderReported: return "Försörjningshinder rapporterat"
        case .kommunArbetshinderAssessed: return "Arbetshinder bedömda"
        case .kommunMeasureStarted: return "Kommunal insats påbörjad"
        case .kommunMeasureEnded: return "Kommunal insats avslutad"
        case .afRegistered: return "Inskriven"
        case .afRegistrationFailed: return "Kunde inte skrivas in"
        case .afProgrammeStarted: return "Program påbörjat"
        case .afProgrammeEnded: return "Program avslutat"
        case .afWorkCapacityLacking: return "Bedömd sakna arbetsförmåga"
        case .afDeregistered: return "Avaktualiserad"
        case .fkSjukpenningDecided: return "Beslut om sjukpenning"
        case .fkSgiStatus: return "SGI"
        case .fkRehabkedjaMilestone: return "Rehabiliteringskedjan"
        case .fkAktivitetsersattningGranted: return "Aktivitetsersättning beviljad"
        case .fkAktivitetsersattningEnded: return "Aktivitetsersättning upphör"
        case .fkSjukersattningDecided: return "Beslut om sjukersättning"
        case .regionSickNoteIssued: return "Läkarintyg utfärdat"
        case .regionSickNoteEnded: return "Läkarintyg upphört"
        case .regionTreatmentStatus: return "Behandling"
        case .regionMedicallyFinished: return "Färdigbehandlad"
        default: return code
        }
    }

    // MARK: - Inbox

    /// What an inbox item is, as its heading.
    static func inboxType(_ type: String) -> String {
        switch type {
        case "referral.sent": "Remiss att besvara"
        case "referral.received": "Remissen är mottagen"
        case "referral.accepted": "Remissen är godtagen"
        case "referral.rejected": "Remissen är avvisad"
        case "referral.updated": "Lägesrapport om remiss"
        case "referral.closed": "Remissen är avslutad"
        case "referral.cancelled": "Remissen är återkallad"
        case "handover.requested": "Överlämning att besvara"
        case "handover.accepted": "Överlämningen är godtagen"
        case "handover.refused": "Överlämningen är avböjd"
        case "case.closed": "Ärende avslutat hos annan verksamhet"
        case "sip.invitation.sent": "Kallelse till SIP att besvara"
        case "sip.invitation.overdue": "Påminnelse: kallelse till SIP obesvarad"
        case "sip.invitation.answered": "Svar på kallelse till SIP"
        case "sip.scheduled": "SIP-möte bokat"
        case "sip.cancelled": "SIP-möte inställt"
        case "sip.held": "SIP-möte hållet"
        case "plan.created": "Handlingsplan"
        case "plan.action.assigned": "Åtgärd att utföra"
        case "plan.action.completed": "Åtgärd avrapporterad"
        case "plan.followup.set": "Uppföljning av handlingsplan"
        case "plan.closed": "Handlingsplan avslutad"
        default: "Meddelande"
        }
    }

    /// Items that ask this agency to do something.
    static let toDoTypes: Set<String> = [
        "referral.sent", "handover.requested", "sip.invitation.sent", "sip.invitation.overdue", "plan.action.assigned",
    ]
    static let toDo = "Att göra"
    static let noIdentity = "Personreferens"

    // MARK: - Confirmations after a form

    static func done(_ code: String) -> String? {
        let texts: [String: String] = [
            "registrerad": "Personen är registrerad.",
            "samtycke": "Samtycket är registrerat.",
            "samtycke-aterkallat": "Samtycket är återkallat.",
            "remiss-skickad": "Remissen är skickad.",
            "remiss-mottagen": "Remissen är kvitterad som mottagen.",
            "remiss-godtagen": "Remissen är godtagen.",
            "remiss-avvisad": "Remissen är avvisad.",
            "remiss-lagesrapport": "Lägesrapporten är skickad.",
            "remiss-avslutad": "Remissen är avslutad.",
            "remiss-aterkallad": "Remissen är återkallad.",
            "arende-oppnat": "Ärendet är öppnat.",
            "arende-avslutat": "Ärendet är avslutat.",
            "kontakt-bytt": "Kontaktpersonen är ändrad.",
            "overlamning-skickad": "Överlämningen är skickad.",
            "overlamning-godtagen": "Överlämningen är godtagen; ärendet är ert.",
            "overlamning-avbojd": "Överlämningen är avböjd.",
            "status": "Statusen är registrerad.",
            "sip-kallad": "Kallelsen till SIP är skickad.",
            "sip-svar": "Ert svar på kallelsen är skickat.",
            "sip-bokad": "SIP-mötet är bokat och kallelsen skickad till deltagarna.",
            "sip-ombokad": "SIP-mötet är ombokat.",
            "sip-installd": "SIP-mötet är inställt.",
            "sip-hallen": "SIP-mötet är registrerat som hållet.",
            "plan-skapad": "Handlingsplanen är skapad.",
            "plan-avslutad": "Handlingsplanen är avslutad.",
            "plan-reviderad": "Handlingsplanen är reviderad. Den tidigare versionen finns kvar.",
            "atgard-klar": "Åtgärden är markerad som klar.",
            "atgard-gar-inte": "Åtgärden är markerad som inte möjlig att genomföra.",
            "flagga-tagen": "Du har tagit flaggan. Samordnarna ser att du tar hand om den.",
        ]
        return texts[code]
    }

    // MARK: - Refusals

    /// The API's refusal in Swedish, beginning with the label of the field it names (`label`
    /// nil: the refusal concerns the whole form). One place maps every code (and the rules the
    /// messages name) to what staff read.
    static func refusal(_ error: APIError, label: String?) -> String {
        let subject = label.map { "\($0): " } ?? ""
        let message = error.message
        if message.hasPrefix("sv:") { return subject + message.dropFirst(3) }
        switch error.code {
        case .missingField: return subject + "fyll i."
        case .consentMissing:
            return subject
                + "det finns inget giltigt samtycke som omfattar detta. Registrera personens samtycke först (Samtycke på personsidan)."
        case .wrongParty: return subject + "det här gör en annan verksamhet, inte ni."
        case .forbidden: return subject + "er verksamhet får inte göra detta."
        case .notFound:
            if error.field == "personnummer" || error.field == "reservnummer" {
                return subject + "ingen person med det numret finns i er verksamhets register. Registrera personen."
            }
            return subject + "finns inte (längre) hos er verksamhet."
        case .conflict:
            if let swedish = message.lastParenthesis, swedish.first?.isUppercase == true, !swedish.contains("_") {
                return subject + swedish
            }
            if message.contains("waiting for answers") { return subject + "alla inbjudna har inte svarat än." }
            if message.contains("no invited agency has accepted") { return subject + "ingen inbjuden verksamhet har tackat ja." }
            if message.contains("already has an open case") { return subject + "er verksamhet har redan ett öppet ärende för området." }
            if message.contains("no open case") { return subject + "er verksamhet har inget öppet ärende för området." }
            if message.contains("already answered") || message.contains("already") {
                return subject + "det är redan gjort. Ladda om sidan för att se läget."
            }
            return subject + "det går inte i det här läget. Ladda om sidan för att se läget."
        case .invalidField:
            return subject + invalidText(message)
        case .unknownField, .invalidJSON, .malformedRequest, .bodyTooLarge:
            return subject + "formuläret kunde inte tas emot. Ladda om sidan och försök igen."
        default:
            return "Något gick fel hos tjänsten. Försök igen om en stund."
        }
    }

    /// A rule the message names, in Swedish.
    static func invalidText(_ message: String) -> String {
        if message.contains("personnummer") || message.contains("identity number") || message.contains("samordningsnummer") {
            if message.contains("must not contain") || message.contains("contains") {
                return "får inte innehålla ett personnummer. Skriv om texten utan numret."
            }
        }
        if message.contains("is not valid") { return "är inte ett giltigt nummer. Kontrollera siffrorna och kontrollsiffran." }
        if message.contains("must not be in the future") { return "får inte ligga efter i dag." }
        if message.contains("must not be in the past") { return "får inte ligga före i dag." }
        if message.contains("must be after today") { return "måste ligga efter i dag." }
        if message.contains("must not be before") { return "ligger för tidigt." }
        if message.contains("within a year") || message.contains("within one year") || message.contains("at most a year") {
            return "får ligga högst ett år fram."
        }
        if message.contains("within 2 years") { return "får ligga högst två år fram." }
        if message.contains("5 years") { return "får gälla högst fem år från dagen samtycket gavs." }
        if message.contains("10 years") { return "får ligga högst tio år bakåt." }
        if message.contains("must include this agency") { return "måste omfatta er egen verksamhet." }
        if message.contains("another agency") { return "välj en annan verksamhet än er egen." }
        if message.contains("must be one of participants") { return "måste vara en av verksamheterna i planen." }
        if message.contains("working") || message.contains("holiday") || message.contains("weekend") {
            return "måste ligga inom arbetstid (vardagar 08.00–16.30, inte helgdagar)."
        }
        if message.contains("must not be empty") || message.contains("at least 1") || message.contains("must list at least") {
            return "fyll i."
        }
        if message.contains("characters") || message.contains("too long") || message.contains("at most") {
            return "texten är för lång eller innehåller otillåtna tecken."
        }
        if message.contains("must be after start") { return "sluttiden måste ligga efter starttiden." }
        return "uppgiften godtogs inte. Kontrollera den och försök igen."
    }
}

extension String {
    /// The text of the last "( … )" of a message (the Swedish reason a slot search gives).
    fileprivate var lastParenthesis: String? {
        guard hasSuffix(")"), let open = lastIndex(of: "(") else { return nil }
        return String(self[index(after: open)..<index(before: endIndex)])
    }
}
