import Foundation
import TrisamContracts

/// What every fold of one event needs to know besides its payload.
struct FoldedEvent {
    /// The event id (evidence in every mark).
    let id: String
    /// The Stockholm day of the event's time.
    let day: LocalDate
    /// The agency that published it (nil for the coordinator).
    let agency: Agency?
    /// The event's time (orders facts that travel on different topics).
    let time: Date

    init(_ envelope: EventEnvelope) {
        id = envelope.id
        day = StockholmTime.date(of: envelope.time)
        agency = envelope.source.agency
        time = envelope.time
    }
}

extension PersonState {
    /// Folds one event. The caller has already dropped duplicates (same event id) and passes events
    /// of one person in the order read from Kafka. Deterministic: the result depends only on the
    /// state and the event.
    ///
    /// Events of one person arrive on several topics and Kafka orders only within a topic, so an
    /// answer can be read before the question it answers (an accepted referral before the
    /// referral, a SIP answer before the invitation). The fold gives the same state for every
    /// order that keeps each topic's order: it merges what it knows of an entry instead of
    /// overwriting it, keeps closed referrals and plans as closed when a late event names them,
    /// keeps lists in an order of their own (not the order read), and replays case and handover
    /// facts in event-time order (``OwnershipFact``). Flag events are ignored.
    ///
    /// Consent is judged on the event's own day; the coordinator passes its clock's day to
    /// ``apply(_:today:)``.
    @discardableResult
    public mutating func apply(_ envelope: EventEnvelope) -> ConsentOutcome {
        apply(envelope, today: StockholmTime.date(of: envelope.time))
    }

    /// Folds one event on the coordinator's day `today`, under the consent rules: a fact from an
    /// agency whose samordning consent has ended (and not been renewed), or one older than that
    /// end, is not folded; after a consent event, or whenever a consent has ended by `today`,
    /// what consent no longer covers is erased (``enforceConsent(on:)``).
    @discardableResult
    public mutating func apply(_ envelope: EventEnvelope, today: LocalDate) -> ConsentOutcome {
        let event = FoldedEvent(envelope)
        defer { if lastEventTime.map({ envelope.time > $0 }) ?? true { lastEventTime = envelope.time } }
        let isConsent = envelope.type == .consentGiven || envelope.type == .consentWithdrawn
        if !isConsent, let agency = event.agency, withholds(agency, eventDay: event.day, today: today) {
            return ConsentOutcome(dropped: true)
        }
        switch envelope.event {
        case .consentGiven, .consentWithdrawn:
            foldConsent(envelope.event, event)
        case .kommunBistandDecided, .kommunForsorjningshinderReported, .kommunArbetshinderAssessed, .kommunMeasureStarted,
            .kommunMeasureEnded:
            foldKommun(envelope.event, event)
        case .afRegistered, .afRegistrationFailed, .afProgrammeStarted, .afProgrammeEnded, .afWorkCapacityLacking, .afDeregistered:
            foldAf(envelope.event, event)
        case .fkSjukpenningDecided, .fkSgiStatus, .fkRehabkedjaMilestone, .fkAktivitetsersattningGranted, .fkAktivitetsersattningEnded,
            .fkSjukersattningDecided:
            foldFk(envelope.event, event)
        case .regionSickNoteIssued, .regionSickNoteEnded, .regionTreatmentStatus, .regionMedicallyFinished:
            foldRegion(envelope.event, event)
        case .caseOpened, .caseClosed, .caseContactChanged, .handoverRequested, .handoverAccepted, .handoverRefused:
            foldCasesAndHandovers(envelope.event, event)
        case .referralSent, .referralReceived, .referralAccepted, .referralRejected, .referralUpdated, .referralClosed, .referralCancelled:
            foldReferrals(envelope.event, event)
        case .sipRequested, .sipInvitationSent, .sipInvitationAnswered, .sipScheduled, .sipHeld, .sipCancelled:
            foldSip(envelope.event, event)
        case .planCreated, .planActionAssigned, .planActionCompleted, .planFollowUpSet, .planClosed:
            foldPlans(envelope.event, event)
        case .flagRaised, .flagResolved, .flagTaken, .flagAssigned, .flagCommented, .flagNextStepAgreed, .flagSetAside, .flagClosed,
            .flagReopened, .flagTakeRequested:
            break
        }
        return ConsentOutcome(ended: enforceConsent(on: today))
    }

