import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

// For every rule: a scenario that raises it, one that must not, and the event or the passage of
// time that resolves it.

@Suite("Grey zone rule") struct GreyZoneRuleTests {
    /// On bistånd since January, sick-listed from February, FK denies sjukpenning for lack of SGI.
    func base() -> Scenario {
        var s = Scenario()
        s.bistand(from: "2026-01", through: "2026-03")
        s.sickNote("s1", 100, "2026-02-01", "2026-04-30")
        s.add("fk1", .fk, "2026-02-05", .fkSjukpenningDecided(SjukpenningDecided(decision: .noSgi, effectiveDate: day("2026-02-05"))))
        return s
    }

    @Test("raised") func raised() throws {
        let finding = try #require(base().finding(RuleId.greyZone, "2026-03-10"))
        #expect(finding.severity == .high)
        #expect(finding.since == midnight("2026-02-05"))
        #expect(finding.agencies == [.fk, .kommun])
        #expect(finding.evidence == ["s1", "fk1", "b-2026-03"])
        #expect(finding.explanation.contains("SGI saknas"))
        #expect(!base().fires(RuleId.greyZone, "2026-02-04"))
    }

    @Test("not raised when registered at AF") func notRaisedWhenRegisteredAtAf() {
        var s = base()
        s.add("af1", .af, "2026-02-10", .afRegistered(AfRegistered(registeredOn: day("2026-02-10"))))
        #expect(!s.fires(RuleId.greyZone, "2026-03-10"))
    }

    @Test("not raised without FK refusal") func notRaisedWithoutFkRefusal() {
        var s = Scenario()
        s.bistand(from: "2026-01", through: "2026-03")
        s.sickNote("s1", 100, "2026-02-01", "2026-04-30")
        #expect(!s.fires(RuleId.greyZone, "2026-03-10"))
    }

    @Test("resolved by benefit") func resolvedByBenefit() {
        var s = base()
        #expect(s.fires(RuleId.greyZone, "2026-03-14"))
        s.add(
            "fk2", .fk, "2026-03-15",
            .fkSjukpenningDecided(SjukpenningDecided(decision: .granted, effectiveDate: day("2026-03-15"), extentPercent: 100)))
        #expect(!s.fires(RuleId.greyZone, "2026-03-15"))
    }

    @Test("resolved when sick note runs out") func resolvedWhenSickNoteRunsOut() {
        let s = base()
        #expect(s.fires(RuleId.greyZone, "2026-04-30"))
        // Bistånd for April is missing as well, but May 1st is the sick note's first free day.
        #expect(!s.fires(RuleId.greyZone, "2026-05-01"))
    }
}

@Suite("AF deregistered rule") struct AfDeregisteredRuleTests {
    func base() -> Scenario {
        var s = Scenario()
        s.add("af0", .af, "2026-03-01", .afWorkCapacityLacking(AfWorkCapacityLacking(assessedOn: day("2026-03-01"))))
        s.add("af1", .af, "2026-03-01", .afDeregistered(AfDeregistered(deregisteredOn: day("2026-03-01"), reason: .lackingWorkCapacity)))
        return s
    }

    @Test("raised after takeover days") func raisedAfterTakeoverDays() throws {
        let s = base()
        #expect(!s.fires(RuleId.afDeregisteredNoTakeover, "2026-03-14"))
        #expect(s.evaluate("2026-03-10").nextCheck == midnight("2026-03-15"))
        let finding = try #require(s.finding(RuleId.afDeregisteredNoTakeover, "2026-03-15"))
        #expect(finding.evidence == ["af1", "af0"])
        #expect(finding.since == midnight("2026-03-01"))
        #expect(finding.agencies == [.kommun, .fk])
    }

    @Test("not raised when kommun took over") func notRaisedWhenKommunTookOver() {
        var s = base()
        s.openCase("k1", .kommun, .arbeteAktivitet, "2026-03-05")
        #expect(!s.fires(RuleId.afDeregisteredNoTakeover, "2026-03-20"))
    }

    @Test("a handover AF requested that nobody has accepted is no takeover: the flag is raised while it waits")
    func pendingHandoverIsNoTakeover() throws {
        var s = Scenario()
        s.openCase("a0", .af, .arbeteAktivitet, "2026-01-10")
        s.add(
            "h1", .af, "2026-02-27",
            .handoverRequested(HandoverRequested(handoverId: "h1", area: .arbeteAktivitet, to: .kommun, reason: "Saknar arbetsförmåga")))
        s.add("af0", .af, "2026-03-01", .afWorkCapacityLacking(AfWorkCapacityLacking(assessedOn: day("2026-03-01"))))
        s.add("af1", .af, "2026-03-01", .afDeregistered(AfDeregistered(deregisteredOn: day("2026-03-01"), reason: .lackingWorkCapacity)))
        let finding = try #require(s.finding(RuleId.afDeregisteredNoTakeover, "2026-03-15"))
        #expect(finding.agencies == [.kommun, .fk])
        // The kommun accepts: it owns arbete/aktivitet, and the flag goes.
        s.add(
            "h1a", .kommun, "2026-03-16",
            .handoverAccepted(HandoverAccepted(handoverId: "h1", area: .arbeteAktivitet, from: .af, contact: contact("Karin Ek"))))
        #expect(!s.fires(RuleId.afDeregisteredNoTakeover, "2026-03-16"))
    }

    @Test("not raised for other reasons") func notRaisedForOtherReasons() {
        var s = Scenario()
        s.add("af1", .af, "2026-03-01", .afDeregistered(AfDeregistered(deregisteredOn: day("2026-03-01"), reason: .employed)))
        #expect(!s.fires(RuleId.afDeregisteredNoTakeover, "2026-04-20"))
    }

    @Test("resolved by municipal measure") func resolvedByMunicipalMeasure() {
        var s = base()
        #expect(s.fires(RuleId.afDeregisteredNoTakeover, "2026-03-20"))
        s.add(
            "k2", .kommun, "2026-03-21",
            .kommunMeasureStarted(
                MunicipalMeasureStarted(measureId: "m1", measure: .arbetstraning, startDate: day("2026-03-21"), extentPercent: 25)))
        #expect(!s.fires(RuleId.afDeregisteredNoTakeover, "2026-03-21"))
    }
}

