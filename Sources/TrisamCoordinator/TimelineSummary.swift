import Foundation
import TrisamContracts
import TrisamCoordinatorCore

/// What a person's timeline says of an event, in Swedish, for coordinators: one line naming the
/// agency and what happened (``text(for:)``), the day it took effect (``effectiveDate(of:)``),
/// and its content (``detail(of:)``): the codes, dates and extents the agency reported, in the
/// words of ``Svenska``. Free texts (reasons, descriptions) and names are left out: the person
/// page shows them where they belong. Consent erases the rows with the facts.
public enum TimelineSummary {
    public static func text(for envelope: EventEnvelope) -> String {
        let who = envelope.source.agency?.displayName ?? "Samordnaren"
        return "\(who): \(description(of: envelope.type))"
    }

    public static func description(of type: EventType) -> String {
        switch type {
        case .consentGiven: "samtycke lämnat"
        case .consentWithdrawn: "samtycke återkallat"
        case .kommunBistandDecided: "beslut om ekonomiskt bistånd"
        case .kommunForsorjningshinderReported: "försörjningshinder rapporterat"
        case .kommunArbetshinderAssessed: "arbetshinder bedömt"
        case .kommunMeasureStarted: "kommunal insats startad"
        case .kommunMeasureEnded: "kommunal insats avslutad"
        case .afRegistered: "inskriven hos Arbetsförmedlingen"
        case .afRegistrationFailed: "kunde inte skrivas in hos Arbetsförmedlingen"
        case .afProgrammeStarted: "program startat"
        case .afProgrammeEnded: "program avslutat"
        case .afWorkCapacityLacking: "bedömd sakna arbetsförmåga"
        case .afDeregistered: "avaktualiserad hos Arbetsförmedlingen"
        case .fkSjukpenningDecided: "beslut om sjukpenning"
        case .fkSgiStatus: "SGI ändrad"
        case .fkRehabkedjaMilestone: "rehabiliteringskedjan: ny tidsgräns"
        case .fkAktivitetsersattningGranted: "aktivitetsersättning beviljad"
        case .fkAktivitetsersattningEnded: "aktivitetsersättning upphör"
        case .fkSjukersattningDecided: "beslut om sjukersättning"
        case .regionSickNoteIssued: "läkarintyg utfärdat"
        case .regionSickNoteEnded: "läkarintyg upphört"
        case .regionTreatmentStatus: "behandlingsstatus ändrad"
        case .regionMedicallyFinished: "färdigbehandlad"
        case .caseOpened: "ärende öppnat"
        case .caseClosed: "ärende avslutat"
        case .caseContactChanged: "ny kontaktperson"
        case .handoverRequested: "överlämning begärd"
        case .handoverAccepted: "överlämning accepterad"
        case .handoverRefused: "överlämning nekad"
        case .referralSent: "remiss skickad"
        case .referralReceived: "remiss mottagen"
        case .referralAccepted: "remiss accepterad"
        case .referralRejected: "remiss avvisad"
        case .referralUpdated: "remiss uppdaterad"
        case .referralClosed: "remiss avslutad"
        case .referralCancelled: "remiss återkallad"
        case .sipRequested: "SIP begärd"
        case .sipInvitationSent: "kallelse till SIP skickad"
        case .sipInvitationAnswered: "kallelse till SIP besvarad"
        case .sipScheduled: "SIP-möte bokat"
        case .sipHeld: "SIP-möte hållet"
        case .sipCancelled: "SIP-möte inställt"
        case .planCreated: "handlingsplan upprättad"
        case .planActionAssigned: "åtgärd i handlingsplanen fördelad"
        case .planActionCompleted: "åtgärd i handlingsplanen avslutad"
        case .planFollowUpSet: "uppföljning av handlingsplanen bestämd"
        case .planClosed: "handlingsplan avslutad"
        case .flagRaised: "flagga rest"
        case .flagResolved: "flagga löst"
        case .flagTaken: "flagga tagen"
        case .flagAssigned: "flagga tilldelad"
        case .flagCommented: "flagga kommenterad"
        case .flagNextStepAgreed: "nästa steg för flagga bestämt"
        case .flagSetAside: "flagga lagd åt sidan"
        case .flagClosed: "flagga stängd – ingen brist"
        case .flagReopened: "flagga tillbaka i kön"
        case .flagTakeRequested: "flagga tagen av verksamheten"
        }
    }

