import Foundation
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamWeb

/// Every Swedish text the dashboard builds in code, in one place for review: dates, ages,
/// severities, agencies, statuses, messages and refusals. The words for what the agencies
/// report come from ``Svenska`` (shared with the gap rules and the timeline); the page
/// furniture (headings, labels, column names) is in the templates.
///
/// Terms used throughout: "verksamhet" for kommun, Arbetsförmedlingen, Försäkringskassan and
/// region alike (as in the SIP calendar file); "åtgärd" for what a handlingsplan assigns;
/// "läkarintyg" for a sick note; "kallande" for the agency that calls a SIP; "avaktualiserad"
/// for AF's deregistration. One date format: "3 dec 2026". Quotations in ” ”.
public enum Swedish {
    // MARK: - Dates and ages

    /// "24 nov 2026" (``Svenska/date(_:)``: the one date format).
    public static func date(_ day: LocalDate) -> String { Svenska.date(day) }

    /// "24 nov" (axis labels).
    public static func shortDate(_ day: LocalDate) -> String { "\(day.day) \(Svenska.months[day.month - 1])" }

    /// The Stockholm date of a moment, "24 nov 2026".
    public static func date(of moment: Date) -> String { date(StockholmTime.date(of: moment)) }

    /// "24 nov 2026 09:05" in Stockholm time.
    public static func dateTime(_ moment: Date) -> String { Svenska.dateTime(moment) }

    /// "09:05" in Stockholm time.
    public static func time(_ moment: Date) -> String { Svenska.time(moment) }

    /// "i dag", "1 dag", "12 dagar"; negative counts read "om 3 dagar".
    public static func days(_ count: Int) -> String {
        switch count {
        case 0: "i dag"
        case 1: "1 dag"
        case let n where n < 0: n == -1 ? "om 1 dag" : "om \(-n) dagar"
        default: "\(count) dagar"
        }
    }

    /// A length of time in days: "0 dagar", "1 dag", "12 dagar".
    public static func duration(_ count: Int) -> String { count == 1 ? "1 dag" : "\(count) dagar" }

    /// Whole Stockholm calendar days from `from` to `to` (negative if `to` is earlier).
    public static func daysBetween(_ from: LocalDate, _ to: LocalDate) -> Int { to.daysSinceEpoch - from.daysSinceEpoch }

    static let today = "i dag"
    static let ongoing = "pågår"

    // MARK: - Agencies and people

    /// "Hög", "Medel", "Låg".
    public static func severity(_ severity: FlagSeverity) -> String { severity.swedishName }

    /// "Försäkringskassan och kommunen", "Kommunen, Arbetsförmedlingen och regionen": a list that
    /// starts a cell, with kommunen and regionen in lower case mid-phrase.
    public static func agencyList(_ agencies: [Agency]) -> String {
        agencies.isEmpty ? "ingen angiven" : Svenska.capitalised(Svenska.agencies(agencies))
    }

    /// "Frida Ek, handläggare, tel. 010-123 45 67".
    public static func contact(_ contact: Contact) -> String {
        ([contact.name, contact.role] + [contact.phone.map { "tel. \($0)" }]).compactMap { $0 }.joined(separator: ", ")
    }

    /// "Karin Lind (kommunen), Frida Ek (Försäkringskassan)".
    static func attendees(_ attendees: [Attendee]) -> String {
        attendees.map { "\($0.name) (\(Svenska.agency($0.agency)))" }.joined(separator: ", ")
    }

    /// The short code shown for a person: the first 8 characters of the clientRef.
    public static func shortRef(_ clientRef: String) -> String { String(clientRef.prefix(8)) }

    static let coordinator = "Samordnaren"

    // MARK: - Person page

    static let noOwner = "Ingen ägare"
    /// An area nobody needs to own: no gap.
    static let notNeeded = "Inte aktuellt"
    static let unknownArea = "okänt område"

