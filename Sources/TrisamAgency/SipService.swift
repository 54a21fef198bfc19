import Foundation
import GRDB
import Logging
import TrisamContracts
import TrisamHTTP
import TrisamSip

/// SIP meetings through an agency service: request (kommun or region), invitations, answers,
/// scheduling (earliest common slot with ``SlotFinder`` or a chosen time), reschedule, cancel,
/// the calendar file and recording the meeting as held. Follows ``AgencyService``: a request is
/// validated first, then applied in one transaction with its outbox events and audit row.
public final class SipService: Sendable {
    let base: AgencyService
    /// The current instant; injectable so tests decide what "in the past" means.
    let now: @Sendable () -> Date
    let finder = SlotFinder()
    let calendar = SipCalendar()

    public init(base: AgencyService, now: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
        self.now = now
    }

    var agency: Agency { base.agency }

    /// An event of this agency about the person, stamped with the service's clock.
    func envelope(_ clientRef: ClientRef, _ event: TrisamEvent) -> EventEnvelope {
        EventEnvelope(source: .agency(agency), time: now(), subject: clientRef, event: event)
    }

    /// Refuses with 403 consent_missing naming the agencies no valid consent of `purpose`
    /// (that also covers `caller`) covers.
    static func requireConsent(_ db: Database, _ clientRef: ClientRef, caller: Agency, invited: [Agency], today: LocalDate, field: String)
        throws
    {
        let needed = Set(invited + [caller])
        let consents = try AgencyStore.consents(db, clientRef)
        if ConsentCoverage.covering(consents, purpose: .sip, agencies: needed, on: today) != nil { return }
        let best = consents.filter { $0.purpose == .sip && $0.isValid(on: today) && $0.agencies.contains(caller) }
            .max { $0.agencies.intersection(needed).count < $1.agencies.intersection(needed).count }
        let uncovered = needed.subtracting(best?.agencies ?? []).map(\.rawValue).sorted()
        throw APIError.consentMissing(
            "no valid consent for purpose sip covers \(uncovered.joined(separator: ", ")) together with \(caller.rawValue); "
                + "register one with POST /persons/{clientRef}/consents", field: field)
    }

    // MARK: Request and invitations

    /// `POST /persons/{clientRef}/sips`: needs a valid `sip` consent covering the caller and
    /// every invited agency. Publishes sip.requested and one sip.invitation.sent per invitee.
    public func requestSip(_ staff: Staff, clientRef: ClientRef, body: Data) async throws(APIError) -> JSONReply<SipRequestedReply> {
        let sipId = EventID.random()
        let rules = base.rules
        let request = try StrictBody.decode(RequestSipRequest.self, from: body)
        let (requested, answerBy) = try request.validated(by: agency, sipId: sipId, rules: rules)
        let contacts = try request.mailContacts(caller: agency)
        let mail = self.base.mail
        let agency = self.agency
        let requestedEvent = self.envelope(clientRef, .sipRequested(requested))
        let invitationIds = requested.invited.map { _ in EventID.random() }
        let time = now()
        let base = self.base
        let outgoing = try await base.transaction { db -> [EventEnvelope] in
            try AgencyStore.requirePerson(db, clientRef)
            try Self.requireConsent(db, clientRef, caller: agency, invited: requested.invited, today: rules.today, field: "invited")
            // The consent that covers the caller and every invitee also covers each invitation.
            let consent = ConsentCoverage.covering(
                try AgencyStore.consents(db, clientRef), purpose: .sip, agencies: Set(requested.invited + [agency]), on: rules.today)!
            var outgoing = [requestedEvent]
            for (invitee, eventId) in zip(requested.invited, invitationIds) {
                let sealed = try base.sealIdentity(
                    db, clientRef, eventId: eventId, type: .sipInvitationSent, to: invitee, consent: consent, staff: staff)
                outgoing.append(
                    EventEnvelope(
                        id: eventId, source: .agency(agency), time: time, subject: clientRef,
                        event: .sipInvitationSent(
                            SipInvitationSent(sipId: sipId, caller: agency, invitee: invitee, answerBy: answerBy, sealedIdentity: sealed))))
            }
            try SipStore.insertSip(
                db, sipId: sipId, clientRef: clientRef, caller: agency, isCaller: true, reason: requested.reason,
                afterDischarge: requested.afterDischarge, organizer: contacts[agency]?.name ?? staff.name)
            for invitee in requested.invited { try SipStore.insertInvitation(db, sipId: sipId, invitee: invitee, answerBy: answerBy) }
            try SipMail.storeContacts(db, sipId: sipId, contacts)
            try SipMail.queueInvitations(db, sipId: sipId, mail: mail)
            for event in outgoing { try Outbox.enqueue(event, db) }
            try AgencyStore.audit(
                db, staff, "sip.request", clientRef: clientRef,
                detail: "invited \(SipStore.list(requested.invited))\(requested.afterDischarge ? " after discharge" : "")")
            return outgoing
        }
        return JSONReply(201, SipRequestedReply(sipId: sipId, answerBy: answerBy.description, eventId: outgoing[0].id))
    }

