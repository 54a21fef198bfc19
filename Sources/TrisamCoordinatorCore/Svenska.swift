import Foundation
import TrisamContracts

/// The Swedish words the coordinator uses for what the agencies report: one date format, the
/// agencies' names in running text, and each vocabulary's codes as staff say them. The gap
/// rules' titles and explanations (``RuleTexts``), the timeline and the dashboard all take their
/// words from here, so that one term is used for one thing.
public enum Svenska {
    public static let months = LocalDate.swedishMonths
    static let monthNames = [
        "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december",
    ]

    /// The one date format of everything staff read: "3 dec 2026".
    public static func date(_ day: LocalDate) -> String { day.swedishText }

    /// "3 dec 2026 09:05" in Stockholm time.
    public static func dateTime(_ moment: Date) -> String {
        let day = StockholmTime.date(of: moment)
        return "\(date(day)) \(time(moment))"
    }

    /// "09:05" in Stockholm time.
    public static func time(_ moment: Date) -> String {
        let day = StockholmTime.date(of: moment)
        let seconds = Int(moment.timeIntervalSince(StockholmTime.startOfDay(day)))
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(pad(seconds / 3600)):\(pad(seconds % 3600 / 60))"
    }

    /// "december 2026".
    public static func month(_ month: YearMonth) -> String { "\(monthNames[month.month - 1]) \(month.year)" }

    /// The agency's name in running text: Arbetsförmedlingen and Försäkringskassan are proper
    /// names; kommunen and regionen are written in lower case mid-sentence.
    public static func agency(_ agency: Agency) -> String { agency.nameInText }

    /// "kommunen", "kommunen och regionen", "kommunen, Arbetsförmedlingen och Försäkringskassan"
    /// (each agency once, in the order given).
    public static func agencies(_ agencies: [Agency]) -> String {
        var seen: [Agency] = []
        for agency in agencies where !seen.contains(agency) { seen.append(agency) }
        let names = seen.map(agency)
        switch names.count {
        case 0: return ""
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " och " + names.last!
        }
    }

    /// The text with its first letter in upper case (a sentence or a cell that starts with an agency).
    public static func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// A quotation as Swedish typography has it: ”text”.
    public static func quoted(_ text: String) -> String { "”\(text)”" }

    /// A sentence ending in exactly one full stop (a quoted free text may end in one already).
    public static func withoutFinalStop(_ text: String) -> String {
        var text = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        while let last = text.last, ".!?".contains(last) { text = text.dropLast() }
        return String(text)
    }

    // MARK: - Vocabularies

    public static func area(_ area: Area) -> String { area.displayName.lowercased() }

    public static func bistand(_ decision: BistandDecision) -> String {
        switch decision {
        case .applied: "ansökan om ekonomiskt bistånd"
        case .granted: "ekonomiskt bistånd beviljat"
        case .partlyRefused: "ekonomiskt bistånd delvis avslaget"
        case .refused: "ekonomiskt bistånd avslaget"
        case .ended: "ekonomiskt bistånd avslutat"
        }
    }

    public static func forsorjningshinder(_ code: Forsorjningshinder) -> String {
        switch code {
        case .arbetslos: "arbetslös"
        case .arbetshinderSocialaSkal: "arbetshinder av sociala skäl"
        case .arbetslosEtableringsersattning: "arbetslös med etableringsersättning"
        case .sjukskrivenLakarintyg: "sjukskriven med läkarintyg"
        case .ensamkommandeUngdom: "ensamkommande ungdom 18–20 år"
        case .foraldraledig: "föräldraledig"
        case .deltidOfrivilligt: "ofrivilligt deltidsarbetande"
        case .sjukEllerAktivitetsersattning: "sjuk- eller aktivitetsersättning"
        case .pension: "pension"
        case .heltid: "heltidsarbetande"
        case .utanForsorjningshinder: "utan försörjningshinder"
        }
    }