    // MARK: - One function per vocabulary

    /// Consent given and withdrawn (samordning and other purposes).
    private mutating func foldConsent(_ payload: TrisamEvent, _ event: FoldedEvent) {
        switch payload {
        case .consentGiven(let e):
            var consent = ConsentState(
                id: e.consentId, purpose: e.purpose, agencies: e.agencies, givenOn: e.givenOn, validUntil: e.validUntil)
            consent.registeredBy = event.agency
            if let index = consents.firstIndex(where: { $0.id == e.consentId }) {
                consent.withdrawnOn = consents[index].withdrawnOn
                consent.withdrawnBy = consents[index].withdrawnBy
                consents[index] = consent
            } else {
                consents.append(consent)
                if consents.count > Self.maxConsents { consents.removeFirst(consents.count - Self.maxConsents) }
            }
        case .consentWithdrawn(let e):
            if let index = consents.firstIndex(where: { $0.id == e.consentId }) {
                consents[index].withdrawnOn = e.withdrawnOn
                consents[index].withdrawnBy = event.agency
            }
        default:
            break // another vocabulary's event; apply(_:) routes each to its own
        }
    }

    /// The kommun's statuses: ekonomiskt bistånd, försörjningshinder, arbetshinder, measures.
    private mutating func foldKommun(_ payload: TrisamEvent, _ event: FoldedEvent) {
        let id = event.id
        func mark(_ date: LocalDate) -> Mark { Mark(on: date, event: event.id) }
        switch payload {
        case .kommunBistandDecided(let e):
            kommun.bistand = e.decision
            kommun.bistandMark = mark(e.effectiveDate)
            kommun.bistandMonth = e.month
            switch e.decision {
            case .granted, .partlyRefused:
                if !kommun.bistandMonths.contains(e.month) {
                    kommun.bistandMonths.append(e.month)
                    kommun.bistandMonths.sort()
                    if kommun.bistandMonths.count > 24 { kommun.bistandMonths.removeFirst(kommun.bistandMonths.count - 24) }
                }
                if kommun.bistandSince == nil { kommun.bistandSince = min(e.effectiveDate, e.month.firstDay) }
            case .refused, .ended:
                kommun.bistandSince = nil
                kommun.bistandMonths.removeAll { $0 >= e.month }
            case .applied:
                break
            }
        case .kommunForsorjningshinderReported(let e):
            kommun.forsorjningshinder = e.code
            kommun.forsorjningshinderMonth = e.month
            kommun.forsorjningshinderEvent = id
            updateIllHealth(mark(e.month.firstDay))
        case .kommunArbetshinderAssessed(let e):
            kommun.arbetshinder = e.barriers
            kommun.arbetshinderMark = mark(e.assessedOn)
            updateIllHealth(mark(e.assessedOn))
        case .kommunMeasureStarted(let e):
            kommun.measures.removeAll { $0.id == e.measureId }
            kommun.measures.append(
                ActivityState(id: e.measureId, kind: e.measure.rawValue, extentPercent: e.extentPercent, started: mark(e.startDate)))
        case .kommunMeasureEnded(let e):
            kommun.measures.removeAll { $0.id == e.measureId }
            kommun.lastMeasureEnded = mark(e.endDate)
        default:
            break // another vocabulary's event; apply(_:) routes each to its own
        }
    }

