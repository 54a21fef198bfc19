import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamSip

@Suite("SIP calendar") struct SipCalendarTests {
    let exporter = SipCalendar()
    let stamp = utc("2026-03-20T12:34:56Z")

    @Test("request has every required property") func requestHasEveryRequiredProperty() throws {
        let text = try exporter.request(sampleMeeting(), stamp: stamp)
        let root = try ICalendarParser.parse(text)
        #expect(root.name == "VCALENDAR")
        #expect(root.property("PRODID")?.value == "-//Trisam//SIP-moten 1.0//SV")
        #expect(root.property("VERSION")?.value == "2.0")
        #expect(root.property("METHOD")?.value == "REQUEST")
        #expect(root.components.map(\.name) == ["VTIMEZONE", "VEVENT"])

        let zone = try #require(root.components("VTIMEZONE").first)
        #expect(zone.property("TZID")?.value == "Europe/Stockholm")
        let daylight = try #require(zone.components("DAYLIGHT").first)
        let standard = try #require(zone.components("STANDARD").first)
        #expect(daylight.property("RRULE")?.value == "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
        #expect(daylight.property("TZOFFSETFROM")?.value == "+0100" && daylight.property("TZOFFSETTO")?.value == "+0200")
        #expect(standard.property("RRULE")?.value == "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
        #expect(standard.property("TZOFFSETFROM")?.value == "+0200" && standard.property("TZOFFSETTO")?.value == "+0100")

        let event = try #require(root.components("VEVENT").first)
        #expect(event.properties("UID").map(\.value) == ["sip-2026-0042@sip.trisam"])
        #expect(event.property("SEQUENCE")?.value == "1")
        #expect(event.property("DTSTAMP")?.value == "20260320T123456Z")
        let start = try #require(event.property("DTSTART"))
        #expect(start.parameter("TZID") == "Europe/Stockholm" && start.value == "20260330T090000")
        let end = try #require(event.property("DTEND"))
        #expect(end.parameter("TZID") == "Europe/Stockholm" && end.value == "20260330T103000")
        #expect(event.property("SUMMARY")?.text == "SIP-möte (samordnad individuell plan) – P-3F9A01C2")
        #expect(event.property("STATUS")?.value == "CONFIRMED")
        #expect(event.property("CLASS")?.value == "CONFIDENTIAL")
        let description = try #require(event.property("DESCRIPTION")?.text)
        #expect(description.contains("Kallande: Kommunen"))
        #expect(description.contains("Deltagande verksamheter: Kommunen, Arbetsförmedlingen, Regionen"))
        #expect(
            description.contains(
                "Anledning till SIP: Behov av samordning mellan försörjningsstöd, arbetsförmedling och psykiatri; tidigare planer motsäger varandra."
            ))
        #expect(description.contains("Kallad efter utskrivning från sluten vård (lag 2017:612)."))
        #expect(!text.contains("3f9a01c2d4e5f60718293a4b5c6d7e8f"), "only the short reference, not the clientRef")

