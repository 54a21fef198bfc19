// One case per EventType; keep in the order of EventType.

/// A Trisam event: its type and typed payload. Switch over it to fold events into state.
public enum TrisamEvent: Sendable, Equatable {
    case consentGiven(ConsentGiven)
    case consentWithdrawn(ConsentWithdrawn)
    case kommunBistandDecided(BistandDecided)
    case kommunForsorjningshinderReported(ForsorjningshinderReported)
    case kommunArbetshinderAssessed(ArbetshinderAssessed)
    case kommunMeasureStarted(MunicipalMeasureStarted)
    case kommunMeasureEnded(MunicipalMeasureEnded)
    case afRegistered(AfRegistered)
    case afRegistrationFailed(AfRegistrationFailed)
    case afProgrammeStarted(AfProgrammeStarted)
    case afProgrammeEnded(AfProgrammeEnded)
    case afWorkCapacityLacking(AfWorkCapacityLacking)
    case afDeregistered(AfDeregistered)
    case fkSjukpenningDecided(SjukpenningDecided)
    case fkSgiStatus(SgiStatusChanged)
    case fkRehabkedjaMilestone(RehabkedjaMilestone)
    case fkAktivitetsersattningGranted(AktivitetsersattningGranted)
    case fkAktivitetsersattningEnded(AktivitetsersattningEnded)
    case fkSjukersattningDecided(SjukersattningDecided)
    case regionSickNoteIssued(SickNoteIssued)
    case regionSickNoteEnded(SickNoteEnded)
    case regionTreatmentStatus(TreatmentStatusChanged)
    case regionMedicallyFinished(MedicallyFinished)
    case caseOpened(CaseOpened)
    case caseClosed(CaseClosed)
    case caseContactChanged(CaseContactChanged)
    case handoverRequested(HandoverRequested)
    case handoverAccepted(HandoverAccepted)
    case handoverRefused(HandoverRefused)
    case referralSent(ReferralSent)
    case referralReceived(ReferralReceived)
    case referralAccepted(ReferralAccepted)
    case referralRejected(ReferralRejected)
    case referralUpdated(ReferralUpdated)
    case referralClosed(ReferralClosed)
    case referralCancelled(ReferralCancelled)
    case sipRequested(SipRequested)
    case sipInvitationSent(SipInvitationSent)
    case sipInvitationAnswered(SipInvitationAnswered)
    case sipScheduled(SipScheduled)
    case sipHeld(SipHeld)
    case sipCancelled(SipCancelled)
    case planCreated(PlanCreated)
    case planActionAssigned(PlanActionAssigned)
    case planActionCompleted(PlanActionCompleted)
    case planFollowUpSet(PlanFollowUpSet)
    case planClosed(PlanClosed)
    case flagRaised(FlagRaised)
    case flagResolved(FlagResolved)
    case flagTaken(FlagTaken)
    case flagAssigned(FlagAssigned)
    case flagCommented(FlagCommented)
    case flagNextStepAgreed(FlagNextStepAgreed)
    case flagSetAside(FlagSetAside)
    case flagClosed(FlagClosed)
    case flagReopened(FlagReopened)
    case flagTakeRequested(FlagTakeRequested)

    /// The event's type.
    public var type: EventType {
        switch self {
        case .consentGiven: .consentGiven
        case .consentWithdrawn: .consentWithdrawn
        case .kommunBistandDecided: .kommunBistandDecided
        case .kommunForsorjningshinderReported: .kommunForsorjningshinderReported
        case .kommunArbetshinderAssessed: .kommunArbetshinderAssessed
        case .kommunMeasureStarted: .kommunMeasureStarted
        case .kommunMeasureEnded: .kommunMeasureEnded
        case .afRegistered: .afRegistered
        case .afRegistrationFailed: .afRegistrationFailed
        case .afProgrammeStarted: .afProgrammeStarted
        case .afProgrammeEnded: .afProgrammeEnded
        case .afWorkCapacityLacking: .afWorkCapacityLacking
        case .afDeregistered: .afDeregistered
        case .fkSjukpenningDecided: .fkSjukpenningDecided
        case .fkSgiStatus: .fkSgiStatus
        case .fkRehabkedjaMilestone: .fkRehabkedjaMilestone
        case .fkAktivitetsersattningGranted: .fkAktivitetsersattningGranted
        case .fkAktivitetsersattningEnded: .fkAktivitetsersattningEnded
        case .fkSjukersattningDecided: .fkSjukersattningDecided
        case .regionSickNoteIssued: .regionSickNoteIssued
        case .regionSickNoteEnded: .regionSickNoteEnded
        case .regionTreatmentStatus: .regionTreatmentStatus
        case .regionMedicallyFinished: .regionMedicallyFinished
        case .caseOpened: .caseOpened
        case .caseClosed: .caseClosed
        case .caseContactChanged: .caseContactChanged
        case .handoverRequested: .handoverRequested
        case .handoverAccepted: .handoverAccepted
        case .handoverRefused: .handoverRefused
        case .referralSent: .referralSent
        case .referralReceived: .referralReceived
        case .referralAccepted: .referralAccepted
        case .referralRejected: .referralRejected
        case .referralUpdated: .referralUpdated
        case .referralClosed: .referralClosed
        case .referralCancelled: .referralCancelled
        case .sipRequested: .sipRequested
        case .sipInvitationSent: .sipInvitationSent
        case .sipInvitationAnswered: .sipInvitationAnswered
        case .sipScheduled: .sipScheduled
        case .sipHeld: .sipHeld
        case .sipCancelled: .sipCancelled
        case .planCreated: .planCreated
        case .planActionAssigned: .planActionAssigned
        case .planActionCompleted: .planActionCompleted
        case .planFollowUpSet: .planFollowUpSet
        case .planClosed: .planClosed
        case .flagRaised: .flagRaised
        case .flagResolved: .flagResolved
        case .flagTaken: .flagTaken
        case .flagAssigned: .flagAssigned
        case .flagCommented: .flagCommented
        case .flagNextStepAgreed: .flagNextStepAgreed
        case .flagSetAside: .flagSetAside
        case .flagClosed: .flagClosed
        case .flagReopened: .flagReopened
        case .flagTakeRequested: .flagTakeRequested
        }
    }

