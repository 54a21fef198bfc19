import TrisamContracts

/// The one-line description of an event on a person's timeline, in Swedish, for coordinators.
/// Names the agency and what happened, never personal data.
enum TimelineSummary {
    static func text(for envelope: EventEnvelope) -> String {
        let who = envelope.source.agency?.displayName ?? "Samordnaren"
        return "\(who): \(description(of: envelope.type))"
    }

    static func description(of type: EventType) -> String {
        switch type {
        case .consentGiven: "samtycke lämnat"
        case .consentWithdrawn: "samtycke återkallat"
        case .kommunBistandDecided: "beslut om ekonomiskt bistånd"
        case .kommunForsorjningshinderReported: "försörjningshinder rapporterat"
        case .kommunArbetshinderAssessed: "arbetshinder bedömda"
        case .kommunMeasureStarted: "kommunal insats startad"
        case .kommunMeasureEnded: "kommunal insats avslutad"
        case .afRegistered: "inskriven hos Arbetsförmedlingen"
        case .afRegistrationFailed: "kunde inte skrivas in hos Arbetsförmedlingen"
        case .afProgrammeStarted: "program startat"
        case .afProgrammeEnded: "program avslutat"
        case .afWorkCapacityLacking: "bedömd sakna arbetsförmåga"
        case .afDeregistered: "utskriven från Arbetsförmedlingen"
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
        case .planCreated: "plan upprättad"
        case .planActionAssigned: "planaktivitet tilldelad"
        case .planActionCompleted: "planaktivitet klar"
        case .planFollowUpSet: "uppföljning av plan satt"
        case .planClosed: "plan avslutad"
        case .flagRaised: "flagga rest"
        case .flagResolved: "flagga löst"
        }
    }
}
