/// Every Trisam event type. The raw value is the short name; ``cloudEventsType`` is what travels
/// in the `ce_type` header (`se.trisam.<name>.v1`), and `contracts/schemas/<name>.json` is its schema.
public enum EventType: String, CaseIterable, Sendable, Hashable, Codable {
    case consentGiven = "consent.given"
    case consentWithdrawn = "consent.withdrawn"

    case kommunBistandDecided = "kommun.bistand.decided"
    case kommunForsorjningshinderReported = "kommun.forsorjningshinder.reported"
    case kommunArbetshinderAssessed = "kommun.arbetshinder.assessed"
    case kommunMeasureStarted = "kommun.measure.started"
    case kommunMeasureEnded = "kommun.measure.ended"

    case afRegistered = "af.registered"
    case afRegistrationFailed = "af.registration.failed"
    case afProgrammeStarted = "af.programme.started"
    case afProgrammeEnded = "af.programme.ended"
    case afWorkCapacityLacking = "af.work-capacity.lacking"
    case afDeregistered = "af.deregistered"

    case fkSjukpenningDecided = "fk.sjukpenning.decided"
    case fkSgiStatus = "fk.sgi.status"
    case fkRehabkedjaMilestone = "fk.rehabkedja.milestone"
    case fkAktivitetsersattningGranted = "fk.aktivitetsersattning.granted"
    case fkAktivitetsersattningEnded = "fk.aktivitetsersattning.ended"
    case fkSjukersattningDecided = "fk.sjukersattning.decided"

    case regionSickNoteIssued = "region.sicknote.issued"
    case regionSickNoteEnded = "region.sicknote.ended"
    case regionTreatmentStatus = "region.treatment.status"
    case regionMedicallyFinished = "region.medically-finished"

    case caseOpened = "case.opened"
    case caseClosed = "case.closed"
    case caseContactChanged = "case.contact.changed"
    case handoverRequested = "handover.requested"
    case handoverAccepted = "handover.accepted"
    case handoverRefused = "handover.refused"

    case referralSent = "referral.sent"
    case referralReceived = "referral.received"
    case referralAccepted = "referral.accepted"
    case referralRejected = "referral.rejected"
    case referralUpdated = "referral.updated"
    case referralClosed = "referral.closed"
    case referralCancelled = "referral.cancelled"

    case sipRequested = "sip.requested"
    case sipInvitationSent = "sip.invitation.sent"
    case sipInvitationAnswered = "sip.invitation.answered"
    case sipScheduled = "sip.scheduled"
    case sipHeld = "sip.held"
    case sipCancelled = "sip.cancelled"

    case planCreated = "plan.created"
    case planActionAssigned = "plan.action.assigned"
    case planActionCompleted = "plan.action.completed"
    case planFollowUpSet = "plan.followup.set"
    case planClosed = "plan.closed"

    case flagRaised = "flag.raised"
    case flagResolved = "flag.resolved"
    case flagTaken = "flag.taken"
    case flagAssigned = "flag.assigned"
    case flagCommented = "flag.commented"
    case flagNextStepAgreed = "flag.next-step.agreed"
    case flagSetAside = "flag.set-aside"
    case flagClosed = "flag.closed"
    case flagReopened = "flag.reopened"
    case flagTakeRequested = "flag.take.requested"

    /// The CloudEvents `type` attribute, with its version: `se.trisam.referral.sent.v1`.
    public var cloudEventsType: String { "se.trisam.\(rawValue).v1" }

    /// The event type for a CloudEvents `type`, or nil if unknown.
    public init?(cloudEventsType: String) {
        if let type = Self.byCloudEventsType[cloudEventsType] {
            self = type
            return
        }
        guard cloudEventsType.hasPrefix("se.trisam."), cloudEventsType.hasSuffix(".v1") else { return nil }
        self.init(rawValue: String(cloudEventsType.dropFirst(10).dropLast(3)))
    }

    /// Every type by its ``cloudEventsType``: one lookup for the types as they are written.
    private static let byCloudEventsType = Dictionary(uniqueKeysWithValues: allCases.map { ($0.cloudEventsType, $0) })

    /// The agency whose own vocabulary this is (e.g. only FK publishes `fk.*`), or nil for
    /// shared event types.
    public var owningAgency: Agency? { Self.owners[self] }

    /// ``owningAgency`` of every type that has one: the agency named before the first dot.
    private static let owners: [EventType: Agency] = Dictionary(
        uniqueKeysWithValues: allCases.compactMap { type in
            Agency(rawValue: String(type.rawValue.prefix(while: { $0 != "." }))).map { (type, $0) }
        })

    /// The status event types in one agency's vocabulary.
    public static func statusTypes(of agency: Agency) -> [EventType] {
        allCases.filter { $0.owningAgency == agency }
    }
}

/// Who published an event: an agency service or the coordinator. Its CloudEvents `source` is
/// `/trisam/<agency>` or `/trisam/coordinator`.
public enum EventSource: Hashable, Sendable, CustomStringConvertible {
    case agency(Agency)
    case coordinator

    /// The CloudEvents `source` attribute.
    public var uri: String {
        switch self {
        case .agency(let agency): "/trisam/\(agency.rawValue)"
        case .coordinator: "/trisam/coordinator"
        }
    }

    /// Parses a CloudEvents `source` attribute.
    public init?(uri: String) {
        if let source = Self.byURI[uri] {
            self = source
            return
        }
        guard uri.hasPrefix("/trisam/") else { return nil }
        let name = uri.dropFirst(8)
        if name == "coordinator" {
            self = .coordinator
            return
        }
        guard let agency = Agency(rawValue: String(name)) else { return nil }
        self = .agency(agency)
    }

    /// Every source by its ``uri``: one lookup for the sources as they are written.
    private static let byURI = Dictionary(
        uniqueKeysWithValues: (Agency.allCases.map(EventSource.agency) + [.coordinator]).map { ($0.uri, $0) })

    /// The agency, if an agency published it.
    public var agency: Agency? {
        if case .agency(let agency) = self { agency } else { nil }
    }

    public var description: String { uri }
}