    /// The day the reported fact took effect (a decision's effective date, a case's opening, a
    /// sick note's first day), when the event names one; nil when the event is its own date
    /// (handovers, referrals and SIP answers happen when they are sent).
    public static func effectiveDate(of envelope: EventEnvelope) -> LocalDate? {
        switch envelope.event {
        case .consentGiven(let e): e.givenOn
        case .consentWithdrawn(let e): e.withdrawnOn
        case .kommunBistandDecided(let e): e.effectiveDate
        case .kommunForsorjningshinderReported(let e): LocalDate(year: e.month.year, month: e.month.month, day: 1)
        case .kommunArbetshinderAssessed(let e): e.assessedOn
        case .kommunMeasureStarted(let e): e.startDate
        case .kommunMeasureEnded(let e): e.endDate
        case .afRegistered(let e): e.registeredOn
        case .afRegistrationFailed(let e): e.attemptedOn
        case .afProgrammeStarted(let e): e.startDate
        case .afProgrammeEnded(let e): e.endDate
        case .afWorkCapacityLacking(let e): e.assessedOn
        case .afDeregistered(let e): e.deregisteredOn
        case .fkSjukpenningDecided(let e): e.effectiveDate
        case .fkSgiStatus(let e): e.effectiveDate
        case .fkRehabkedjaMilestone(let e): e.reachedOn
        case .fkAktivitetsersattningGranted(let e): e.from
        case .fkAktivitetsersattningEnded(let e): e.endDate
        case .fkSjukersattningDecided(let e): e.effectiveDate
        case .regionSickNoteIssued(let e): e.from
        case .regionSickNoteEnded(let e): e.endedOn
        case .regionTreatmentStatus(let e): e.effectiveDate
        case .regionMedicallyFinished(let e): e.assessedOn
        case .caseOpened(let e): e.openedOn
        case .caseClosed(let e): e.closedOn
        case .caseContactChanged(let e): e.changedOn
        case .sipHeld(let e): e.heldOn
        case .planActionCompleted(let e): e.completedOn
        case .planClosed(let e): e.closedOn
        default: nil
        }
    }