    /// Arbetsförmedlingen's statuses: registration, programmes, work capacity.
    private mutating func foldAf(_ payload: TrisamEvent, _ event: FoldedEvent) {
        func mark(_ date: LocalDate) -> Mark { Mark(on: date, event: event.id) }
        switch payload {
        case .afRegistered(let e):
            af.registration = .registered
            af.registrationMark = mark(e.registeredOn)
            af.workCapacityPercent = e.workCapacityPercent
            af.deregistrationReason = nil
            af.registrationFailure = nil
        case .afRegistrationFailed(let e):
            guard af.registration != .registered else { break }
            af.registration = .registrationFailed
            af.registrationMark = mark(e.attemptedOn)
            af.registrationFailure = e.reason
            af.deregistrationReason = nil
        case .afProgrammeStarted(let e):
            af.programmes.removeAll { $0.id == e.programmeId }
            af.programmes.append(
                ActivityState(id: e.programmeId, kind: e.programme.rawValue, extentPercent: e.extentPercent, started: mark(e.startDate)))
        case .afProgrammeEnded(let e):
            af.programmes.removeAll { $0.id == e.programmeId }
            af.lastProgrammeEnded = mark(e.endDate)
        case .afWorkCapacityLacking(let e):
            af.workCapacityLacking = mark(e.assessedOn)
        case .afDeregistered(let e):
            af.registration = .deregistered
            af.registrationMark = mark(e.deregisteredOn)
            af.deregistrationReason = e.reason
            af.registrationFailure = nil
            af.programmes = []
        default:
            break // another vocabulary's event; apply(_:) routes each to its own
        }
    }

    /// Försäkringskassan's statuses: sjukpenning, SGI, rehabkedjan, aktivitets- and sjukersättning.
    private mutating func foldFk(_ payload: TrisamEvent, _ event: FoldedEvent) {
        func mark(_ date: LocalDate) -> Mark { Mark(on: date, event: event.id) }
        switch payload {
        case .fkSjukpenningDecided(let e):
            fk.sjukpenning = e.decision
            fk.sjukpenningMark = mark(e.effectiveDate)
            fk.sjukpenningExtent = e.extentPercent
            fk.sjukpenningUntil = e.until
        case .fkSgiStatus(let e):
            fk.sgi = e.status
            fk.sgiMark = mark(e.effectiveDate)
        case .fkRehabkedjaMilestone(let e):
            fk.rehabkedjaDay = e.day
            fk.rehabkedjaMark = mark(e.reachedOn)
        case .fkAktivitetsersattningGranted(let e):
            fk.aktivitetsersattning = BenefitPeriod(from: e.from, until: e.until, extentPercent: e.extentPercent, granted: mark(e.from))
        case .fkAktivitetsersattningEnded(let e):
            if fk.aktivitetsersattning != nil {
                fk.aktivitetsersattning?.ended = mark(e.endDate)
            } else {
                var period = BenefitPeriod(from: e.endDate, until: e.endDate, extentPercent: 100, granted: mark(e.endDate))
                period.ended = mark(e.endDate)
                fk.aktivitetsersattning = period
            }
        case .fkSjukersattningDecided(let e):
            fk.sjukersattning = e.decision
            fk.sjukersattningMark = mark(e.effectiveDate)
        default:
            break // another vocabulary's event; apply(_:) routes each to its own
        }
    }

    /// The region's statuses: sick notes, treatments, medically finished.
    private mutating func foldRegion(_ payload: TrisamEvent, _ event: FoldedEvent) {
        func mark(_ date: LocalDate) -> Mark { Mark(on: date, event: event.id) }
        switch payload {
        case .regionSickNoteIssued(let e):
            region.sickNotes.removeAll { $0.id == e.sickNoteId }
            region.sickNotes.append(
                SickNoteState(id: e.sickNoteId, extentPercent: e.extentPercent, from: e.from, until: e.until, issued: mark(e.from)))
            // Keep the three latest-ending notes: older ones only matter through the newer.
            region.sickNotes.sort { ($0.until, $0.from, $0.id) < ($1.until, $1.from, $1.id) }
            if region.sickNotes.count > 3 { region.sickNotes.removeFirst(region.sickNotes.count - 3) }
        case .regionSickNoteEnded(let e):
            region.sickNotes.removeAll { $0.id == e.sickNoteId }
            region.lastSickNoteEnd = mark(e.endedOn)
            region.lastSickNoteEndReason = e.reason
        case .regionTreatmentStatus(let e):
            region.treatments.removeAll { $0.unit == e.unit }
            region.treatments.append(TreatmentState(unit: e.unit, status: e.status, mark: mark(e.effectiveDate)))
            region.treatments.sort { $0.unit.rawValue < $1.unit.rawValue }
        case .regionMedicallyFinished(let e):
            region.medicallyFinished = mark(e.assessedOn)
        default:
            break // another vocabulary's event; apply(_:) routes each to its own
        }
    }