@Suite("Handover not opened rule") struct HandoverNotOpenedRuleTests {
    func base() -> Scenario {
        var s = Scenario()
        s.openCase("a1", .af, .arbeteAktivitet, "2026-01-10")
        s.closeCase("a2", .af, .arbeteAktivitet, "2026-03-01", handoverTo: .kommun)
        return s
    }

    @Test("raised after receiver days") func raisedAfterReceiverDays() throws {
        let s = base()
        #expect(!s.fires(RuleId.handoverNotOpened, "2026-03-14"))
        let finding = try #require(s.finding(RuleId.handoverNotOpened, "2026-03-15"))
        #expect(finding.agencies == [.kommun])
        #expect(finding.evidence == ["a2"])
        #expect(
            finding.explanation.contains(
                "Arbetsförmedlingen avslutade ärendet för arbete/aktivitet 1 mar 2026 med hänvisning till kommunen, som inte har öppnat något ärende; kommunen behöver öppna ärendet"
            ))
    }

    @Test("not raised when receiver opened") func notRaisedWhenReceiverOpened() {
        var s = base()
        s.openCase("k1", .kommun, .arbeteAktivitet, "2026-03-05")
        #expect(!s.fires(RuleId.handoverNotOpened, "2026-03-20"))
    }

    @Test("not raised when receiver already had the case") func notRaisedWhenReceiverAlreadyHadTheCase() {
        var s = Scenario()
        s.openCase("k1", .kommun, .arbeteAktivitet, "2026-01-01")
        s.openCase("a1", .af, .arbeteAktivitet, "2026-01-10")
        s.closeCase("a2", .af, .arbeteAktivitet, "2026-03-01", handoverTo: .kommun)
        #expect(!s.fires(RuleId.handoverNotOpened, "2026-03-20"))
        #expect(s.state.owner(of: .arbeteAktivitet) == .kommun)
    }

    @Test("resolved when receiver opens") func resolvedWhenReceiverOpens() {
        var s = base()
        #expect(s.fires(RuleId.handoverNotOpened, "2026-03-20"))
        s.openCase("k1", .kommun, .arbeteAktivitet, "2026-03-21")
        #expect(!s.fires(RuleId.handoverNotOpened, "2026-03-21"))
    }
}

/// The Timrå case (001:L289): AF and FK left their cases "with reference to" a receiver that
/// never took over. Here AF asks the kommun to take over arbete/aktivitet and nobody answers.
@Suite("Handover unanswered rule") struct HandoverUnansweredRuleTests {
    func base() -> Scenario {
        var s = Scenario()
        s.openCase("a1", .af, .arbeteAktivitet, "2026-01-10")
        s.add(
            "h1", .af, "2026-03-02",
            .handoverRequested(
                HandoverRequested(handoverId: "h1", area: .arbeteAktivitet, to: .kommun, reason: "Aktuell på Arbetsmarknadstorget")))
        return s
    }

