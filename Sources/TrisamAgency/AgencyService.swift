import Foundation
import GRDB
import Logging
import TrisamContracts
import TrisamHTTP

/// The agency's operations, independent of HTTP: each request is validated (pure), then applied
/// in one store transaction together with its outgoing events (the outbox) and its audit row.
/// A refusal inside the transaction rolls it back, so a refused request writes nothing.
public final class AgencyService: Sendable {
    public let agency: Agency
    public let store: AgencyStore
    let pseudonymizer: Pseudonymizer
    /// Encrypts the identity register at rest.
    let registerKey: IdentityRegisterKey
    /// This agency's private keys and the other agencies' public keys (sealed identities).
    let keyring: AgencyKeyring
    let signal: OutboxSignal
    let logger: Logger
    /// Shares one commit among concurrent requests.
    private let writer: GroupCommitWriter
    /// Today's date in Sweden; replaceable for tests.
    let today: @Sendable () -> LocalDate
    /// Where the SIP mails link to and go through (``SipMail``, ``MailOutboxSender``).
    let mail: MailConfiguration

    /// A service over `store`. Without `registerKey` and `keyring` it uses the public
    /// development ones (``IdentityRegisterKey/development``, ``AgencyKeyring/development(for:)``):
    /// for tests only.
    public init(
        agency: Agency, store: AgencyStore, pseudonymizer: Pseudonymizer, signal: OutboxSignal, logger: Logger,
        today: @escaping @Sendable () -> LocalDate = { DateRules.swedishToday() },
        registerKey: IdentityRegisterKey = .development, keyring: AgencyKeyring? = nil, mail: MailConfiguration = MailConfiguration()
    ) {
        self.mail = mail
        self.agency = agency
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.registerKey = registerKey
        self.keyring = keyring ?? .development(for: agency)
        self.signal = signal
        self.logger = logger
        self.today = today
        self.writer = GroupCommitWriter(pool: store.pool)
    }

    var rules: DateRules { DateRules(today: today()) }

    func envelope(_ clientRef: ClientRef, _ event: TrisamEvent) -> EventEnvelope {
        EventEnvelope(source: .agency(agency), subject: clientRef, event: event)
    }