    /// Cases opened, closed and changed, and handovers between agencies: each becomes an
    /// ownership fact, folded in event-time order.
    private mutating func foldCasesAndHandovers(_ payload: TrisamEvent, _ event: FoldedEvent) {
        guard let agency = event.agency else { return }
        func fact(_ kind: OwnershipFact.Kind, _ area: Area, on day: LocalDate) -> OwnershipFact {
            OwnershipFact(kind: kind, agency: agency, area: area, on: day, event: event.id, time: event.time)
        }
        switch payload {
        case .caseOpened(let e):
            var f = fact(.caseOpened, e.area, on: e.openedOn)
            f.contact = e.contact.keptByCoordinator
            foldOwnership(f)
        case .caseClosed(let e):
            var f = fact(.caseClosed, e.area, on: e.closedOn)
            f.closeReason = e.reason
            f.other = e.handoverTo
            foldOwnership(f)
        case .caseContactChanged(let e):
            var f = fact(.contactChanged, e.area, on: e.changedOn)
            f.contact = e.contact.keptByCoordinator
            foldOwnership(f)
        case .handoverRequested(let e):
            var f = fact(.handoverRequested, e.area, on: event.day)
            f.other = e.to
            f.handoverId = e.handoverId
            foldOwnership(f)
            recordNextStep(of: agency, at: event.time)
        case .handoverAccepted(let e):
            var f = fact(.handoverAccepted, e.area, on: event.day)
            f.other = e.from
            f.contact = e.contact.keptByCoordinator
            f.handoverId = e.handoverId
            foldOwnership(f)
        case .handoverRefused(let e):
            var f = fact(.handoverRefused, e.area, on: event.day)
            f.other = e.from
            f.handoverId = e.handoverId
            foldOwnership(f)
        default:
            break // another vocabulary's event; apply(_:) routes each to its own
        }
    }

    /// Referrals (remisser) and their answers. The sender's events (sent, cancelled) travel on
    /// the receiver's inbox, the receiver's answers on the sender's: whichever is read first, the
    /// referral ends up the same, and one closed or cancelled stays closed.
    private mutating func foldReferrals(_ payload: TrisamEvent, _ event: FoldedEvent) {
        let day = event.day
        func mark(_ date: LocalDate) -> Mark { Mark(on: date, event: event.id) }
        switch payload {
        case .referralSent(let e):
            recordNextStep(of: e.from, at: event.time, except: e.referralId)
            updateReferral(e.referralId, from: e.from, to: e.to, status: nil, mark(day)) { referral in
                referral.area = e.area
                referral.answerBy = e.answerBy
                referral.sent = mark(day)
            }
        case .referralReceived(let e):
            updateReferral(e.referralId, from: e.from, to: e.to, status: .received, mark(day)) { referral in
                if referral.status == .sent { referral.status = .received }
                referral.answered = mark(day)
            }
        case .referralAccepted(let e):
            updateReferral(e.referralId, from: e.from, to: e.to, status: .accepted, mark(day)) { referral in
                referral.status = .accepted
                referral.contact = e.contact.keptByCoordinator
                referral.answered = mark(day)
            }
        case .referralRejected(let e):
            updateReferral(e.referralId, from: e.from, to: e.to, status: .rejected, mark(day)) { referral in
                referral.status = .rejected
                referral.answered = mark(day)
                referral.rejectedAt = event.time
            }
            // The sender's next step may have been read first.
            if let step = nextSteps.first(where: { $0.agency == e.from }), step.time > event.time {
                closeReferral(e.referralId, between: [e.from, e.to])
            }
        case .referralUpdated(let e):
            updateReferral(e.referralId, from: e.from, to: e.to, status: .accepted, mark(day)) { referral in
                if referral.status != .rejected { referral.status = .accepted }
                referral.answered = mark(day)
            }
        case .referralClosed(let e):
            closeReferral(e.referralId, between: [e.from, e.to])
        case .referralCancelled(let e):
            closeReferral(e.referralId, between: [e.from, e.to])
        default:
            break // another vocabulary's event; apply(_:) routes each to its own
        }
    }

