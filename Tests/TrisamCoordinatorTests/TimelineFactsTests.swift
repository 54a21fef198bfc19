import Foundation
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamTestSupport

@_spi(Benchmarks) @testable import TrisamCoordinator

/// The timeline keeps, beside the time each event was recorded, the day its fact took effect
/// and what it said in Swedish (issue 21 point 4): a simulated history is recorded in one minute,
/// its facts span months.
@Suite("Timeline keeps effective days and content")
struct TimelineFactsTests {
    @Test("each stored entry has the day its fact took effect and its content; events that are their own date have none")
    func effectiveDayAndContent() async throws {
        let setup = try ConsentErasureTests.Setup(now: ConsentErasureTests.at("2026-03-25"))
        try await setup.engine.process(setup.batch(ConsentErasureTests.history()))
        let timeline = try #require(try setup.store.readPerson(ConsentErasureTests.ref, reader: "t", path: "/t", at: Date())?.timeline)
        let byId = Dictionary(uniqueKeysWithValues: timeline.map { ($0.eventId, $0) })
        #expect(byId["s1"]?.effectiveOn == day("2026-02-01"))
        #expect(byId["s1"]?.detail == "100 procent från 1 feb 2026 till och med 31 maj 2026")
        #expect(byId["s1"]?.summary == "Regionen: läkarintyg utfärdat")
        #expect(byId["f1"]?.detail == "Sjukpenning avslagen, SGI saknas")
        #expect(byId["k1"]?.effectiveOn == day("2026-01-05"))
        #expect(byId["r1"]?.effectiveOn == nil)
        #expect(byId["r1"]?.detail == "Till regionen, område hälsa/vård")
        #expect(byId["p1"]?.detail == "Inbjudna: regionen")
        // No free text or names: the referral's reason and the contact's name stay out.
        #expect(timeline.allSatisfy { !($0.detail ?? "").contains("Ohälsa") && !($0.detail ?? "").contains("Karin") })
    }
}