    public static func arbetshinder(_ barrier: Arbetshinder) -> String {
        switch barrier {
        case .psykiskOhalsa: "psykisk ohälsa"
        case .bristandeTroPaSigSjalv: "bristande tro på sig själv"
        case .bristandeArbetslivserfarenhet: "bristande arbetslivserfarenhet"
        case .sprakhinder: "språkhinder"
        case .lagUtbildningsniva: "låg utbildningsnivå"
        case .fysiskOhalsa: "fysisk ohälsa"
        case .funktionsvariation: "funktionsvariation"
        case .missbruk: "missbruk"
        case .hogAlder: "hög ålder"
        case .annat: "annat"
        }
    }

    public static func measure(_ measure: MunicipalMeasure) -> String {
        switch measure {
        case .coachingteamet: "Coachingteamet"
        case .arbetsmarknadsenhet: "arbetsmarknadsenheten"
        case .arbetstraning: "arbetsträning"
        case .annan: "annan kommunal insats"
        }
    }

    public static func activityEnd(_ reason: ActivityEndReason) -> String {
        switch reason {
        case .completed: "genomförd"
        case .interrupted: "avbruten"
        case .transferred: "flyttad till en annan insats"
        case .other: "annat skäl"
        }
    }

    public static func programme(_ programme: AfProgramme) -> String {
        switch programme {
        case .jobUga: "jobb- och utvecklingsgarantin eller ungdomsgarantin"
        case .rustaOchMatcha: "Rusta och matcha"
        case .nystartsjobb: "nystartsjobb"
        case .lonebidrag: "lönebidrag"
        case .extratjanst: "extratjänst"
        case .annat: "annat program"
        }
    }

    public static func deregistration(_ reason: AfDeregistrationReason) -> String {
        switch reason {
        case .lackingWorkCapacity: "arbetsförmåga saknas"
        case .employed: "har fått arbete"
        case .studies: "studerar"
        case .noContact: "ingen kontakt"
        case .other: "annat skäl"
        }
    }

    public static func registrationFailure(_ reason: AfRegistrationFailure) -> String {
        switch reason {
        case .insufficientWorkCapacity: "otillräcklig arbetsförmåga"
        case .noContact: "ingen kontakt"
        case .other: "annat skäl"
        }
    }

    public static func sjukpenning(_ decision: SjukpenningDecision) -> String {
        switch decision {
        case .applied: "sjukpenning sökt"
        case .granted: "sjukpenning beviljad"
        case .denied: "sjukpenning avslagen"
        case .noSgi: "sjukpenning avslagen, SGI saknas"
        case .ended: "sjukpenning upphör"
        case .exhausted: "sjukpenning slut (alla dagar använda)"
        }
    }

    public static func sgi(_ status: SgiStatus) -> String {
        switch status {
        case .established: "SGI fastställd"
        case .protected: "SGI skyddad"
        case .lacking: "SGI saknas"
        case .ended: "SGI upphör"
        }
    }

    public static func benefitEnd(_ reason: BenefitEndReason) -> String {
        switch reason {
        case .periodEnded: "perioden är slut"
        case .ageLimit: "åldersgränsen är nådd"
        case .withdrawn: "indragen"
        case .other: "annat skäl"
        }
    }

    public static func sjukersattning(_ decision: SjukersattningDecision) -> String {
        switch decision {
        case .applied: "sjukersättning sökt"
        case .granted: "sjukersättning beviljad"
        case .denied: "sjukersättning avslagen"
        }
    }

    public static func sickNoteEnd(_ reason: SickNoteEndReason) -> String {
        switch reason {
        case .lapsed: "gick ut utan förnyelse"
        case .recovered: "personen är frisk"
        case .replaced: "ersatt av ett nytt läkarintyg"
        }
    }