    /// SIP meetings: requests, invitations and their answers, scheduling, held, cancelled.
    private mutating func foldSip(_ payload: TrisamEvent, _ event: FoldedEvent) {
        let day = event.day
        func mark(_ date: LocalDate) -> Mark { Mark(on: date, event: event.id) }
        switch payload {
        case .sipRequested(let e):
            recordNextStep(of: e.caller, at: event.time)
            updateSip(e.sipId, caller: e.caller, mark(day)) { sip in
                // Invitations read first may name agencies the request does not: they stay. The
                // list is kept in the agencies' order, whatever order it was learnt in.
                sip.invited = Agency.allCases.filter { e.invited.contains($0) || sip.invited.contains($0) }
                sip.afterDischarge = e.afterDischarge
                sip.requested = mark(day)
            }
        case .sipInvitationSent(let e):
            updateSip(e.sipId, caller: e.caller, mark(day)) { sip in
                // The answer travels on the caller's inbox and may have been read first: keep it.
                if let index = sip.invitations.firstIndex(where: { $0.invitee == e.invitee }) {
                    sip.invitations[index].answerBy = e.answerBy
                    sip.invitations[index].sent = mark(day)
                } else {
                    sip.invitations.append(SipInvitationState(invitee: e.invitee, answerBy: e.answerBy, sent: mark(day)))
                    sip.invitations.sort { $0.invitee.rawValue < $1.invitee.rawValue }
                }
                if !sip.invited.contains(e.invitee) {
                    sip.invited = Agency.allCases.filter { sip.invited.contains($0) || $0 == e.invitee }
                }
            }
        case .sipInvitationAnswered(let e):
            updateSip(e.sipId, caller: e.caller, mark(day)) { sip in
                if let index = sip.invitations.firstIndex(where: { $0.invitee == e.invitee }) {
                    sip.invitations[index].answer = e.answer
                    sip.invitations[index].answered = mark(day)
                } else {
                    var invitation = SipInvitationState(invitee: e.invitee, answerBy: day, sent: mark(day))
                    invitation.answer = e.answer
                    invitation.answered = mark(day)
                    sip.invitations.append(invitation)
                    sip.invitations.sort { $0.invitee.rawValue < $1.invitee.rawValue }
                }
            }
        case .sipScheduled(let e):
            updateSip(e.sipId, caller: e.caller, mark(day)) { sip in
                // Copies go to every participant's inbox: a reschedule may be read before the
                // first scheduling. The highest sequence holds.
                guard e.sequence >= (sip.scheduleSequence ?? -1) else { return }
                sip.meeting = e.meeting
                sip.scheduled = mark(day)
                sip.scheduleSequence = e.sequence
                sip.location = e.location
                sip.attendees = e.attendees.map { Array($0.prefix(20)) }
            }
        case .sipHeld(let e):
            updateSip(e.sipId, caller: e.caller, mark(day)) { sip in
                sip.held = mark(e.heldOn)
                sip.heldAttendees = Array(e.attendees.prefix(20))
            }
        case .sipCancelled(let e):
            updateSip(e.sipId, caller: e.caller, mark(day)) { sip in
                sip.cancelled = mark(day)
            }
        default:
            break // another vocabulary's event; apply(_:) routes each to its own
        }
    }