        let organizer = try #require(event.property("ORGANIZER"))
        #expect(organizer.value == "mailto:karin.ek@kommun.example.se" && organizer.parameter("CN") == "Karin Ek (Kommunen)")
        let attendees = event.properties("ATTENDEE")
        #expect(
            attendees.map(\.value) == ["mailto:karin.ek@kommun.example.se", "mailto:asa.oberg@af.example.se", "urn:trisam:agency:region"])
        #expect(
            attendees.map { $0.parameter("CN") } == [
                "Karin Ek (Kommunen)", "Åsa Öberg-Lindqvist (Arbetsförmedlingen)", "Rehabkoordinator (Regionen)",
            ])
        #expect(attendees.map { $0.parameter("ROLE") } == ["CHAIR", "REQ-PARTICIPANT", "REQ-PARTICIPANT"])
        #expect(attendees.map { $0.parameter("PARTSTAT") } == ["ACCEPTED", "ACCEPTED", "NEEDS-ACTION"])
        #expect(attendees.map { $0.parameter("RSVP") } == ["FALSE", "FALSE", "TRUE"])
    }

    @Test("lines are CRLF and folded at most 75 octets") func linesAreCRLFAndFoldedAtMost75Octets() throws {
        let text = try exporter.request(sampleMeeting(), stamp: stamp)
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == 10 {
            #expect(index > 0 && bytes[index - 1] == 13, "LF at \(index) without CR")
        }
        for (index, byte) in bytes.enumerated() where byte == 13 {
            #expect(index + 1 < bytes.count && bytes[index + 1] == 10, "CR at \(index) without LF")
        }
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        let physical = bytes.split(separator: 13, omittingEmptySubsequences: false).map { $0.drop { $0 == 10 } }
        var folded = 0
        for line in physical {
            #expect(line.count <= 75, "\(line.count) octets: \(String(decoding: line, as: UTF8.self))")
            #expect(String(validating: Array(line), as: UTF8.self) != nil, "a UTF-8 sequence was split")
            if line.first == 32 { folded += 1 }
        }
        #expect(folded >= 3, "the long description and attendee lines are folded")
    }

    @Test("text escaping round trips through the file") func textEscapingRoundTripsThroughTheFile() throws {
        let location = "Socialkontoret, Storgatan 4; rum 12, plan 2\nRing på \"SIP\"\\entré B"
        let text = try exporter.request(sampleMeeting(location: location), stamp: stamp)
        #expect(text.contains("LOCATION;LANGUAGE=sv:Socialkontoret\\, Storgatan 4\\; rum 12\\, plan 2\\nRing p"))
        let event = try #require(ICalendarParser.parse(text).components("VEVENT").first)
        #expect(event.property("LOCATION")?.text == location)
        #expect(event.property("DESCRIPTION")?.text.contains("psykiatri; tidigare") == true)
    }

    @Test("reschedule keeps UID and raises sequence") func rescheduleKeepsUIDAndRaisesSequence() throws {
        let first = try ICalendarParser.parse(exporter.request(sampleMeeting(sequence: 0), stamp: stamp))
        let moved = try ICalendarParser.parse(
            exporter.request(
                sampleMeeting(sequence: 0).rescheduled(to: span("2026-04-07T11:00:00Z", "2026-04-07T12:00:00Z")), stamp: stamp))
        let a = try #require(first.components("VEVENT").first)
        let b = try #require(moved.components("VEVENT").first)
        #expect(a.property("UID") == b.property("UID"))
        #expect(a.property("SEQUENCE")?.value == "0" && b.property("SEQUENCE")?.value == "1")
        #expect(b.property("DTSTART")?.value == "20260407T130000")
    }

    @Test("cancellation keeps UID with higher sequence") func cancellationKeepsUIDWithHigherSequence() throws {
        let meeting = sampleMeeting(sequence: 2)
        let request = try #require(ICalendarParser.parse(exporter.request(meeting, stamp: stamp)).components("VEVENT").first)
        let cancelText = try exporter.cancellation(
            of: meeting, reason: "Personen är inlagd; ny tid bokas, se ärendet.", stamp: utc("2026-03-25T09:00:00Z"))
        let cancel = try ICalendarParser.parse(cancelText)
        #expect(cancel.property("METHOD")?.value == "CANCEL")
        let event = try #require(cancel.components("VEVENT").first)
        #expect(event.property("UID") == request.property("UID"))
        let requestSequence = try #require(Int(request.property("SEQUENCE")!.value))
        let cancelSequence = try #require(Int(event.property("SEQUENCE")!.value))
        #expect(cancelSequence == requestSequence + 1)
        #expect(event.property("STATUS")?.value == "CANCELLED")
        #expect(event.property("DTSTAMP")?.value == "20260325T090000Z")
        #expect(event.property("SUMMARY")?.text.hasPrefix("INSTÄLLT: SIP-möte") == true)
        #expect(
            event.property("DESCRIPTION")?.text.hasPrefix("Mötet är inställt. Anledning: Personen är inlagd; ny tid bokas, se ärendet.\n")
                == true)
        #expect(event.property("DTSTART") == request.property("DTSTART"))
        #expect(event.properties("ATTENDEE").count == 3)
    }

    /// DTSTART written in local time resolves, by the VTIMEZONE's own rules, to the meeting's
    /// instant: every Monday 09:00 of 2025–2028 and the days around each DST change.
    @Test("local times agree with the VTIMEZONE rules") func localTimesAgreeWithTheVTimezoneRules() throws {
        let calendar = WorkingCalendar()
        var days: [LocalDate] = []
        var monday = day("2024-12-30")
        while monday.year < 2029 {
            days.append(monday)
            monday = monday.adding(days: 7)
        }
        days += ["2025-03-28", "2025-03-31", "2025-10-24", "2025-10-27", "2026-03-27", "2026-03-30", "2026-10-23", "2026-10-26"].map(day)
        var summer = 0
        for date in days {
            let start = calendar.instant(date, ClockTime(hour: 9)!)
            let text = try exporter.request(sampleMeeting(meeting: DateInterval(start: start, duration: 3600)), stamp: stamp)
            let root = try ICalendarParser.parse(text)
            let zone = try #require(root.components("VTIMEZONE").first)
            let value = try #require(root.components("VEVENT").first?.property("DTSTART")?.value)
            let local = date.description.replacingOccurrences(of: "-", with: "") + "T090000"
            #expect(value == local)
            let resolved = try #require(VTimezoneRules(zone).instant(local: value))
            #expect(resolved == start, "\(date)")
            if resolved.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 7 * 3600 { summer += 1 }
        }
        #expect(summer > 60 && summer < days.count - 60, "both CET and CEST exercised")
    }

    @Test("meeting from a scheduled event") func meetingFromAScheduledEvent() throws {
        let scheduled = SipScheduled(
            sipId: "sip-7", caller: .region, participants: [.region, .kommun, .fk],
            meeting: TimeSlot(start: utc("2026-10-26T07:00:00Z"), end: utc("2026-10-26T08:00:00Z")),
            sequence: 2, location: "Vårdcentralen, rum 3")
        let template = sampleMeeting()
        let meeting = SipMeeting(
            scheduled: scheduled, personReference: "P-00AA11BB", organizer: template.organizer, attendees: template.attendees)
        let event = try #require(ICalendarParser.parse(exporter.request(meeting, stamp: stamp)).components("VEVENT").first)
        #expect(event.property("UID")?.value == "sip-7@sip.trisam")
        #expect(event.property("SEQUENCE")?.value == "2")
        #expect(event.property("DTSTART")?.value == "20261026T080000", "CET again after the last Sunday of October")
        #expect(event.property("LOCATION")?.text == "Vårdcentralen, rum 3")
        #expect(
            event.property("DESCRIPTION")?.text.contains(
                "Kallande: Regionen\nDeltagande verksamheter: Regionen, Kommunen, Försäkringskassan") == true)
    }

    @Test("refuses personnummer and malformed fields") func refusesPersonnummerAndMalformedFields() {
        func refusal(_ change: (inout SipMeeting) -> Void) -> CalendarExportError? {
            var meeting = sampleMeeting()
            change(&meeting)
            do {
                _ = try exporter.request(meeting, stamp: stamp)
                return nil
            } catch { return error }
        }
        #expect(refusal { $0.personReference = "19121212-1212" }?.field == "personReference")
        #expect(refusal { $0.reason = "Gäller 191212121212 som behöver stöd" }?.field == "reason")
        #expect(refusal { $0.attendees[1].address = .email("not an address") }?.field == "attendees[1].address")
        #expect(refusal { $0.attendees = [] }?.field == "attendees")
        #expect(refusal { $0.sipId = "sip/42" }?.field == "sipId")
        #expect(refusal { $0.agencies = [.af] }?.field == "agencies")
        #expect(refusal { $0.meeting = DateInterval(start: utc("2026-03-30T07:00:00Z"), duration: 0) }?.field == "meeting.end")
        #expect(refusal { _ in } == nil)
        #expect(throws: CalendarExportError(field: "reason", reason: "must not be empty")) {
            try exporter.cancellation(of: sampleMeeting(), reason: "  ", stamp: stamp)
        }
    }
}

