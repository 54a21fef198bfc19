import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamSip

/// Reads the exported files with Python's `icalendar` package, an independent RFC 5545
/// implementation (`pip install icalendar`). Skipped, with that reason, where python3 or the
/// package is absent; the Swift parser checks in ``SipCalendarTests`` always run.
@Suite("Python icalendar reads our files") struct PythonICalendarTests {
    /// On CI (`CI=true`) the check always runs: scripts/test installs the package, so its absence is a failure.
    static let available: Bool =
        ProcessInfo.processInfo.environment["CI"] == "true"
        || (try? runPython(["-c", "import icalendar"], input: Data()))?.status == 0

    @Test(
        "independent parser reads request and cancellation",
        .enabled(if: available, "python3 with the icalendar package is not installed (pip install icalendar)"))
    func independentParserReadsRequestAndCancellation() throws {
        let exporter = SipCalendar()
        let meeting = sampleMeeting(sequence: 3)
        let request = try check(exporter.request(meeting, stamp: utc("2026-03-20T12:34:56Z")))
        #expect(request["method"] as? String == "REQUEST")
        #expect(request["version"] as? String == "2.0")
        #expect(request["prodid"] as? String == "-//Trisam//SIP-moten 1.0//SV")
        #expect(request["status"] as? String == "CONFIRMED")
        #expect(request["sequence"] as? Int == 3)
        #expect(request["location"] as? String == meeting.location)
        #expect(request["summary"] as? String == "SIP-möte (samordnad individuell plan) – P-3F9A01C2")
        #expect(
            request["attendee_cn"] as? [String] == [
                "Karin Ek (Kommunen)", "Åsa Öberg-Lindqvist (Arbetsförmedlingen)", "Rehabkoordinator (Regionen)",
            ])
        #expect(request["organizer"] as? String == "mailto:karin.ek@kommun.example.se")

        let cancel = try check(
            exporter.cancellation(of: meeting, reason: "Inställt, ny tid; se ärendet", stamp: utc("2026-03-21T08:00:00Z")))
        #expect(cancel["method"] as? String == "CANCEL")
        #expect(cancel["status"] as? String == "CANCELLED")
        #expect(cancel["uid"] as? String == request["uid"] as? String)
        #expect(cancel["sequence"] as? Int == 4)
    }

    /// Runs the Python check on one file and returns what it read; asserts what every file needs.
    func check(_ ics: String) throws -> [String: Any] {
        let result = try runPython(["-c", Self.script], input: Data(ics.utf8))
        try #require(result.status == 0, "python failed: \(result.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.output) as? [String: Any])
        #expect(json["errors"] as? [String] == [], "icalendar reported errors")
        #expect(json["missing_tzids"] as? [String] == [], "every TZID has its VTIMEZONE")
        #expect(json["tzids"] as? [String] == ["Europe/Stockholm"])
        #expect(json["tz_mismatches"] as? [String] == [], "the VTIMEZONE rules disagree with the tz database")
        #expect((json["tz_checked"] as? Int ?? 0) > 100)
        #expect(json["uid"] as? String == "sip-2026-0042@sip.trisam")
        #expect(json["dtstart_tzid"] as? String == "Europe/Stockholm")
        #expect(json["dtstart_utc"] as? String == "2026-03-30T07:00:00+00:00")
        #expect(json["dtend_utc"] as? String == "2026-03-30T08:30:00+00:00")
        #expect(
            json["attendees"] as? [String] == [
                "mailto:karin.ek@kommun.example.se", "mailto:asa.oberg@af.example.se", "urn:trisam:agency:region",
            ])
        #expect(json["roundtrip_uid"] as? String == json["uid"] as? String)
        return json
    }

    static let script = #"""
        import sys, json
        from datetime import datetime, timedelta, timezone
        from zoneinfo import ZoneInfo
        from icalendar import Calendar

        data = sys.stdin.buffer.read()
        cal = Calendar.from_ical(data)
        out = {"errors": []}
        for component in cal.walk():
            for error in getattr(component, "errors", []):
                out["errors"].append(f"{component.name}: {error}")
        out["method"] = str(cal.get("METHOD"))
        out["version"] = str(cal.get("VERSION"))
        out["prodid"] = str(cal.get("PRODID"))
        out["missing_tzids"] = sorted(cal.get_missing_tzids())
        zones = cal.walk("VTIMEZONE")
        out["tzids"] = [str(z["TZID"]) for z in zones]

        # Offsets implied by the file's own VTIMEZONE against the tz database, hour by hour around
        # every change and at noon on the 1st and 15th of each month, 2024-2031.
        own = zones[0].to_tz(lookup_tzid=False)
        reference = ZoneInfo("Europe/Stockholm")
        mismatches, checked = [], 0
        instants = []
        for year in range(2024, 2032):
            for month in range(1, 13):
                for day in (1, 15):
                    instants.append(datetime(year, month, day, 11, tzinfo=timezone.utc))
            for month in (3, 10):
                last = datetime(year, month, 31, tzinfo=timezone.utc)
                while last.weekday() != 6:
                    last -= timedelta(days=1)
                for hour in range(-3, 4):
                    instants.append(last + timedelta(hours=hour) + timedelta(minutes=30))
        for instant in instants:
            checked += 1
            a = instant.astimezone(own).utcoffset()
            b = instant.astimezone(reference).utcoffset()
            if a != b:
                mismatches.append(f"{instant.isoformat()}: file {a}, tz database {b}")
        out["tz_mismatches"] = mismatches
        out["tz_checked"] = checked

        event = cal.walk("VEVENT")[0]
        out["uid"] = str(event["UID"])
        out["sequence"] = int(event["SEQUENCE"])
        out["status"] = str(event["STATUS"])
        out["summary"] = str(event["SUMMARY"])
        out["location"] = str(event["LOCATION"])
        out["description"] = str(event["DESCRIPTION"])
        out["dtstart_tzid"] = event["DTSTART"].params.get("TZID")
        out["dtstart_utc"] = event.decoded("DTSTART").astimezone(timezone.utc).isoformat()
        out["dtend_utc"] = event.decoded("DTEND").astimezone(timezone.utc).isoformat()
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        out["attendees"] = [str(a) for a in attendees]
        out["attendee_cn"] = [a.params.get("CN") for a in attendees]
        out["organizer"] = str(event["ORGANIZER"])
        again = Calendar.from_ical(cal.to_ical())
        out["roundtrip_uid"] = str(again.walk("VEVENT")[0]["UID"])
        print(json.dumps(out, ensure_ascii=False))
        """#
}