    public static func treatment(_ status: TreatmentStatus) -> String {
        switch status {
        case .planned: "planerad"
        case .ongoing: "pågår"
        case .paused: "vilande"
        case .ended: "avslutad"
        }
    }

    public static func careUnit(_ unit: CareUnit) -> String {
        switch unit {
        case .vardcentral: "vårdcentralen"
        case .psykiatri: "psykiatrin"
        case .annan: "annan vårdenhet"
        }
    }

    public static func caseClose(_ reason: CaseCloseReason) -> String {
        switch reason {
        case .completed: "klart"
        case .handover: "överlämnat"
        case .moved: "personen har flyttat"
        case .deceased: "personen har avlidit"
        case .other: "annat skäl"
        }
    }

    public static func purpose(_ purpose: ConsentPurpose) -> String {
        switch purpose {
        case .samordning: "samordning"
        case .sip: "SIP"
        case .remiss: "remiss"
        case .handlingsplan: "handlingsplan"
        }
    }

    public static func sipAnswer(_ answer: SipAnswer) -> String {
        switch answer {
        case .accepted: "tackat ja"
        case .declined: "tackat nej"
        }
    }

    public static func planClose(_ reason: PlanCloseReason) -> String {
        switch reason {
        case .goalsReached: "målen är nådda"
        case .replaced: "ersatt av en ny plan"
        case .consentWithdrawn: "samtycket återkallat"
        case .other: "annat skäl"
        }
    }

    // MARK: - The gap rules

    /// A rule's title (the queue's heading for its flags).
    public static func ruleTitle(_ id: String) -> String {
        switch id {
        case RuleId.greyZone: "Gråzon: sjukskriven utan ersättning från Försäkringskassan"
        case RuleId.afDeregisteredNoTakeover: "Avaktualiserad hos Arbetsförmedlingen utan att någon tagit över"
        case RuleId.handoverNotOpened: "Ärende överlämnat men inte öppnat av mottagaren"
        case RuleId.handoverUnanswered: "Överlämning inte besvarad av mottagaren"
        case RuleId.aktivitetsersattningNoActivity: "Aktivitetsersättning utan aktivitetsansvar"
        case RuleId.benefitEndingNoPlan: "Ersättning upphör utan planering för tiden efter"
        case RuleId.referralUnanswered: "Remiss obesvarad"
        case RuleId.referralRejectedNoNextStep: "Remiss avvisad utan nästa steg"
        case RuleId.sickNoteLapsed: "Läkarintyget har gått ut medan ohälsa är ett hinder"
        case RuleId.pingPong: "Rundgång mellan verksamheter"
        case RuleId.conflictingDemands: "Motstridiga krav"
        case RuleId.longTermBistandNoMeasure: "Långvarigt bistånd utan insats"
        case RuleId.illHealthNoSip: "Ohälsa som hinder utan SIP"
        case RuleId.sipInvitationUnanswered: "Kallelse till SIP obesvarad"
        case RuleId.sipNotHeld: "SIP begärd men inte hållen"
        case RuleId.planWithoutLead: "Handlingsplan utan ansvarig verksamhet"
        case RuleId.planActionOverdue: "Åtgärd i handlingsplanen försenad"
        case RuleId.planActionOwnerClosed: "Åtgärd hos verksamhet som har avslutat sina ärenden"
        case RuleId.noNamedContact: "Ingen namngiven handläggare"
        default: id
        }
    }