    @Test("raised when the receiver has not answered within answerDays, for the receiver to act")
    func raisedAfterAnswerDays() throws {
        let s = base()
        #expect(!s.fires(RuleId.handoverUnanswered, "2026-03-15"))
        #expect(s.evaluate("2026-03-05").nextCheck == midnight("2026-03-16"))
        let finding = try #require(s.finding(RuleId.handoverUnanswered, "2026-03-16"))
        #expect(finding.severity == .high)
        #expect(finding.agencies == [.kommun])
        #expect(finding.evidence == ["h1"])
        #expect(finding.since == midnight("2026-03-02"))
        #expect(finding.title == "Överlämning inte besvarad av mottagaren")
        #expect(
            finding.explanation
                == "Arbetsförmedlingen begärde 2 mar 2026 att kommunen tar över arbete/aktivitet och har inte fått något svar; kommunen behöver ta emot överlämningen eller avböja den med skäl, och till dess är det Arbetsförmedlingen som äger ärendet."
        )
    }

    @Test("a configured answerDays is used")
    func configuredThreshold() throws {
        var s = base()
        s.rules = GapRules(
            configuration: try RuleConfiguration.decode(Data(#"{"rules":{"handover-unanswered":{"thresholds":{"answerDays":5}}}}"#.utf8)))
        #expect(!s.fires(RuleId.handoverUnanswered, "2026-03-06"))
        #expect(s.fires(RuleId.handoverUnanswered, "2026-03-07"))
    }

    @Test("not raised when the receiver accepted or refused in time")
    func notRaisedWhenAnswered() {
        var accepted = base()
        accepted.add(
            "h1a", .kommun, "2026-03-10",
            .handoverAccepted(HandoverAccepted(handoverId: "h1", area: .arbeteAktivitet, from: .af, contact: contact("Karin Ek"))))
        #expect(!accepted.fires(RuleId.handoverUnanswered, "2026-04-20"))
        var refused = base()
        refused.add(
            "h1r", .kommun, "2026-03-10",
            .handoverRefused(HandoverRefused(handoverId: "h1", area: .arbeteAktivitet, from: .af, reason: "Inte aktuell här")))
        #expect(!refused.fires(RuleId.handoverUnanswered, "2026-04-20"))
    }

    @Test("several waiting handovers make one flag naming every receiver")
    func severalAreas() throws {
        var s = base()
        s.openCase("f1", .fk, .samordning, "2026-01-15")
        s.add(
            "h2", .fk, "2026-03-04",
            .handoverRequested(HandoverRequested(handoverId: "h2", area: .samordning, to: .region, reason: "Rehabkoordinator i vården")))
        let finding = try #require(s.finding(RuleId.handoverUnanswered, "2026-03-20"))
        #expect(finding.agencies == [.kommun, .region])
        #expect(finding.evidence == ["h1", "h2"])
        #expect(finding.explanation.contains("(och 1 överlämning till)"))
    }

    @Test("resolved when the receiver answers")
    func resolvedByAnswer() {
        var s = base()
        #expect(s.fires(RuleId.handoverUnanswered, "2026-03-20"))
        s.add(
            "h1a", .kommun, "2026-03-21",
            .handoverAccepted(HandoverAccepted(handoverId: "h1", area: .arbeteAktivitet, from: .af, contact: contact("Karin Ek"))))
        #expect(!s.fires(RuleId.handoverUnanswered, "2026-03-21"))
        #expect(s.state.owner(of: .arbeteAktivitet) == .kommun)
    }
}

@Suite("Aktivitetsersattning rule") struct AktivitetsersattningRuleTests {
    func base() -> Scenario {
        var s = Scenario()
        s.add(
            "ae1", .fk, "2025-12-15",
            .fkAktivitetsersattningGranted(
                AktivitetsersattningGranted(from: day("2026-01-01"), until: day("2026-12-31"), extentPercent: 100)))
        return s
    }

    @Test("raised after grace days") func raisedAfterGraceDays() throws {
        let s = base()
        #expect(!s.fires(RuleId.aktivitetsersattningNoActivity, "2026-01-30"))
        #expect(s.evaluate("2026-01-15").nextCheck == midnight("2026-01-31"))
        let finding = try #require(s.finding(RuleId.aktivitetsersattningNoActivity, "2026-01-31"))
        #expect(finding.agencies == [.fk])
        #expect(finding.evidence == ["ae1"])
    }

    @Test("not raised when AF owns activity") func notRaisedWhenAfOwnsActivity() {
        var s = base()
        s.openCase("a1", .af, .arbeteAktivitet, "2026-01-10")
        #expect(!s.fires(RuleId.aktivitetsersattningNoActivity, "2026-03-01"))
    }

    @Test("resolved by activity or end") func resolvedByActivityOrEnd() {
        var s = base()
        #expect(s.fires(RuleId.aktivitetsersattningNoActivity, "2026-02-01"))
        var withMeasure = s
        withMeasure.add(
            "k1", .kommun, "2026-02-02",
            .kommunMeasureStarted(
                MunicipalMeasureStarted(measureId: "m1", measure: .coachingteamet, startDate: day("2026-02-02"), extentPercent: 25)))
        #expect(!withMeasure.fires(RuleId.aktivitetsersattningNoActivity, "2026-02-02"))
        s.add(
            "ae2", .fk, "2026-03-01",
            .fkAktivitetsersattningEnded(AktivitetsersattningEnded(endDate: day("2026-03-01"), reason: .withdrawn)))
        #expect(!s.fires(RuleId.aktivitetsersattningNoActivity, "2026-03-02"))
    }
}

@Suite("Benefit ending rule") struct BenefitEndingRuleTests {
    /// Aktivitetsersättning until 2026-06-30: it stops on 2026-07-01.
    func base() -> Scenario {
        var s = Scenario()
        s.add(
            "ae1", .fk, "2025-06-20",
            .fkAktivitetsersattningGranted(
                AktivitetsersattningGranted(from: day("2025-07-01"), until: day("2026-06-30"), extentPercent: 100)))
        return s
    }

    @Test("raised warning days before the end") func raisedWarningDaysBeforeTheEnd() throws {
        let s = base()
        #expect(!s.fires(RuleId.benefitEndingNoPlan, "2026-05-01"))
        #expect(s.evaluate("2026-04-20").nextCheck == midnight("2026-05-02"))
        let finding = try #require(s.finding(RuleId.benefitEndingNoPlan, "2026-05-02"))
        #expect(finding.explanation.contains("aktivitetsersättning upphör 1 jul 2026"))
        #expect(finding.evidence == ["ae1"])
        #expect(s.finding(RuleId.benefitEndingNoPlan, "2026-07-10")?.explanation.contains("upphörde") == true)
    }

    @Test("stops days after end") func stopsDaysAfterEnd() {
        let s = base()
        #expect(s.fires(RuleId.benefitEndingNoPlan, "2026-07-30"))
        #expect(!s.fires(RuleId.benefitEndingNoPlan, "2026-07-31"))
    }

    @Test("not raised with plan") func notRaisedWithPlan() {
        var s = base()
        s.add(
            "p1", .kommun, "2026-04-01",
            .planCreated(PlanCreated(planId: "p1", leadAgency: .kommun, participants: [.kommun, .fk], goals: ["Arbete"])))
        #expect(!s.fires(RuleId.benefitEndingNoPlan, "2026-05-10"))
    }

    @Test("a handover only requested is no receiving plan: the flag is raised while it waits")
    func notSuppressedByPendingHandover() throws {
        var s = base()
        s.openCase("f1", .fk, .arbeteAktivitet, "2026-01-10")
        s.add(
            "h1", .fk, "2026-04-20",
            .handoverRequested(
                HandoverRequested(handoverId: "h1", area: .arbeteAktivitet, to: .kommun, reason: "Aktivitetsersättningen tar slut")))
        #expect(s.state.area(.arbeteAktivitet)?.pendingHandover?.to == .kommun)
        #expect(s.fires(RuleId.benefitEndingNoPlan, "2026-05-10"))
        // Once the kommun has accepted and a plan exists, the flag goes.
        s.add(
            "p1", .kommun, "2026-05-12",
            .planCreated(PlanCreated(planId: "p1", leadAgency: .kommun, participants: [.kommun, .fk], goals: ["Arbete"])))
        #expect(!s.fires(RuleId.benefitEndingNoPlan, "2026-05-12"))
    }

    @Test("sjukpenning and SGI endings") func sjukpenningAndSgiEndings() {
        var s = Scenario()
        s.add(
            "fk1", .fk, "2026-01-01",
            .fkSjukpenningDecided(
                SjukpenningDecided(decision: .granted, effectiveDate: day("2026-01-01"), extentPercent: 100, until: day("2026-03-31"))))
        #expect(!s.fires(RuleId.benefitEndingNoPlan, "2026-01-30"))
        #expect(s.fires(RuleId.benefitEndingNoPlan, "2026-01-31"))
        var sgi = Scenario()
        sgi.add("fk2", .fk, "2026-01-10", .fkSgiStatus(SgiStatusChanged(status: .ended, effectiveDate: day("2026-02-28"))))
        #expect(sgi.finding(RuleId.benefitEndingNoPlan, "2026-01-10")?.evidence == ["fk2"])
    }

    @Test("resolved by SIP") func resolvedBySip() {
        var s = base()
        #expect(s.fires(RuleId.benefitEndingNoPlan, "2026-05-10"))
        s.add(
            "sip1", .kommun, "2026-05-11",
            .sipRequested(
                SipRequested(
                    sipId: "sip1", caller: .kommun, reason: "Aktivitetsersättningen tar slut", invited: [.fk], afterDischarge: false)))
        #expect(!s.fires(RuleId.benefitEndingNoPlan, "2026-05-11"))
    }
}

@Suite("Referral unanswered rule") struct ReferralUnansweredRuleTests {
    func sent(_ answerBy: String? = nil) -> Scenario {
        var s = Scenario()
        s.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Psykisk ohälsa", requestedMeasure: "Bedömning",
                    area: .halsaVard, answerBy: answerBy.map(day))))
        return s
    }

    @Test("raised after answer days") func raisedAfterAnswerDays() throws {
        var s = sent()
        s.add("r2", .region, "2026-03-02", .referralReceived(ReferralReceived(referralId: "ref1", from: .kommun, to: .region)))
        #expect(!s.fires(RuleId.referralUnanswered, "2026-03-14"))
        #expect(s.evaluate("2026-03-05").nextCheck == midnight("2026-03-15"))
        let finding = try #require(s.finding(RuleId.referralUnanswered, "2026-03-15"))
        #expect(finding.agencies == [.region])
        #expect(finding.evidence == ["r1"])
        #expect(finding.since == midnight("2026-03-01"))
    }

    @Test("answer by date counts") func answerByDateCounts() {
        let s = sent("2026-03-05")
        #expect(!s.fires(RuleId.referralUnanswered, "2026-03-05"))
        #expect(s.fires(RuleId.referralUnanswered, "2026-03-06"))
    }

    @Test("not raised when accepted") func notRaisedWhenAccepted() {
        var s = sent()
        s.add(
            "r2", .region, "2026-03-10",
            .referralAccepted(ReferralAccepted(referralId: "ref1", from: .kommun, to: .region, contact: contact("Dr Berg"))))
        #expect(!s.fires(RuleId.referralUnanswered, "2026-04-01"))
    }

    @Test("resolved by rejection or cancel") func resolvedByRejectionOrCancel() {
        var s = sent()
        #expect(s.fires(RuleId.referralUnanswered, "2026-03-20"))
        var rejected = s
        rejected.add(
            "r3", .region, "2026-03-21",
            .referralRejected(ReferralRejected(referralId: "ref1", from: .kommun, to: .region, reason: "Fel mottagare")))
        #expect(!rejected.fires(RuleId.referralUnanswered, "2026-03-21"))
        s.add(
            "r4", .kommun, "2026-03-21",
            .referralCancelled(ReferralCancelled(referralId: "ref1", from: .kommun, to: .region, reason: "Inte längre aktuell")))
        #expect(!s.fires(RuleId.referralUnanswered, "2026-03-21"))
        #expect(s.state.referrals.isEmpty)
    }
}