    /// Handlingsplaner: creation and revision, actions, follow-ups, closing.
    private mutating func foldPlans(_ payload: TrisamEvent, _ event: FoldedEvent) {
        let day = event.day
        if let planId = payload.planId, closedPlans.contains(where: { $0.id == planId }) { return }
        func mark(_ date: LocalDate) -> Mark { Mark(on: date, event: event.id) }
        switch payload {
        case .planCreated(let e):
            updatePlan(e.planId, lead: e.leadAgency, participants: e.participants, mark(day)) { plan in
                // A revision may be read before the plan first agreed (their copies travel on
                // the participants' inboxes): the newest revision's header holds.
                if e.revisionNumber >= (plan.revision ?? 1) {
                    plan.sipId = e.sipId
                    plan.leadAgency = e.leadAgency
                    plan.participants = e.participants
                    plan.goals = Self.bounded(e.goals)
                    plan.subGoals = Self.bounded(e.subGoals)
                    plan.personGoal = e.personGoal.map { Self.shortened($0, to: 200) }
                }
                let current = plan.revision ?? 1
                let history = plan.revisedOn ?? []
                if e.revisionNumber > current || (e.revisionNumber >= 2 && history.count < min(10, current - 1)) {
                    // A revision at a follow-up: the plan keeps its actions and its first creation
                    // mark; the revision's day joins the history, in day order. An older revision
                    // read after a newer one fills its place in the history (once: a redelivery
                    // of one already there changes nothing).
                    plan.revision = max(current, e.revisionNumber)
                    plan.revisedOn = Array((history + [day]).sorted().suffix(10))
                } else if e.revisionNumber == 1 {
                    plan.created = mark(day)
                }
            }
        case .planActionAssigned(let e):
            let description = e.description.count > 80 ? String(e.description.prefix(79)) + "…" : e.description
            updatePlan(e.planId, lead: e.leadAgency, participants: [e.leadAgency, e.owner], mark(day)) { plan in
                plan.actions.removeAll { $0.id == e.actionId }
                plan.actions.append(
                    {
                        var action = PlanActionState(
                            id: e.actionId, owner: e.owner, ownerContact: e.ownerContact?.name,
                            description: description, dueDate: e.dueDate, assigned: mark(day))
                        action.ownerPhone = e.ownerContact?.phone
                        return action
                    }())
                // Actions for different owners travel on different inboxes: keep them by due date.
                plan.actions.sort { ($0.dueDate, $0.id) < ($1.dueDate, $1.id) }
                if plan.actions.count > Self.maxActionsPerPlan {
                    if let done = plan.actions.firstIndex(where: { $0.completed != nil }) {
                        plan.actions.remove(at: done)
                    } else {
                        plan.actions.removeFirst()
                    }
                }
            }
        case .planActionCompleted(let e):
            if let p = plans.firstIndex(where: { $0.id == e.planId }),
                let a = plans[p].actions.firstIndex(where: { $0.id == e.actionId })
            {
                plans[p].actions[a].completed = mark(e.completedOn)
                if e.finalOutcome == .notPossible {
                    plans[p].actions[a].notPossibleReason = String((e.reason ?? "").prefix(80))
                }
            }
        case .planFollowUpSet(let e):
            updatePlan(e.planId, lead: e.leadAgency, participants: e.participants, mark(day)) { plan in
                plan.followUpOn = e.followUpOn
            }
        case .planClosed(let e):
            plans.removeAll { $0.id == e.planId }
            Self.remember(ClosedEntry(id: e.planId, agencies: [e.leadAgency]), in: &closedPlans)
        default:
            break // another vocabulary's event; apply(_:) routes each to its own
        }
    }

    /// A list of free texts kept in the state: at most ``maxGoals``, each at most 200 characters.
    static func bounded(_ texts: [String]) -> [String]? {
        texts.isEmpty ? nil : texts.prefix(maxGoals).map { shortened($0, to: 200) }
    }

