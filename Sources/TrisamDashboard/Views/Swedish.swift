import Foundation
import TrisamContracts
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
    public static func severity(_ severity: FlagSeverity) -> String {
        switch severity {
        case .high: "Hög"
        case .medium: "Medel"
        case .low: "Låg"
        }
    }

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