    /// Samordning without an owner, held by a handlingsplan's lead or a SIP's caller.
    static func covered(by agency: Agency, plan: Bool, short: Bool) -> String {
        if short { return plan ? "Handlingsplan (\(Svenska.agency(agency)))" : "SIP (\(Svenska.agency(agency)))" }
        return plan
            ? "Ingen ägare; \(Svenska.agency(agency)) leder handlingsplanen" : "Ingen ägare; \(Svenska.agency(agency)) har kallat till SIP"
    }
    static let noMeetingTime = "Ingen tid bokad"
    static let ownershipChartTitle = "Ägarskap per område över tid"

    static func resolvedFlags(_ count: Int) -> String {
        switch count {
        case 0: "Inga lösta flaggor tidigare."
        case 1: "1 löst flagga tidigare."
        default: "\(count) lösta flaggor tidigare."
        }
    }

    static func missingEvidence(_ count: Int) -> String {
        count == 1
            ? "1 händelse som flaggan bygger på finns inte längre i historiken."
            : "\(count) händelser som flaggan bygger på finns inte längre i historiken."
    }

    static func pendingHandover(from: Agency, to: Agency, requested: LocalDate) -> String {
        "Överlämning från \(Svenska.agency(from)) till \(Svenska.agency(to)) begärd \(date(requested)), inte besvarad"
    }

    static func handoverMarker(day: LocalDate, text: String, count: Int) -> String {
        (count == 1 ? "Överlämning" : "\(count) överlämningar") + " \(date(day)): \(text)"
    }

    static func referralStatus(_ status: ReferralStatus) -> String {
        switch status {
        case .sent: "Skickad, obesvarad"
        case .received: "Mottagen"
        case .accepted: "Accepterad"
        case .rejected: "Avvisad"
        }
    }

    /// A SIP (en SIP): held, cancelled, booked, or requested and not booked.
    static func sipStatus(_ sip: SipState, overdue: Bool) -> String {
        if let held = sip.held { return "Hållen \(date(held.on))" }
        if let cancelled = sip.cancelled { return "Inställd \(date(cancelled.on))" }
        if sip.meeting != nil { return overdue ? "Mötestiden har passerat utan att mötet registrerats som hållet" : "Bokad" }
        return "Begärd, inte bokad"
    }

    /// "Arbetsförmedlingen: tackat ja", "Regionen: inte svarat (svar senast 3 dec 2026)".
    static func invitation(_ invitation: SipInvitationState, today: LocalDate) -> String {
        let answer =
            switch invitation.answer {
            case .some(let answer): Svenska.sipAnswer(answer)
            case nil:
                invitation.answerBy < today
                    ? "inte svarat (svar senast \(date(invitation.answerBy)))" : "svar senast \(date(invitation.answerBy))"
            }
        return "\(invitation.invitee.displayName): \(answer)"
    }

    /// An action's status: done (or found not possible, with the reason) on a day, overdue, or under way.
    static func actionStatus(_ action: PlanActionState, overdue: Bool) -> String {
        guard let completed = action.completed else { return overdue ? "Försenad" : "Pågår" }
        if let reason = action.notPossibleReason {
            return "Inte möjlig \(date(completed.on)): \(Svenska.withoutFinalStop(reason))"
        }
        return "Klar \(date(completed.on))"
    }

    /// What the end of an agency's samordning consent means for the page, in one sentence.
    static func consentEnd(_ end: ConsentEnd) -> String {
        let how =
            switch end.reason {
            case .withdrawn: "återkallades" + (end.registeredBy.map { " (registrerat av \(Svenska.agency($0)))" } ?? "")
            case .expired: "upphörde att gälla"
            }
        let agency = Svenska.agency(end.agency)
        return
            "Samtycket till samordning för \(agency) \(how) \(date(end.endedOn)). Uppgifter från \(agency) har raderats och används inte längre."
    }

