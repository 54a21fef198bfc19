import Foundation
import TrisamContracts

/// How a calendar party is reached: an e-mail address, or a URN for a functional role without
/// one (e.g. `urn:trisam:agency:af`).
public enum CalendarAddress: Sendable, Hashable {
    case email(String)
    case urn(String)

    /// The agency as a whole, for when no named person's address is known.
    public static func agency(_ agency: Agency) -> CalendarAddress { .urn("urn:trisam:agency:\(agency.rawValue)") }

    /// The CAL-ADDRESS value (`mailto:…` or the URN).
    public var uri: String {
        switch self {
        case .email(let address): "mailto:\(address)"
        case .urn(let urn): urn
        }
    }
}

/// ROLE of an attendee (RFC 5545 §3.2.16).
public enum AttendeeRole: String, Sendable, Hashable {
    case chair = "CHAIR"
    case required = "REQ-PARTICIPANT"
    case optional = "OPT-PARTICIPANT"
    case nonParticipant = "NON-PARTICIPANT"
}

/// PARTSTAT of an attendee of an event (RFC 5545 §3.2.12).
public enum ParticipationStatus: String, Sendable, Hashable {
    case needsAction = "NEEDS-ACTION"
    case accepted = "ACCEPTED"
    case declined = "DECLINED"
    case tentative = "TENTATIVE"
}

/// A staff member (or an agency) taking part in the meeting. Never the person the SIP is about.
public struct CalendarParticipant: Sendable, Hashable {
    /// Shown as CN, e.g. "Anna Berg"; the agency's Swedish name is appended when set.
    public var name: String
    /// The agency they represent.
    public var agency: Agency?
    /// Where invitations reach them.
    public var address: CalendarAddress
    /// ROLE: chair, required or optional participant.
    public var role: AttendeeRole
    /// PARTSTAT: whether they have accepted.
    public var status: ParticipationStatus

    public init(
        name: String, agency: Agency? = nil, address: CalendarAddress,
        role: AttendeeRole = .required, status: ParticipationStatus = .accepted
    ) {
        self.name = name
        self.agency = agency
        self.address = address
        self.role = role
        self.status = status
    }

    /// The common name written as CN: "Anna Berg (Arbetsförmedlingen)".
    public var commonName: String {
        guard let agency else { return name }
        return "\(name) (\(agency.displayName))"
    }
}

/// A scheduled SIP meeting as calendar programs see it. Identifies the person only by a
/// pseudonymous reference: no name, no personnummer.
public struct SipMeeting: Sendable, Hashable {
    /// The SIP's identifier; the calendar UID is derived from it and never changes.
    public var sipId: String
    /// 0 when first scheduled, +1 on each reschedule (the SIP events' `sequence`).
    public var sequence: Int
    /// When the meeting starts and ends.
    public var meeting: DateInterval
    /// A pseudonymous reference to the person, e.g. ``SipMeeting/personReference(for:)``.
    public var personReference: String
    /// The agency that called the SIP (kommun or region).
    public var caller: Agency
    /// Every agency at the table, the caller included.
    public var agencies: [Agency]
    /// Why the SIP was called (shown to staff; must not identify the person).
    public var reason: String?
    /// Room, address or video link.
    public var location: String?
    /// Called after discharge from hospital (lag 2017:612).
    public var afterDischarge: Bool
    /// The staff member who organises the meeting (ORGANIZER).
    public var organizer: CalendarParticipant
    /// The staff taking part (ATTENDEE), the organizer included if they attend.
    public var attendees: [CalendarParticipant]

    /// A meeting to export; ``SipCalendar`` checks the fields when writing.
    public init(
        sipId: String, sequence: Int, meeting: DateInterval, personReference: String, caller: Agency,
        agencies: [Agency], reason: String? = nil, location: String? = nil, afterDischarge: Bool = false,
        organizer: CalendarParticipant, attendees: [CalendarParticipant]
    ) {
        self.sipId = sipId
        self.sequence = sequence
        self.meeting = meeting
        self.personReference = personReference
        self.caller = caller
        self.agencies = agencies
        self.reason = reason
        self.location = location
        self.afterDischarge = afterDischarge
        self.organizer = organizer
        self.attendees = attendees
    }

