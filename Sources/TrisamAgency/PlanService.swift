import Foundation
import GRDB
import TrisamContracts
import TrisamHTTP

/// Handlingsplaner through an agency service. A plan is recorded, revised and closed by its lead
/// agency (the one with the overall responsibility); each action's owner marks it done or not
/// possible. Every version of the plan is kept (`planRevision`).
extension SipService {
    /// `POST /persons/{clientRef}/plans`: refused without a lead agency (naming `leadAgency`),
    /// when this agency is not the lead, or without a valid `sip` consent covering the
    /// participants. Publishes plan.created (revision 1), plan.followup.set and one
    /// plan.action.assigned per action (to its owner's inbox).
    public func createPlan(_ staff: Staff, clientRef: ClientRef, body: Data) async throws(APIError) -> JSONReply<PlanRevised> {
        let request = try StrictBody.decode(CreatePlanRequest.self, from: body)
        guard let lead = request.leadAgency else {
            throw APIError(
                status: 400, code: .missingField, field: "leadAgency",
                message: "leadAgency is required: a handlingsplan needs one lead agency with the overall responsibility")
        }
        let agency = self.agency
        if lead != agency {
            throw .wrongParty(
                "a plan is recorded by its lead agency; ask \(lead.rawValue) to record it, or make \(agency.rawValue) the lead",
                field: "leadAgency")
        }
        let planId = EventID.random()
        let rules = base.rules
        let (created, followUp, actions) = try PlanChecks.events(
            planId: planId, sipId: request.sipId, lead: lead, participants: request.participants, goals: request.goals,
            subGoals: request.subGoals ?? [], personGoal: request.personGoal, followUpOn: request.followUpOn, actions: request.actions,
            firstAction: 1, revision: 1, rules: rules)
        let base = self.base
        let events = try await base.transaction { db -> [EventEnvelope] in
            try AgencyStore.requirePerson(db, clientRef)
            if let sipId = request.sipId {
                guard let sip = try SipStore.sip(db, sipId), sip.clientRef == clientRef else {
                    // 409, not 404: the person (the resource addressed) exists; the body names a
                    // SIP this agency does not hold for them.
                    throw APIError.conflict("no SIP \(sipId.prefix(128)) for this person is known to this agency", field: "sipId")
                }
            }
            let consent = try AgencyStore.requireConsent(
                db, clientRef, .sip, Set(request.participants), today: rules.today, field: "participants")
            let events =
                [self.envelope(clientRef, .planCreated(created)), self.envelope(clientRef, .planFollowUpSet(followUp))]
                + (try actions.map { try self.assigned($0, db, clientRef, consent: consent, staff: staff) })
            try SipStore.insertPlan(
                db, planId: planId, clientRef, sipId: request.sipId, lead: lead, participants: request.participants,
                followUpOn: request.followUpOn)
            try Self.storeRevision(db, created, followUpOn: request.followUpOn, actions: actions, by: staff)
            for action in actions { try SipStore.insertAction(db, clientRef: clientRef, action) }
            for event in events { try Outbox.enqueue(event, db) }
            try AgencyStore.audit(
                db, staff, "plan.create", clientRef: clientRef,
                detail: "lead \(lead.rawValue), \(actions.count) actions, follow-up \(request.followUpOn)")
            return events
        }
        return JSONReply(201, PlanRevised(planId: planId, revision: 1, actionIds: actions.map(\.actionId), eventId: events[0].id))
    }

