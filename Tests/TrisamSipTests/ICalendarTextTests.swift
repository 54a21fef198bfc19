import Foundation
import Testing
import TrisamTestSupport

@testable import TrisamSip

@Suite("iCalendar text") struct ICalendarTextTests {
    @Test("escaping round trips") func escapingRoundTrips() {
        let original = "Rum 4; plan 2, \"Gula huset\"\\Norra\nandra raden\r\ntredje\rfjärde\ttab"
        let escaped = ICalendarText.escape(original)
        #expect(escaped == "Rum 4\\; plan 2\\, \"Gula huset\"\\\\Norra\\nandra raden\\ntredje\\nfjärde\ttab")
        #expect(ICalendarText.unescape(escaped) == "Rum 4; plan 2, \"Gula huset\"\\Norra\nandra raden\ntredje\nfjärde\ttab")
        #expect(ICalendarText.escape("a\u{7}b\u{0}c") == "abc", "control characters are not TEXT")
        #expect(ICalendarText.unescape("\\N") == "\n")
    }

    @Test("parameter values are quoted when needed") func parameterValuesAreQuotedWhenNeeded() {
        #expect(ICalendarText.parameterValue("Anna Berg") == "Anna Berg")
        #expect(ICalendarText.parameterValue("Berg, Anna (Kommunen)") == "\"Berg, Anna (Kommunen)\"")
        #expect(ICalendarText.parameterValue("a:b") == "\"a:b\"")
        #expect(ICalendarText.parameterValue("Anna \"Annie\" Berg") == "Anna 'Annie' Berg")
    }

    @Test(
        "Folding keeps lines at most 75 octets and never splits a UTF-8 sequence",
        arguments: [
            String(repeating: "a", count: 75), String(repeating: "a", count: 76), String(repeating: "å", count: 200),
            "DESCRIPTION:" + String(repeating: "x😀", count: 60),
            String(repeating: "ö", count: 37) + "a" + String(repeating: "😀", count: 30),
        ])
    func folding(line: String) throws {
        let folded = ICalendarText.fold(line)
        let physical = folded.components(separatedBy: "\r\n")
        for (index, piece) in physical.enumerated() {
            #expect(piece.utf8.count <= 75, "line \(index) has \(piece.utf8.count) octets")
            #expect(String(validating: Array(piece.utf8), as: UTF8.self) != nil)
            if index > 0 { #expect(piece.hasPrefix(" ")) }
            // Greedy: a line is only broken when the next scalar would not fit.
            if index < physical.count - 1 {
                let next = physical[index + 1].unicodeScalars.dropFirst().first!
                #expect(piece.utf8.count + UTF8.width(next) > 75)
            }
        }
        #expect(physical.count == 1 || line.utf8.count > 75)
        let unfolded = try ICalendarParser.unfold(folded + "\r\n")
        #expect(unfolded.map(\.1) == [line])
    }

    @Test("parser splits parameters and quoted values") func parserSplitsParametersAndQuotedValues() throws {
        let text =
            "BEGIN:VCALENDAR\r\nATTENDEE;CN=\"Berg, Anna: AF\";ROLE=CHAIR;DELEGATED-TO=\"mailto:a@x.se\",\"mailto:b@x.se\":mailto:anna@af.se\r\nSUMMARY:a\\, b\\; c\\n\r\n d\r\nEND:VCALENDAR\r\n"
        let root = try ICalendarParser.parse(text)
        #expect(root.name == "VCALENDAR")
        let attendee = try #require(root.property("ATTENDEE"))
        #expect(attendee.parameter("cn") == "Berg, Anna: AF")
        #expect(attendee.parameter("ROLE") == "CHAIR")
        #expect(attendee.parameter("DELEGATED-TO") == "mailto:a@x.se,mailto:b@x.se")
        #expect(attendee.value == "mailto:anna@af.se")
        #expect(root.property("SUMMARY")?.text == "a, b; c\nd")
    }

    @Test(
        "The parser refuses what RFC 5545 does not allow",
        arguments: [
            ("BEGIN:VCALENDAR\nEND:VCALENDAR\n", "LF without CR; lines must end with CRLF"),
            ("BEGIN:VCALENDAR\r\nEND:VCALENDAR", "last line does not end with CRLF"),
            ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", "END:VCALENDAR closes BEGIN:VEVENT"),
            ("BEGIN:VCALENDAR\r\nUID\r\nEND:VCALENDAR\r\n", "missing ':' after UID"),
            (" X:1\r\n", "continuation line without a line to continue"),
            ("UID:1\r\n", "property UID outside any component"),
            ("BEGIN:VCALENDAR\r\n", "BEGIN:VCALENDAR is never closed"),
        ])
    func parserRefuses(text: String, reason: String) {
        #expect { try ICalendarParser.parse(text) } throws: { ($0 as? ICalendarParseError)?.reason == reason }
    }
}
