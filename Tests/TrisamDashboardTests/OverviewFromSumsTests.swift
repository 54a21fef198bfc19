import Foundation
import Testing
import TrisamContracts
import TrisamCoordinatorCore
import TrisamFixtures
import TrisamTestSupport

@testable import TrisamDashboard

/// The overview read from the store's sums shows what it showed when it read every person.
@Suite("Overview from sums") struct OverviewFromSumsTests {
    @Test("referral times and ownership from the sums equal those from every person")
    func sameFiguresFromSums() throws {
        let mix = EventMix(seed: 5)
        let now = utc("2026-11-24T08:00:00Z")
        let states = (0..<400).map { index in
            var record = PersonRecord(state: PersonState(clientRef: mix.clientRef(index)), flags: PersonFlags())
            _ = record.fold(mix.history(of: index), rules: GapRules(), now: now)
            return record.state
        }
        var counts: [String: Int] = [:]
        for state in states { OverviewTally.add(OverviewTally(state).delta(from: OverviewTally()), to: &counts) }
        let sums = OverviewSums(counts: counts)
        #expect(sums.persons == 400)
        for today in [LocalDate(year: 2026, month: 11, day: 24)!, LocalDate(year: 2027, month: 3, day: 1)!] {
            let fromStates = ReferralTimes(states: states, today: today)
            #expect(fromStates.answered.reduce(0, +) > 0 && fromStates.waiting.reduce(0, +) > 0)
            #expect(ReferralTimes(sums: sums, today: today) == fromStates)
        }
        let ownership = OwnershipCounts(states: states)
        #expect(!ownership.counts.isEmpty)
        #expect(OwnershipCounts(sums: sums) == ownership)
    }
}