    /// What the event reported, in Swedish, without free texts or names; nil when the one line
    /// says it all.
    public static func detail(of envelope: EventEnvelope) -> String? {
        func date(_ day: LocalDate) -> String { Svenska.date(day) }
        func percent(_ value: Int) -> String { "\(value) procent" }
        switch envelope.event {
        case .consentGiven(let e):
            return
                "\(Svenska.capitalised(Svenska.purpose(e.purpose))) för \(Svenska.agencies(e.agencies)), gäller till och med \(date(e.validUntil))"
        case .kommunBistandDecided(let e):
            return "\(Svenska.capitalised(Svenska.bistand(e.decision))) för \(Svenska.month(e.month))"
        case .kommunForsorjningshinderReported(let e):
            return "\(Svenska.capitalised(Svenska.forsorjningshinder(e.code))) (\(Svenska.month(e.month)))"
        case .kommunArbetshinderAssessed(let e):
            return e.barriers.isEmpty
                ? "Inga arbetshinder" : Svenska.capitalised(e.barriers.map(Svenska.arbetshinder).joined(separator: ", "))
        case .kommunMeasureStarted(let e):
            return "\(Svenska.capitalised(Svenska.measure(e.measure))) på \(percent(e.extentPercent))"
        case .kommunMeasureEnded(let e):
            return "Insatsen avslutad: \(Svenska.activityEnd(e.reason))"
        case .afRegistered(let e):
            return e.workCapacityPercent.map { "Arbetsförmåga \(percent($0))" }
        case .afRegistrationFailed(let e):
            return "Skäl: \(Svenska.registrationFailure(e.reason))"
        case .afProgrammeStarted(let e):
            return "\(Svenska.capitalised(Svenska.programme(e.programme))) på \(percent(e.extentPercent))"
        case .afProgrammeEnded(let e):
            return "Programmet avslutat: \(Svenska.activityEnd(e.reason))"
        case .afDeregistered(let e):
            return "Skäl: \(Svenska.deregistration(e.reason))"
        case .fkSjukpenningDecided(let e):
            var text = Svenska.capitalised(Svenska.sjukpenning(e.decision))
            if let extent = e.extentPercent { text += " på \(percent(extent))" }
            if let until = e.until { text += " till och med \(date(until))" }
            return text
        case .fkSgiStatus(let e):
            return Svenska.sgi(e.status)
        case .fkRehabkedjaMilestone(let e):
            return "Dag \(e.day) i rehabiliteringskedjan"
        case .fkAktivitetsersattningGranted(let e):
            return "På \(percent(e.extentPercent)) från \(date(e.from)) till och med \(date(e.until))"
        case .fkAktivitetsersattningEnded(let e):
            return "Skäl: \(Svenska.benefitEnd(e.reason))"
        case .fkSjukersattningDecided(let e):
            return Svenska.capitalised(Svenska.sjukersattning(e.decision))
        case .regionSickNoteIssued(let e):
            return "\(e.renewal ? "Förlängning, " : "")\(percent(e.extentPercent)) från \(date(e.from)) till och med \(date(e.until))"
        case .regionSickNoteEnded(let e):
            return Svenska.capitalised(Svenska.sickNoteEnd(e.reason))
        case .regionTreatmentStatus(let e):
            return "Behandling på \(Svenska.careUnit(e.unit)): \(Svenska.treatment(e.status))"
        case .caseOpened(let e):
            return "Område: \(Svenska.area(e.area))"
        case .caseClosed(let e):
            var text = "Område: \(Svenska.area(e.area)); skäl: \(Svenska.caseClose(e.reason))"
            if let to = e.handoverTo { text += " till \(Svenska.agency(to))" }
            return text
        case .caseContactChanged(let e):
            return "Område: \(Svenska.area(e.area))"
        case .handoverRequested(let e):
            return "\(Svenska.capitalised(Svenska.area(e.area))) till \(Svenska.agency(e.to))"
        case .handoverAccepted(let e):
            return "\(Svenska.capitalised(Svenska.area(e.area))) från \(Svenska.agency(e.from))"
        case .handoverRefused(let e):
            return "\(Svenska.capitalised(Svenska.area(e.area))) från \(Svenska.agency(e.from))"
        case .referralSent(let e):
            var text = "Till \(Svenska.agency(e.to)), område \(Svenska.area(e.area))"
            if let answerBy = e.answerBy { text += ", svar senast \(date(answerBy))" }
            return text
        case .referralReceived(let e):
            return "Från \(Svenska.agency(e.from))"
        case .sipRequested(let e):
            return "Inbjudna: \(Svenska.agencies(e.invited))\(e.afterDischarge ? "; efter utskrivning från sluten vård" : "")"
        case .sipInvitationSent(let e):
            return "Till \(Svenska.agency(e.invitee)), svar senast \(date(e.answerBy))"
        case .sipInvitationAnswered(let e):
            return "\(Svenska.capitalised(Svenska.agency(e.invitee))) har \(Svenska.sipAnswer(e.answer))"
        case .sipScheduled(let e):
            return "Mötet \(Svenska.dateTime(e.meeting.start))–\(Svenska.time(e.meeting.end))"
        case .planCreated(let e):
            return "Ansvarig: \(Svenska.agency(e.leadAgency)); deltar: \(Svenska.agencies(e.participants))"
        case .planActionAssigned(let e):
            return "Till \(Svenska.agency(e.owner)), klar senast \(date(e.dueDate))"
        case .planActionCompleted(let e):
            return e.finalOutcome == .notPossible ? "Inte möjlig att genomföra" : "Utförd"
        case .planFollowUpSet(let e):
            return "Uppföljning \(date(e.followUpOn))"
        case .planClosed(let e):
            return "Skäl: \(Svenska.planClose(e.reason))"
        default:
            return nil
        }
    }
}
