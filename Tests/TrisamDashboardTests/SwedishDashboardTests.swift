import Foundation
import Testing
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamTestSupport

@testable import TrisamDashboard

/// Issue 21 point 5 on the dashboard and the timeline: the wordings the reader found.
@Suite("Swedish of the dashboard") struct SwedishDashboardTests {
    @Test("the timeline says ”arbetshinder bedömt”, ”avaktualiserad hos Arbetsförmedlingen” and ”åtgärd”, never ”planaktivitet”")
    func timelineWords() {
        #expect(TimelineSummary.description(of: .kommunArbetshinderAssessed) == "arbetshinder bedömt")
        #expect(TimelineSummary.description(of: .afDeregistered) == "avaktualiserad hos Arbetsförmedlingen")
        for type in EventType.allCases {
            let text = TimelineSummary.description(of: type)
            #expect(!text.contains("planaktivitet") && !text.contains("sjukintyg") && !text.contains("utskriven"), "\(text)")
        }
        #expect(TimelineSummary.description(of: .planActionAssigned).hasPrefix("åtgärd"))
    }

    @Test("a SIP is ”begärd” and ”bokad” (en SIP); the calendar and the page say ”Kallande”")
    func sipGender() {
        let sip = SipState(id: "s", caller: .kommun, requested: Mark(on: day("2026-11-01"), event: "e"))
        #expect(Swedish.sipStatus(sip, overdue: false) == "Begärd, inte bokad")
        #expect(Swedish.calendarParticipants(caller: .kommun, invited: [.region]) == "Kallande: Kommunen; inbjudna: regionen")
    }

    @Test("agencies mid-phrase are ”kommunen” and ”regionen”; a list starting a cell starts with a capital")
    func agencyCase() {
        #expect(Swedish.agencyList([.fk, .kommun]) == "Försäkringskassan och kommunen")
        #expect(Swedish.agencyList([.kommun, .region]) == "Kommunen och regionen")
    }

    @Test("the days-filter's refusal names it ”Minst antal dagar”, quotes in ” ”; the agency filter says ”verksamhet”")
    func filterRefusals() {
        guard case .failure(let days) = QueueFilter.parse(["minstDagar": "tio"], ruleIds: []),
            case .failure(let agency) = QueueFilter.parse(["myndighet": "skatteverket"], ruleIds: [])
        else {
            Issue.record("refusals were accepted")
            return
        }
        #expect(days.message == "Minst antal dagar: ska vara ett heltal från 0 till 36500, inte ”tio”.")
        #expect(agency.message.hasPrefix("Verksamhet som ska agera:"))
        #expect(!days.message.contains("\"") && !agency.message.contains("\""))
    }

    @Test("one date format on the page: ”3 dec 2026”, also inside the rules' sentences")
    func oneDateFormat() {
        #expect(Swedish.date(day("2026-12-03")) == "3 dec 2026")
        #expect(Svenska.date(day("2026-12-03")) == "3 dec 2026")
        #expect(
            Swedish.consentEnd(ConsentEnd(agency: .region, endedOn: day("2026-12-03"), reason: .expired, consentId: "c", registeredBy: nil))
                .contains("för regionen upphörde att gälla 3 dec 2026"))
    }
}