    /// Runs `body` all-or-nothing in a write transaction (shared with concurrent requests, see
    /// ``GroupCommitWriter``); returns after the commit and wakes the outbox publisher.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(APIError) -> T {
        do {
            let result = try await writer.write(body)
            signal.notify()
            return result
        } catch let error as APIError {
            throw error
        } catch {
            logger.error("store transaction failed: \(error)")
            throw .internalError()
        }
    }

    // MARK: Persons

    /// `POST /persons`: 201 when new, 200 when known. The number (and the name, if given) go
    /// into the identity register, encrypted; a name given again replaces the one kept.
    public func registerPerson(_ staff: Staff, body: Data) async throws(APIError) -> JSONReply<PersonRegistered> {
        let identity = try StrictBody.decode(RegisterPersonRequest.self, from: body).validated()
        let clientRef = identity.clientRef(pseudonymizer)
        let key = registerKey
        let created = try await transaction { db in
            let created = try AgencyStore.notePerson(db, clientRef, registeredHere: true)
            try IdentityRegister.store(db, clientRef, identity, key: key, source: .registered)
            try AgencyStore.audit(
                db, staff, "person.register", clientRef: clientRef,
                detail: (created ? "registered" : "already known")
                    + " (\(identity.kind.rawValue)\(identity.name == nil ? "" : " and name"))")
            return created
        }
        return JSONReply(created ? 201 : 200, PersonRegistered(clientRef: clientRef.rawValue))
    }

    /// `GET /persons/{clientRef}`: this agency's summary of the person, with who the person is
    /// when the register holds it. Audited, the identity read on its own line.
    public func personSummary(_ staff: Staff, clientRef: ClientRef) async throws(APIError) -> JSONReply<PersonSummaryBody> {
        let today = self.today()
        let (key, pseudonymizer) = (registerKey, self.pseudonymizer)
        let summary = try await transaction { db in
            try AgencyStore.requirePerson(db, clientRef)
            var body = try PersonSummary.read(db, clientRef, agency: self.agency, today: today)
            try AgencyStore.audit(db, staff, "person.read", clientRef: clientRef, detail: "summary")
            if let identity = try IdentityRegister.read(db, clientRef, key: key, pseudonymizer: pseudonymizer) {
                body.identity = IdentityBody(identity)
                for index in body.inbox.indices { body.inbox[index].person = body.identity }
                try AgencyStore.audit(db, staff, "identity.read", clientRef: clientRef, detail: "person summary")
            }
            return body
        }
        return JSONReply(200, summary)
    }

    /// `POST /persons/search`: finds a person in the identity register by number (in the body,
    /// never in a URL). 404 when the register does not hold it. Audited either way, without the
    /// number.
    public func searchPerson(_ staff: Staff, body: Data) async throws(APIError) -> JSONReply<PersonFound> {
        let wanted = try StrictBody.decode(SearchPersonRequest.self, from: body).validated()
        let clientRef = wanted.clientRef(pseudonymizer)
        let (key, pseudonymizer) = (registerKey, self.pseudonymizer)
        let field = wanted.kind == .reservnummer ? "reservnummer" : "personnummer"
        let found = try await transaction { db -> PersonIdentity? in
            let identity = try IdentityRegister.read(db, clientRef, key: key, pseudonymizer: pseudonymizer)
            try AgencyStore.audit(
                db, staff, "identity.search", clientRef: identity == nil ? nil : clientRef,
                detail: identity == nil ? "search by \(field): no match" : "search by \(field): found")
            return identity
        }
        guard let found else {
            throw APIError.notFound(field, "this agency's identity register holds no person with this \(field)")
        }
        return JSONReply(200, PersonFound(clientRef: clientRef.rawValue, identity: IdentityBody(found)))
    }

    // MARK: Consent

    /// `POST /persons/{clientRef}/consents`: stores the consent and publishes consent.given.
    public func addConsent(_ staff: Staff, clientRef: ClientRef, body: Data) async throws(APIError) -> JSONReply<ConsentRecorded> {
        let consentId = EventID.random()
        let payload = try StrictBody.decode(ConsentRequest.self, from: body).validated(by: agency, consentId: consentId, rules: rules)
        let envelope = envelope(clientRef, .consentGiven(payload))
        let (agency, today) = (self.agency, self.today())
        try await transaction { db in
            try AgencyStore.requirePerson(db, clientRef)
            try AgencyStore.storeConsent(db, clientRef, payload, registeredBy: agency)
            try AgencyFlags.review(db, agency: agency, today: today, only: clientRef)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(
                db, staff, "consent.give", clientRef: clientRef,
                detail:
                    "\(payload.purpose.rawValue) for \(payload.agencies.map(\.rawValue).joined(separator: ",")) until \(payload.validUntil)"
            )
        }
        return JSONReply(201, ConsentRecorded(consentId: consentId, eventId: envelope.id))
    }

    /// `POST /persons/{clientRef}/consents/{consentId}/withdraw`: publishes consent.withdrawn.
    public func withdrawConsent(_ staff: Staff, clientRef: ClientRef, consentId: String, body: Data) async throws(APIError) -> JSONReply<
        ConsentRecorded
    > {
        let payload = try StrictBody.decode(WithdrawConsentRequest.self, from: body).validated(consentId: consentId, rules: rules)
        let envelope = envelope(clientRef, .consentWithdrawn(payload))
        let agency = self.agency
        try await transaction { db in
            try AgencyStore.requirePerson(db, clientRef)
            guard let consent = try AgencyStore.consents(db, clientRef).first(where: { $0.consentId == consentId }) else {
                throw APIError.notFound("consentId", "no consent \(consentId) for this person")
            }
            guard consent.agencies.contains(agency) else {
                throw APIError.forbidden("consent \(consentId) does not cover \(agency.rawValue)", field: "consentId")
            }
            if let withdrawn = consent.withdrawnOn {
                throw APIError.conflict("consent \(consentId) was already withdrawn on \(withdrawn)", field: "consentId")
            }
            if payload.withdrawnOn < consent.givenOn {
                throw APIError.invalid("withdrawnOn", "must not be before the consent was given (\(consent.givenOn))")
            }
            try AgencyStore.withdrawConsent(db, consentId, on: payload.withdrawnOn)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(db, staff, "consent.withdraw", clientRef: clientRef, detail: "\(consentId) on \(payload.withdrawnOn)")
            try IdentityRegister.eraseUnfounded(db, today: self.today(), staff: self.system, only: clientRef)
            try AgencyFlags.review(db, agency: agency, today: self.today(), only: clientRef)
        }
        return JSONReply(200, ConsentRecorded(consentId: consentId, eventId: envelope.id))
    }

    // MARK: Status

    /// `POST /persons/{clientRef}/statuses`: a status change in this agency's vocabulary, to its
    /// status topic. Needs a valid `samordning` consent covering this agency.
    public func publishStatus(_ staff: Staff, clientRef: ClientRef, body: Data) async throws(APIError) -> JSONReply<EventPublished> {
        let today = self.today()
        let request = try StatusRequest.decode(body, agency: agency, clientRef: clientRef, rules: DateRules(today: today))
        let envelope = request.envelope
        let agency = self.agency
        let prepared = try Outbox.prepare(envelope)
        // The payload as published (the event's JSON body), kept with the status record.
        let payloadJSON = String(decoding: prepared.rows.first?.value ?? Data("{}".utf8), as: UTF8.self)
        try await transaction { db in
            try AgencyStore.requirePerson(db, clientRef)
            try AgencyStore.requireConsent(db, clientRef, .samordning, [agency], today: today)
            try AgencyStore.insertStatus(db, envelope, payloadJSON: payloadJSON)
            try Outbox.enqueue(prepared, db)
            try AgencyStore.audit(db, staff, "status.publish", clientRef: clientRef, detail: envelope.type.rawValue)
        }
        return JSONReply(202, EventPublished(eventId: envelope.id))
    }

    // MARK: Cases

    /// `POST /persons/{clientRef}/cases`: opens this agency's case for an area.
    public func openCase(_ staff: Staff, clientRef: ClientRef, body: Data) async throws(APIError) -> JSONReply<CaseOpenedReply> {
        let payload = try StrictBody.decode(OpenCaseRequest.self, from: body).validated(rules: rules)
        let envelope = envelope(clientRef, .caseOpened(payload))
        let agency = self.agency
        let today = self.today()
        let caseId = try await transaction { db -> Int64 in
            try AgencyStore.requirePerson(db, clientRef)
            try AgencyStore.requireConsent(db, clientRef, .samordning, [agency], today: today)
            if try AgencyStore.openCase(db, clientRef, payload.area) != nil {
                throw APIError.conflict("this agency already has an open case for area \(payload.area.rawValue)", field: "area")
            }
            let id = try CaseRows.insert(db, clientRef, area: payload.area, contact: payload.contact, openedOn: payload.openedOn)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(db, staff, "case.open", clientRef: clientRef, detail: payload.area.rawValue)
            return id
        }
        return JSONReply(201, CaseOpenedReply(caseId: caseId, area: payload.area.rawValue, eventId: envelope.id))
    }

    /// Parses an area in a path.
    public static func area(_ text: String) throws(APIError) -> Area {
        guard let area = Area(rawValue: text) else {
            throw .notFound("area", "no area \"\(text.prefix(40))\"; areas are: \(Area.allowedCodes)")
        }
        return area
    }

    /// `POST /persons/{clientRef}/cases/{area}/close`.
    public func closeCase(_ staff: Staff, clientRef: ClientRef, area: Area, body: Data) async throws(APIError) -> JSONReply<CaseChanged> {
        let payload = try StrictBody.decode(CloseCaseRequest.self, from: body).validated(area: area, rules: rules)
        let envelope = envelope(clientRef, .caseClosed(payload))
        let agency = self.agency
        let today = self.today()
        try await transaction { db in
            try AgencyStore.requirePerson(db, clientRef)
            let caseId = try AgencyStore.requireOpenCase(db, clientRef, area)
            if try HandoverRows.isWaiting(db, clientRef, area: area, from: agency) {
                throw APIError.conflict(
                    "a handover of area \(area.rawValue) is waiting for an answer; the case closes when it is accepted", field: "area")
            }
            try AgencyStore.requireConsent(db, clientRef, .samordning, [agency], today: today)
            try CaseRows.close(db, caseId: caseId, on: payload.closedOn, reason: payload.reason)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(db, staff, "case.close", clientRef: clientRef, detail: "\(area.rawValue): \(payload.reason.rawValue)")
            try IdentityRegister.eraseUnfounded(db, today: today, staff: self.system, only: clientRef)
        }
        return JSONReply(200, CaseChanged(area: area.rawValue, eventId: envelope.id))
    }

    /// `POST /persons/{clientRef}/cases/{area}/contact`.
    public func changeContact(_ staff: Staff, clientRef: ClientRef, area: Area, body: Data) async throws(APIError) -> JSONReply<CaseChanged>
    {
        let payload = try StrictBody.decode(ChangeContactRequest.self, from: body).validated(area: area, rules: rules)
        let envelope = envelope(clientRef, .caseContactChanged(payload))
        let agency = self.agency
        let today = self.today()
        try await transaction { db in
            try AgencyStore.requirePerson(db, clientRef)
            let caseId = try AgencyStore.requireOpenCase(db, clientRef, area)
            try AgencyStore.requireConsent(db, clientRef, .samordning, [agency], today: today)
            try CaseRows.setContact(db, caseId: caseId, payload.contact)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(db, staff, "case.contact", clientRef: clientRef, detail: area.rawValue)
        }
        return JSONReply(200, CaseChanged(area: area.rawValue, eventId: envelope.id))
    }

    // MARK: Handover

    /// `POST /persons/{clientRef}/handovers`: asks another agency to take over an area this
    /// agency owns. The sender stays the owner until the receiver accepts.
    public func requestHandover(_ staff: Staff, clientRef: ClientRef, body: Data) async throws(APIError) -> JSONReply<
        HandoverRequestedReply
    > {
        let handoverId = EventID.random()
        let payload = try StrictBody.decode(HandoverRequest.self, from: body).validated(from: agency, handoverId: handoverId)
        let eventId = EventID.random()
        let agency = self.agency
        let today = self.today()
        try await transaction { db in
            try AgencyStore.requirePerson(db, clientRef)
            guard try AgencyStore.openCase(db, clientRef, payload.area) != nil else {
                throw APIError.conflict(
                    "this agency has no open case for area \(payload.area.rawValue); only the owner hands an area over", field: "area")
            }
            if try HandoverRows.isWaiting(db, clientRef, area: payload.area, from: agency) {
                throw APIError.conflict("a handover of area \(payload.area.rawValue) is already waiting for an answer", field: "area")
            }
            let consent = try AgencyStore.requireConsent(db, clientRef, .samordning, [agency, payload.to], today: today, field: "to")
            var requested = payload
            requested.sealedIdentity = try self.sealIdentity(
                db, clientRef, eventId: eventId, type: .handoverRequested, to: payload.to, consent: consent, staff: staff)
            try HandoverRows.insertRequested(
                db, handoverId: handoverId, clientRef, area: payload.area, from: agency, to: payload.to, reason: payload.reason)
            try Outbox.enqueue(
                EventEnvelope(id: eventId, source: .agency(agency), subject: clientRef, event: .handoverRequested(requested)), db)
            try AgencyStore.audit(
                db, staff, "handover.request", clientRef: clientRef, detail: "\(payload.area.rawValue) to \(payload.to.rawValue)")
        }
        return JSONReply(201, HandoverRequestedReply(handoverId: handoverId, eventId: eventId))
    }

    /// `POST /handovers/{handoverId}/accept|refuse` (receiver only).
    public func answerHandover(_ staff: Staff, handoverId: String, answer: HandoverStateMachine.Answer, body: Data) async throws(APIError)
        -> JSONReply<HandoverAnswered>
    {
        let accept = answer == .accept ? try StrictBody.decode(AcceptHandoverRequest.self, from: body) : nil
        let refusal = answer == .refuse ? try TextRequest.decode(body, field: "reason") : nil
        let agency = self.agency
        let rules = self.rules
        let result = try await transaction { db -> HandoverAnswered in
            guard let handover = try HandoverRows.fetch(db, handoverId) else {
                throw APIError.notFound("handoverId", "no handover \(handoverId.prefix(128)) is known to this agency")
            }
            let (clientRef, area, from, to, state) = (handover.clientRef, handover.area, handover.from, handover.to, handover.state)
            let next: HandoverState
            do {
                next = try HandoverStateMachine.next(state, answer, byReceiver: to == agency)
            } catch let error as HandoverStateMachine.TransitionError {
                switch error {
                case .wrongParty:
                    throw APIError.wrongParty("only the receiving agency (\(to.rawValue)) answers this handover", field: "handoverId")
                case .alreadyAnswered: throw APIError.conflict(error.description, field: "handoverId")
                }
            }
            var events: [EventEnvelope] = []
            if let accept {
                let (accepted, opened) = try accept.validated(handoverId: handoverId, area: area, from: from, rules: rules)
                try AgencyStore.requireConsent(db, clientRef, .samordning, [from, agency], today: rules.today, field: "handoverId")
                events.append(self.envelope(clientRef, .handoverAccepted(accepted)))
                // The area comes back while this agency's own handover of it to `from` still waits
                // for its acceptance to arrive in the inbox: `from` could hand it back only after
                // accepting. Settle that handover now, so its late acceptance does not close the case
                // this agency keeps.
                try HandoverRows.settleWaiting(db, clientRef, area: area, from: agency, to: from)
                if try AgencyStore.openCase(db, clientRef, area) == nil {
                    _ = try CaseRows.insert(db, clientRef, area: area, contact: opened.contact, openedOn: opened.openedOn)
                    events.append(self.envelope(clientRef, .caseOpened(opened)))
                }
                try HandoverRows.accept(db, handoverId, contact: accept.contact)
            } else if let refusal {
                let refused = HandoverRefused(handoverId: handoverId, area: area, from: from, reason: refusal.text)
                events.append(self.envelope(clientRef, .handoverRefused(refused)))
                try HandoverRows.refuse(db, handoverId, reason: refusal.text)
            }
            for event in events { try Outbox.enqueue(event, db) }
            try AgencyStore.audit(
                db, staff, "handover.\(answer.rawValue)", clientRef: clientRef, detail: "\(area.rawValue) from \(from.rawValue)")
            return HandoverAnswered(handoverId: handoverId, state: next.rawValue, eventId: events[0].id)
        }
        return JSONReply(200, result)
    }

    // MARK: Referrals

    /// `POST /persons/{clientRef}/referrals`: needs a `remiss` consent covering both agencies.
    public func sendReferral(_ staff: Staff, clientRef: ClientRef, body: Data) async throws(APIError) -> JSONReply<ReferralSentReply> {
        let referralId = EventID.random()
        let payload = try StrictBody.decode(ReferralRequest.self, from: body).validated(from: agency, referralId: referralId, rules: rules)
        let eventId = EventID.random()
        let agency = self.agency
        let today = self.today()
        try await transaction { db in
            try AgencyStore.requirePerson(db, clientRef)
            let consent = try AgencyStore.requireConsent(db, clientRef, .remiss, [agency, payload.to], today: today, field: "to")
            var sent = payload
            sent.sealedIdentity = try self.sealIdentity(
                db, clientRef, eventId: eventId, type: .referralSent, to: payload.to, consent: consent, staff: staff)
            try ReferralRows.insert(db, clientRef, payload)
            try Outbox.enqueue(EventEnvelope(id: eventId, source: .agency(agency), subject: clientRef, event: .referralSent(sent)), db)
            try AgencyStore.audit(
                db, staff, "referral.send", clientRef: clientRef, detail: "to \(payload.to.rawValue): \(payload.area.rawValue)")
        }
        return JSONReply(201, ReferralSentReply(referralId: referralId, eventId: eventId))
    }

    /// `POST /referrals/{referralId}/<action>`: the receiver answers, the sender cancels.
    /// Accepting, updating and completing carry information about the person and need a valid
    /// `remiss` consent; confirming receipt, rejecting and cancelling are always possible so the
    /// loop can be closed.
    public func actOnReferral(_ staff: Staff, referralId: String, action: ReferralAction, body: Data) async throws(APIError) -> JSONReply<
        ReferralChanged
    > {
        var parsedText: String?
        var parsedContact: Contact?
        switch action {
        case .received: try EmptyBody.check(body)
        case .accept:
            let contact = try StrictBody.decode(AcceptReferralRequest.self, from: body).contact
            let probe = CaseContactChanged(area: .samordning, contact: contact, changedOn: today())
            do { try probe.validate() } catch { throw .violation(error) }
            parsedContact = contact
        case .reject, .cancel: parsedText = try TextRequest.decode(body, field: "reason").text
        case .update: parsedText = try TextRequest.decode(body, field: "note").text
        case .close: parsedText = try TextRequest.decode(body, field: "outcome").text
        }
        let (text, contact) = (parsedText, parsedContact)
        let agency = self.agency
        let today = self.today()
        let result = try await transaction { db -> ReferralChanged in
            guard let referral = try ReferralRows.fetch(db, referralId) else {
                throw APIError.notFound("referralId", "no referral \(referralId.prefix(128)) is known to this agency")
            }
            let party: ReferralParty = referral.from == agency ? .sender : .receiver
            let next: ReferralState
            do {
                next = try ReferralStateMachine.next(referral.state, action, by: party)
            } catch let error as ReferralTransitionError {
                switch error {
                case .wrongParty: throw APIError.wrongParty(error.description, field: "referralId")
                case .illegal: throw APIError.conflict(error.description, field: "referralId")
                }
            }
            if [.accept, .update, .close].contains(action) {
                try AgencyStore.requireConsent(
                    db, referral.clientRef, .remiss, [referral.from, referral.to], today: today, field: "referralId")
            }
            let event = try ReferralRows.event(for: action, referral, text: text, contact: contact)
            let envelope = self.envelope(referral.clientRef, event)
            try ReferralRows.apply(db, referralId, next, action, text: text, contact: contact)
            try Outbox.enqueue(envelope, db)
            try AgencyStore.audit(
                db, staff, "referral.\(action.rawValue)", clientRef: referral.clientRef,
                detail: "\(referral.from.rawValue) to \(referral.to.rawValue)")
            return ReferralChanged(referralId: referralId, state: next.rawValue, eventId: envelope.id)
        }
        return JSONReply(200, result)
    }

    // MARK: Inbox and audit

    /// `GET /inbox?limit=&before=`: newest first, with a cursor. Audited per person listed.
    public func inbox(_ staff: Staff, limit: String?, before: String?) async throws(APIError) -> JSONReply<Page<InboxItem>> {
        let limit = try Self.limit(limit)
        var parsedCursor: Int64?
        if let before {
            guard let value = Int64(before), value > 0 else {
                throw .invalid("before", "must be a cursor from an earlier page (a positive integer)")
            }
            parsedCursor = value
        }
        let cursor = parsedCursor
        let page = try await transaction { db -> Page<InboxItem> in
            var page = try InboxRows.page(db, before: cursor, limit: limit)
            for person in Set(page.items.map(\.clientRef)).sorted() {
                try AgencyStore.audit(db, staff, "inbox.read", clientRef: ClientRef(rawValue: person), detail: "inbox listing")
            }
            let people = try self.people(db, page.items.map(\.clientRef), staff: staff, detail: "inbox listing")
            for index in page.items.indices { page.items[index].person = people[page.items[index].clientRef] }
            return page
        }
        return JSONReply(200, page)
    }

    /// `GET /audit?clientRef=&limit=&before=`: newest first, paged with the same cursor as the inbox.
    public func auditLog(_ staff: Staff, clientRef: String?, limit: String?, before: String? = nil) async throws(APIError) -> JSONReply<
        Page<AuditItem>
    > {
        let limit = try Self.limit(limit)
        var parsedRef: ClientRef?
        if let clientRef {
            guard let value = ClientRef(rawValue: clientRef) else { throw .invalid("clientRef", "must be 32 lowercase hex characters") }
            parsedRef = value
        }
        var parsedCursor: Int64?
        if let before {
            guard let value = Int64(before), value > 0 else {
                throw .invalid("before", "must be a cursor from an earlier page (a positive integer)")
            }
            parsedCursor = value
        }
        let ref = parsedRef
        let cursor = parsedCursor ?? Int64.max
        // Reading the log is itself logged (after the page is read, so it shows on the next read).
        let page = try await transaction { db -> Page<AuditItem> in
            let page = try AuditRows.page(db, of: ref, before: cursor, limit: limit)
            try AgencyStore.audit(
                db, staff, "audit.read", clientRef: ref, detail: ref == nil ? "audit listing" : "audit listing of the person")
            return page
        }
        return JSONReply(200, page)
    }

    func readOnly<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(APIError) -> T {
        do {
            return try await store.pool.read(body)
        } catch let error as APIError {
            throw error
        } catch {
            logger.error("store read failed: \(error)")
            throw .internalError()
        }
    }

    static func limit(_ text: String?) throws(APIError) -> Int {
        guard let text else { return 50 }
        guard let value = Int(text), (1...200).contains(value) else { throw .invalid("limit", "must be a whole number from 1 to 200") }
        return value
    }
}