    /// The meeting of a `sip.scheduled` event: its id, sequence, time, agencies and location.
    public init(
        scheduled: SipScheduled, personReference: String, reason: String? = nil, afterDischarge: Bool = false,
        organizer: CalendarParticipant, attendees: [CalendarParticipant]
    ) {
        self.init(
            sipId: scheduled.sipId, sequence: scheduled.sequence,
            meeting: DateInterval(start: scheduled.meeting.start, end: max(scheduled.meeting.start, scheduled.meeting.end)),
            personReference: personReference, caller: scheduled.caller, agencies: scheduled.participants,
            reason: reason, location: scheduled.location, afterDischarge: afterDischarge,
            organizer: organizer, attendees: attendees)
    }

    /// The next version of this meeting at a new time (and optionally place): same SIP, so the
    /// same UID, and ``sequence`` one higher, so calendar programs replace the old entry.
    public func rescheduled(to meeting: DateInterval, location: String? = nil) -> SipMeeting {
        var next = self
        next.meeting = meeting
        next.sequence = sequence + 1
        if let location { next.location = location }
        return next
    }

    /// A short pseudonymous reference staff can quote: `P-` and the first 8 characters of the
    /// clientRef, upper-cased (e.g. `P-3F9A01C2`).
    public static func personReference(for clientRef: ClientRef) -> String {
        "P-" + clientRef.rawValue.prefix(8).uppercased()
    }
}

/// A meeting that cannot be exported: which field and why.
public struct CalendarExportError: Error, Hashable, Sendable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

/// Writes SIP meetings as iCalendar objects (RFC 5545, with RFC 5546 methods) that calendar
/// programs import: `METHOD:REQUEST` for a scheduled or rescheduled meeting, `METHOD:CANCEL`
/// for a cancelled one, times in Europe/Stockholm with its VTIMEZONE.
public struct SipCalendar: Sendable {
    /// PRODID (§3.7.3).
    public let productId: String
    /// The right-hand side of every UID.
    public let uidDomain: String

    /// The defaults name Trisam as the product and `sip.trisam` as the UID domain.
    public init(productId: String = "-//Trisam//SIP-moten 1.0//SV", uidDomain: String = "sip.trisam") {
        self.productId = productId
        self.uidDomain = uidDomain
    }

    /// The stable UID of a SIP's meeting: `<sipId>@<uidDomain>`, the same for every version
    /// (reschedules and the cancellation).
    public func uid(forSip sipId: String) -> String { "\(sipId)@\(uidDomain)" }

    /// The invitation (METHOD:REQUEST, STATUS:CONFIRMED) of a scheduled or rescheduled meeting.
    /// - Parameter stamp: when the object is created (DTSTAMP).
    public func request(_ meeting: SipMeeting, stamp: Date) throws(CalendarExportError) -> String {
        try validate(meeting)
        return write(meeting, sequence: meeting.sequence, stamp: stamp, cancellationReason: nil)
    }

    /// The cancellation (METHOD:CANCEL, STATUS:CANCELLED) of the last scheduled version
    /// `meeting`: same UID, SEQUENCE one higher than `meeting.sequence`.
    public func cancellation(of meeting: SipMeeting, reason: String, stamp: Date) throws(CalendarExportError) -> String {
        try validate(meeting)
        try checkText(reason, "reason", required: true)
        return write(meeting, sequence: meeting.sequence + 1, stamp: stamp, cancellationReason: reason)
    }

    // MARK: - Writing

