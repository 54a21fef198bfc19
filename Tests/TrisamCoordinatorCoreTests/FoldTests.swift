import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

@Suite("Fold") struct FoldTests {
    @Test("case opened makes the agency owner with contact") func caseOpenedMakesTheAgencyOwnerWithContact() throws {
        var s = Scenario()
        s.openCase("k1", .kommun, .forsorjning, "2026-01-05", "Karin Ek")
        let area = try #require(s.state.area(.forsorjning))
        #expect(area.owner == .kommun)
        #expect(area.since == day("2026-01-05"))
        #expect(area.contact?.name == "Karin Ek")
        #expect(area.periods == [OwnershipPeriod(agency: .kommun, from: day("2026-01-05"))])
        #expect(s.state.owner(of: .arbeteAktivitet) == nil)
    }

    @Test("handover keeps the sender owner until accepted") func handoverKeepsTheSenderOwnerUntilAccepted() throws {
        var s = Scenario()
        s.openCase("k1", .kommun, .arbeteAktivitet, "2026-01-05", "Karin Ek")
        s.add(
            "h1", .kommun, "2026-02-01",
            .handoverRequested(HandoverRequested(handoverId: "h1", area: .arbeteAktivitet, to: .af, reason: "Redo för arbetsmarknaden")))
        var area = try #require(s.state.area(.arbeteAktivitet))
        #expect(area.owner == .kommun)
        #expect(area.contact?.name == "Karin Ek")
        #expect(area.pendingHandover?.to == .af)
        #expect(area.pendingHandover?.requested == Mark(on: day("2026-02-01"), event: "h1"))

        s.add(
            "h1a", .af, "2026-02-05",
            .handoverAccepted(HandoverAccepted(handoverId: "h1", area: .arbeteAktivitet, from: .kommun, contact: contact("Bo Berg"))))
        area = try #require(s.state.area(.arbeteAktivitet))
        #expect(area.owner == .af)
        #expect(area.since == day("2026-02-05"))
        #expect(area.contact?.name == "Bo Berg")
        #expect(area.pendingHandover == nil)
        #expect(
            area.periods == [
                OwnershipPeriod(agency: .kommun, from: day("2026-01-05"), until: day("2026-02-05")),
                OwnershipPeriod(agency: .af, from: day("2026-02-05")),
            ])
        #expect(s.state.caseOf(.kommun, .arbeteAktivitet)?.isOpen == false)
        #expect(s.state.caseOf(.kommun, .arbeteAktivitet)?.closeReason == .handover)
        #expect(s.state.caseOf(.af, .arbeteAktivitet)?.isOpen == true)
    }

    @Test("refused handover leaves the sender owner") func refusedHandoverLeavesTheSenderOwner() throws {
        var s = Scenario()
        s.openCase("k1", .kommun, .arbeteAktivitet, "2026-01-05")
        s.add(
            "h1", .kommun, "2026-02-01",
            .handoverRequested(HandoverRequested(handoverId: "h1", area: .arbeteAktivitet, to: .af, reason: "Redo")))
        s.add(
            "h1r", .af, "2026-02-03",
            .handoverRefused(HandoverRefused(handoverId: "h1", area: .arbeteAktivitet, from: .kommun, reason: "Saknar arbetsförmåga")))
        let area = try #require(s.state.area(.arbeteAktivitet))
        #expect(area.owner == .kommun)
        #expect(area.pendingHandover == nil)
        #expect(area.periods.count == 1)
    }

    @Test("answer read before its request leaves nothing pending") func answerReadBeforeItsRequestLeavesNothingPending() throws {
        var s = Scenario()
        s.openCase("k1", .kommun, .arbeteAktivitet, "2026-01-05")
        s.add(
            "h1a", .af, "2026-02-05",
            .handoverAccepted(HandoverAccepted(handoverId: "h1", area: .arbeteAktivitet, from: .kommun, contact: contact("Bo Berg"))))
        s.add(
            "h1", .kommun, "2026-02-01",
            .handoverRequested(HandoverRequested(handoverId: "h1", area: .arbeteAktivitet, to: .af, reason: "Redo")))
        s.add(
            "h2r", .fk, "2026-03-03",
            .handoverRefused(HandoverRefused(handoverId: "h2", area: .arbeteAktivitet, from: .af, reason: "Inte aktuell")))
        s.add(
            "h2", .af, "2026-03-01",
            .handoverRequested(HandoverRequested(handoverId: "h2", area: .arbeteAktivitet, to: .fk, reason: "Sjuk")))
        let area = try #require(s.state.area(.arbeteAktivitet))
        #expect(area.owner == .af)
        #expect(area.pendingHandover == nil)
        // One mark per handover, the request's (the earlier event), in whichever order they are read.
        #expect(s.state.handovers.map(\.mark.event) == ["h1", "h2"])
    }

    @Test("timeline has gaps between periods") func timelineHasGapsBetweenPeriods() throws {
        var s = Scenario()
        s.openCase("a1", .af, .arbeteAktivitet, "2026-01-10")
        s.closeCase("a2", .af, .arbeteAktivitet, "2026-02-01", handoverTo: .kommun)
        var area = try #require(s.state.area(.arbeteAktivitet))
        #expect(area.owner == nil)
        #expect(area.since == day("2026-02-01"))
        #expect(area.awaitingReceiver == ClosedByHandover(from: .af, to: .kommun, closed: Mark(on: day("2026-02-01"), event: "a2")))
        s.openCase("k1", .kommun, .arbeteAktivitet, "2026-03-01")
        area = try #require(s.state.area(.arbeteAktivitet))
        #expect(area.owner == .kommun)
        #expect(area.awaitingReceiver == nil)
        #expect(
            area.periods == [
                OwnershipPeriod(agency: .af, from: day("2026-01-10"), until: day("2026-02-01")),
                OwnershipPeriod(agency: .kommun, from: day("2026-03-01")),
            ])
    }

    @Test("contact change updates owner contact") func contactChangeUpdatesOwnerContact() {
        var s = Scenario()
        s.openCase("k1", .kommun, .forsorjning, "2026-01-05", "Karin Ek")
        s.add(
            "k2", .kommun, "2026-02-01",
            .caseContactChanged(CaseContactChanged(area: .forsorjning, contact: contact("Lena Lund"), changedOn: day("2026-02-01"))))
        #expect(s.state.area(.forsorjning)?.contact?.name == "Lena Lund")
        #expect(s.state.caseOf(.kommun, .forsorjning)?.contact?.name == "Lena Lund")
        #expect(s.state.area(.forsorjning)?.periods.count == 1)
    }

    @Test("agency statuses") func agencyStatuses() {
        var s = Scenario()
        s.bistand(["2026-01", "2026-02"])
        s.add(
            "fh", .kommun, "2026-02-03",
            .kommunForsorjningshinderReported(ForsorjningshinderReported(code: .sjukskrivenLakarintyg, month: month("2026-02"))))
        s.add("af1", .af, "2026-01-10", .afRegistered(AfRegistered(registeredOn: day("2026-01-10"), workCapacityPercent: 50)))
        s.add(
            "af2", .af, "2026-01-20",
            .afProgrammeStarted(
                AfProgrammeStarted(programmeId: "p1", programme: .rustaOchMatcha, startDate: day("2026-01-20"), extentPercent: 50)))
        s.add("fk1", .fk, "2026-01-15", .fkSgiStatus(SgiStatusChanged(status: .lacking, effectiveDate: day("2026-01-15"))))
        s.add("fk2", .fk, "2026-01-16", .fkRehabkedjaMilestone(RehabkedjaMilestone(day: 90, reachedOn: day("2026-01-16"))))
        s.add(
            "r1", .region, "2026-01-17",
            .regionTreatmentStatus(TreatmentStatusChanged(status: .ongoing, unit: .psykiatri, effectiveDate: day("2026-01-17"))))
        s.add("r2", .region, "2026-01-18", .regionMedicallyFinished(MedicallyFinished(assessedOn: day("2026-01-18"))))
        let state = s.state
        #expect(state.kommun.bistand == .granted)
        #expect(state.kommun.bistandMonths == [month("2026-01"), month("2026-02")])
        #expect(state.kommun.bistandSince == day("2026-01-01"))
        #expect(state.kommun.illHealthSince == Mark(on: day("2026-02-01"), event: "fh"))
        #expect(state.af.isRegistered)
        #expect(state.af.workCapacityPercent == 50)
        #expect(state.af.programmes.map(\.id) == ["p1"])
        #expect(state.fk.sgi == .lacking)
        #expect(state.fk.rehabkedjaDay == 90)
        #expect(
            state.region.treatments == [TreatmentState(unit: .psykiatri, status: .ongoing, mark: Mark(on: day("2026-01-17"), event: "r1"))])
        #expect(state.region.medicallyFinished?.event == "r2")

        s.add("af3", .af, "2026-02-10", .afDeregistered(AfDeregistered(deregisteredOn: day("2026-02-10"), reason: .noContact)))
        s.add(
            "b-end", .kommun, "2026-03-01",
            .kommunBistandDecided(BistandDecided(decision: .ended, effectiveDate: day("2026-03-01"), month: month("2026-03"))))
        #expect(s.state.af.registration == .deregistered)
        #expect(s.state.af.programmes.isEmpty)
        #expect(s.state.kommun.bistandSince == nil)
    }

    @Test("SIP and plan views") func sipAndPlanViews() throws {
        var s = Scenario()
        s.add(
            "sip1", .kommun, "2026-03-01",
            .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: false)))
        s.add(
            "inv", .kommun, "2026-03-01",
            .sipInvitationSent(SipInvitationSent(sipId: "sip1", caller: .kommun, invitee: .region, answerBy: day("2026-03-08"))))
        let slot = TimeSlot(start: at("2026-03-15", hour: 9), end: at("2026-03-15", hour: 10))
        s.add(
            "sch", .kommun, "2026-03-09",
            .sipScheduled(SipScheduled(sipId: "sip1", caller: .kommun, participants: [.kommun, .region], meeting: slot, sequence: 0)))
        s.add(
            "p1", .kommun, "2026-03-15",
            .planCreated(
                PlanCreated(planId: "p1", sipId: "sip1", leadAgency: .kommun, participants: [.kommun, .region], goals: ["Må bättre"])))
        s.add(
            "x1", .kommun, "2026-03-15",
            .planActionAssigned(
                PlanActionAssigned(
                    planId: "p1", actionId: "x1", leadAgency: .kommun, owner: .region, ownerContact: contact("Dr Berg"),
                    description: String(repeating: "lång text ", count: 20), dueDate: day("2026-04-01"))))
        s.add(
            "f1", .kommun, "2026-03-15",
            .planFollowUpSet(
                PlanFollowUpSet(planId: "p1", leadAgency: .kommun, participants: [.kommun, .region], followUpOn: day("2026-05-01"))))
        let sip = try #require(s.state.sips.first)
        #expect(sip.meeting == slot)
        #expect(sip.invitations.map(\.invitee) == [.region])
        #expect(sip.isOpen)
        let plan = try #require(s.state.plans.first)
        #expect(plan.sipId == "sip1")
        #expect(plan.followUpOn == day("2026-05-01"))
        #expect(plan.actions.first?.ownerContact == "Dr Berg")
        #expect(plan.actions.first?.description.count == 80)
    }

    @Test("consents") func consents() {
        var s = Scenario()
        s.add(
            "c1", .kommun, "2026-01-01",
            .consentGiven(
                ConsentGiven(
                    consentId: "c1", purpose: .sip, agencies: [.kommun, .region], validUntil: day("2026-12-31"), givenOn: day("2026-01-01"))
            ))
        #expect(s.state.consents.first?.isValid(on: day("2026-06-01")) == true)
        s.add("c2", .kommun, "2026-03-01", .consentWithdrawn(ConsentWithdrawn(consentId: "c1", withdrawnOn: day("2026-03-01"))))
        #expect(s.state.consents.first?.withdrawnOn == day("2026-03-01"))
        #expect(s.state.consents.first?.isValid(on: day("2026-06-01")) == false)
        #expect(s.state.consents.first?.isValid(on: day("2026-02-01")) == true)
    }

    @Test("flag events are ignored") func flagEventsAreIgnored() {
        var s = Scenario()
        s.openCase("k1", .kommun, .forsorjning, "2026-01-05")
        let before = s.state
        var state = before
        state.apply(
            EventEnvelope(
                id: "f1", source: .coordinator, time: before.lastEventTime!, subject: person,
                event: .flagRaised(
                    FlagRaised(flagId: "x", rule: "grey-zone", severity: .high, title: "T", explanation: "E", agencies: [], evidence: []))))
        #expect(state == before)
    }

    @Test("state is compact and round trips") func stateIsCompactAndRoundTrips() throws {
        var s = Scenario()
        s.bistand(from: "2025-01", through: "2026-03")
        s.openCase("k1", .kommun, .forsorjning, "2025-01-05", "Karin Ek")
        s.openCase("a1", .af, .arbeteAktivitet, "2025-02-05", "Bo Berg")
        s.illHealth("k2", "2025-02-01")
        s.sickNote("s1", 50, "2026-01-01", "2026-03-31")
        s.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard)))
        let state = s.state
        let data = try JSONEncoder().encode(state)
        #expect(data.count < 2_000, "state is \(data.count) bytes")
        let decoded = try JSONDecoder().decode(PersonState.self, from: data)
        #expect(decoded == state)
        let empty = try JSONEncoder().encode(PersonState(clientRef: person))
        #expect(String(decoding: empty, as: UTF8.self) == #"{"clientRef":"0123456789abcdef0123456789abcdef"}"#)
    }

    @Test("binary form is smaller and refuses damage") func binaryFormIsSmallerAndRefusesDamage() throws {
        var s = Scenario()
        s.bistand(from: "2025-01", through: "2026-03")
        s.openCase("k1", .kommun, .forsorjning, "2025-01-05", "Karin Ek")
        s.illHealth("k2", "2025-02-01")
        s.add(
            "sip1", .kommun, "2026-03-01",
            .sipRequested(SipRequested(sipId: "sip1", caller: .kommun, reason: "Samordning", invited: [.region], afterDischarge: true)))
        s.add(
            "inv", .kommun, "2026-03-01",
            .sipInvitationSent(SipInvitationSent(sipId: "sip1", caller: .kommun, invitee: .region, answerBy: day("2026-03-08"))))
        let state = s.state
        let binary = state.binaryEncoded()
        #expect(binary.count * 2 < (try JSONEncoder().encode(state)).count)
        #expect(try PersonState(binary: binary) == state)
        #expect(throws: BinaryStateError.self) { try PersonState(binary: Array(binary.dropLast())) }
        #expect(throws: BinaryStateError.self) { try PersonState(binary: binary + [0]) }
        #expect(throws: BinaryStateError.self) { try PersonState(binary: [PersonState.binaryFormatVersion + 1] + binary.dropFirst()) }
        #expect(throws: BinaryStateError.self) { try PersonState(binary: []) }
    }

    @Test("fold and evaluation are deterministic") func foldAndEvaluationAreDeterministic() throws {
        var s = Scenario()
        s.bistand(from: "2025-01", through: "2026-03")
        s.illHealth("k2", "2025-02-01")
        s.sickNote("s1", 100, "2026-01-01", "2026-02-28")
        s.add("fk1", .fk, "2026-01-05", .fkSjukpenningDecided(SjukpenningDecided(decision: .noSgi, effectiveDate: day("2026-01-05"))))
        let first = s.state
        let second = s.state
        #expect(first == second)
        let now = at("2026-03-20")
        let evaluation = s.rules.evaluate(first, now: now)
        #expect(evaluation == s.rules.evaluate(second, now: now))
        let reloaded = try JSONDecoder().decode(PersonState.self, from: JSONEncoder().encode(first))
        #expect(s.rules.evaluate(reloaded, now: now) == evaluation)
        #expect(
            evaluation.findings.map(\.rule) == [
                RuleId.sickNoteLapsed, RuleId.longTermBistandNoMeasure, RuleId.illHealthNoSip, RuleId.noNamedContact,
            ])
    }
}
