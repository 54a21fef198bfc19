import Foundation
import TrisamContracts
import TrisamSip

/// The Swedish e-mails an agency sends about the SIP meetings it calls, written as a
/// handläggare would write them. Pure: no I/O.
///
/// A mail travels outside Trisam, to mail systems the agencies do not control, so it says only
/// when, where, who calls and how to answer: never the person's name, personnummer or
/// clientRef, never why the SIP was called or why it was cancelled (health and social-services
/// details stay in Trisam). The meeting is named by ``reference(sipId:)``, which staff can look
/// up in the workspace.
enum MailTexts {
    /// A mail's subject and text.
    struct Text: Sendable, Hashable {
        var subject: String
        var body: String
    }

    /// The meeting as a mail describes it.
    struct Meeting: Sendable, Hashable {
        var start: Date
        var end: Date
        var location: String?
        var caller: Agency
        /// The named staff member who calls the meeting.
        var organizer: String
        var agencies: [Agency]
        var reference: String
    }

    /// The reference of a SIP in mails: `SIP-` and the first 8 characters of its id, upper-cased.
    static func reference(sipId: String) -> String {
        "SIP-" + sipId.replacingOccurrences(of: "-", with: "").prefix(8).uppercased()
    }

    /// The invitation to an agency's named contact when a SIP is called.
    static func invitation(
        to name: String, invitee: Agency, caller: Agency, organizer: String, answerBy: LocalDate, reference: String, link: String
    ) -> Text {
        Text(
            subject: "Kallelse till SIP-möte – svara senast \(day(answerBy))",
            body: lines(
                "Hej \(name),",
                "",
                "\(caller.displayName) kallar \(invitee.displayName) till ett SIP-möte (samordnad individuell plan).",
                "Svara senast \(weekdayAndDay(answerBy)) om ni deltar, och i så fall vem som kommer och vilka tider ni kan.",
                "Tid och plats bokas när alla har svarat, och då får du en kalenderinbjudan.",
                "",
                "Kallande: \(caller.displayName), \(organizer)",
                "Referens: \(reference)",
                "",
                "Svara i Trisam: \(link)",
                signature(organizer, caller)))
    }

    /// A booked meeting (sequence 0) or a new time for it (sequence above 0), with the calendar
    /// invitation attached.
    static func scheduled(to name: String, meeting: Meeting, sequence: Int, link: String) -> Text {
        let rescheduled = sequence > 0
        return Text(
            subject: (rescheduled ? "Ny tid för SIP-möte: " : "SIP-möte bokat: ") + when(meeting.start, meeting.end),
            body: lines(
                "Hej \(name),",
                "",
                rescheduled
                    ? "SIP-mötet (samordnad individuell plan) har fått en ny tid. Den tidigare tiden gäller inte längre."
                    : "Ett SIP-möte (samordnad individuell plan) är bokat och du är kallad.",
                "",
                "Tid: \(when(meeting.start, meeting.end))",
                "Plats: \(meeting.location ?? "meddelas av den som kallar")",
                "Kallande: \(meeting.caller.displayName), \(meeting.organizer)",
                "Deltagande verksamheter: \(meeting.agencies.map(\.displayName).joined(separator: ", "))",
                "Referens: \(meeting.reference)",
                "",
                "En kalenderinbjudan finns bifogad. Mer om mötet finns i Trisam: \(link)",
                "Kan du inte komma? Hör av dig till den som kallar.",
                signature(meeting.organizer, meeting.caller)))
    }