    /// The payload, for encoding, validation and routing.
    public var payload: any EventPayload {
        switch self {
        case .consentGiven(let payload): payload
        case .consentWithdrawn(let payload): payload
        case .kommunBistandDecided(let payload): payload
        case .kommunForsorjningshinderReported(let payload): payload
        case .kommunArbetshinderAssessed(let payload): payload
        case .kommunMeasureStarted(let payload): payload
        case .kommunMeasureEnded(let payload): payload
        case .afRegistered(let payload): payload
        case .afRegistrationFailed(let payload): payload
        case .afProgrammeStarted(let payload): payload
        case .afProgrammeEnded(let payload): payload
        case .afWorkCapacityLacking(let payload): payload
        case .afDeregistered(let payload): payload
        case .fkSjukpenningDecided(let payload): payload
        case .fkSgiStatus(let payload): payload
        case .fkRehabkedjaMilestone(let payload): payload
        case .fkAktivitetsersattningGranted(let payload): payload
        case .fkAktivitetsersattningEnded(let payload): payload
        case .fkSjukersattningDecided(let payload): payload
        case .regionSickNoteIssued(let payload): payload
        case .regionSickNoteEnded(let payload): payload
        case .regionTreatmentStatus(let payload): payload
        case .regionMedicallyFinished(let payload): payload
        case .caseOpened(let payload): payload
        case .caseClosed(let payload): payload
        case .caseContactChanged(let payload): payload
        case .handoverRequested(let payload): payload
        case .handoverAccepted(let payload): payload
        case .handoverRefused(let payload): payload
        case .referralSent(let payload): payload
        case .referralReceived(let payload): payload
        case .referralAccepted(let payload): payload
        case .referralRejected(let payload): payload
        case .referralUpdated(let payload): payload
        case .referralClosed(let payload): payload
        case .referralCancelled(let payload): payload
        case .sipRequested(let payload): payload
        case .sipInvitationSent(let payload): payload
        case .sipInvitationAnswered(let payload): payload
        case .sipScheduled(let payload): payload
        case .sipHeld(let payload): payload
        case .sipCancelled(let payload): payload
        case .planCreated(let payload): payload
        case .planActionAssigned(let payload): payload
        case .planActionCompleted(let payload): payload
        case .planFollowUpSet(let payload): payload
        case .planClosed(let payload): payload
        case .flagRaised(let payload): payload
        case .flagResolved(let payload): payload
        case .flagTaken(let payload): payload
        case .flagAssigned(let payload): payload
        case .flagCommented(let payload): payload
        case .flagNextStepAgreed(let payload): payload
        case .flagSetAside(let payload): payload
        case .flagClosed(let payload): payload
        case .flagReopened(let payload): payload
        case .flagTakeRequested(let payload): payload
        }
    }