@Suite("Referral rejected rule") struct ReferralRejectedRuleTests {
    func base() -> Scenario {
        var s = Scenario()
        s.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Psykisk ohälsa", requestedMeasure: "Bedömning",
                    area: .halsaVard)))
        s.add(
            "r2", .region, "2026-03-03",
            .referralRejected(ReferralRejected(referralId: "ref1", from: .kommun, to: .region, reason: "Fel mottagare")))
        return s
    }

    @Test("raised after next step days") func raisedAfterNextStepDays() throws {
        let s = base()
        #expect(!s.fires(RuleId.referralRejectedNoNextStep, "2026-03-09"))
        let finding = try #require(s.finding(RuleId.referralRejectedNoNextStep, "2026-03-10"))
        #expect(finding.agencies == [.kommun])
        #expect(finding.evidence == ["r1", "r2"])
        #expect(finding.since == midnight("2026-03-03"))
    }

    @Test("not raised when cancelled") func notRaisedWhenCancelled() {
        var s = base()
        s.add(
            "r3", .kommun, "2026-03-05",
            .referralCancelled(ReferralCancelled(referralId: "ref1", from: .kommun, to: .region, reason: "Remitterar till vårdcentralen")))
        #expect(!s.fires(RuleId.referralRejectedNoNextStep, "2026-03-20"))
    }

    @Test("resolved by new referral") func resolvedByNewReferral() {
        var s = base()
        #expect(s.fires(RuleId.referralRejectedNoNextStep, "2026-03-11"))
        s.add(
            "r5", .kommun, "2026-03-12",
            .referralSent(
                ReferralSent(
                    referralId: "ref2", from: .kommun, to: .region, reason: "Psykisk ohälsa", requestedMeasure: "Vårdcentral",
                    area: .halsaVard)))
        #expect(!s.fires(RuleId.referralRejectedNoNextStep, "2026-03-12"))
    }

    @Test("answer before referral is folded") func answerBeforeReferralIsFolded() {
        var s = Scenario()
        s.add(
            "r2", .region, "2026-03-03",
            .referralRejected(ReferralRejected(referralId: "ref1", from: .kommun, to: .region, reason: "Fel mottagare")))
        s.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Psykisk ohälsa", requestedMeasure: "Bedömning",
                    area: .halsaVard)))
        #expect(s.state.referrals.first?.status == .rejected)
        #expect(s.state.referrals.first?.area == .halsaVard)
        #expect(s.fires(RuleId.referralRejectedNoNextStep, "2026-03-10"))
    }
}

@Suite("Sick note lapsed rule") struct SickNoteLapsedRuleTests {
    func base() -> Scenario {
        var s = Scenario()
        s.bistand(from: "2026-01", through: "2026-06")
        s.illHealth("k1", "2026-01-15")
        s.sickNote("s1", 100, "2026-01-15", "2026-03-31")
        return s
    }