    private func write(_ meeting: SipMeeting, sequence: Int, stamp: Date, cancellationReason: String?) -> String {
        let cancelled = cancellationReason != nil
        var out = ICalendarWriter()
        out.begin("VCALENDAR")
        out.property("PRODID", ICalendarText.escape(productId))
        out.property("VERSION", "2.0")
        out.property("CALSCALE", "GREGORIAN")
        out.property("METHOD", cancelled ? "CANCEL" : "REQUEST")
        StockholmTimeZone.write(into: &out)
        out.begin("VEVENT")
        out.property("UID", uid(forSip: meeting.sipId))
        out.property("SEQUENCE", String(sequence))
        out.property("DTSTAMP", ICalendarDate.utc(stamp))
        out.property("DTSTART", ICalendarDate.stockholm(meeting.meeting.start), ["TZID": StockholmTimeZone.identifier])
        out.property("DTEND", ICalendarDate.stockholm(meeting.meeting.end), ["TZID": StockholmTimeZone.identifier])
        out.text("SUMMARY", summary(meeting, cancelled: cancelled), ["LANGUAGE": "sv"])
        out.text("DESCRIPTION", description(meeting, cancellationReason: cancellationReason), ["LANGUAGE": "sv"])
        if let location = meeting.location { out.text("LOCATION", location, ["LANGUAGE": "sv"]) }
        out.property("STATUS", cancelled ? "CANCELLED" : "CONFIRMED")
        out.property("CLASS", "CONFIDENTIAL")
        out.property("TRANSP", "OPAQUE")
        out.property("ORGANIZER", meeting.organizer.address.uri, ["CN": meeting.organizer.commonName])
        for attendee in meeting.attendees {
            out.property(
                "ATTENDEE", attendee.address.uri,
                [
                    "CUTYPE": "INDIVIDUAL",
                    "ROLE": attendee.role.rawValue,
                    "PARTSTAT": attendee.status.rawValue,
                    "RSVP": attendee.status == .needsAction ? "TRUE" : "FALSE",
                    "CN": attendee.commonName,
                ])
        }
        out.end("VEVENT")
        out.end("VCALENDAR")
        return out.output
    }

    /// SUMMARY in Swedish: "SIP-möte (samordnad individuell plan) – P-3F9A01C2".
    func summary(_ meeting: SipMeeting, cancelled: Bool) -> String {
        (cancelled ? "INSTÄLLT: " : "") + "SIP-möte (samordnad individuell plan) – \(meeting.personReference)"
    }

