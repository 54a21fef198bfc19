import Foundation
import Testing
import TrisamContracts
import TrisamHTTP

@testable import TrisamAgency

private func data(_ text: String) -> Data { Data(text.utf8) }
private let today = LocalDate("2026-11-24")!
private let rules = DateRules(today: today)

@Suite("Referral state machine")
struct UnitReferralStateMachineTests {
    @Test("the receiver answers, the sender cancels")
    func parties() throws {
        #expect(try ReferralStateMachine.next(.sent, .received, by: .receiver) == .received)
        #expect(try ReferralStateMachine.next(.received, .accept, by: .receiver) == .accepted)
        #expect(try ReferralStateMachine.next(.sent, .accept, by: .receiver) == .accepted)
        #expect(try ReferralStateMachine.next(.accepted, .update, by: .receiver) == .accepted)
        #expect(try ReferralStateMachine.next(.accepted, .close, by: .receiver) == .completed)
        #expect(try ReferralStateMachine.next(.received, .reject, by: .receiver) == .rejected)
        #expect(try ReferralStateMachine.next(.accepted, .cancel, by: .sender) == .cancelled)
        #expect(throws: ReferralTransitionError.wrongParty(action: .accept, required: .receiver)) {
            try ReferralStateMachine.next(.sent, .accept, by: .sender)
        }
        #expect(throws: ReferralTransitionError.wrongParty(action: .cancel, required: .sender)) {
            try ReferralStateMachine.next(.sent, .cancel, by: .receiver)
        }
    }

    @Test("illegal transitions are refused, final states stay final")
    func illegal() {
        for state in ReferralState.allCases where state.isFinal {
            for action in ReferralAction.allCases {
                #expect(throws: ReferralTransitionError.illegal(action: action, from: state)) {
                    try ReferralStateMachine.next(state, action, by: action.party)
                }
            }
        }
        #expect(throws: ReferralTransitionError.illegal(action: .close, from: .sent)) {
            try ReferralStateMachine.next(.sent, .close, by: .receiver)
        }
        #expect(throws: ReferralTransitionError.illegal(action: .received, from: .accepted)) {
            try ReferralStateMachine.next(.accepted, .received, by: .receiver)
        }
        let message = ReferralTransitionError.illegal(action: .accept, from: .rejected).description
        #expect(message.contains("rejected") && message.contains("sent or received"))
    }
}

@Suite("Handover state machine")
struct UnitHandoverStateMachineTests {
    @Test("only the receiver answers, once")
    func answers() throws {
        #expect(try HandoverStateMachine.next(.requested, .accept, byReceiver: true) == .accepted)
        #expect(try HandoverStateMachine.next(.requested, .refuse, byReceiver: true) == .refused)
        #expect(throws: HandoverStateMachine.TransitionError.wrongParty) {
            try HandoverStateMachine.next(.requested, .accept, byReceiver: false)
        }
        #expect(throws: HandoverStateMachine.TransitionError.alreadyAnswered(.refused)) {
            try HandoverStateMachine.next(.refused, .accept, byReceiver: true)
        }
    }
}

@Suite("Consent coverage")
struct UnitConsentCoverageTests {
    let consent = ConsentRecord(
        consentId: "c1", purpose: .remiss, agencies: [.kommun, .af], givenOn: LocalDate("2026-11-01")!,
        validUntil: LocalDate("2027-06-30")!)

    @Test("covers purpose and agencies while valid")
    func covers() {
        #expect(ConsentCoverage.covering([consent], purpose: .remiss, agencies: [.kommun, .af], on: today) == consent)
        #expect(ConsentCoverage.covering([consent], purpose: .remiss, agencies: [.kommun], on: today) == consent)
        #expect(ConsentCoverage.covering([consent], purpose: .samordning, agencies: [.kommun, .af], on: today) == nil)
        #expect(ConsentCoverage.covering([consent], purpose: .remiss, agencies: [.kommun, .fk], on: today) == nil)
        #expect(ConsentCoverage.covering([consent], purpose: .remiss, agencies: [.af], on: LocalDate("2027-07-01")!) == nil)
        #expect(ConsentCoverage.covering([consent], purpose: .remiss, agencies: [.af], on: LocalDate("2026-10-31")!) == nil)
    }