    /// `POST /sips/{sipId}/invitations/{invitee}/answer`: only the invited agency answers its
    /// own invitation (403 wrong_party otherwise).
    public func answer(_ staff: Staff, sipId: String, invitee: String, body: Data) async throws(APIError) -> JSONReply<SipAnswered> {
        guard let invitee = Agency(rawValue: invitee) else {
            throw .notFound("invitee", "invitee must be one of: \(Agency.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let agency = self.agency
        if invitee != agency {
            throw .wrongParty(
                "staff of \(agency.rawValue) answer only \(agency.rawValue)'s invitation, not \(invitee.rawValue)'s", field: "invitee")
        }
        let request = try StrictBody.decode(AnswerSipRequest.self, from: body)
        let now = self.now()
        let today = base.today()
        let result = try await base.transaction { db -> SipAnswered in
            let sip = try SipStore.requireSip(db, sipId)
            if sip.isCaller {
                throw APIError.wrongParty("\(agency.rawValue) called this SIP; only the invited agencies answer", field: "invitee")
            }
            guard let invitation = try SipStore.invitations(db, sipId).first(where: { $0.invitee == agency }) else {
                throw APIError.wrongParty("\(agency.rawValue) is not invited to SIP \(sipId)", field: "invitee")
            }
            if let answer = invitation.answer {
                throw APIError.conflict("this invitation was already answered (\(answer.rawValue))", field: "sipId")
            }
            if sip.state != "requested" { throw APIError.conflict("the SIP is \(sip.state); it takes no more answers", field: "sipId") }
            let payload = try request.validated(sipId: sipId, caller: sip.caller, invitee: agency, now: now)
            try AgencyStore.requireConsent(db, sip.clientRef, .sip, [sip.caller, agency], today: today, field: "sipId")
            let envelope = self.envelope(sip.clientRef, .sipInvitationAnswered(payload))
            try SipStore.storeAnswer(db, payload)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(
                db, staff, "sip.answer", clientRef: sip.clientRef, detail: "\(payload.answer.rawValue) to \(sip.caller.rawValue)")
            return SipAnswered(sipId: sipId, answer: payload.answer.rawValue, eventId: envelope.id)
        }
        return JSONReply(200, result)
    }

    // MARK: Scheduling

    /// `POST /sips/{sipId}/schedule` (first time) or `/reschedule` (sequence + 1): the caller
    /// schedules the earliest time every accepting participant can attend within working time,
    /// or a time staff choose. Refused while an invitation is unanswered before its answer date.
    public func schedule(_ staff: Staff, sipId: String, reschedule: Bool, body: Data) async throws(APIError) -> JSONReply<SipScheduledReply>
    {
        let request = try StrictBody.decode(ScheduleSipRequest.self, from: body)
        let override = try request.override()
        let duration = try request.duration()
        try request.checkLocation()
        let now = self.now()
        if let override { try SipTimes.withinHorizon(override.start, "start", now: now) }
        if let notBefore = request.notBefore { try SipTimes.withinHorizon(notBefore, "notBefore", now: now) }
        let today = base.today()
        let agency = self.agency
        let finder = self.finder
        let mail = base.mail
        let result = try await base.transaction { db -> SipScheduledReply in
            let sip = try SipStore.requireSip(db, sipId)
            guard sip.isCaller else {
                throw APIError.wrongParty("only the calling agency (\(sip.caller.rawValue)) schedules this SIP", field: "sipId")
            }
            switch (sip.state, reschedule) {
            case ("requested", false), ("scheduled", true): break
            case ("scheduled", false):
                throw APIError.conflict("the SIP is already scheduled; use POST /sips/\(sipId)/reschedule", field: "sipId")
            case ("requested", true):
                throw APIError.conflict("the SIP is not scheduled yet; use POST /sips/\(sipId)/schedule", field: "sipId")
            default: throw APIError.conflict("the SIP is \(sip.state) and cannot be scheduled", field: "sipId")
            }
            let invitations = try SipStore.invitations(db, sipId)
            let waiting = invitations.filter { $0.answer == nil && $0.answerBy >= today }
            if !reschedule, !waiting.isEmpty {
                throw APIError.conflict(
                    "waiting for answers from \(SipStore.list(waiting.map(\.invitee))) (answer by \(waiting.map(\.answerBy).max()!))",
                    field: "sipId")
            }
            let accepted = invitations.filter { $0.answer == .accepted }
            if accepted.isEmpty { throw APIError.conflict("no invited agency has accepted; there is no one to meet", field: "sipId") }
            let meeting: TimeSlot
            do {
                if let override {
                    try finder.checkMeetingTime(DateInterval(start: override.start, end: override.end), now: now)
                    meeting = override
                } else {
                    let participants = accepted.map { ParticipantAvailability(participant: $0.invitee.rawValue, slots: $0.availability) }
                    switch try finder.earliestSlot(for: participants, duration: duration, notBefore: request.notBefore, now: now) {
                    case .found(let slot): meeting = TimeSlot(start: slot.start, end: slot.end)
                    case .noCommonTime(let why):
                        throw APIError.conflict("\(why.description) (\(why.swedishDescription))", field: "availability")
                    }
                }
            } catch let refusal as SchedulingRefusal {
                throw APIError.invalid(refusal.field, refusal.reason)
            }
            let participants = [agency] + accepted.map(\.invitee)
            let attendees =
                [Attendee(agency: agency, name: sip.organizer ?? staff.name)]
                + accepted.compactMap { invitation in invitation.participant.map { Attendee(agency: invitation.invitee, name: $0.name) } }
            let sequence = reschedule ? (sip.sequence ?? 0) + 1 : 0
            let scheduled = SipScheduled(
                sipId: sipId, caller: agency, participants: participants, meeting: meeting, sequence: sequence,
                location: request.location ?? sip.location, attendees: attendees)
            do { try scheduled.validate() } catch let error as PayloadViolation { throw APIError.violation(error) }
            let envelope = self.envelope(sip.clientRef, .sipScheduled(scheduled))
            try SipStore.storeScheduled(db, scheduled)
            try SipMail.queueScheduled(db, sipId: sipId, mail: mail, stamp: now)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(
                db, staff, reschedule ? "sip.reschedule" : "sip.schedule", clientRef: sip.clientRef,
                detail: "\(Timestamp.format(meeting.start)) sequence \(sequence)\(override == nil ? " (earliest common)" : " (chosen)")")
            return SipScheduledReply(
                sipId: sipId, sequence: sequence, meeting: SlotBody(meeting),
                participants: participants.map(\.rawValue), chosen: override != nil, eventId: envelope.id)
        }
        return JSONReply(200, result)
    }

    /// `POST /sips/{sipId}/cancel` with a reason; every participant (or invitee) is told.
    public func cancel(_ staff: Staff, sipId: String, body: Data) async throws(APIError) -> JSONReply<SipChanged> {
        let reason = try TextRequest.decode(body, field: "reason").text
        let agency = self.agency
        let (mail, stamp) = (base.mail, now())
        let result = try await base.transaction { db -> SipChanged in
            let sip = try SipStore.requireSip(db, sipId)
            guard sip.isCaller else {
                throw APIError.wrongParty("only the calling agency (\(sip.caller.rawValue)) cancels this SIP", field: "sipId")
            }
            guard sip.state == "requested" || sip.state == "scheduled" else {
                throw APIError.conflict("the SIP is \(sip.state) and cannot be cancelled", field: "sipId")
            }
            let told = sip.participants.isEmpty ? [agency] + (try SipStore.invitations(db, sipId).map(\.invitee)) : sip.participants
            let cancelled = SipCancelled(sipId: sipId, caller: agency, participants: told, reason: reason)
            let envelope = self.envelope(sip.clientRef, .sipCancelled(cancelled))
            try SipStore.storeCancelled(db, cancelled)
            try SipMail.queueCancelled(db, sipId: sipId, mail: mail, stamp: stamp)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(db, staff, "sip.cancel", clientRef: sip.clientRef, detail: "told \(SipStore.list(told))")
            return SipChanged(sipId: sipId, state: "cancelled", eventId: envelope.id)
        }
        return JSONReply(200, result)
    }

    /// `POST /sips/{sipId}/held`: the meeting took place, with who attended.
    public func held(_ staff: Staff, sipId: String, body: Data) async throws(APIError) -> JSONReply<SipChanged> {
        let request = try StrictBody.decode(HeldSipRequest.self, from: body)
        let rules = base.rules
        try rules.happened(request.heldOn, "heldOn")
        let agency = self.agency
        let result = try await base.transaction { db -> SipChanged in
            let sip = try SipStore.requireSip(db, sipId)
            guard sip.isCaller else {
                throw APIError.wrongParty("only the calling agency (\(sip.caller.rawValue)) records this SIP as held", field: "sipId")
            }
            guard sip.state == "scheduled", let meeting = sip.meeting else {
                throw APIError.conflict("the SIP is \(sip.state); only a scheduled meeting can be held", field: "sipId")
            }
            let meetingDay = DateRules.swedishToday(meeting.start)
            if request.heldOn < meetingDay {
                throw APIError.invalid("heldOn", "must not be before the scheduled day (\(meetingDay)), got \(request.heldOn)")
            }
            let held = SipHeld(
                sipId: sipId, caller: agency, participants: sip.participants, attendees: request.attendees, heldOn: request.heldOn)
            do { try held.validate() } catch let error as PayloadViolation { throw APIError.violation(error) }
            let envelope = self.envelope(sip.clientRef, .sipHeld(held))
            try SipStore.storeHeld(db, held)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(
                db, staff, "sip.held", clientRef: sip.clientRef, detail: "\(held.attendees.count) attended on \(held.heldOn)")
            return SipChanged(sipId: sipId, state: "held", eventId: envelope.id)
        }
        return JSONReply(200, result)
    }

    // MARK: Reading

    /// `GET /sips/{sipId}`: the SIP as this agency knows it. The caller sees every invitation,
    /// with `overdue: true` on those unanswered after their answer date (the reminder to the
    /// caller; the coordinator raises the `sip-invitation-unanswered` flag for the same case).
    public func view(_ staff: Staff, sipId: String) async throws(APIError) -> JSONReply<SipView> {
        let today = base.today()
        let agency = self.agency
        let result = try await base.transaction { db -> SipView in
            let sip = try SipStore.requireSip(db, sipId)
            let invitations = try SipStore.invitations(db, sipId)
            var view = SipView(
                sipId: sipId, clientRef: sip.clientRef.rawValue, caller: sip.caller.rawValue, role: sip.isCaller ? "caller" : "invitee",
                state: sip.state, afterDischarge: sip.afterDischarge, reason: sip.reason,
                scheduled: sip.meeting.map { meeting in
                    SipView.Scheduled(
                        meeting: SlotBody(meeting), sequence: sip.sequence ?? 0, participants: sip.participants.map(\.rawValue),
                        attendees: sip.attendees, calendar: "/sips/\(sipId)/calendar.ics", location: sip.location)
                },
                cancelReason: sip.cancelReason,
                held: sip.heldOn.map { SipView.Held(heldOn: $0, attendees: sip.heldAttendees) },
                invitations: invitations.map { invitation in
                    SipView.Invitation(
                        invitee: invitation.invitee.rawValue, answerBy: invitation.answerBy.description,
                        answer: invitation.answer?.rawValue ?? "pending",
                        overdue: invitation.answer == nil && invitation.answerBy < today, participant: invitation.participant,
                        availability: invitation.availability.isEmpty ? nil : invitation.availability.map(SlotBody.init),
                        reason: invitation.declineReason)
                },
                overdueInvitees: invitations.filter { $0.answer == nil && $0.answerBy < today }.map(\.invitee.rawValue))
            // An invitee sees its own answer; once it declined, it is not at the table and hears
            // nothing more of this SIP, so its copy is `declined` rather than forever `requested`.
            if !sip.isCaller, let own = invitations.first(where: { $0.invitee == agency }) {
                view.ownAnswer = own.answer?.rawValue ?? "pending"
                if own.answer == .declined, sip.state == "requested" { view.state = "declined" }
            }
            try AgencyStore.audit(db, staff, "sip.read", clientRef: sip.clientRef, detail: sipId)
            return view
        }
        return JSONReply(200, result)
    }

    /// `GET /sips/{sipId}/calendar.ics`: the meeting as an iCalendar object (METHOD:REQUEST, or
    /// METHOD:CANCEL once cancelled) for the caller and the agencies at the table.
    public func calendarFile(_ staff: Staff, sipId: String) async throws(APIError) -> String {
        let agency = self.agency
        let stamp = now()
        let calendar = self.calendar
        return try await base.transaction { db -> String in
            let sip = try SipStore.requireSip(db, sipId)
            guard let meeting = sip.meeting, let sequence = sip.sequence else {
                throw APIError.notFound("sipId", "SIP \(sipId) has no scheduled meeting yet")
            }
            guard sip.participants.contains(agency) else {
                throw APIError.forbidden("\(agency.rawValue) is not a participant of this meeting", field: "sipId")
            }
            // The caller knows the participants' addresses (``SipMail``); others name the agencies.
            let addresses = sip.isCaller ? SipMail.addresses(try SipMail.participants(db, sip)) : [:]
            let people = sip.attendees.map { attendee in
                CalendarParticipant(
                    name: attendee.name, agency: attendee.agency,
                    address: addresses[attendee.agency].map(CalendarAddress.email) ?? .agency(attendee.agency),
                    role: attendee.agency == sip.caller ? .chair : .required, status: .accepted)
            }
            let organizer =
                people.first(where: { $0.agency == sip.caller })
                ?? CalendarParticipant(name: sip.caller.displayName, agency: sip.caller, address: .agency(sip.caller), role: .chair)
            let export = SipMeeting(
                sipId: sipId, sequence: sequence, meeting: DateInterval(start: meeting.start, end: meeting.end),
                personReference: SipMeeting.personReference(for: sip.clientRef), caller: sip.caller,
                agencies: sip.participants, location: sip.location, afterDischarge: sip.afterDischarge,
                organizer: organizer, attendees: people)
            let text: String
            do {
                if sip.state == "cancelled" {
                    text = try calendar.cancellation(of: export, reason: sip.cancelReason ?? "Inställt", stamp: stamp)
                } else {
                    text = try calendar.request(export, stamp: stamp)
                }
            } catch let error as CalendarExportError {
                throw APIError.conflict("the meeting cannot be written as a calendar file: \(error.description)", field: error.field)
            }
            try AgencyStore.audit(db, staff, "sip.calendar", clientRef: sip.clientRef, detail: "\(sipId) sequence \(sequence)")
            return text
        }
    }
}