    /// DESCRIPTION in Swedish, one fact per line.
    func description(_ meeting: SipMeeting, cancellationReason: String?) -> String {
        var lines: [String] = []
        if let cancellationReason { lines.append("Mötet är inställt. Anledning: \(cancellationReason)") }
        lines.append("Samordnad individuell plan (SIP) för person \(meeting.personReference).")
        lines.append("Personen anges med referens; namn och personnummer finns i respektive verksamhets system.")
        lines.append("Kallande: \(meeting.caller.displayName)")
        lines.append("Deltagande verksamheter: " + meeting.agencies.map(\.displayName).joined(separator: ", "))
        if let reason = meeting.reason { lines.append("Anledning till SIP: \(reason)") }
        if meeting.afterDischarge { lines.append("Kallad efter utskrivning från sluten vård (lag 2017:612).") }
        lines.append("SIP-id: \(meeting.sipId)")
        if meeting.sequence > 0 || cancellationReason != nil {
            lines.append("Version: \(meeting.sequence + (cancellationReason == nil ? 0 : 1))")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Validation

    private func validate(_ meeting: SipMeeting) throws(CalendarExportError) {
        guard Check.isIdentifier(meeting.sipId) else {
            throw CalendarExportError(
                field: "sipId", reason: "must be 1–128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
        }
        guard (0...1000).contains(meeting.sequence) else {
            throw CalendarExportError(field: "sequence", reason: "must be between 0 and 1000")
        }
        guard meeting.meeting.duration > 0 else { throw CalendarExportError(field: "meeting.end", reason: "must be after start") }
        try checkText(meeting.personReference, "personReference", required: true, maxLength: 64)
        if let reason = meeting.reason { try checkText(reason, "reason", required: true) }
        if let location = meeting.location { try checkText(location, "location", required: true, maxLength: 500) }
        guard !meeting.agencies.isEmpty, meeting.agencies.contains(meeting.caller) else {
            throw CalendarExportError(field: "agencies", reason: "must list every agency at the table, the caller included")
        }
        try checkParticipant(meeting.organizer, "organizer")
        guard !meeting.attendees.isEmpty else { throw CalendarExportError(field: "attendees", reason: "must not be empty") }
        for (index, attendee) in meeting.attendees.enumerated() { try checkParticipant(attendee, "attendees[\(index)]") }
    }

    private func checkParticipant(_ participant: CalendarParticipant, _ field: String) throws(CalendarExportError) {
        try checkText(participant.name, "\(field).name", required: true, maxLength: 200)
        switch participant.address {
        case .email(let address):
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"<>\"(),;:\\[]".unicodeScalars.contains($0) })
            else {
                throw CalendarExportError(field: "\(field).address", reason: "must be an e-mail address like namn@kommun.se")
            }
        case .urn(let urn):
            guard urn.lowercased().hasPrefix("urn:"), urn.count <= 200,
                urn.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" })
            else {
                throw CalendarExportError(field: "\(field).address", reason: "must be a URN starting with urn:")
            }
        }
    }

    private func checkText(_ text: String, _ field: String, required: Bool, maxLength: Int = Check.maxTextLength)
        throws(CalendarExportError)
    {
        if required, text.allSatisfy(\.isWhitespace) { throw CalendarExportError(field: field, reason: "must not be empty") }
        if text.count > maxLength { throw CalendarExportError(field: field, reason: "must be at most \(maxLength) characters") }
        if Check.containsIdentityNumber(text) {
            throw CalendarExportError(
                field: field, reason: "must not contain a personnummer or samordningsnummer; use the pseudonymous reference")
        }
    }
}

/// DATE-TIME values (§3.3.5).
enum ICalendarDate {
    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static let stockholmCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = WorkingCalendar.stockholm
        return calendar
    }()

    /// `20260407T070000Z`.
    static func utc(_ date: Date) -> String { format(date, utcCalendar) + "Z" }

    /// Local time in Europe/Stockholm, `20260407T090000`, for use with TZID.
    static func stockholm(_ date: Date) -> String { format(date, stockholmCalendar) }

    private static func format(_ date: Date, _ calendar: Calendar) -> String {
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(p.year!, 4) + pad(p.month!, 2) + pad(p.day!, 2) + "T" + pad(p.hour!, 2) + pad(p.minute!, 2) + pad(p.second!, 2)
    }
}

/// The VTIMEZONE of Europe/Stockholm (CET/CEST, EU rules since 1996: summer time from the last
/// Sunday of March 02:00 to the last Sunday of October 03:00 local time).
public enum StockholmTimeZone {
    public static let identifier = "Europe/Stockholm"

    static func write(into out: inout ICalendarWriter) {
        out.begin("VTIMEZONE")
        out.property("TZID", identifier)
        out.property("X-LIC-LOCATION", identifier)
        out.begin("DAYLIGHT")
        out.property("TZOFFSETFROM", "+0100")
        out.property("TZOFFSETTO", "+0200")
        out.property("TZNAME", "CEST")
        out.property("DTSTART", "19700329T020000")
        out.property("RRULE", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
        out.end("DAYLIGHT")
        out.begin("STANDARD")
        out.property("TZOFFSETFROM", "+0200")
        out.property("TZOFFSETTO", "+0100")
        out.property("TZNAME", "CET")
        out.property("DTSTART", "19701025T030000")
        out.property("RRULE", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
        out.end("STANDARD")
        out.end("VTIMEZONE")
    }
}
