import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

/// What the coordinator holds rests on samordning consent per agency: when it ends, the facts of
/// the agencies it no longer covers are no longer used, shown or kept.
@Suite("Consent") struct ConsentTests {
    static func consent(_ id: String, _ agencies: [Agency], given: String, until: String) -> TrisamEvent {
        .consentGiven(ConsentGiven(consentId: id, purpose: .samordning, agencies: agencies, validUntil: day(until), givenOn: day(given)))
    }

    /// A person every agency knows: on bistånd, sick-listed, FK denies sjukpenning (grey zone),
    /// a referral from the kommun to the region, a SIP called by the kommun, a case at AF.
    static func everyone(until: String = "2026-12-31") -> Scenario {
        var s = Scenario()
        s.add("c1", .kommun, "2026-01-02", consent("c1", Agency.allCases, given: "2026-01-02", until: until))
        s.bistand(from: "2026-01", through: "2026-03")
        s.openCase("k1", .kommun, .forsorjning, "2026-01-05")
        s.openCase("a1", .af, .arbeteAktivitet, "2026-01-06")
        s.sickNote("s1", 100, "2026-02-01", "2026-04-30")
        s.add("fk1", .fk, "2026-02-05", .fkSjukpenningDecided(SjukpenningDecided(decision: .noSgi, effectiveDate: day("2026-02-05"))))
        s.add(
            "r1", .kommun, "2026-02-10",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard)))
        s.add(
            "sip1", .kommun, "2026-02-12",
            .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: false)))
        return s
    }

    static func fold(_ s: Scenario, now: Date) -> (record: PersonRecord, diffs: [FlagDiff], consent: ConsentEffects) {
        var record = PersonRecord(state: PersonState(clientRef: person), flags: PersonFlags())
        let folded = record.fold(s.events, rules: s.rules, now: now)
        return (record, folded.diffs, folded.consent)
    }

    /// The keys of the state as the API shows it.
    static func shownKeys(_ state: PersonState) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(state)) as? [String: Any]
        return Set(object?.keys.map { $0 } ?? [])
    }

    @Test(
        "after the only consent is withdrawn nothing but the consent record is kept, no rule fires, and open flags resolve as samtycke återkallat"
    )
    func everyConsentWithdrawn() throws {
        var s = Self.everyone()
        let before = Self.fold(s, now: at("2026-03-20"))
        #expect(before.record.flags.open.keys.contains(RuleId.greyZone))
        let openBefore = Set(before.record.flags.open.keys)
        #expect(openBefore.count >= 2, "\(openBefore)")

        s.add("w1", .af, "2026-03-20", .consentWithdrawn(ConsentWithdrawn(consentId: "c1", withdrawnOn: day("2026-03-20"))))
        let after = Self.fold(s, now: at("2026-03-20"))
        let state = after.record.state
        #expect(after.record.flags.open.isEmpty)
        let last = try #require(after.diffs.last)
        #expect(Set(last.resolves.map(\.rule)) == openBefore)
        #expect(last.resolves.allSatisfy { $0.resolution == "Samtycke återkallat." })
        #expect(last.resolves.allSatisfy { $0.evidence == ["w1"] })

        #expect(try Self.shownKeys(state) == ["clientRef", "consents", "consentEnds", "lastEventTime"])
        #expect(state.areas.isEmpty && state.cases.isEmpty && state.referrals.isEmpty && state.sips.isEmpty)
        #expect(state.kommun == KommunStatus() && state.af == AfStatus() && state.fk == FkStatus() && state.region == RegionStatus())
        #expect(state.consents.first?.withdrawnOn == day("2026-03-20"))
        #expect(state.consents.first?.withdrawnBy == .af && state.consents.first?.registeredBy == .kommun)
        #expect(
            state.consentEnds
                == Agency.allCases.sorted { $0.rawValue < $1.rawValue }.map {
                    ConsentEnd(agency: $0, endedOn: day("2026-03-20"), reason: .withdrawn, consentId: "c1", registeredBy: .af)
                })
        #expect(after.consent.ended.count == 4)
        #expect(s.rules.evaluate(state, now: at("2026-06-01")).findings.isEmpty)
        // The record survives both storage forms.
        #expect(try PersonState(binary: state.binaryEncoded()).binaryEncoded() == state.binaryEncoded())
    }

    @Test("facts an agency publishes after its consent ended are not folded, and facts of agencies still covered stay")
    func onlyUncoveredAgenciesAreErased() throws {
        var s = Self.everyone()
        s.add("c2", .kommun, "2026-01-03", Self.consent("c2", [.kommun, .fk], given: "2026-01-03", until: "2026-12-31"))
        s.add("w1", .kommun, "2026-03-20", .consentWithdrawn(ConsentWithdrawn(consentId: "c1", withdrawnOn: day("2026-03-20"))))
        s.add("af9", .af, "2026-03-22", .afRegistered(AfRegistered(registeredOn: day("2026-03-22"))))
        let folded = Self.fold(s, now: at("2026-03-25"))
        let state = folded.record.state
        #expect(folded.consent.dropped == ["af9"])
        #expect(Set(state.consentEnds.map(\.agency)) == [.af, .region])
        // The kommun's and FK's facts stay; AF's and the region's go, with what names them.
        #expect(state.kommun.bistandMonths.count == 3 && state.fk.sjukpenning == .noSgi)
        #expect(state.af == AfStatus() && state.region == RegionStatus())
        #expect(state.cases.map(\.agency) == [.kommun])
        #expect(state.owner(of: .arbeteAktivitet) == nil && state.area(.arbeteAktivitet) == nil)
        #expect(state.referrals.isEmpty)
        #expect(state.sips.map(\.invited) == [[]])
        // The grey zone rests on AF's register and the region's sick note: neither may be used.
        #expect(!folded.record.flags.open.keys.contains(RuleId.greyZone))
        #expect(!s.rules.evaluate(state, now: at("2026-03-25")).findings.contains { $0.rule == RuleId.greyZone })
    }

    @Test("a withdrawal read before older facts from another topic still wins: the same state in both orders")
    func withdrawalReadFirstWins() throws {
        var s = Scenario()
        s.add("c1", .kommun, "2026-01-02", Self.consent("c1", Agency.allCases, given: "2026-01-02", until: "2026-12-31"))
        s.sickNote("s1", 100, "2026-02-01", "2026-04-30", on: "2026-03-01")
        s.add(
            "t1", .region, "2026-03-02",
            .regionTreatmentStatus(TreatmentStatusChanged(status: .ongoing, unit: .psykiatri, effectiveDate: day("2026-03-02"))))
        s.add("w1", .kommun, "2026-03-20", .consentWithdrawn(ConsentWithdrawn(consentId: "c1", withdrawnOn: day("2026-03-20"))))
        let inOrder = Self.fold(s, now: at("2026-03-25"))
        var late = s
        late.events = [s.events[0], s.events[3], s.events[1], s.events[2]] // the region's topic read last
        let withdrawalFirst = Self.fold(late, now: at("2026-03-25"))
        #expect(withdrawalFirst.consent.dropped == ["s1", "t1"])
        #expect(inOrder.record.state.binaryEncoded() == withdrawalFirst.record.state.binaryEncoded())
        #expect(withdrawalFirst.record.state.region == RegionStatus())
    }

    @Test("consent that expires takes effect on the day: the evaluation wakes then, and the due check erases and resolves")
    func expiry() throws {
        let s = Self.everyone(until: "2026-03-31")
        var record = Self.fold(s, now: at("2026-03-20")).record
        #expect(record.flags.open.keys.contains(RuleId.greyZone))
        let evaluation = s.rules.evaluate(record.state, now: at("2026-03-30"))
        #expect(evaluation.nextCheck.map { $0 <= midnight("2026-04-01") } == true)
        // Still in force on its last day.
        #expect(record.assess(rules: s.rules, trigger: [], now: at("2026-03-31", hour: 23)).diff == nil)
        let due = record.assess(rules: s.rules, trigger: [], now: midnight("2026-04-01"))
        #expect(due.consentEnded.map(\.reason) == [.expired, .expired, .expired, .expired])
        #expect(due.consentEnded.allSatisfy { $0.registeredBy == .kommun && $0.endedOn == day("2026-04-01") })
        let resolves = try #require(due.diff?.resolves)
        #expect(!resolves.isEmpty && resolves.allSatisfy { $0.resolution == "Samtycke upphört: giltighetstiden gick ut." })
        #expect(record.flags.open.isEmpty)
        #expect(try Self.shownKeys(record.state) == ["clientRef", "consents", "consentEnds", "lastEventTime"])
        // A second due check finds nothing more to do.
        #expect(record.assess(rules: s.rules, trigger: [], now: midnight("2026-04-02")).consentEnded.isEmpty)
    }

    @Test("a new consent makes the agency's later facts count again, never the ones from before the end")
    func renewal() throws {
        var s = Self.everyone()
        s.add("w1", .kommun, "2026-03-20", .consentWithdrawn(ConsentWithdrawn(consentId: "c1", withdrawnOn: day("2026-03-20"))))
        s.add("c2", .region, "2026-04-01", Self.consent("c2", [.kommun, .region], given: "2026-04-01", until: "2026-12-31"))
        s.sickNote("s2", 50, "2026-04-02", "2026-05-31")
        // Read late, from before the withdrawal: it stays out.
        s.add(
            "t1", .region, "2026-03-02",
            .regionTreatmentStatus(TreatmentStatusChanged(status: .ongoing, unit: .psykiatri, effectiveDate: day("2026-03-02"))))
        let folded = Self.fold(s, now: at("2026-04-10"))
        let state = folded.record.state
        #expect(state.region.sickNotes.map(\.id) == ["s2"])
        #expect(state.region.treatments.isEmpty)
        #expect(folded.consent.dropped == ["t1"])
        // The end stays recorded (it is what keeps older facts out); AF and FK stay without consent.
        #expect(Set(state.consentEnds.map(\.agency)) == Set(Agency.allCases))
        #expect(state.agenciesWithoutConsent(on: day("2026-04-10")) == [.af, .fk])
    }

    @Test("a state stored in format 4 is read, and the next fold records the end that has passed")
    func formatFourIsRead() throws {
        var s = Self.everyone()
        s.add("w1", .kommun, "2026-03-20", .consentWithdrawn(ConsentWithdrawn(consentId: "c1", withdrawnOn: day("2026-03-20"))))
        let state = Self.fold(s, now: at("2026-03-25")).record.state
        var legacy = try PersonState(binary: state.binaryEncoded(formatVersion: 4))
        #expect(legacy.consentEnds.isEmpty && legacy.consents.first?.withdrawnBy == nil)
        legacy.enforceConsent(on: day("2026-03-25"))
        #expect(legacy.consentEnds.map(\.agency) == state.consentEnds.map(\.agency))
        #expect(legacy.region == RegionStatus() && legacy.areas.isEmpty)
    }
}