    /// `POST /plans/{planId}/revise`: a follow-up revises the plan (lead only); the earlier
    /// version is kept, new actions are added.
    public func revisePlan(_ staff: Staff, planId: String, body: Data) async throws(APIError) -> JSONReply<PlanRevised> {
        let request = try StrictBody.decode(RevisePlanRequest.self, from: body)
        let rules = base.rules
        let agency = self.agency
        let result = try await base.transaction { db -> PlanRevised in
            let plan = try Self.requireLedPlan(db, planId, agency: agency)
            let existing = try SipStore.actions(db, planId: planId).count
            let revision = plan.revision + 1
            let (created, followUp, actions) = try PlanChecks.events(
                planId: planId, sipId: plan.sipId, lead: plan.leadAgency, participants: plan.participants, goals: request.goals,
                subGoals: request.subGoals ?? [], personGoal: request.personGoal, followUpOn: request.followUpOn,
                actions: request.actions ?? [], firstAction: existing + 1, revision: revision, rules: rules)
            let consent = try AgencyStore.requireConsent(
                db, plan.clientRef, .sip, Set(plan.participants), today: rules.today, field: "planId")
            let events =
                [self.envelope(plan.clientRef, .planCreated(created)), self.envelope(plan.clientRef, .planFollowUpSet(followUp))]
                + (try actions.map { try self.assigned($0, db, plan.clientRef, consent: consent, staff: staff) })
            try SipStore.storeRevisionNumber(db, planId: planId, revision: revision, followUpOn: request.followUpOn)
            try Self.storeRevision(db, created, followUpOn: request.followUpOn, actions: actions, by: staff)
            for action in actions { try SipStore.insertAction(db, clientRef: plan.clientRef, action) }
            for event in events { try Outbox.enqueue(event, db) }
            try AgencyStore.audit(
                db, staff, "plan.revise", clientRef: plan.clientRef, detail: "revision \(revision), \(actions.count) new actions")
            return PlanRevised(planId: planId, revision: revision, actionIds: actions.map(\.actionId), eventId: events[0].id)
        }
        return JSONReply(200, result)
    }

    /// The event of an assigned action: to another agency, with the person's identity sealed to
    /// the owner under `consent`.
    func assigned(_ action: PlanActionAssigned, _ db: Database, _ clientRef: ClientRef, consent: ConsentRecord, staff: Staff) throws
        -> EventEnvelope
    {
        let eventId = EventID.random()
        var action = action
        action.sealedIdentity = try base.sealIdentity(
            db, clientRef, eventId: eventId, type: .planActionAssigned, to: action.owner, consent: consent, staff: staff)
        return EventEnvelope(id: eventId, source: .agency(agency), time: now(), subject: clientRef, event: .planActionAssigned(action))
    }

    /// `POST /plans/{planId}/close` with the outcome (lead only).
    public func closePlan(_ staff: Staff, planId: String, body: Data) async throws(APIError) -> JSONReply<PlanClosedReply> {
        let request = try StrictBody.decode(ClosePlanRequest.self, from: body)
        let rules = base.rules
        let closedOn = request.closedOn ?? rules.today
        try rules.happened(closedOn, "closedOn")
        let agency = self.agency
        let result = try await base.transaction { db -> PlanClosedReply in
            let plan = try Self.requireLedPlan(db, planId, agency: agency)
            let closed = PlanClosed(
                planId: planId, leadAgency: plan.leadAgency, participants: plan.participants,
                reason: request.reason ?? (request.outcome == .other ? .other : .goalsReached), closedOn: closedOn,
                outcome: request.outcome)
            let envelope = self.envelope(plan.clientRef, .planClosed(closed))
            try SipStore.storeClosed(db, closed)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(db, staff, "plan.close", clientRef: plan.clientRef, detail: "outcome \(request.outcome.rawValue)")
            return PlanClosedReply(planId: planId, state: "closed", outcome: request.outcome.rawValue, eventId: envelope.id)
        }
        return JSONReply(200, result)
    }

