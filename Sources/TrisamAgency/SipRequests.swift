import Foundation
import TrisamContracts
import TrisamHTTP

// Request bodies of the SIP and handlingsplan endpoints and their checks. Pure: no I/O.

/// How long invited agencies get to answer when the request names no `answerBy`.
public enum SipAnswerDeadline {
    /// After discharge from hospital the region must call the SIP within 3 days (lag 2017:612;
    /// rules.json `sip-not-held.dischargeCallDays`), so invitees get 1 day to answer.
    public static let afterDischargeDays = 1
    /// Otherwise a week.
    public static let defaultDays = 7

    /// The default answer date for a request made on `today`.
    public static func answerBy(today: LocalDate, afterDischarge: Bool) -> LocalDate {
        today.adding(days: afterDischarge ? afterDischargeDays : defaultDays)
    }
}

/// `POST /persons/{clientRef}/sips`.
public struct RequestSipRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["reason", "invited", "afterDischarge", "answerBy", "contacts"]
    public var reason: String
    public var invited: [Agency]
    public var afterDischarge: Bool?
    public var answerBy: LocalDate?
    /// Named contacts by agency (the caller's own: the organizer), with the e-mail addresses the
    /// invitations and calendar mails go to (``SipMail``).
    public var contacts: [String: Contact]?

    /// The `sip.requested` payload and the answer date, or a refusal naming the field.
    public func validated(by caller: Agency, sipId: String, rules: DateRules) throws(APIError) -> (SipRequested, LocalDate) {
        guard caller == .kommun || caller == .region else {
            throw .forbidden(
                "only kommun or region call a SIP (SoL 2 kap. 7 §, HSL 16 kap. 4 §); \(caller.rawValue) may ask them to", field: "caller")
        }
        let payload = SipRequested(sipId: sipId, caller: caller, reason: reason, invited: invited, afterDischarge: afterDischarge ?? false)
        do { try payload.validate() } catch { throw .violation(error) }
        let due = answerBy ?? SipAnswerDeadline.answerBy(today: rules.today, afterDischarge: payload.afterDischarge)
        if due < rules.today { throw .invalid("answerBy", "must not be in the past (today is \(rules.today)), got \(due)") }
        if due > rules.today.adding(days: DateRules.maxAnswerDays) {
            throw .invalid("answerBy", "must be within a year (by \(rules.today.adding(days: DateRules.maxAnswerDays))), got \(due)")
        }
        return (payload, due)
    }
}

/// `POST /sips/{sipId}/invitations/{invitee}/answer`.
public struct AnswerSipRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["answer", "participant", "availability", "reason"]
    public var answer: SipAnswer
    public var participant: Contact?
    public var availability: [TimeSlot]?
    public var reason: String?

    /// The answer event; availability that has already ended is refused naming the slot.
    public func validated(sipId: String, caller: Agency, invitee: Agency, now: Date) throws(APIError) -> SipInvitationAnswered {
        let payload = SipInvitationAnswered(
            sipId: sipId, caller: caller, invitee: invitee, answer: answer,
            participant: participant, availability: availability, reason: reason)
        do { try payload.validate() } catch { throw .violation(error) }
        for (index, slot) in (availability ?? []).enumerated() {
            if slot.end <= now {
                throw .invalid(
                    "availability[\(index)].end",
                    "must not be in the past (now is \(Timestamp.format(now))), got \(Timestamp.format(slot.end))")
            }
            try SipTimes.withinHorizon(slot.start, "availability[\(index)].start", now: now)
        }
        return payload
    }
}

/// `POST /sips/{sipId}/schedule` and `/reschedule`: either the earliest common slot
/// (`durationMinutes`, optional `notBefore`) or a time staff choose (`start` and `end`).
public struct ScheduleSipRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["durationMinutes", "notBefore", "start", "end", "location"]
    public var durationMinutes: Int?
    public var notBefore: Date?
    public var start: Date?
    public var end: Date?
    public var location: String?

    /// A chosen time, or nil to search; refuses half an override or mixing both.
    public func override() throws(APIError) -> TimeSlot? {
        switch (start, end) {
        case (nil, nil): return nil
        case (.some, nil): throw .missing("end")
        case (nil, .some): throw .missing("start")
        case (let start?, let end?):
            if durationMinutes != nil { throw .invalid("durationMinutes", "is not allowed together with start and end") }
            if notBefore != nil { throw .invalid("notBefore", "is not allowed together with start and end") }
            guard start < end else { throw .invalid("end", "must be after start") }
            return TimeSlot(start: start, end: end)
        }
    }

    /// The meeting length for a search (default 60 minutes, 15 to 480).
    public func duration() throws(APIError) -> TimeInterval {
        let minutes = durationMinutes ?? 60
        guard (15...480).contains(minutes) else {
            throw .invalid("durationMinutes", "\(NumberRules.rule(for: "durationMinutes")), got \(minutes)")
        }
        return TimeInterval(minutes * 60)
    }

    public func checkLocation() throws(APIError) {
        if let location { do { try Check.name(location, "location") } catch { throw .violation(error) } }
    }
}