    @Test("raised when the note runs out") func raisedWhenTheNoteRunsOut() throws {
        let s = base()
        #expect(!s.fires(RuleId.sickNoteLapsed, "2026-04-07"))
        #expect(s.evaluate("2026-04-07").nextCheck == midnight("2026-04-08"))
        let finding = try #require(s.finding(RuleId.sickNoteLapsed, "2026-04-08"))
        #expect(finding.since == midnight("2026-04-01"))
        #expect(finding.agencies == [.region, .kommun])
        #expect(finding.evidence.prefix(2) == ["s1", "k1"])
    }

    @Test("raised on lapsed event") func raisedOnLapsedEvent() {
        var s = base()
        s.add(
            "s2", .region, "2026-03-20", .regionSickNoteEnded(SickNoteEnded(sickNoteId: "s1", endedOn: day("2026-03-20"), reason: .lapsed)))
        #expect(!s.fires(RuleId.sickNoteLapsed, "2026-03-26"))
        #expect(s.finding(RuleId.sickNoteLapsed, "2026-03-27")?.evidence.first == "s2")
    }

    @Test("not raised when recovered or without barrier") func notRaisedWhenRecoveredOrWithoutBarrier() {
        var s = base()
        s.add(
            "s2", .region, "2026-03-20",
            .regionSickNoteEnded(SickNoteEnded(sickNoteId: "s1", endedOn: day("2026-03-20"), reason: .recovered)))
        #expect(!s.fires(RuleId.sickNoteLapsed, "2026-04-20"))
        var noBarrier = Scenario()
        noBarrier.bistand(from: "2026-01", through: "2026-06")
        noBarrier.sickNote("s1", 100, "2026-01-15", "2026-03-31")
        #expect(!noBarrier.fires(RuleId.sickNoteLapsed, "2026-04-20"))
    }

    @Test("resolved by renewal") func resolvedByRenewal() {
        var s = base()
        #expect(s.fires(RuleId.sickNoteLapsed, "2026-04-09"))
        s.sickNote("s3", 50, "2026-04-10", "2026-06-30")
        #expect(!s.fires(RuleId.sickNoteLapsed, "2026-04-10"))
    }
}

@Suite("Ping pong rule") struct PingPongRuleTests {
    func request(_ s: inout Scenario, _ id: String, _ from: Agency, _ to: Agency, _ date: String) {
        s.add(
            id, from, date,
            .handoverRequested(HandoverRequested(handoverId: id, area: .arbeteAktivitet, to: to, reason: "Arbetsförmåga oklar")))
    }

    func base() -> Scenario {
        var s = Scenario()
        request(&s, "h1", .af, .fk, "2026-01-10")
        request(&s, "h2", .fk, .af, "2026-02-10")
        request(&s, "h3", .af, .fk, "2026-03-10")
        return s
    }