    /// The text, shortened to `limit` characters with an ellipsis.
    static func shortened(_ text: String, to limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    // MARK: - Ownership

    /// Applies a change to an area's state, creating it when new (areas stay in declaration order).
    mutating func updateArea(_ area: Area, _ change: (inout AreaState) -> Void) {
        if let index = areas.firstIndex(where: { $0.area == area }) {
            change(&areas[index])
        } else {
            var state = AreaState(area: area)
            change(&state)
            areas.append(state)
            let order = Area.allCases
            areas.sort { order.firstIndex(of: $0.area)! < order.firstIndex(of: $1.area)! }
        }
    }

    /// Makes an agency the owner of an area from a day, ending the previous owner's period.
    mutating func setOwner(_ area: Area, _ agency: Agency, since: LocalDate, contact: Contact?) {
        updateArea(area) { state in
            state.awaitingReceiver = nil
            if state.pendingHandover?.to == agency { state.pendingHandover = nil }
            if state.owner == agency {
                if let contact { state.contact = contact }
                return
            }
            if let last = state.periods.indices.last, state.periods[last].until == nil {
                state.periods[last].until = max(since, state.periods[last].from)
            }
            state.periods.append(OwnershipPeriod(agency: agency, from: since))
            if state.periods.count > Self.maxPeriodsPerArea { state.periods.removeFirst(state.periods.count - Self.maxPeriodsPerArea) }
            state.owner = agency
            state.since = since
            state.contact = contact
        }
    }

    /// Opens (or reopens) an agency's case in an area; the agency owns the area from then on.
    mutating func openCase(_ agency: Agency, _ area: Area, contact: Contact?, opened: Mark) {
        if let index = cases.firstIndex(where: { $0.agency == agency && $0.area == area }) {
            if !cases[index].isOpen {
                cases[index].opened = opened
                cases[index].closed = nil
                cases[index].closeReason = nil
            }
            if let contact { cases[index].contact = contact }
        } else {
            cases.append(CaseState(agency: agency, area: area, contact: contact, opened: opened))
            cases.sort { ($0.agency.rawValue, $0.area.rawValue) < ($1.agency.rawValue, $1.area.rawValue) }
        }
        setOwner(area, agency, since: opened.on, contact: contact ?? caseOf(agency, area)?.contact)
    }

    /// Closes an agency's case in an area; if it owned the area, nobody does from that day.
    mutating func closeCase(_ agency: Agency, _ area: Area, reason: CaseCloseReason, closed: Mark) {
        if let index = cases.firstIndex(where: { $0.agency == agency && $0.area == area }) {
            cases[index].closed = closed
            cases[index].closeReason = reason
        } else {
            var state = CaseState(agency: agency, area: area, contact: nil, opened: closed)
            state.closed = closed
            state.closeReason = reason
            cases.append(state)
            cases.sort { ($0.agency.rawValue, $0.area.rawValue) < ($1.agency.rawValue, $1.area.rawValue) }
        }
        updateArea(area) { state in
            if state.pendingHandover?.from == agency { state.pendingHandover = nil }
            guard state.owner == agency else { return }
            if let last = state.periods.indices.last, state.periods[last].until == nil {
                state.periods[last].until = max(closed.on, state.periods[last].from)
            }
            state.owner = nil
            state.since = closed.on
            state.contact = nil
        }
    }

    /// Records a handover for ping-pong detection, once per handover: the request and its answer
    /// are one handover by their id, in whichever order they are read; a closing by handover
    /// (which names no id) counts only when no handover between the same agencies for the area
    /// is known within 30 days, and is matched to the id read later.
    mutating func recordHandover(_ area: Area, from: Agency, to: Agency, _ mark: Mark, id: String? = nil) {
        func samePair(_ known: HandoverMark) -> Bool {
            known.area == area && known.from == from && known.to == to && abs(known.mark.on.days(to: mark.on)) <= 30
        }
        if let id {
            if handovers.contains(where: { $0.handoverId == id }) { return }
            if let index = handovers.lastIndex(where: { $0.handoverId == nil && samePair($0) }) {
                handovers[index].handoverId = id
                return
            }
        } else if handovers.contains(where: samePair) {
            return
        }
        handovers.append(HandoverMark(area: area, from: from, to: to, mark: mark, handoverId: id))
        if handovers.count > Self.maxHandovers { handovers.removeFirst(handovers.count - Self.maxHandovers) }
    }

    // MARK: - Kommun

    /// Ill health as a barrier: an arbetshinder of psychic or physical ill health, or the
    /// försörjningshinder "sjukskriven med läkarintyg". Keeps the first day while it lasts.
    mutating func updateIllHealth(_ mark: Mark) {
        if kommun.hasIllHealthBarrier {
            if kommun.illHealthSince == nil { kommun.illHealthSince = mark }
        } else {
            kommun.illHealthSince = nil
        }
    }

    // MARK: - Referrals, SIP, plans

    /// An agency took a next step at `time`: its referrals rejected before then are settled. (A
    /// rejection read later is settled when read, see ``foldReferrals``; a rejection at the very
    /// same time counts as before the step only when read before it.)
    mutating func recordNextStep(of agency: Agency, at time: Date, except referralId: String? = nil) {
        if let index = nextSteps.firstIndex(where: { $0.agency == agency }) {
            nextSteps[index].time = max(nextSteps[index].time, time)
        } else {
            nextSteps.append(NextStep(agency: agency, time: time))
            nextSteps.sort { $0.agency.rawValue < $1.agency.rawValue }
        }
        let settled = referrals.filter {
            $0.status == .rejected && $0.from == agency && $0.id != referralId && ($0.rejectedAt.map { $0 <= time } ?? true)
        }
        for referral in settled { closeReferral(referral.id, between: [referral.from, referral.to]) }
    }

    /// A referral is over (closed, cancelled, or its rejection settled): it is removed, and
    /// events about it read later are ignored.
    mutating func closeReferral(_ referralId: String, between agencies: [Agency]) {
        referrals.removeAll { $0.id == referralId }
        Self.remember(ClosedEntry(id: referralId, agencies: agencies), in: &closedReferrals)
    }

    /// Adds an entry to a bounded list sorted by id (sorted, so that the list does not depend on
    /// the order entries were added in; beyond the bound the first ids go).
    static func remember(_ entry: ClosedEntry, in list: inout [ClosedEntry]) {
        let index = list.firstIndex { $0.id >= entry.id } ?? list.endIndex
        guard index == list.endIndex || list[index].id != entry.id else { return }
        list.insert(entry, at: index)
        if list.count > Self.maxClosedIds { list.removeFirst(list.count - Self.maxClosedIds) }
    }

    mutating func updateReferral(
        _ referralId: String, from: Agency, to: Agency, status: ReferralStatus?, _ mark: Mark,
        _ change: (inout ReferralState) -> Void
    ) {
        if closedReferrals.contains(where: { $0.id == referralId }) { return }
        if let index = referrals.firstIndex(where: { $0.id == referralId }) {
            let known = referrals[index]
            change(&referrals[index])
            // Until the referral itself is read (it names the area), the earliest answer stands in for its sending.
            if known.area == nil, referrals[index].area == nil, (mark.on, mark.event) < (known.sent.on, known.sent.event) {
                referrals[index].sent = mark
            }
        } else {
            var referral = ReferralState(id: referralId, from: from, to: to, area: nil, status: status ?? .sent, sent: mark)
            change(&referral)
            referrals.append(referral)
        }
        // Kept in the order they were sent, not read (sender's and receiver's events travel apart).
        referrals.sort { ($0.sent.on, $0.id) < ($1.sent.on, $1.id) }
        if referrals.count > Self.maxReferrals {
            let drop = referrals.firstIndex { $0.status == .accepted } ?? 0
            referrals.remove(at: drop)
        }
    }

    mutating func updateSip(_ sipId: String, caller: Agency, _ mark: Mark, _ change: (inout SipState) -> Void) {
        if let index = sips.firstIndex(where: { $0.id == sipId }) {
            change(&sips[index])
        } else {
            var sip = SipState(id: sipId, caller: caller, requested: mark)
            change(&sip)
            sips.append(sip)
        }
        sips.sort { ($0.requested.on, $0.id) < ($1.requested.on, $1.id) }
        if sips.count > Self.maxSips {
            let drop = sips.firstIndex { !$0.isOpen } ?? 0
            sips.remove(at: drop)
        }
    }

    mutating func updatePlan(_ planId: String, lead: Agency, participants: [Agency], _ mark: Mark, _ change: (inout PlanState) -> Void) {
        if let index = plans.firstIndex(where: { $0.id == planId }) {
            change(&plans[index])
        } else {
            var unique: [Agency] = []
            for agency in participants where !unique.contains(agency) { unique.append(agency) }
            var plan = PlanState(id: planId, sipId: nil, leadAgency: lead, participants: unique, created: mark)
            change(&plan)
            plans.append(plan)
        }
        plans.sort { ($0.created.on, $0.id) < ($1.created.on, $1.id) }
        if plans.count > Self.maxPlans { plans.removeFirst(plans.count - Self.maxPlans) }
    }
}

extension KommunStatus {
    /// Whether ill health is a barrier now (arbetshinder or försörjningshinder).
    public var hasIllHealthBarrier: Bool {
        arbetshinder.contains(.psykiskOhalsa) || arbetshinder.contains(.fysiskOhalsa)
            || forsorjningshinder == .sjukskrivenLakarintyg
    }
}

extension TrisamEvent {
    /// The plan a plan event is about.
    var planId: String? {
        switch self {
        case .planCreated(let e): e.planId
        case .planActionAssigned(let e): e.planId
        case .planActionCompleted(let e): e.planId
        case .planFollowUpSet(let e): e.planId
        case .planClosed(let e): e.planId
        default: nil
        }
    }
}