    @Test("a withdrawal ends it from the day of withdrawal")
    func withdrawn() {
        var withdrawn = consent
        withdrawn.withdrawnOn = LocalDate("2026-11-20")
        #expect(withdrawn.isValid(on: LocalDate("2026-11-19")!))
        #expect(!withdrawn.isValid(on: LocalDate("2026-11-20")!))
        #expect(ConsentCoverage.covering([withdrawn], purpose: .remiss, agencies: [.af], on: today) == nil)
        #expect(ConsentCoverage.refusal(purpose: .remiss, agencies: [.af, .kommun]).contains("remiss covering af and kommun"))
    }
}

@Suite("Strict request bodies")
struct UnitStrictBodyTests {
    @Test("malformed JSON, non-objects and oversized bodies are refused")
    func malformed() {
        #expect(throws: APIError.invalidJSON("the request body is not valid JSON: unexpected end of file during JSON parse")) {
            try StrictBody.decode(RegisterPersonRequest.self, from: data("{\"personnummer\":"))
        }
        // The refusal says where parsing stopped, names the body as the field, and never quotes it.
        do {
            _ = try StrictBody.object(data("{\"personnummer\" \"19121212-1212\"}"))
            Issue.record("a missing colon was accepted")
        } catch {
            #expect(error.field == "(body)" && error.code == .invalidJSON)
            #expect(error.message.contains("around character 16"), "\(error.message)")
            #expect(!error.message.contains("19121212"))
        }
        #expect(throws: APIError.invalidJSON("the request body must be a JSON object, got an array")) {
            try StrictBody.decode(RegisterPersonRequest.self, from: data("[1]"))
        }
        #expect(throws: APIError.invalidJSON("the request body must be a JSON object, got a string")) {
            try StrictBody.object(data("\"x\""))
        }
        let big = Data(repeating: UInt8(ascii: " "), count: StrictBody.defaultLimit + 1)
        #expect(throws: APIError.bodyTooLarge(limit: StrictBody.defaultLimit)) { try StrictBody.object(big) }
        #expect(APIError.bodyTooLarge(limit: 10).field == "(body)" && APIError.bodyTooLarge(limit: 10).message.contains("10 bytes"))
    }

    @Test("missing, unknown, null and mistyped fields are named")
    func fields() {
        #expect(
            throws: APIError(status: 400, code: .missingField, field: "personnummer", message: "personnummer or reservnummer is required")
        ) {
            try StrictBody.decode(RegisterPersonRequest.self, from: data("{}")).validated()
        }
        #expect(throws: APIError.unknownField("nickname")) {
            try StrictBody.decode(RegisterPersonRequest.self, from: data(#"{"personnummer":"19121212-1212","nickname":"x"}"#))
        }
        #expect(throws: APIError.unknownField("extra")) {
            try StrictBody.decode(OpenCaseRequest.self, from: data(#"{"extra":1}"#))
        }
        #expect(throws: APIError.unknownField("contact.fax")) {
            try StrictBody.decode(
                OpenCaseRequest.self, from: data(#"{"area":"forsorjning","contact":{"name":"A","fax":"a@b"},"openedOn":"2026-11-01"}"#))
        }
        #expect(throws: APIError.invalid("personnummer", "must be a string")) {
            try StrictBody.decode(RegisterPersonRequest.self, from: data(#"{"personnummer":191212121212}"#))
        }
        #expect(throws: APIError.self) {
            try StrictBody.decode(
                OpenCaseRequest.self, from: data(#"{"area":"forsorjning","contact":{"name":"A","role":null},"openedOn":"2026-11-01"}"#))
        }
        do {
            _ = try StrictBody.decode(OpenCaseRequest.self, from: data(#"{"area":"skola","contact":{"name":"A"},"openedOn":"2026-11-01"}"#))
            Issue.record("an unknown area was accepted")
        } catch {
            #expect(error.field == "area")
            #expect(error.message.contains("forsorjning, arbete-aktivitet, halsa-vard, samordning"))
        }
        do {
            _ = try StrictBody.decode(
                OpenCaseRequest.self, from: data(#"{"area":"forsorjning","contact":{"name":"A"},"openedOn":"2026-02-30"}"#))
            Issue.record("an impossible date was accepted")
        } catch {
            #expect(error.field == "openedOn")
        }
    }
}

@Suite("Request validation")
struct UnitRequestValidationTests {
    @Test("a personnummer with a wrong check digit is refused without echoing it")
    func personnummer() throws {
        let request = RegisterPersonRequest(personnummer: "19121212-1213")
        do {
            _ = try request.validated()
            Issue.record("accepted a wrong checksum")
        } catch {
            #expect(error.field == "personnummer" && error.message.contains("Luhn"))
            #expect(!error.message.contains("1213"))
        }
        #expect(try RegisterPersonRequest(personnummer: "19121212-1212").validated().number == "191212121212")
    }

    @Test("consent dates and agencies")
    func consent() throws {
        func consent(_ agencies: [Agency], given: String = "2026-11-20", until: String = "2027-06-30") -> ConsentRequest {
            ConsentRequest(purpose: .remiss, agencies: agencies, validUntil: LocalDate(until)!, givenOn: LocalDate(given)!)
        }
        #expect(try consent([.kommun, .af]).validated(by: .kommun, consentId: "c1", rules: rules).agencies == [.kommun, .af])
        #expect(throws: APIError.invalid("agencies", "must include this agency (kommun), which registers the consent")) {
            try consent([.fk, .af]).validated(by: .kommun, consentId: "c1", rules: rules)
        }
        #expect(throws: APIError.invalid("agencies", "must have at least 2 entries")) {
            try consent([.kommun]).validated(by: .kommun, consentId: "c1", rules: rules)
        }
        #expect(throws: APIError.self) {
            try consent([.kommun, .af], given: "2026-12-01").validated(by: .kommun, consentId: "c1", rules: rules)
        }
        #expect(throws: APIError.self) {
            try consent([.kommun, .af], until: "2026-11-23").validated(by: .kommun, consentId: "c1", rules: rules)
        }
        #expect(throws: APIError.self) {
            try consent([.kommun, .af], until: "2032-01-01").validated(by: .kommun, consentId: "c1", rules: rules)
        }
    }

    @Test("referrals go to another agency, with text that holds no personnummer")
    func referral() throws {
        let ok = ReferralRequest(
            to: .af, area: .arbeteAktivitet, reason: "Behöver stöd", requestedMeasure: "Inskrivning", answerBy: LocalDate("2026-12-15"))
        #expect(try ok.validated(from: .kommun, referralId: "r1", rules: rules).to == .af)
        #expect(throws: APIError.invalid("to", "must name another agency than kommun")) {
            try ReferralRequest(to: .kommun, area: .forsorjning, reason: "x", requestedMeasure: "y").validated(
                from: .kommun, referralId: "r1", rules: rules)
        }
        do {
            _ = try ReferralRequest(to: .af, area: .forsorjning, reason: "gäller 19121212-1212", requestedMeasure: "y").validated(
                from: .kommun, referralId: "r1", rules: rules)
            Issue.record("a personnummer in free text was accepted")
        } catch {
            #expect(error.field == "reason")
        }
        #expect(throws: APIError.self) {
            try ReferralRequest(to: .af, area: .forsorjning, reason: "x", requestedMeasure: "y", answerBy: LocalDate("2026-11-01"))
                .validated(from: .kommun, referralId: "r1", rules: rules)
        }
    }

    @Test("closing by handover is refused outside the handover flow")
    func closeByHandover() {
        #expect(throws: APIError.self) {
            try CloseCaseRequest(reason: .handover, closedOn: today).validated(area: .forsorjning, rules: rules)
        }
    }

    @Test("status changes: only the agency's own vocabulary, payload checked by the contract")
    func status() throws {
        let ref = ClientRef(rawValue: String(repeating: "a", count: 32))!
        let ok = try StatusRequest.decode(
            data(#"{"type":"af.registered","payload":{"registeredOn":"2026-11-20"}}"#), agency: .af, clientRef: ref, rules: rules)
        #expect(ok.envelope.type == .afRegistered && ok.envelope.destinationTopics == ["trisam.af.status"])
        do {
            _ = try StatusRequest.decode(
                data(#"{"type":"fk.sjukpenning.decided","payload":{}}"#), agency: .kommun, clientRef: ref, rules: rules)
            Issue.record("kommun published an FK decision")
        } catch {
            #expect(error.field == "type" && error.message.contains("kommun.bistand.decided"))
        }
        #expect(throws: APIError.unknownField("payload.extra")) {
            try StatusRequest.decode(
                data(#"{"type":"af.registered","payload":{"registeredOn":"2026-11-20","extra":1}}"#), agency: .af, clientRef: ref,
                rules: rules)
        }
        #expect(throws: APIError.missing("payload.registeredOn")) {
            try StatusRequest.decode(data(#"{"type":"af.registered","payload":{}}"#), agency: .af, clientRef: ref, rules: rules)
        }
        #expect(throws: APIError.unknownField("when")) {
            try StatusRequest.decode(data(#"{"type":"af.registered","payload":{},"when":1}"#), agency: .af, clientRef: ref, rules: rules)
        }
        #expect(throws: APIError.self) {
            try StatusRequest.decode(
                data(#"{"type":"af.registered","payload":{"registeredOn":"2027-01-01"}}"#), agency: .af, clientRef: ref, rules: rules)
        }
    }
}

@Suite("Staff tokens")
struct UnitStaffTokensTests {
    let tokens = try! StaffTokens(
        json: data(
            #"[{"token":"kommun-token-0123456789","agency":"kommun","name":"Anna Berg","role":"handlaggare"},{"token":"af-token-0123456789abc","agency":"af","name":"Omar Ali","role":"arbetsformedlare"}]"#
        ))

    @Test("401 without or with an unknown token, 403 for another agency's token")
    func authorize() throws {
        #expect(try tokens.authorize("Bearer kommun-token-0123456789", agency: .kommun).name == "Anna Berg")
        #expect(throws: APIError.unauthorized) { try tokens.authorize(nil, agency: .kommun) }
        #expect(throws: APIError.unauthorized) { try tokens.authorize("Bearer nope-nope-nope-nope", agency: .kommun) }
        #expect(throws: APIError.unauthorized) { try tokens.authorize("Basic kommun-token-0123456789", agency: .kommun) }
        do {
            _ = try tokens.authorize("Bearer af-token-0123456789abc", agency: .kommun)
            Issue.record("a token of af was accepted by kommun")
        } catch {
            #expect(error.status == 403 && !error.message.contains("af-token"))
        }
        #expect(!tokens.description.contains("token-"))
    }

    @Test("short tokens and bad JSON are configuration errors")
    func configuration() {
        #expect(throws: ConfigurationError.self) {
            try StaffTokens(json: data(#"[{"token":"short","agency":"af","name":"A","role":"r"}]"#))
        }
        #expect(throws: ConfigurationError.self) {
            try StaffTokens(json: data(#"[{"token":"long-enough-token-123","agency":"skatteverket","name":"A","role":"r"}]"#))
        }
        #expect(throws: ConfigurationError.self) { try StaffTokens(json: data("{")) }
    }
}

@Suite("Inbox summaries")
struct UnitInboxSummaryTests {
    @Test("staff read a Swedish line naming the sender")
    func swedish() {
        let ref = ClientRef(rawValue: String(repeating: "b", count: 32))!
        let sent = EventEnvelope(
            source: .agency(.kommun), subject: ref,
            event: .referralSent(
                ReferralSent(
                    referralId: "r1", from: .kommun, to: .af, reason: "Långvarigt bistånd", requestedMeasure: "Inskrivning",
                    area: .arbeteAktivitet)))
        #expect(InboxSummary.text(for: sent) == "Remiss från kommunen (Arbete/aktivitet): Inskrivning. Anledning: Långvarigt bistånd")
        // Texts that end in a full stop of their own get no second one.
        let stopped = EventEnvelope(
            source: .agency(.kommun), subject: ref,
            event: .referralSent(
                ReferralSent(
                    referralId: "r2", from: .kommun, to: .af, reason: "Långvarigt bistånd.", requestedMeasure: "Inskrivning.",
                    area: .arbeteAktivitet, answerBy: LocalDate("2026-12-01"))))
        #expect(
            InboxSummary.text(for: stopped)
                == "Remiss från kommunen (Arbete/aktivitet): Inskrivning. Anledning: Långvarigt bistånd. Svar senast 1 dec 2026")
        let closed = EventEnvelope(
            source: .agency(.kommun), subject: ref,
            event: .caseClosed(
                CaseClosed(area: .arbeteAktivitet, reason: .handover, handoverTo: .af, closedOn: today)))
        #expect(InboxSummary.text(for: closed).contains("överlämnat till Arbetsförmedlingen"))
    }
}