    /// A cancelled meeting: with its time when it was booked (and the calendar cancellation
    /// attached), else the invitation is withdrawn. The reason stays in Trisam.
    static func cancelled(to name: String, meeting: Meeting?, caller: Agency, organizer: String, reference: String, link: String) -> Text {
        guard let meeting else {
            return Text(
                subject: "Inställt: kallelse till SIP-möte (\(reference))",
                body: lines(
                    "Hej \(name),",
                    "",
                    "\(caller.displayName) har ställt in SIP-mötet (samordnad individuell plan) som du var kallad till. "
                        + "Du behöver inte svara på kallelsen.",
                    "",
                    "Kallande: \(caller.displayName), \(organizer)",
                    "Referens: \(reference)",
                    "",
                    "Mer i Trisam: \(link)",
                    signature(organizer, caller)))
        }
        return Text(
            subject: "Inställt: SIP-möte \(when(meeting.start, meeting.end))",
            body: lines(
                "Hej \(name),",
                "",
                "SIP-mötet (samordnad individuell plan) är inställt.",
                "",
                "Tid som gällde: \(when(meeting.start, meeting.end))",
                "Plats: \(meeting.location ?? "–")",
                "Kallande: \(meeting.caller.displayName), \(meeting.organizer)",
                "Referens: \(meeting.reference)",
                "",
                "Den bifogade filen tar bort mötet ur din kalender. Mer i Trisam: \(link)",
                signature(meeting.organizer, meeting.caller)))
    }

    /// The reminder to an invited agency's named contact whose answer is overdue.
    static func reminder(
        to name: String, invitee: Agency, caller: Agency, organizer: String, answerBy: LocalDate, reference: String, link: String
    ) -> Text {
        Text(
            subject: "Påminnelse: svara på kallelsen till SIP-möte (\(reference))",
            body: lines(
                "Hej \(name),",
                "",
                "\(caller.displayName) har inte fått svar från \(invitee.displayName) på kallelsen till SIP-möte "
                    + "(samordnad individuell plan). Svaret skulle ha kommit senast \(weekdayAndDay(answerBy)).",
                "Svara så snart du kan om ni deltar, och i så fall vem som kommer och vilka tider ni kan.",
                "",
                "Kallande: \(caller.displayName), \(organizer)",
                "Referens: \(reference)",
                "",
                "Svara i Trisam: \(link)",
                signature(organizer, caller)))
    }

    /// The display name of the sender: "Trisam – Kommunen".
    static func senderName(_ agency: Agency) -> String { "Trisam – \(agency.displayName)" }

    // MARK: - Parts

    private static func signature(_ organizer: String, _ caller: Agency) -> String {
        lines(
            "",
            "Med vänlig hälsning",
            organizer,
            caller.displayName,
            "",
            "--",
            "Det här mejlet är skickat automatiskt från Trisam. Av sekretesskäl står det inget om personen "
                + "som mötet gäller; logga in i Trisam för att se det.")
    }

    private static func lines(_ lines: String...) -> String { lines.joined(separator: "\n") }

    private static let weekdays = ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"]
    private static let months = [
        "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december",
    ]

    private static let stockholm: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = WorkingCalendar.stockholm
        return calendar
    }()

    /// "tisdag 30 mars 2027 kl. 10.00–11.00", in Swedish local time (Europe/Stockholm).
    static func when(_ start: Date, _ end: Date) -> String {
        let from = stockholm.dateComponents([.weekday, .day, .month, .year, .hour, .minute], from: start)
        let to = stockholm.dateComponents([.day, .month, .year, .hour, .minute], from: end)
        let date = "\(weekdays[from.weekday! - 1]) \(from.day!) \(months[from.month! - 1]) \(from.year!)"
        let sameDay = from.day == to.day && from.month == to.month && from.year == to.year
        return "\(date) kl. \(clock(from))–" + (sameDay ? clock(to) : "\(to.day!) \(months[to.month! - 1]) kl. \(clock(to))")
    }

    /// "29 mars 2027".
    static func day(_ date: LocalDate) -> String { "\(date.day) \(months[date.month - 1]) \(date.year)" }

    /// "måndag 29 mars 2027".
    static func weekdayAndDay(_ date: LocalDate) -> String {
        let components = DateComponents(year: date.year, month: date.month, day: date.day, hour: 12)
        let weekday = stockholm.date(from: components).map { stockholm.component(.weekday, from: $0) } ?? 1
        return "\(weekdays[weekday - 1]) \(day(date))"
    }

    private static func clock(_ components: DateComponents) -> String {
        String(format: "%02d.%02d", components.hour!, components.minute!)
    }
}