    /// What a rule catches, in general (the catalogue; a flag's explanation is one of the
    /// sentences below).
    public static func ruleDescription(_ id: String) -> String {
        switch id {
        case RuleId.greyZone:
            "Personen är sjukskriven men får ingen ersättning från Försäkringskassan (SGI saknas eller sjukpenningen har avslagits), är inte inskriven på Arbetsförmedlingen och har bara försörjningsstöd kvar. Ingen verksamhet arbetar med vägen tillbaka."
        case RuleId.afDeregisteredNoTakeover:
            "Arbetsförmedlingen har avaktualiserat personen för att arbetsförmåga saknas, och ingen annan verksamhet har tagit över arbete/aktivitet. Personen lotsas sällan vidare."
        case RuleId.handoverNotOpened:
            "En verksamhet har avslutat sitt ärende med hänvisning till en annan verksamhet, som inte har öppnat något ärende. Under tiden äger ingen området."
        case RuleId.handoverUnanswered:
            "En verksamhet har bett en annan verksamhet att ta över ett område, och mottagaren har varken tagit emot eller avböjt överlämningen. Den som lämnar över har ofta redan släppt ärendet i praktiken, och personen blir stående mellan verksamheterna."
        case RuleId.aktivitetsersattningNoActivity:
            "Personen har aktivitetsersättning men ingen verksamhet äger arbete/aktivitet och ingen aktivitet pågår. När ersättningen tar slut hamnar personen ofta på försörjningsstöd."
        case RuleId.benefitEndingNoPlan:
            "Aktivitetsersättning, sjukpenning eller SGI upphör inom kort eller har nyss upphört, och det finns ingen planering för tiden efter (ingen handlingsplan, SIP eller inskrivning på Arbetsförmedlingen; en överlämning som mottagaren inte har tagit emot räknas inte). Personen riskerar att bli hänvisad till försörjningsstöd."
        case RuleId.referralUnanswered:
            "En remiss har inte besvarats inom svarstiden. När remisser inte tas emot eller tappas bort får personen söka hjälp om och om igen."
        case RuleId.referralRejectedNoNextStep:
            "En remiss har avvisats och den remitterande verksamheten har inte tagit något nästa steg (ny remiss, överlämning, SIP eller återkallelse)."
        case RuleId.sickNoteLapsed:
            "Läkarintyget har gått ut utan att förnyas medan ohälsa är bedömd som ett hinder och försörjningsstödet fortsätter. Kraven på personen kan ändras fast hon eller han inte har fått kontakt med vården."
        case RuleId.pingPong:
            "Personen har lämnats över fram och tillbaka mellan samma verksamheter flera gånger på kort tid och bollas mellan dem."
        case RuleId.conflictingDemands:
            "En aktivitet kräver mer tid än sjukskrivningen lämnar utrymme för. Verksamheterna ställer krav som personen inte kan leva upp till samtidigt."
        case RuleId.longTermBistandNoMeasure:
            "Personen har haft ekonomiskt bistånd i minst tio av de senaste tolv månaderna och har ingen pågående arbetsmarknadsinsats."
        case RuleId.illHealthNoSip:
            "Ohälsa har varit ett hinder i över ett år med ekonomiskt bistånd och ingen samordnad individuell plan (SIP) har begärts eller hållits."
        case RuleId.sipInvitationUnanswered:
            "En inbjuden verksamhet har inte svarat på kallelsen till SIP-möte inom svarstiden."
        case RuleId.sipNotHeld:
            "En SIP har begärts men mötet har inte hållits. Efter utskrivning från sluten vård ska regionen kalla till SIP inom tre dagar (lag 2017:612)."
        case RuleId.planWithoutLead:
            "Handlingsplanen är öppen men den verksamhet som har det övergripande ansvaret har avslutat alla sina ärenden för personen. Ingen håller ihop planen."
        case RuleId.planActionOverdue:
            "En åtgärd i handlingsplanen är inte utförd fast datumet har passerat."
        case RuleId.planActionOwnerClosed:
            "En åtgärd i handlingsplanen ligger kvar hos en verksamhet som har avslutat sina ärenden för personen. Åtgärden blir inte utförd om ingen tar över den."
        case RuleId.noNamedContact:
            "En verksamhet är aktiv för personen men har inget öppet ärende med namngiven handläggare. Personen vet inte vem hennes eller hans handläggare är."
        default: ""
        }
    }