    /// Decodes the payload of `type` from a JSON decoder.
    static func decode(_ type: EventType, from decoder: any Decoder) throws -> TrisamEvent {
        switch type {
        case .consentGiven: .consentGiven(try ConsentGiven(from: decoder))
        case .consentWithdrawn: .consentWithdrawn(try ConsentWithdrawn(from: decoder))
        case .kommunBistandDecided: .kommunBistandDecided(try BistandDecided(from: decoder))
        case .kommunForsorjningshinderReported: .kommunForsorjningshinderReported(try ForsorjningshinderReported(from: decoder))
        case .kommunArbetshinderAssessed: .kommunArbetshinderAssessed(try ArbetshinderAssessed(from: decoder))
        case .kommunMeasureStarted: .kommunMeasureStarted(try MunicipalMeasureStarted(from: decoder))
        case .kommunMeasureEnded: .kommunMeasureEnded(try MunicipalMeasureEnded(from: decoder))
        case .afRegistered: .afRegistered(try AfRegistered(from: decoder))
        case .afRegistrationFailed: .afRegistrationFailed(try AfRegistrationFailed(from: decoder))
        case .afProgrammeStarted: .afProgrammeStarted(try AfProgrammeStarted(from: decoder))
        case .afProgrammeEnded: .afProgrammeEnded(try AfProgrammeEnded(from: decoder))
        case .afWorkCapacityLacking: .afWorkCapacityLacking(try AfWorkCapacityLacking(from: decoder))
        case .afDeregistered: .afDeregistered(try AfDeregistered(from: decoder))
        case .fkSjukpenningDecided: .fkSjukpenningDecided(try SjukpenningDecided(from: decoder))
        case .fkSgiStatus: .fkSgiStatus(try SgiStatusChanged(from: decoder))
        case .fkRehabkedjaMilestone: .fkRehabkedjaMilestone(try RehabkedjaMilestone(from: decoder))
        case .fkAktivitetsersattningGranted: .fkAktivitetsersattningGranted(try AktivitetsersattningGranted(from: decoder))
        case .fkAktivitetsersattningEnded: .fkAktivitetsersattningEnded(try AktivitetsersattningEnded(from: decoder))
        case .fkSjukersattningDecided: .fkSjukersattningDecided(try SjukersattningDecided(from: decoder))
        case .regionSickNoteIssued: .regionSickNoteIssued(try SickNoteIssued(from: decoder))
        case .regionSickNoteEnded: .regionSickNoteEnded(try SickNoteEnded(from: decoder))
        case .regionTreatmentStatus: .regionTreatmentStatus(try TreatmentStatusChanged(from: decoder))
        case .regionMedicallyFinished: .regionMedicallyFinished(try MedicallyFinished(from: decoder))
        case .caseOpened: .caseOpened(try CaseOpened(from: decoder))
        case .caseClosed: .caseClosed(try CaseClosed(from: decoder))
        case .caseContactChanged: .caseContactChanged(try CaseContactChanged(from: decoder))
        case .handoverRequested: .handoverRequested(try HandoverRequested(from: decoder))
        case .handoverAccepted: .handoverAccepted(try HandoverAccepted(from: decoder))
        case .handoverRefused: .handoverRefused(try HandoverRefused(from: decoder))
        case .referralSent: .referralSent(try ReferralSent(from: decoder))
        case .referralReceived: .referralReceived(try ReferralReceived(from: decoder))
        case .referralAccepted: .referralAccepted(try ReferralAccepted(from: decoder))
        case .referralRejected: .referralRejected(try ReferralRejected(from: decoder))
        case .referralUpdated: .referralUpdated(try ReferralUpdated(from: decoder))
        case .referralClosed: .referralClosed(try ReferralClosed(from: decoder))
        case .referralCancelled: .referralCancelled(try ReferralCancelled(from: decoder))
        case .sipRequested: .sipRequested(try SipRequested(from: decoder))
        case .sipInvitationSent: .sipInvitationSent(try SipInvitationSent(from: decoder))
        case .sipInvitationAnswered: .sipInvitationAnswered(try SipInvitationAnswered(from: decoder))
        case .sipScheduled: .sipScheduled(try SipScheduled(from: decoder))
        case .sipHeld: .sipHeld(try SipHeld(from: decoder))
        case .sipCancelled: .sipCancelled(try SipCancelled(from: decoder))
        case .planCreated: .planCreated(try PlanCreated(from: decoder))
        case .planActionAssigned: .planActionAssigned(try PlanActionAssigned(from: decoder))
        case .planActionCompleted: .planActionCompleted(try PlanActionCompleted(from: decoder))
        case .planFollowUpSet: .planFollowUpSet(try PlanFollowUpSet(from: decoder))
        case .planClosed: .planClosed(try PlanClosed(from: decoder))
        case .flagRaised: .flagRaised(try FlagRaised(from: decoder))
        case .flagResolved: .flagResolved(try FlagResolved(from: decoder))
        case .flagTaken: .flagTaken(try FlagTaken(from: decoder))
        case .flagAssigned: .flagAssigned(try FlagAssigned(from: decoder))
        case .flagCommented: .flagCommented(try FlagCommented(from: decoder))
        case .flagNextStepAgreed: .flagNextStepAgreed(try FlagNextStepAgreed(from: decoder))
        case .flagSetAside: .flagSetAside(try FlagSetAside(from: decoder))
        case .flagClosed: .flagClosed(try FlagClosed(from: decoder))
        case .flagReopened: .flagReopened(try FlagReopened(from: decoder))
        case .flagTakeRequested: .flagTakeRequested(try FlagTakeRequested(from: decoder))
        }
    }
}