    @Test("raised on the third handover") func raisedOnTheThirdHandover() throws {
        let s = base()
        let finding = try #require(s.finding(RuleId.pingPong, "2026-03-10"))
        #expect(finding.agencies == [.af, .fk])
        #expect(finding.evidence == ["h1", "h2", "h3"])
        #expect(finding.since == midnight("2026-01-10"))
        // Ping-pong's own next change: the window of h1 closes (h3, still unanswered, is another rule's).
        var pingPongOnly = s
        pingPongOnly.rules = GapRules(
            configuration: try RuleConfiguration.decode(Data(#"{"rules":{"handover-unanswered":{"enabled":false}}}"#.utf8)))
        #expect(pingPongOnly.evaluate("2026-03-10").nextCheck == midnight("2026-07-09"))
        #expect(s.evaluate("2026-03-10").nextCheck == midnight("2026-03-24"))
    }

    @Test("not raised in one direction or twice") func notRaisedInOneDirectionOrTwice() {
        var s = Scenario()
        request(&s, "h1", .af, .fk, "2026-01-10")
        request(&s, "h2", .fk, .af, "2026-02-10")
        #expect(!s.fires(RuleId.pingPong, "2026-03-10"))
        var oneWay = Scenario()
        oneWay.add(
            "c1", .af, "2026-01-10",
            .caseClosed(CaseClosed(area: .arbeteAktivitet, reason: .handover, handoverTo: .fk, closedOn: day("2026-01-10"))))
        oneWay.add(
            "c2", .af, "2026-03-10",
            .caseClosed(CaseClosed(area: .arbeteAktivitet, reason: .handover, handoverTo: .fk, closedOn: day("2026-03-10"))))
        oneWay.add(
            "c3", .af, "2026-05-10",
            .caseClosed(CaseClosed(area: .arbeteAktivitet, reason: .handover, handoverTo: .fk, closedOn: day("2026-05-10"))))
        #expect(!oneWay.fires(RuleId.pingPong, "2026-05-10"))
    }

    @Test("acceptance of a request counts once") func acceptanceOfARequestCountsOnce() {
        var s = Scenario()
        request(&s, "h1", .af, .fk, "2026-01-10")
        s.add(
            "h1a", .fk, "2026-01-12",
            .handoverAccepted(HandoverAccepted(handoverId: "h1", area: .arbeteAktivitet, from: .af, contact: contact("Fia Fors"))))
        request(&s, "h2", .fk, .af, "2026-02-10")
        #expect(s.state.handovers.count == 2)
        #expect(!s.fires(RuleId.pingPong, "2026-02-10"))
    }

    /// Handovers a day apart, as when staff bounce a person within a week: each id counts.
    @Test("handovers between the same agencies within days count each") func handoversBetweenTheSameAgenciesWithinDaysCountEach() {
        var s = Scenario()
        for (index, (from, to)) in [(Agency.af, Agency.fk), (.fk, .af), (.af, .fk)].enumerated() {
            let id = "h\(index + 1)"
            let date = "2026-03-1\(index)"
            request(&s, id, from, to, date)
            s.add(
                "\(id)a", to, date,
                .handoverAccepted(HandoverAccepted(handoverId: id, area: .arbeteAktivitet, from: from, contact: contact("Fia Fors"))))
            s.add(
                "\(id)c", from, date,
                .caseClosed(CaseClosed(area: .arbeteAktivitet, reason: .handover, handoverTo: to, closedOn: day(date))))
        }
        #expect(s.state.handovers.map(\.handoverId) == ["h1", "h2", "h3"])
        #expect(s.fires(RuleId.pingPong, "2026-03-12"))
    }

    /// The answer and the closing travel on other topics than the request and may be read first.
    @Test("answer and closing read before the request count once") func answerAndClosingReadBeforeTheRequestCountOnce() {
        var s = Scenario()
        s.add(
            "c1", .af, "2026-01-12",
            .caseClosed(CaseClosed(area: .arbeteAktivitet, reason: .handover, handoverTo: .fk, closedOn: day("2026-01-12"))))
        s.add(
            "h1a", .fk, "2026-01-12",
            .handoverAccepted(HandoverAccepted(handoverId: "h1", area: .arbeteAktivitet, from: .af, contact: contact("Fia Fors"))))
        request(&s, "h1", .af, .fk, "2026-01-12")
        #expect(s.state.handovers.count == 1)
        #expect(s.state.handovers.first?.handoverId == "h1")
    }

    @Test("resolved when the window passes") func resolvedWhenTheWindowPasses() {
        let s = base()
        #expect(s.fires(RuleId.pingPong, "2026-07-08"))
        #expect(!s.fires(RuleId.pingPong, "2026-07-09"))
    }
}

@Suite("Conflicting demands rule") struct ConflictingDemandsRuleTests {
    func base(measureExtent: Int) -> Scenario {
        var s = Scenario()
        s.sickNote("s1", 75, "2026-03-01", "2026-05-31")
        s.add(
            "m1", .kommun, "2026-03-10",
            .kommunMeasureStarted(
                MunicipalMeasureStarted(
                    measureId: "m1", measure: .arbetstraning, startDate: day("2026-03-10"), extentPercent: measureExtent)))
        return s
    }

    @Test("raised") func raised() throws {
        let finding = try #require(base(measureExtent: 50).finding(RuleId.conflictingDemands, "2026-03-10"))
        #expect(finding.agencies == [.kommun])
        #expect(finding.evidence == ["s1", "m1"])
        #expect(finding.explanation.contains("75 procent"))
        #expect(finding.explanation.contains("50 procent"))
    }

    @Test("not raised within capacity") func notRaisedWithinCapacity() {
        #expect(!base(measureExtent: 25).fires(RuleId.conflictingDemands, "2026-03-10"))
    }

    @Test("sjukpenning extent counts") func sjukpenningExtentCounts() {
        var s = Scenario()
        s.add(
            "fk1", .fk, "2026-03-01",
            .fkSjukpenningDecided(SjukpenningDecided(decision: .granted, effectiveDate: day("2026-03-01"), extentPercent: 100)))
        s.add(
            "a1", .af, "2026-03-05",
            .afProgrammeStarted(
                AfProgrammeStarted(programmeId: "p1", programme: .rustaOchMatcha, startDate: day("2026-03-05"), extentPercent: 50)))
        #expect(s.finding(RuleId.conflictingDemands, "2026-03-06")?.agencies == [.af])
    }

    @Test("resolved by ending the measure or the sick note") func resolvedByEndingTheMeasureOrTheSickNote() {
        var s = base(measureExtent: 50)
        #expect(s.fires(RuleId.conflictingDemands, "2026-05-31"))
        #expect(!s.fires(RuleId.conflictingDemands, "2026-06-01"))
        s.add(
            "m2", .kommun, "2026-04-01",
            .kommunMeasureEnded(MunicipalMeasureEnded(measureId: "m1", endDate: day("2026-04-01"), reason: .interrupted)))
        #expect(!s.fires(RuleId.conflictingDemands, "2026-04-01"))
    }
}

@Suite("Long term bistand rule") struct LongTermBistandRuleTests {
    @Test("raised at ten of twelve months") func raisedAtTenOfTwelveMonths() throws {
        var s = Scenario()
        s.bistand(from: "2025-05", through: "2026-02")
        let finding = try #require(s.finding(RuleId.longTermBistandNoMeasure, "2026-02-15"))
        #expect(finding.since == midnight("2026-02-01"))
        #expect(finding.agencies == [.kommun])
        #expect(s.evaluate("2026-02-15").nextCheck == midnight("2026-03-01"))
    }

    @Test("not raised at nine months or with measure") func notRaisedAtNineMonthsOrWithMeasure() {
        var s = Scenario()
        s.bistand(from: "2025-06", through: "2026-02")
        #expect(!s.fires(RuleId.longTermBistandNoMeasure, "2026-02-15"))
        var measured = Scenario()
        measured.bistand(from: "2025-05", through: "2026-02")
        measured.add(
            "a1", .af, "2026-01-10",
            .afProgrammeStarted(AfProgrammeStarted(programmeId: "p1", programme: .jobUga, startDate: day("2026-01-10"), extentPercent: 100))
        )
        #expect(!measured.fires(RuleId.longTermBistandNoMeasure, "2026-02-15"))
    }

    @Test("resolved by measure or by time") func resolvedByMeasureOrByTime() {
        var s = Scenario()
        s.bistand(from: "2025-05", through: "2026-02")
        #expect(s.fires(RuleId.longTermBistandNoMeasure, "2026-04-30"))
        #expect(!s.fires(RuleId.longTermBistandNoMeasure, "2026-05-01"))
        s.add(
            "m1", .kommun, "2026-03-01",
            .kommunMeasureStarted(
                MunicipalMeasureStarted(measureId: "m1", measure: .coachingteamet, startDate: day("2026-03-01"), extentPercent: 50)))
        #expect(!s.fires(RuleId.longTermBistandNoMeasure, "2026-03-01"))
    }
}

@Suite("Ill health no SIP rule") struct IllHealthNoSipRuleTests {
    func base(barrierFrom: String = "2025-02-01") -> Scenario {
        var s = Scenario()
        s.bistand(from: "2025-01", through: "2026-03")
        s.illHealth("k1", barrierFrom)
        return s
    }

    @Test("raised after a year") func raisedAfterAYear() throws {
        let s = base()
        #expect(!s.fires(RuleId.illHealthNoSip, "2026-01-31"))
        let finding = try #require(s.finding(RuleId.illHealthNoSip, "2026-02-01"))
        #expect(finding.since == midnight("2025-02-01"))
        #expect(finding.agencies == [.kommun, .region])
        #expect(finding.evidence.first == "k1")
    }

    @Test("not raised for a shorter barrier") func notRaisedForAShorterBarrier() {
        #expect(!base(barrierFrom: "2025-06-01").fires(RuleId.illHealthNoSip, "2026-02-01"))
    }

    @Test("barrier removed resets it") func barrierRemovedResetsIt() {
        var s = base()
        s.add(
            "k2", .kommun, "2025-09-01",
            .kommunArbetshinderAssessed(ArbetshinderAssessed(barriers: [.sprakhinder], assessedOn: day("2025-09-01"))))
        #expect(!s.fires(RuleId.illHealthNoSip, "2026-02-01"))
    }

    @Test("resolved by SIP request") func resolvedBySipRequest() {
        var s = base()
        #expect(s.fires(RuleId.illHealthNoSip, "2026-02-10"))
        s.add(
            "sip1", .region, "2026-02-11",
            .sipRequested(SipRequested(sipId: "sip1", caller: .region, reason: "Ohälsa", invited: [.kommun], afterDischarge: false)))
        #expect(!s.fires(RuleId.illHealthNoSip, "2026-02-11"))
    }
}

@Suite("SIP rule") struct SipRuleTests {
    func invited() -> Scenario {
        var s = Scenario()
        s.add(
            "sip1", .kommun, "2026-03-01",
            .sipRequested(
                SipRequested(sipId: "sip1", caller: .kommun, reason: "Behov av samordning", invited: [.af, .region], afterDischarge: false))
        )
        s.add(
            "inv-af", .kommun, "2026-03-01",
            .sipInvitationSent(SipInvitationSent(sipId: "sip1", caller: .kommun, invitee: .af, answerBy: day("2026-03-10"))))
        s.add(
            "inv-region", .kommun, "2026-03-01",
            .sipInvitationSent(SipInvitationSent(sipId: "sip1", caller: .kommun, invitee: .region, answerBy: day("2026-03-10"))))
        s.add(
            "ans-region", .region, "2026-03-05",
            .sipInvitationAnswered(
                SipInvitationAnswered(
                    sipId: "sip1", caller: .kommun, invitee: .region, answer: .accepted, participant: contact("Dr Berg"),
                    availability: [TimeSlot(start: at("2026-03-20", hour: 9), end: at("2026-03-20", hour: 11))])))
        return s
    }

    @Test("invitation unanswered raised") func invitationUnansweredRaised() throws {
        let s = invited()
        #expect(!s.fires(RuleId.sipInvitationUnanswered, "2026-03-10"))
        let finding = try #require(s.finding(RuleId.sipInvitationUnanswered, "2026-03-11"))
        #expect(finding.agencies == [.af])
        #expect(finding.evidence == ["inv-af"])
    }

    @Test("invitation answered in time does not raise") func invitationAnsweredInTimeDoesNotRaise() {
        var s = invited()
        s.add(
            "ans-af", .af, "2026-03-09",
            .sipInvitationAnswered(
                SipInvitationAnswered(
                    sipId: "sip1", caller: .kommun, invitee: .af, answer: .accepted, participant: contact("Bo Berg"),
                    availability: [TimeSlot(start: at("2026-03-20", hour: 9), end: at("2026-03-20", hour: 11))])))
        #expect(!s.fires(RuleId.sipInvitationUnanswered, "2026-03-20"))
        #expect(s.state.sips.first?.invitations.allSatisfy { $0.answer == .accepted } == true)
    }

    @Test("invitation answered resolves") func invitationAnsweredResolves() {
        var s = invited()
        #expect(s.fires(RuleId.sipInvitationUnanswered, "2026-03-12"))
        s.add(
            "ans-af", .af, "2026-03-12",
            .sipInvitationAnswered(
                SipInvitationAnswered(sipId: "sip1", caller: .kommun, invitee: .af, answer: .declined, reason: "Personen är inte inskriven")
            ))
        #expect(!s.fires(RuleId.sipInvitationUnanswered, "2026-03-12"))
    }

    @Test("not held raised after hold days") func notHeldRaisedAfterHoldDays() throws {
        let s = invited()
        #expect(!s.fires(RuleId.sipNotHeld, "2026-03-30"))
        let finding = try #require(s.finding(RuleId.sipNotHeld, "2026-03-31"))
        #expect(finding.agencies == [.kommun])
        #expect(finding.evidence == ["sip1"])
    }

    @Test("held or cancelled does not raise") func heldOrCancelledDoesNotRaise() {
        var held = invited()
        held.add(
            "held", .kommun, "2026-03-20",
            .sipHeld(
                SipHeld(
                    sipId: "sip1", caller: .kommun, participants: [.kommun, .region],
                    attendees: [Attendee(agency: .kommun, name: "Anna Andersson")], heldOn: day("2026-03-20"))))
        #expect(!held.fires(RuleId.sipNotHeld, "2026-04-10"))
        var late = invited()
        #expect(late.fires(RuleId.sipNotHeld, "2026-04-02"))
        late.add(
            "cancel", .kommun, "2026-04-03",
            .sipCancelled(SipCancelled(sipId: "sip1", caller: .kommun, participants: [.kommun, .region], reason: "Personen flyttar")))
        #expect(!late.fires(RuleId.sipNotHeld, "2026-04-03"))
    }

    @Test("discharge must be called within three days") func dischargeMustBeCalledWithinThreeDays() throws {
        var s = Scenario()
        s.add(
            "sip2", .region, "2026-03-01",
            .sipRequested(
                SipRequested(
                    sipId: "sip2", caller: .region, reason: "Utskrivning från slutenvård", invited: [.kommun], afterDischarge: true)))
        #expect(s.evaluate("2026-03-02").nextCheck == midnight("2026-03-04"))
        #expect(!s.fires(RuleId.sipNotHeld, "2026-03-03"))
        let finding = try #require(s.finding(RuleId.sipNotHeld, "2026-03-04"))
        #expect(finding.agencies == [.region])
        #expect(finding.explanation.contains("2017:612"))
        var scheduled = s
        scheduled.add(
            "sch", .region, "2026-03-03",
            .sipScheduled(
                SipScheduled(
                    sipId: "sip2", caller: .region, participants: [.region, .kommun],
                    meeting: TimeSlot(start: at("2026-03-09", hour: 9), end: at("2026-03-09", hour: 10)), sequence: 0)))
        #expect(!scheduled.fires(RuleId.sipNotHeld, "2026-03-04"))
        #expect(scheduled.fires(RuleId.sipNotHeld, "2026-03-31"))
    }
}

@Suite("Plan rule") struct PlanRuleTests {
    func plan() -> Scenario {
        var s = Scenario()
        s.openCase("k1", .kommun, .forsorjning, "2026-01-01")
        s.openCase("a1", .af, .arbeteAktivitet, "2026-01-01", "Bo Berg")
        s.add(
            "p1", .kommun, "2026-02-01",
            .planCreated(PlanCreated(planId: "p1", leadAgency: .kommun, participants: [.kommun, .af], goals: ["Egen försörjning"])))
        s.add(
            "act1", .kommun, "2026-02-01",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .af, ownerContact: contact("Bo Berg"),
                    description: "Kartlägga arbetsförmåga", dueDate: day("2026-03-10"))))
        return s
    }

    @Test("without lead raised when lead closes its cases") func withoutLeadRaisedWhenLeadClosesItsCases() throws {
        var s = plan()
        #expect(!s.fires(RuleId.planWithoutLead, "2026-03-01"))
        s.closeCase("k2", .kommun, .forsorjning, "2026-03-01")
        let finding = try #require(s.finding(RuleId.planWithoutLead, "2026-03-01"))
        #expect(finding.agencies == [.af])
        #expect(finding.evidence == ["p1", "k2"])
        s.openCase("k3", .kommun, .forsorjning, "2026-03-05")
        #expect(!s.fires(RuleId.planWithoutLead, "2026-03-05"))
    }

    @Test("without lead resolved by closing the plan") func withoutLeadResolvedByClosingThePlan() {
        var s = plan()
        s.closeCase("k2", .kommun, .forsorjning, "2026-03-01")
        s.add(
            "p2", .af, "2026-03-02",
            .planClosed(
                PlanClosed(planId: "p1", leadAgency: .kommun, participants: [.kommun, .af], reason: .replaced, closedOn: day("2026-03-02")))
        )
        #expect(!s.fires(RuleId.planWithoutLead, "2026-03-02"))
    }

    @Test("action overdue") func actionOverdue() throws {
        var s = plan()
        #expect(!s.fires(RuleId.planActionOverdue, "2026-03-10"))
        #expect(s.evaluate("2026-03-05").nextCheck == midnight("2026-03-11"))
        let finding = try #require(s.finding(RuleId.planActionOverdue, "2026-03-11"))
        #expect(finding.agencies == [.af])
        #expect(finding.evidence == ["act1"])
        #expect(finding.explanation.contains("Bo Berg"))
        s.add(
            "done", .af, "2026-03-12",
            .planActionCompleted(
                PlanActionCompleted(planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .af, completedOn: day("2026-03-12"))))
        #expect(!s.fires(RuleId.planActionOverdue, "2026-03-12"))
    }

    @Test("action owner closed") func actionOwnerClosed() throws {
        var s = plan()
        #expect(!s.fires(RuleId.planActionOwnerClosed, "2026-02-15"))
        s.closeCase("a2", .af, .arbeteAktivitet, "2026-02-20")
        let finding = try #require(s.finding(RuleId.planActionOwnerClosed, "2026-02-20"))
        #expect(finding.agencies == [.kommun])
        #expect(finding.evidence == ["act1", "a2"])
        // The lead reassigns the action to itself: resolved.
        s.add(
            "act2", .kommun, "2026-02-22",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .kommun, description: "Kartlägga arbetsförmåga",
                    dueDate: day("2026-04-10"))))
        #expect(!s.fires(RuleId.planActionOwnerClosed, "2026-02-22"))
    }
}