    // MARK: - The rules' explanations: one sentence per flag, saying why and who is to act

    static func greyZone(reason: String) -> String {
        "Personen är sjukskriven men får ingen ersättning från Försäkringskassan (\(reason)), är inte inskriven på Arbetsförmedlingen och har bara försörjningsstöd kvar; Försäkringskassan och kommunen behöver tillsammans pröva ersättning och en väg tillbaka till arbete."
    }

    /// Why FK pays nothing although the person is sick.
    static func fkRefusal(_ decision: SjukpenningDecision) -> String? {
        switch decision {
        case .noSgi: "sjukpenningen har avslagits eftersom SGI saknas"
        case .denied: "sjukpenningen har avslagits"
        case .exhausted: "alla dagar med sjukpenning är använda"
        default: nil
        }
    }

    static func fkRefusal(sgi: SgiStatus) -> String { sgi == .lacking ? "SGI saknas" : "SGI har upphört" }

    static func afDeregistered(deregistered: Bool, on day: LocalDate) -> String {
        let what =
            deregistered
            ? "avaktualiserade personen \(date(day)) eftersom arbetsförmåga saknas"
            : "kunde inte skriva in personen \(date(day)) eftersom arbetsförmågan inte räcker"
        return
            "Arbetsförmedlingen \(what), och ingen annan verksamhet har tagit över arbete/aktivitet; kommunen och Försäkringskassan behöver avgöra vem som lotsar personen vidare."
    }

    static func handoverNotOpened(from: Agency, to: Agency, area: Area, closedOn: LocalDate, otherAreas: Int) -> String {
        let others = otherAreas > 0 ? " (och \(otherAreas) område till)" : ""
        return capitalised(
            "\(agency(from)) avslutade ärendet för \(self.area(area))\(others) \(date(closedOn)) med hänvisning till \(agency(to)), som inte har öppnat något ärende; \(agency(to)) behöver öppna ärendet eller \(agency(from)) ta tillbaka det."
        )
    }

    static func handoverUnanswered(from: Agency, to: Agency, area: Area, requested: LocalDate, otherHandovers: Int) -> String {
        let others = otherHandovers > 0 ? " (och \(otherHandovers) överlämning till)" : ""
        return capitalised(
            "\(agency(from)) begärde \(date(requested)) att \(agency(to)) tar över \(self.area(area)) och har inte fått något svar\(others); \(agency(to)) behöver ta emot överlämningen eller avböja den med skäl, och till dess är det \(agency(from)) som äger ärendet."
        )
    }

    static func aktivitetsersattning(from: LocalDate, until: LocalDate) -> String {
        "Personen har aktivitetsersättning sedan \(date(from)) men ingen verksamhet har aktivitetsansvaret och ingen aktivitet pågår; Försäkringskassan behöver se till att någon tar ansvar för aktivitet innan ersättningen tar slut \(date(until))."
    }

    /// `what` is "aktivitetsersättning", "sjukpenning" or "SGI"; the tense follows the day.
    static func benefitEnding(_ what: String, end: LocalDate, today: LocalDate) -> String {
        let verb = end > today ? "upphör" : "upphörde"
        return
            "Personens \(what) \(verb) \(date(end)) och det finns ingen planering för tiden efter; Försäkringskassan behöver tillsammans med kommunen planera för tiden efter så att personen inte bara hänvisas till försörjningsstöd."
    }

    static func referralUnanswered(from: Agency, to: Agency, sent: LocalDate, otherReferrals: Int) -> String {
        let others = otherReferrals > 0 ? " (och \(otherReferrals) remiss till)" : ""
        return
            "Remissen från \(agency(from)) till \(agency(to)) skickades \(date(sent)) och har inte besvarats\(others); \(agency(to)) behöver ta ställning till remissen."
    }