    /// `POST /plans/{planId}/actions/{actionId}/done` or `/not-possible` (owner only).
    public func finishAction(_ staff: Staff, planId: String, actionId: String, outcome: PlanActionOutcome, body: Data)
        async throws(APIError) -> JSONReply<ActionFinished>
    {
        var note: String?
        var reason: String?
        var completedOn = base.today()
        switch outcome {
        case .done:
            let request = try StrictBody.decode(ActionDoneRequest.self, from: body.isEmpty ? Data("{}".utf8) : body)
            note = request.note
            if let date = request.completedOn {
                try base.rules.happened(date, "completedOn")
                completedOn = date
            }
        case .notPossible:
            reason = try TextRequest.decode(body, field: "reason").text
        }
        let (finalNote, finalReason, day) = (note, reason, completedOn)
        let agency = self.agency
        let result = try await base.transaction { db -> ActionFinished in
            guard let action = try SipStore.actions(db, planId: planId).first(where: { $0.actionId == actionId }) else {
                throw APIError.notFound("actionId", "no action \(actionId.prefix(64)) of plan \(planId.prefix(64)) is known to this agency")
            }
            guard action.owner == agency else {
                throw APIError.wrongParty(
                    "only the owner (\(action.owner.rawValue)) marks this action \(outcome.rawValue)", field: "actionId")
            }
            guard action.state == "open" else { throw APIError.conflict("the action is already \(action.state)", field: "actionId") }
            let completed = PlanActionCompleted(
                planId: planId, actionId: actionId, leadAgency: action.leadAgency, owner: agency,
                completedOn: day, note: finalNote, outcome: outcome == .done ? nil : outcome, reason: finalReason)
            do { try completed.validate() } catch let error as PayloadViolation { throw APIError.violation(error) }
            let envelope = self.envelope(action.clientRef, .planActionCompleted(completed))
            try SipStore.storeCompleted(db, completed)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(
                db, staff, "plan.action.\(outcome.rawValue)", clientRef: action.clientRef, detail: "\(planId) \(actionId)")
            return ActionFinished(planId: planId, actionId: actionId, state: outcome.rawValue, eventId: envelope.id)
        }
        return JSONReply(200, result)
    }

