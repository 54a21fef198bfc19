import Foundation
import Testing
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamTestSupport

@testable import TrisamDashboard

/// Issue 22 point 6: what the timeline summarised of events beyond the retention window shows on
/// the person page as counts, without content; nothing shows when nothing was summarised.
@Suite("Person page: events beyond the retention window") struct OlderEventsTests {
    @Test("summarised events show as one line per agency and kind") func summarisedEventsShow() throws {
        let older = [
            TimelineSummaryEntry(
                source: EventSource.agency(.af).uri, type: EventType.afProgrammeStarted.rawValue, count: 3,
                firstTime: utc("2025-01-12T09:00:00Z"), lastTime: utc("2025-03-04T09:00:00Z")),
            TimelineSummaryEntry(
                source: EventSource.agency(.kommun).uri, type: EventType.kommunBistandDecided.rawValue, count: 1,
                firstTime: utc("2025-02-01T09:00:00Z"), lastTime: utc("2025-02-01T09:00:00Z")),
        ]
        let state = PersonState(clientRef: ClientRef(rawValue: String(repeating: "ab", count: 16))!)
        let page = PersonPage(state: state, timeline: [], flags: [], now: utc("2026-11-24T08:00:00Z"), olderEvents: older)
        #expect(
            page.olderEvents == [
                "Arbetsförmedlingen: program startat, 3 gånger 12 jan 2025–4 mar 2025",
                "Kommunen: beslut om ekonomiskt bistånd, en gång 1 feb 2025",
            ])
        let html = try render(page)
        #expect(html.contains("Äldre händelser än bevarandetiden visas bara sammanfattade"))
        #expect(html.contains("<li>Arbetsförmedlingen: program startat, 3 gånger 12 jan 2025–4 mar 2025</li>"))

        let none = PersonPage(state: state, timeline: [], flags: [], now: utc("2026-11-24T08:00:00Z"))
        #expect(!(try render(none)).contains("bevarandetiden"))
    }

    private func render(_ page: PersonPage) throws -> String {
        try #require(
            try TemplateTests().dashboard().templates.render(
                PersonPageContext(
                    frame: Frame(title: "Person x", user: "Sara", csrf: "", loggedIn: true, queue: false, calendar: false, overview: false),
                    person: page, chartSvg: page.chart.svg()), withTemplate: "person"))
    }
}