    static func referralRejected(from: Agency, to: Agency, on day: LocalDate) -> String {
        capitalised(
            "\(agency(to)) avvisade remissen från \(agency(from)) \(date(day)) och inget nästa steg har tagits; \(agency(from)) behöver remittera vidare, lämna över eller kalla till SIP."
        )
    }

    static func sickNoteLapsed(on day: LocalDate) -> String {
        "Personens läkarintyg gick ut \(date(day)) utan att förnyas medan ohälsa är ett hinder och försörjningsstödet fortsätter; regionen behöver bedöma fortsatt sjukskrivning och kommunen se över kraven under tiden."
    }

    static func pingPong(count: Int, between pair: [Agency], since: LocalDate) -> String {
        "Personen har lämnats över \(count) gånger mellan \(agencies(pair)) sedan \(date(since)) och bollas mellan dem; \(agencies(pair)) behöver enas om vem som äger ärendet."
    }

    /// `capacity` is what the sick note leaves (100 − its extent).
    static func conflictingDemands(sickPercent: Int, demandPercent: Int, capacityPercent: Int, actors: [Agency]) -> String {
        let conflict =
            capacityPercent <= 0
            ? "Personen är sjukskriven på heltid, så ingen arbetsförmåga återstår, men har aktivitetskrav på \(demandPercent) procent"
            : "Personen är sjukskriven på \(sickPercent) procent men har aktivitetskrav på \(demandPercent) procent, mer än de \(capacityPercent) procent av arbetsförmågan som återstår"
        return "\(conflict); \(agencies(actors)) behöver anpassa kraven efter sjukskrivningen."
    }

    static func longTermBistand(months: Int, window: Int) -> String {
        "Personen har haft ekonomiskt bistånd \(months) av de senaste \(window) månaderna utan någon pågående arbetsmarknadsinsats; kommunen behöver tillsammans med Arbetsförmedlingen planera en insats."
    }

    static func illHealthNoSip(since: LocalDate) -> String {
        "Ohälsa har varit ett hinder sedan \(date(since)) medan personen haft ekonomiskt bistånd, och ingen SIP har begärts; kommunen eller regionen behöver kalla till en samordnad individuell plan."
    }

    /// "Arbetsförmedlingen har inte svarat på kommunens kallelse till SIP-möte, fast svaret skulle ha kommit senast …".
    static func sipInvitationUnanswered(invitee: Agency, caller: Agency, answerBy: LocalDate, toAnswer: [Agency]) -> String {
        capitalised(
            "\(agency(invitee)) har inte svarat på \(agency(caller))s kallelse till SIP-möte, fast svaret skulle ha kommit senast \(date(answerBy)); \(agencies(toAnswer)) behöver svara."
        )
    }

    static func sipNotHeld(requested: LocalDate, caller: Agency, afterDischarge: Bool, callDays: Int) -> String {
        afterDischarge
            ? "En SIP efter utskrivning från sluten vård begärdes \(date(requested)) men ingen har kallat till mötet inom \(callDays) dagar (lag 2017:612); \(agency(caller)) behöver kalla till mötet."
            : "En SIP begärdes \(date(requested)) men mötet har inte hållits; \(agency(caller)) behöver hålla mötet eller ställa in det med skäl."
    }

    static func planWithoutLead(lead: Agency, closedOn: LocalDate, others: [Agency]) -> String {
        capitalised(
            "\(agency(lead)) har det övergripande ansvaret för handlingsplanen men avslutade sina ärenden för personen \(date(closedOn)); \(others.isEmpty ? "parterna" : agencies(others)) behöver utse en ny ansvarig."
        )
    }

    /// `who`: the owner, with the named person in parentheses when known.
    static func planActionOverdue(description: String, due: LocalDate, otherActions: Int, owner: Agency, contact: String?) -> String {
        let others = otherActions > 0 ? " (och \(otherActions) åtgärd till)" : ""
        let who = contact.map { "\(agency(owner)) (\($0))" } ?? agency(owner)
        return
            "Åtgärden \(quoted(withoutFinalStop(description))) skulle ha varit utförd senast \(date(due))\(others); \(who) behöver utföra den, annars behöver handlingsplanen följas upp."
    }

