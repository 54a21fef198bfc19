import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

/// Walks rich scenarios day by day: whenever the findings change from one day to the next without
/// a new event, the previous evaluation's `nextCheck` must have named that day (or earlier).
@Suite("Next check property") struct NextCheckPropertyTests {
    /// Many rules' conditions come and go in this person's two years.
    static func kitchenSink() -> Scenario {
        var s = Scenario()
        s.bistand(from: "2025-01", through: "2026-02")
        s.openCase("k1", .kommun, .forsorjning, "2025-01-05")
        s.illHealth("k2", "2025-02-01")
        s.sickNote("s1", 75, "2025-03-01", "2025-05-31")
        s.add(
            "m1", .kommun, "2025-03-10",
            .kommunMeasureStarted(
                MunicipalMeasureStarted(measureId: "m1", measure: .arbetstraning, startDate: day("2025-03-20"), extentPercent: 50)))
        s.add("fk1", .fk, "2025-03-05", .fkSjukpenningDecided(SjukpenningDecided(decision: .noSgi, effectiveDate: day("2025-03-05"))))
        s.add(
            "m2", .kommun, "2025-04-15",
            .kommunMeasureEnded(MunicipalMeasureEnded(measureId: "m1", endDate: day("2025-04-15"), reason: .interrupted)))
        s.add(
            "ae1", .fk, "2025-06-10",
            .fkAktivitetsersattningGranted(
                AktivitetsersattningGranted(from: day("2025-07-01"), until: day("2025-12-31"), extentPercent: 50)))
        s.add("af1", .af, "2025-06-01", .afDeregistered(AfDeregistered(deregisteredOn: day("2025-06-01"), reason: .lackingWorkCapacity)))
        s.add(
            "r1", .kommun, "2025-06-02",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard,
                    answerBy: day("2025-06-20"))))
        s.add(
            "r2", .kommun, "2025-06-03",
            .referralSent(
                ReferralSent(
                    referralId: "ref2", from: .kommun, to: .af, reason: "Arbete", requestedMeasure: "Kartläggning", area: .arbeteAktivitet))
        )
        s.add(
            "r3", .af, "2025-06-10",
            .referralRejected(ReferralRejected(referralId: "ref2", from: .kommun, to: .af, reason: "Saknar arbetsförmåga")))
        s.add(
            "sip1", .region, "2025-07-01",
            .sipRequested(
                SipRequested(sipId: "sip1", caller: .region, reason: "Utskrivning", invited: [.kommun, .af], afterDischarge: true)))
        s.add(
            "inv1", .region, "2025-07-02",
            .sipInvitationSent(SipInvitationSent(sipId: "sip1", caller: .region, invitee: .kommun, answerBy: day("2025-07-09"))))
        s.add(
            "inv2", .region, "2025-07-02",
            .sipInvitationSent(SipInvitationSent(sipId: "sip1", caller: .region, invitee: .af, answerBy: day("2025-07-12"))))
        s.add(
            "p1", .kommun, "2025-08-01",
            .planCreated(PlanCreated(planId: "p1", leadAgency: .kommun, participants: [.kommun, .region], goals: ["Hälsa"])))
        s.add(
            "x1", .kommun, "2025-08-01",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .region, description: "Utreda", dueDate: day("2025-09-01"))))
        s.add(
            "x2", .kommun, "2025-08-01",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x2", leadAgency: .kommun, owner: .kommun, description: "Följa upp", dueDate: day("2025-10-01"))
            ))
        for (index, (from, to, date)) in [(Agency.af, Agency.fk, "2025-09-01"), (.fk, .af, "2025-10-01"), (.af, .fk, "2025-11-01")]
            .enumerated()
        {
            s.add(
                "h\(index)", from, date,
                .handoverRequested(HandoverRequested(handoverId: "h\(index)", area: .arbeteAktivitet, to: to, reason: "Oklart")))
        }
        s.openCase("a1", .af, .arbeteAktivitet, "2025-11-15")
        s.closeCase("a2", .af, .arbeteAktivitet, "2025-12-01", handoverTo: .kommun)
        s.sickNote("s2", 100, "2025-12-01", "2026-01-15")
        s.add(
            "fk2", .fk, "2025-12-05",
            .fkSjukpenningDecided(
                SjukpenningDecided(decision: .granted, effectiveDate: day("2025-12-05"), extentPercent: 100, until: day("2026-01-31"))))
        s.add("fk3", .fk, "2025-12-06", .fkSgiStatus(SgiStatusChanged(status: .ended, effectiveDate: day("2026-03-01"))))
        s.add(
            "held", .region, "2025-12-10",
            .sipHeld(
                SipHeld(
                    sipId: "sip1", caller: .region, participants: [.region, .kommun],
                    attendees: [Attendee(agency: .kommun, name: "Karin Ek")], heldOn: day("2025-12-10"))))
        s.closeCase("k3", .kommun, .forsorjning, "2026-01-10")
        return s
    }

    static func quiet() -> Scenario {
        var s = Scenario()
        s.add("af1", .af, "2025-02-01", .afRegistered(AfRegistered(registeredOn: day("2025-02-01"))))
        s.add(
            "c1", .kommun, "2025-02-01",
            .consentGiven(
                ConsentGiven(
                    consentId: "c1", purpose: .samordning, agencies: [.kommun, .af], validUntil: day("2026-02-01"),
                    givenOn: day("2025-02-01"))))
        return s
    }

    @Test("findings change only at next check", arguments: [("kitchen sink", kitchenSink()), ("quiet", quiet())])
    func findingsChangeOnlyAtNextCheck(name: String, scenario: Scenario) {
        let state = scenario.state
        let rules = scenario.rules
        // The state is fixed (every event folded); only time passes, from the first event on.
        var date = StockholmTime.date(of: scenario.events.map(\.time).min()!)
        var previous = rules.evaluate(state, now: at(date.description))
        var changes = 0
        for _ in 0..<900 {
            date = date.adding(days: 1)
            let now = at(date.description, hour: 0) // local midnight: the earliest moment of the day
            let current = rules.evaluate(state, now: now)
            if let next = previous.nextCheck { #expect(next > now.addingTimeInterval(-86_400), "\(name): nextCheck in the past") }
            if current.findings != previous.findings {
                changes += 1
                let named = previous.nextCheck.map { $0 <= now } ?? false
                #expect(named, "\(name): findings changed on \(date) but nextCheck was \(String(describing: previous.nextCheck))")
            }
            // Later in the same day nothing changes.
            #expect(rules.evaluate(state, now: at(date.description, hour: 23)).findings == current.findings)
            previous = current
        }
        if name == "kitchen sink" { #expect(changes >= 10, "\(changes) changes") }
    }
}