/// How far ahead SIP times may lie: availability, a chosen meeting time and `notBefore` at most
/// a year (366 days) from now, as far as the slot search looks.
public enum SipTimes {
    public static let horizonDays = 366

    /// Refuses `time` more than ``horizonDays`` after `now`, naming `field`.
    public static func withinHorizon(_ time: Date, _ field: String, now: Date) throws(APIError) {
        let latest = now.addingTimeInterval(Double(horizonDays) * 86_400)
        if time > latest {
            throw .invalid(
                field, "must be at most a year ahead (by \(Timestamp.format(latest))), got \(Timestamp.format(time))")
        }
    }
}

/// `POST /sips/{sipId}/held`.
public struct HeldSipRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["heldOn", "attendees"]
    public var heldOn: LocalDate
    public var attendees: [Attendee]
}

/// One action in a plan request.
public struct PlanActionInput: Codable, Sendable, Hashable {
    /// The agency that does it.
    public var owner: Agency
    /// The named person at the owner.
    public var ownerContact: Contact
    public var description: String
    public var dueDate: LocalDate
}

/// `POST /persons/{clientRef}/plans`.
public struct CreatePlanRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = [
        "sipId", "leadAgency", "participants", "goals", "subGoals", "personGoal", "followUpOn", "actions",
    ]
    public var sipId: String?
    public var leadAgency: Agency?
    public var participants: [Agency]
    public var goals: [String]
    public var subGoals: [String]?
    public var personGoal: String?
    public var followUpOn: LocalDate
    public var actions: [PlanActionInput]
}

/// `POST /plans/{planId}/revise`: the whole plan as agreed at the follow-up. Actions listed are
/// added; earlier actions stay as they are.
public struct RevisePlanRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["goals", "subGoals", "personGoal", "followUpOn", "actions"]
    public var goals: [String]
    public var subGoals: [String]?
    public var personGoal: String?
    public var followUpOn: LocalDate
    public var actions: [PlanActionInput]?
}

/// `POST /plans/{planId}/actions/{actionId}/done`.
public struct ActionDoneRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["completedOn", "note"]
    public var completedOn: LocalDate?
    public var note: String?
}

/// `POST /plans/{planId}/close`.
public struct ClosePlanRequest: Codable, Sendable, KnownFields {
    public static let fieldNames: Set<String> = ["outcome", "reason", "closedOn"]
    public var outcome: PlanOutcome
    public var reason: PlanCloseReason?
    public var closedOn: LocalDate?
}

/// The checks shared by creating and revising a plan.
enum PlanChecks {
    /// The events of a plan version: plan.created (with `revision`), plan.followup.set, and
    /// one plan.action.assigned per new action (ids `a1`, `a2`, … after `firstAction - 1`).
    static func events(
        planId: String, sipId: String?, lead: Agency, participants: [Agency], goals: [String], subGoals: [String],
        personGoal: String?, followUpOn: LocalDate, actions: [PlanActionInput], firstAction: Int, revision: Int,
        rules: DateRules
    ) throws(APIError) -> (PlanCreated, PlanFollowUpSet, [PlanActionAssigned]) {
        let created = PlanCreated(
            planId: planId, sipId: sipId, leadAgency: lead, participants: participants, goals: goals,
            subGoals: subGoals, personGoal: personGoal, revision: revision)
        do { try created.validate() } catch { throw .violation(error) }
        if followUpOn <= rules.today { throw .invalid("followUpOn", "must be after today (\(rules.today)), got \(followUpOn)") }
        if followUpOn > rules.today.adding(days: DateRules.maxAnswerDays) {
            throw .invalid(
                "followUpOn", "must be within a year (by \(rules.today.adding(days: DateRules.maxAnswerDays))), got \(followUpOn)")
        }
        let followUp = PlanFollowUpSet(planId: planId, leadAgency: lead, participants: participants, followUpOn: followUpOn)
        if actions.count > 20 { throw .invalid("actions", "must list at most 20 actions") }
        var assigned: [PlanActionAssigned] = []
        for (index, action) in actions.enumerated() {
            let field = "actions[\(index)]"
            if !participants.contains(action.owner) {
                throw .invalid("\(field).owner", "must be one of participants (\(SipStore.list(participants)))")
            }
            if action.dueDate < rules.today {
                throw .invalid("\(field).dueDate", "must not be in the past (today is \(rules.today)), got \(action.dueDate)")
            }
            if action.dueDate > rules.today.adding(days: DateRules.maxDueDays) {
                throw .invalid(
                    "\(field).dueDate",
                    "must be within 2 years (by \(rules.today.adding(days: DateRules.maxDueDays))), got \(action.dueDate)")
            }
            let event = PlanActionAssigned(
                planId: planId, actionId: "a\(firstAction + index)", leadAgency: lead, owner: action.owner,
                ownerContact: action.ownerContact, description: action.description, dueDate: action.dueDate)
            do { try event.validate() } catch { throw .violation(error, prefix: field) }
            assigned.append(event)
        }
        return (created, followUp, assigned)
    }
}
