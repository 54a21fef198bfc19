import Foundation
import TrisamContracts

/// The Swedish words the coordinator uses for what the agencies report: one date format, the
/// agencies' names in running text, and each vocabulary's codes as staff say them. The gap
/// rules' titles and explanations (``RuleTexts``), the timeline and the dashboard all take their
/// words from here, so that one term is used for one thing.
public enum Svenska {
    public static let months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    static let monthNames = [
        "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december",
    ]

    /// The one date format of everything staff read: "3 dec 2026".
    public static func date(_ day: LocalDate) -> String { "\(day.day) \(months[day.month - 1]) \(day.year)" }

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
    public static func agency(_ agency: Agency) -> String {
        switch agency {
        case .kommun, .region: agency.displayName.lowercased()
        case .af, .fk: agency.displayName
        }
    }

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
}