@Suite("No named contact rule") struct NoNamedContactRuleTests {
    func base() -> Scenario {
        var s = Scenario()
        s.add("af1", .af, "2026-03-01", .afRegistered(AfRegistered(registeredOn: day("2026-03-01"), workCapacityPercent: 100)))
        return s
    }

    @Test("raised after grace days") func raisedAfterGraceDays() throws {
        let s = base()
        #expect(!s.fires(RuleId.noNamedContact, "2026-03-14"))
        let finding = try #require(s.finding(RuleId.noNamedContact, "2026-03-15"))
        #expect(finding.agencies == [.af])
        #expect(finding.evidence == ["af1"])
        #expect(finding.explanation.hasPrefix("Arbetsförmedlingen är aktiv för personen sedan 1 mar 2026"))
    }

    @Test("not raised with named contact") func notRaisedWithNamedContact() {
        var s = base()
        s.openCase("a1", .af, .arbeteAktivitet, "2026-03-02")
        #expect(!s.fires(RuleId.noNamedContact, "2026-04-01"))
    }

    @Test("resolved when case opens") func resolvedWhenCaseOpens() {
        var s = base()
        #expect(s.fires(RuleId.noNamedContact, "2026-03-20"))
        s.openCase("a1", .af, .arbeteAktivitet, "2026-03-21")
        #expect(!s.fires(RuleId.noNamedContact, "2026-03-21"))
        s.closeCase("a2", .af, .arbeteAktivitet, "2026-04-01")
        #expect(s.fires(RuleId.noNamedContact, "2026-04-01"))
    }
}