    // MARK: - Pages and refusals

    static let invalidPersonTitle = "Ogiltig personreferens"
    static let invalidPerson = "Personreferensen ska vara 32 tecken, siffror 0–9 och bokstäver a–f."
    static let unknownPersonTitle = "Okänd person"
    static let unknownPerson = "Det finns inga uppgifter om den här personen."
    // Shared with the agencies' workspaces (``WebSwedish``).
    static let notFoundTitle = WebSwedish.notFoundTitle
    static func notFound(_ path: String) -> String { WebSwedish.notFound(path, backTo: "kön") }
    static let pageFailed = WebSwedish.pageFailed
    static let formExpiredTitle = WebSwedish.formExpiredTitle
    static let formExpired = WebSwedish.formExpired

    /// Below a list that shows fewer than it holds: "Visar de 500 första av 12 345."; nil when it
    /// shows all.
    static func shownOf(_ shown: Int, _ total: Int) -> String? {
        shown < total ? "Visar de \(number(shown)) första av \(number(total))." : nil
    }

    /// A whole number with a space between thousands, as Swedish writes it: "12 345".
    static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append("\u{00A0}") }
            grouped.append(digit)
        }
        return (value < 0 ? "−" : "") + grouped
    }

    /// One line of the summary of events beyond the retention window: "Arbetsförmedlingen:
    /// program startat, 3 gånger 12 jan 2025–4 mar 2025".
    static func olderEvents(_ entry: TimelineSummaryEntry) -> String {
        let who = EventSource(uri: entry.source)?.agency?.displayName ?? coordinator
        let what = EventType(rawValue: entry.type).map(TimelineSummary.description(of:)) ?? entry.type
        let first = date(StockholmTime.date(of: entry.firstTime))
        let last = date(StockholmTime.date(of: entry.lastTime))
        let times = entry.count == 1 ? "en gång \(first)" : "\(entry.count) gånger \(first)–\(last)"
        return "\(who): \(what), \(times)"
    }

    /// Refusals of the queue's filters: each names the filter by its label.
    static func unknownFilter(_ name: String, known: [String]) -> String {
        "Filtret \(Svenska.quoted(name)) finns inte. Kön kan filtreras på \(known.map(Svenska.quoted).joined(separator: ", "))."
    }
    static func badRule(_ text: String) -> String { "Regel: det finns ingen regel \(Svenska.quoted(text))." }
    static func badAgency(_ text: String) -> String {
        "Verksamhet som ska agera: ska vara kommun, af, fk eller region, inte \(Svenska.quoted(text))."
    }
    static func badSeverity(_ text: String) -> String {
        "Allvarlighet: ska vara high (hög), medium (medel) eller low (låg), inte \(Svenska.quoted(text))."
    }
    static func badMinDays(_ text: String) -> String {
        "Minst antal dagar: ska vara ett heltal från 0 till 36500, inte \(Svenska.quoted(text))."
    }
    static let allRules = "Alla regler"

    /// The queue's live-update line; the page's script fills in {tid} and {antal}.
    struct LiveTexts {
        var fetched: String
        var updated = "Uppdaterad {tid}: {antal} öppna flaggor totalt."
        var checked = "Uppdateras automatiskt. Senast kontrollerad {tid}."
        var loggedOut = "Du har loggats ut. Ladda om sidan för att logga in igen."
        var failed = "Kunde inte hämta uppdateringar just nu; försöker igen."
        /// The badge of a row that came in since the page was loaded.
        var newBadge = Swedish.liveNew
        /// Before the tab's title while new rows came in.
        var newTitle = Swedish.liveTitle
    }
    static func live(fetchedAt time: String) -> LiveTexts { LiveTexts(fetched: "Uppdateras automatiskt. Senast hämtad \(time).") }

    // MARK: - Page titles, calendar and overview

    static let queueTitle = "Att agera på"
    static func personTitle(_ shortRef: String) -> String { "Person \(shortRef)" }
    static let calendarTitle = "SIP-kalender"
    static let overviewTitle = "Översikt"

    /// "1 dag sedan", "5 dagar sedan".
    static func daysAgo(_ count: Int) -> String { count == 1 ? "1 dag sedan" : "\(count) dagar sedan" }
    static let sipMeeting = "SIP-möte"
    static let sipRequested = "SIP begärd"
    static let sipRequestedAfterDischarge = "SIP begärd efter utskrivning"
    static let planFollowUp = "Uppföljning av plan"
    static func calendarParticipants(caller: Agency, invited: [Agency]) -> String {
        "Kallande: \(caller.displayName); inbjudna: \(Svenska.agencies(invited))"
    }
    static func planFollowUpDetail(lead: Agency, open: Int, of count: Int) -> String {
        "Ansvarig: \(lead.displayName); \(open) av \(count) åtgärder kvar"
    }

    static let referralBuckets = ["0–3 dagar", "4–7 dagar", "8–14 dagar", "15–30 dagar", "över 30 dagar"]
    static let trendAll = "Alla öppna"
    static let trendHigh = "Hög allvarlighet"
    static let byRuleChartTitle = "Öppna flaggor per regel"
    static let trendChartTitle = "Öppna flaggor per dag, de senaste 60 dagarna"
    static let referralsAnswered = "Besvarade: tid till svar"
    static let referralsWaiting = "Obesvarade: väntat hittills"
    static let referralChartTitle = "Remissers svarstider"
    static let ownershipOverviewTitle = "Personer per verksamhet och område"
    static let noData = "Ingen data"
    static func trendDescription(from: LocalDate, to: LocalDate, last: String) -> String {
        "Från \(date(from)) till \(date(to)); senast \(last)"
    }
    static let allAgencies = "Alla verksamheter"
    static let allSeverities = "Alla"
    static let loginMissing = WebSwedish.loginMissing
    static let loginUnknown = WebSwedish.loginUnknown

    // MARK: - Finding a person (/sok)

    static let searchTitle = "Sök person"
    static let searchEmpty = "Fyll i ett personnummer, samordningsnummer eller reservnummer, eller en personreferens."
    static let searchBoth = "Sök på antingen nummer eller personreferens, inte båda på en gång."
    static let searchNoSecret =
        "Sökning på personnummer fungerar inte här: samordnaren har startats utan den gemensamma nyckeln som gör om ett personnummer till en personreferens. Sök på personreferens i stället, eller kontakta den som ansvarar för driften av Trisam."
    static let noPersonWithNumber =
        "Samordnaren har inga uppgifter om någon med det numret. Samordnaren känner bara till personer som någon verksamhet har registrerat samtycke eller händelser för."
    static func noPersonWithReference(_ prefix: String) -> String {
        "Ingen person har en personreferens som börjar på \(Svenska.quoted(prefix))."
    }
    static let badReference =
        "Personreferens: skriv minst 4 och högst 32 tecken, bara siffror 0–9 och bokstäverna a–f, till exempel de 8 tecken som sidorna visar."
    static let badReservnummer = "Reservnummer: ska vara 6–20 tecken, bokstäver A–Z och siffror, minst en av varje."

    /// What is wrong with a typed personnummer or samordningsnummer, naming the field, never the number.
    static func badPersonnummer(_ error: PersonalIdentityNumberError) -> String {
        let why =
            switch error {
            case .empty: "fyll i numret"
            case .invalidCharacters: "numret får bara innehålla siffror och ett bindestreck eller plustecken"
            case .wrongLength(let count): "numret har \(count) siffror men ska ha 10 (ÅÅMMDD-NNNN) eller 12 (ÅÅÅÅMMDD-NNNN)"
            case .misplacedSeparator: "bindestrecket eller plustecknet ska stå före de fyra sista siffrorna"
            case .invalidMonth: "månaden finns inte"
            case .invalidDay(let day, _):
                day > 60
                    ? "dagen finns inte i den månaden (i ett samordningsnummer är dagen ökad med 60)" : "dagen finns inte i den månaden"
            case .checksumMismatch: "kontrollsiffran stämmer inte. Kontrollera att du har skrivit av numret rätt"
            case .birthDateInFuture: "födelsedatumet ligger i framtiden"
            }
        return "Personnummer: \(why)."
    }

    /// "2 personer matchar"; "Fler än 50 personer matchar".
    static func searchMatches(_ count: Int, truncated: Bool) -> String {
        truncated ? "Fler än \(count) personer matchar" : "\(count) personer matchar"
    }
    static func searchTruncated(_ limit: Int) -> String {
        "Visar de \(limit) första. Skriv fler tecken av personreferensen för att hitta rätt person."
    }

    // MARK: - Export and print

    static let exportRefusedTitle = "Exporten kunde inte göras"
    /// The columns of the queue's CSV file.
    static let exportColumns = [
        "Personreferens", "Allvarlighet", "Regel", "Varför personen har fastnat", "Verksamhet som ska agera", "Ålder i dagar", "Sedan",
        "Flaggad", "Fullständig personreferens",
    ]

    /// "2026-11-24 09:05" in Stockholm time (what a spreadsheet reads as a date and time).
    static func isoDateTime(_ moment: Date) -> String { "\(StockholmTime.date(of: moment).description) \(Svenska.time(moment))" }

    /// The print view's notice: who printed the page when, and how to keep the paper.
    static func printNotice(reader: String, at moment: Date) -> String {
        "Utskriven \(dateTime(moment)) av \(reader). Utskriften innehåller uppgifter om en enskild person: förvara den inlåst och förstör den när den inte längre behövs."
    }

    // MARK: - Work on flags and the queue by person (issue 21)

    static func badView(_ text: String) -> String {
        "Vy: ska vara mina, ej-tilldelade eller bortlagda, inte \(Svenska.quoted(text))."
    }
    static func badPageSize(_ text: String) -> String {
        "Personer per sida: ska vara ett heltal från 10 till 200, inte \(Svenska.quoted(text))."
    }
    static let badPage = "Sida: länken till sidan är trasig. Börja om från första sidan."

    /// The views of the queue, as the tabs name them.
    static func viewName(_ view: QueueFilter.View) -> String {
        switch view {
        case .all: "Alla"
        case .mine: "Mina"
        case .unassigned: "Ej tilldelade"
        case .aside: "Bortlagda"
        }
    }

    /// The queue's heading: "12 personer med 15 öppna flaggor" (in a view: "Mina: …").
    static func queueHeading(persons: Int, flags: Int, view: QueueFilter.View, filtered: Bool) -> String {
        let who = persons == 1 ? "1 person" : "\(persons) personer"
        let what = flags == 1 ? "1 \(filtered ? "matchande " : "")öppen flagga" : "\(flags) \(filtered ? "matchande " : "")öppna flaggor"
        let prefix = view == .all ? "" : "\(viewName(view)): "
        return "\(prefix)\(who) med \(what)"
    }

    /// "Visar 1–50 av 120 personer."
    static func pageRange(from: Int, to: Int, of total: Int) -> String {
        total == 0 ? "" : "Visar \(from)–\(to) av \(total) \(total == 1 ? "person" : "personer")."
    }

    static func openFlagCount(_ count: Int) -> String { "\(count) öppna flaggor" }

    /// Who works a flag, whether it waits, and the next step: one line, or nil when nothing is
    /// recorded.
    static func workStatus(_ work: FlagWork, today: LocalDate) -> String? {
        var parts: [String] = []
        switch work.owner {
        case .coordinator(let name): parts.append("Tagen av \(name)")
        case .assignee(let contact, let agency): parts.append("Tilldelad \(contact.name), \(Svenska.agency(agency))")
        case nil: break
        }
        switch work.parked {
        case .aside(let until, _) where until > today: parts.append("bortlagd till \(date(until))")
        case .aside(let until, _): parts.append("tillbaka sedan \(date(until))")
        case .closed: parts.append("stängd – ingen brist")
        case nil: break
        }
        if let step = work.nextStep {
            // A step not done by its day is an alert while the flag is pending.
            let when =
                step.dueOn < today ? "nästa steg försenat, skulle vara klart \(date(step.dueOn))" : "nästa steg senast \(date(step.dueOn))"
            parts.append("\(when): \(Svenska.withoutFinalStop(step.text))")
        }
        guard !parts.isEmpty else { return nil }
        return Svenska.capitalised(parts.joined(separator: "; ")) + "."
    }

    /// What one entry of a flag's history says.
    static func historyText(_ entry: FlagHistoryEntry) -> String {
        let text = entry.text.map(Svenska.withoutFinalStop) ?? ""
        switch entry.type {
        case EventType.flagTaken.rawValue: return "Tog flaggan."
        case EventType.flagAssigned.rawValue:
            let phone = entry.phone.map { ", tel. \($0)" } ?? ""
            return "Tilldelade flaggan till \(entry.assignee ?? "?"), \(entry.agency.map(Svenska.agency) ?? "?")\(phone)."
        case EventType.flagCommented.rawValue: return "Kommentar: \(Svenska.quoted(text))"
        case EventType.flagNextStepAgreed.rawValue:
            return "Nästa steg, senast \(entry.day.map(date) ?? "?"): \(text)."
        case EventType.flagSetAside.rawValue: return "Lade flaggan åt sidan till \(entry.day.map(date) ?? "?"). Skäl: \(text)."
        case EventType.flagClosed.rawValue: return "Stängde flaggan – ingen brist. Skäl: \(text)."
        case EventType.flagReopened.rawValue: return text + "."
        default: return entry.type
        }
    }

    /// Who did it: the coordinator, or Trisam itself.
    static func historyActor(_ entry: FlagHistoryEntry) -> String { entry.actor ?? "Trisam" }

    static func flagRaisedHistory(_ flag: FlagRow) -> String { "Flaggan restes: \(Svenska.withoutFinalStop(flag.title))." }
    static func flagResolvedHistory(_ resolution: String?) -> String {
        "Flaggan löstes av sig själv\(resolution.map { ": \(Svenska.withoutFinalStop($0))" } ?? ""). Arbetet med den är avslutat."
    }

    /// After an action was recorded (the page's notice).
    static func workDone(_ kind: FlagAction.Kind) -> String {
        switch kind {
        case .take: "Du har tagit flaggan."
        case .assign: "Flaggan är tilldelad."
        case .comment: "Kommentaren är sparad."
        case .nextStep: "Nästa steg är sparat."
        case .setAside: "Flaggan är lagd åt sidan."
        case .close: "Flaggan är stängd som ingen brist."
        }
    }
    static let unknownFlag = "Flaggan finns inte längre. Ladda om sidan."
    static let readOnly = "Åtgärder på flaggor kan inte sparas just nu."
    static let liveNew = "Ny"
    static let formRefused = "Formuläret kunde inte sparas. Se det markerade fältet nedan; det du skrev finns kvar."
    static let chooseAgency = "Välj verksamhet"
    /// The tab title while new rows came in: "(3 nya) Att agera på – Trisam"; the script fills in {antal}.
    static let liveTitle = "({antal} nya) "
}

/// Colours per agency for charts: each has at least 4.5:1 contrast against white text.
public enum AgencyColour {
    public static func fill(_ agency: Agency) -> String {
        switch agency {
        case .kommun: "#1f5fa8"
        case .af: "#1b7240"
        case .fk: "#6f3a94"
        case .region: "#9a3f16"
        }
    }
}