    /// The plan made at the SIP `sipId`, else the person's newest open plan this agency leads,
    /// as ``planView(_:planId:)`` shows it (one `plan.read` audit row, for that plan only); nil
    /// when there is none.
    public func planForSip(_ staff: Staff, clientRef: ClientRef, sipId: String) async throws(APIError) -> PlanView? {
        let planId = try await base.readOnly { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT planId FROM plan WHERE clientRef = ? AND (sipId = ? OR state != 'closed')
                    ORDER BY sipId IS NOT ? ASC, rowid DESC LIMIT 1
                    """, arguments: [clientRef.rawValue, sipId, sipId])
        }
        guard let planId else { return nil }
        return try await planView(staff, planId: planId).value
    }

    /// `GET /plans/{planId}`: the lead sees the plan with every revision and action; an owner
    /// sees its own actions of the plan.
    public func planView(_ staff: Staff, planId: String) async throws(APIError) -> JSONReply<PlanView> {
        let agency = self.agency
        let result = try await base.transaction { db -> PlanView in
            let actions = try SipStore.actions(db, planId: planId)
            guard let plan = try SipStore.plan(db, planId) else {
                let mine = actions.filter { $0.owner == agency }
                guard let first = mine.first else {
                    throw APIError.notFound("planId", "no plan \(planId.prefix(128)) is known to this agency")
                }
                try AgencyStore.audit(db, staff, "plan.read", clientRef: first.clientRef, detail: planId)
                return PlanView(planId: planId, role: "owner", leadAgency: first.leadAgency.rawValue, actions: mine.map(\.json))
            }
            let revisions = try SipStore.revisions(db, planId: planId)
            let view = PlanView(
                planId: planId, role: "lead", clientRef: plan.clientRef.rawValue, leadAgency: plan.leadAgency.rawValue,
                participants: plan.participants.map(\.rawValue), revision: plan.revision, state: plan.state,
                current: revisions.last ?? .object([:]), revisions: revisions, actions: actions.map(\.json),
                sipId: plan.sipId, followUpOn: plan.followUpOn, outcome: plan.outcome, closedOn: plan.closedOn)
            try AgencyStore.audit(db, staff, "plan.read", clientRef: plan.clientRef, detail: planId)
            return view
        }
        return JSONReply(200, result)
    }

    /// `GET /actions?state=&limit=&after=`: the plan actions this agency owns, earliest due date
    /// first; `next` is the cursor of the following page.
    public func myActions(_ staff: Staff, state: String?, limit: String? = nil, after: String? = nil) async throws(APIError) -> JSONReply<
        Page<ActionItem>
    > {
        if let state, !["open", "done", "not-possible"].contains(state) {
            throw .invalid("state", "must be one of: open, done, not-possible")
        }
        let limit = try AgencyService.limit(limit)
        let cursor = try after.map { text throws(APIError) -> ActionCursor in
            guard let cursor = ActionCursor(text) else { throw .invalid("after", "must be the next cursor of an earlier page") }
            return cursor
        }
        let agency = self.agency
        let page = try await base.transaction { db -> Page<ActionItem> in
            let actions = try SipStore.actions(db, owner: agency).filter { state == nil || $0.state == state }
                .filter { cursor == nil || ActionCursor($0) > cursor! }
            let items = Array(actions.prefix(limit))
            for person in Set(items.map(\.clientRef.rawValue)).sorted() {
                try AgencyStore.audit(db, staff, "plan.actions.read", clientRef: ClientRef(rawValue: person), detail: "action listing")
            }
            let people = try self.base.people(db, items.map(\.clientRef.rawValue), staff: staff, detail: "action listing")
            let listed = items.map { item in
                var json = item.json
                json.person = people[item.clientRef.rawValue]
                return json
            }
            return Page(items: listed, next: actions.count > limit ? ActionCursor(items[limit - 1]).text : nil)
        }
        return JSONReply(200, page)
    }

    static func requireLedPlan(_ db: Database, _ planId: String, agency: Agency) throws -> SipStore.PlanRow {
        guard let plan = try SipStore.plan(db, planId) else {
            if try SipStore.actions(db, planId: planId).first != nil {
                throw APIError.wrongParty("only the lead agency changes this plan", field: "planId")
            }
            throw APIError.notFound("planId", "no plan \(planId.prefix(128)) is known to this agency")
        }
        guard plan.state == "open" else { throw APIError.conflict("the plan is closed", field: "planId") }
        return plan
    }

    static func storeRevision(_ db: Database, _ created: PlanCreated, followUpOn: LocalDate, actions: [PlanActionAssigned], by staff: Staff)
        throws
    {
        let content = PlanRevisionContent(
            goals: created.goals, subGoals: created.subGoals, followUpOn: followUpOn.description,
            newActions: actions.map(\.actionId), personGoal: created.personGoal)
        let data = try APIJSON.encoder().encode(content)
        try SipStore.insertRevision(
            db, planId: created.planId, revision: created.revisionNumber, content: String(decoding: data, as: UTF8.self), by: staff.name)
    }
}

/// What a plan revision stored (`planRevision.content`) and `GET /plans/{planId}` answers.
struct PlanRevisionContent: Encodable, Sendable {
    var goals: [String]
    var subGoals: [String]
    var followUpOn: String
    var newActions: [String]
    var personGoal: String?
}

/// The position of an action in the `GET /actions` order (due date, plan, action), as the
/// opaque `next` cursor `<dueDate>~<planId>~<actionId>`.
struct ActionCursor: Comparable, Sendable {
    var dueDate: String
    var planId: String
    var actionId: String

    init(_ action: SipStore.ActionRow) {
        dueDate = action.dueDate.description
        planId = action.planId
        actionId = action.actionId
    }

    init?(_ text: String) {
        let parts = text.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
        // The date part is only a sort key: its shape is checked (as the contract's pattern
        // states it), not whether the day exists.
        guard parts.count == 3, parts[0].range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil,
            !parts[1].isEmpty, !parts[2].isEmpty
        else { return nil }
        (dueDate, planId, actionId) = (parts[0], parts[1], parts[2])
    }

    var text: String { "\(dueDate)~\(planId)~\(actionId)" }

    static func < (lhs: ActionCursor, rhs: ActionCursor) -> Bool {
        (lhs.dueDate, lhs.planId, lhs.actionId) < (rhs.dueDate, rhs.planId, rhs.actionId)
    }
}