    static func planActionOwnerClosed(description: String, owner: Agency, closedOn: LocalDate, lead: Agency) -> String {
        "Åtgärden \(quoted(withoutFinalStop(description))) ligger hos \(agency(owner)), som avslutade sina ärenden för personen \(date(closedOn)); \(agency(lead)), som ansvarar för handlingsplanen, behöver fördela om den."
    }

    static func noNamedContact(_ agencies: [Agency], since: LocalDate) -> String {
        let who = self.agencies(agencies)
        return capitalised(
            "\(who) är \(agencies.count > 1 ? "aktiva" : "aktiv") för personen sedan \(date(since)) men har inget öppet ärende med namngiven handläggare; \(who) behöver namnge en handläggare och berätta det för personen."
        )
    }

    // MARK: - Resolutions

    static func consentResolution(withdrawn: Bool) -> String {
        withdrawn ? "Samtycke återkallat." : "Samtycke upphört: giltighetstiden gick ut."
    }

    static func conditionOver(byTime: Bool) -> String {
        byTime ? "Villkoret gäller inte längre (omprövat när tiden gått)." : "Villkoret gäller inte längre efter nya händelser."
    }
}

// MARK: - Work on flags (issue 21)

extension Svenska {
    /// A refused action on a flag, as the dashboard shows it beside the field.
    public static func flagWorkRefusal(_ refusal: FlagWorkRefusal) -> String {
        switch refusal.reason {
        case .resolved: return "Flaggan är redan löst, så arbetet med den är avslutat."
        case .closed: return "Flaggan är stängd som ingen brist. Du kan kommentera den, men inget annat förrän personens situation ändras."
        case .alreadyYours: return "Du har redan tagit flaggan."
        case .alreadyAssigned: return "Flaggan är redan tilldelad den personen."
        case .badPhone: return "Skriv telefonnumret med siffror, mellanslag, bindestreck eller plus (3–30 tecken)."
        case .dueInPast: return "Välj i dag eller ett senare datum."
        case .asideNotFuture: return "Välj ett datum efter i dag."
        case .asideTooLong: return "Lägg inte undan flaggan längre än ett år (\(FlagWork.maxAsideDays) dagar)."
        case .badDate: return "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-15."
        case .badAgency: return "Välj verksamhet."
        case .missing: return missingText(refusal.field)
        case .text(let reason):
            if reason.contains("personnummer") || reason.contains("identity number") || reason.contains("samordningsnummer") {
                return "Skriv inte personnummer eller samordningsnummer här. Personen identifieras med personreferensen."
            }
            if reason.hasPrefix("must be at most") {
                let limit = refusal.field == "name" ? Check.maxNameLength : Check.maxTextLength
                return "Texten är för lång. Skriv högst \(limit) tecken."
            }
            return missingText(refusal.field)
        }
    }

    static func missingText(_ field: String?) -> String {
        switch field {
        case "comment": return "Skriv en kommentar."
        case "nextStep": return "Skriv vad som ska hända härnäst."
        case "dueOn": return "Välj datum för nästa steg."
        case "until": return "Välj datum då flaggan ska tillbaka."
        case "reason": return "Skriv varför."
        case "name": return "Skriv namnet på den som ska agera."
        case "agency": return "Välj verksamhet."
        default: return "Fyll i fältet."
        }
    }

    /// Why a flag set aside or closed is back in the queue.
    public static func flagReopened(ownEvidence: Bool) -> String {
        ownEvidence
            ? "Tillbaka i kön: underlaget för flaggan har ändrats."
            : "Tillbaka i kön: personens situation har ändrats (en annan flagga för personen har ändrats)."
    }
}