/// Resolves a local DATE-TIME with a VTIMEZONE made of one STANDARD and one DAYLIGHT
/// observance with yearly `BYMONTH=m;BYDAY=-1SU` rules, without Foundation's time zones.
struct VTimezoneRules {
    struct Observance {
        let month: Int, hour: Int, from: Int, to: Int
    }
    let observances: [Observance]

    init(_ zone: ICalendarComponent) throws {
        observances = try (zone.components("STANDARD") + zone.components("DAYLIGHT")).map { part in
            let rule = try #require(part.property("RRULE")?.value)
            let fields = Dictionary(
                uniqueKeysWithValues: rule.split(separator: ";").map { $0.split(separator: "=").map(String.init) }.map { ($0[0], $0[1]) })
            try #require(fields["FREQ"] == "YEARLY" && fields["BYDAY"] == "-1SU")
            let start = try #require(part.property("DTSTART")?.value)
            func offset(_ name: String) throws -> Int {
                let text = try #require(part.property(name)?.value)
                let sign = text.hasPrefix("-") ? -1 : 1
                let digits = text.dropFirst()
                return sign * (Int(digits.prefix(2))! * 3600 + Int(digits.suffix(2))! * 60)
            }
            return Observance(
                month: Int(fields["BYMONTH"]!)!, hour: Int(start.dropFirst(9).prefix(2))!,
                from: try offset("TZOFFSETFROM"), to: try offset("TZOFFSETTO"))
        }
    }

    /// Seconds since 1970 of a local wall-clock time, in UTC terms.
    static func localSeconds(_ date: LocalDate, hour: Int, minute: Int = 0) -> Int {
        date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60
    }

    /// The UTC instant at which `observance` begins in `year`.
    func onset(_ observance: Observance, _ year: Int) -> Int {
        var last = LocalDate(year: year, month: observance.month, day: LocalDate.daysIn(month: observance.month, year: year))!
        while last.isoWeekday != 7 { last = last.adding(days: -1) }
        return Self.localSeconds(last, hour: observance.hour) - observance.from
    }

    /// The offset in effect at a UTC instant.
    func offset(at instant: Int, year: Int) -> Int {
        let onsets = [year - 1, year].flatMap { y in observances.map { (onset($0, y), $0.to) } }.filter { $0.0 <= instant }
        return onsets.max { $0.0 < $1.0 }!.1
    }

    /// `20260330T090000` → the instant, trying each observance's offset.
    func instant(local value: String) -> Date? {
        guard
            let date = LocalDate(
                String(value.prefix(4)) + "-" + String(value.dropFirst(4).prefix(2)) + "-" + String(value.dropFirst(6).prefix(2))),
            let hour = Int(value.dropFirst(9).prefix(2)), let minute = Int(value.dropFirst(11).prefix(2))
        else { return nil }
        let local = Self.localSeconds(date, hour: hour, minute: minute)
        for candidate in Set(observances.map(\.to)) where offset(at: local - candidate, year: date.year) == candidate {
            return Date(timeIntervalSince1970: TimeInterval(local - candidate))
        }
        return nil
    }
}
