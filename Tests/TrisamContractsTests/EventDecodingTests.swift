import Foundation
import Testing

@testable import TrisamContracts

/// Decoding refuses what the contract forbids, each with a precise reason.
@Suite("Event decoding errors")
struct EventDecodingTests {
    static let person = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!

    /// A valid message to mutate: AF deregistered the person.
    static func valid() throws -> EncodedEvent {
        try EventEnvelope(
            id: "e-1", source: .agency(.af), time: Date(timeIntervalSince1970: 1_795_000_000), subject: person,
            event: .afDeregistered(AfDeregistered(deregisteredOn: LocalDate("2026-11-20")!, reason: .lackingWorkCapacity))
        )
        .encoded()
    }

    static func replacing(_ name: String, with value: String?, in message: EncodedEvent) -> EncodedEvent {
        var copy = message
        copy.headers.removeAll { $0.name == name }
        if let value { copy.headers.append(EventHeader(name: name, string: value)) }
        return copy
    }

    static func body(_ json: String, in message: EncodedEvent) -> EncodedEvent {
        var copy = message
        copy.value = Array(json.utf8)
        return copy
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let change: @Sendable (EncodedEvent) -> EncodedEvent
        let expected: EventContractError
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing ce_type", change: { replacing("ce_type", with: nil, in: $0) }, expected: .missingHeader("ce_type")),
        Case(name: "missing ce_id", change: { replacing("ce_id", with: nil, in: $0) }, expected: .missingHeader("ce_id")),
        Case(
            name: "unknown type", change: { replacing("ce_type", with: "se.trisam.af.hired.v1", in: $0) },
            expected: .unknownType("se.trisam.af.hired.v1")),
        Case(
            name: "unsupported version", change: { replacing("ce_type", with: "se.trisam.af.deregistered.v2", in: $0) },
            expected: .unknownType("se.trisam.af.deregistered.v2")),
        Case(
            name: "wrong spec version", change: { replacing("ce_specversion", with: "0.3", in: $0) },
            expected: .invalidHeader(name: "ce_specversion", reason: "must be 1.0")),
        Case(
            name: "duplicate header",
            change: {
                var m = $0
                m.headers.append(EventHeader(name: "ce_id", string: "e-2"))
                return m
            },
            expected: .duplicateHeader("ce_id")),
        Case(
            name: "bad source", change: { replacing("ce_source", with: "/trisam/skatteverket", in: $0) },
            expected: .invalidHeader(name: "ce_source", reason: "must be /trisam/<kommun|af|fk|region> or /trisam/coordinator")),
        Case(
            name: "bad time", change: { replacing("ce_time", with: "yesterday", in: $0) },
            expected: .invalidHeader(
                name: "ce_time", reason: "must be an RFC 3339 date-time of a day and time that exist, such as 2026-11-24T09:30:00.000Z")),
        Case(
            name: "time on a day that does not exist", change: { replacing("ce_time", with: "2026-02-30T09:30:00.000Z", in: $0) },
            expected: .invalidHeader(
                name: "ce_time", reason: "must be an RFC 3339 date-time of a day and time that exist, such as 2026-11-24T09:30:00.000Z")),
        Case(
            name: "subject is a personnummer", change: { replacing("ce_subject", with: "19121212-1212", in: $0) },
            expected: .invalidHeader(name: "ce_subject", reason: "must be a clientRef: 32 lowercase hex characters")),
        Case(
            name: "key differs from subject",
            change: {
                var m = $0
                m.key = Array("someone-else".utf8)
                return m
            },
            expected: .keyMismatch),
        Case(name: "not JSON", change: { body("{deregisteredOn:", in: $0) }, expected: .malformedJSON("not valid JSON")),
        Case(name: "JSON array", change: { body("[]", in: $0) }, expected: .malformedJSON("the body must be a JSON object")),
        Case(
            name: "missing field", change: { body(#"{"reason":"employed"}"#, in: $0) },
            expected: .invalidPayload(PayloadViolation(field: "deregisteredOn", reason: "is required"))),
        Case(
            name: "extra field", change: { body(#"{"deregisteredOn":"2026-11-20","reason":"employed","note":"x"}"#, in: $0) },
            expected: .invalidPayload(PayloadViolation(field: "note", reason: "is not a field of this event type"))),
        Case(
            name: "null field", change: { body(#"{"deregisteredOn":"2026-11-20","reason":"employed","extra":null}"#, in: $0) },
            expected: .invalidPayload(PayloadViolation(field: "extra", reason: "must not be null; leave it out instead"))),
        Case(
            name: "wrong type", change: { body(#"{"deregisteredOn":20261120,"reason":"employed"}"#, in: $0) },
            expected: .invalidPayload(PayloadViolation(field: "deregisteredOn", reason: "must be a string"))),
        Case(
            name: "impossible date", change: { body(#"{"deregisteredOn":"2026-02-30","reason":"employed"}"#, in: $0) },
            expected: .invalidPayload(PayloadViolation(field: "deregisteredOn", reason: "must be a date YYYY-MM-DD, got \"2026-02-30\""))),
        Case(
            name: "code outside the vocabulary", change: { body(#"{"deregisteredOn":"2026-11-20","reason":"bored"}"#, in: $0) },
            expected: .invalidPayload(
                PayloadViolation(
                    field: "reason",
                    reason: "\"bored\" is not allowed; must be one of: lacking-work-capacity, employed, studies, no-contact, other"))),
        Case(
            name: "another agency's vocabulary", change: { replacing("ce_source", with: "/trisam/kommun", in: $0) },
            expected: .sourceNotAllowed("only af publishes af.deregistered")),
    ]

    @Test("a valid message decodes to what was encoded")
    func validRoundTrip() throws {
        let message = try Self.valid()
        let envelope = try EventEnvelope(decoding: message)
        #expect(envelope.id == "e-1")
        #expect(envelope.source == .agency(.af))
        #expect(envelope.subject == Self.person)
        #expect(envelope.time == Date(timeIntervalSince1970: 1_795_000_000))
        #expect(envelope.event == .afDeregistered(AfDeregistered(deregisteredOn: LocalDate("2026-11-20")!, reason: .lackingWorkCapacity)))
        #expect(message.headers.first { $0.name == "ce_type" }?.value == Array("se.trisam.af.deregistered.v1".utf8))
        #expect(message.key == Array(Self.person.rawValue.utf8))
    }

    @Test("each broken message is refused with its reason", arguments: cases)
    func refused(_ testCase: Case) throws {
        let message = testCase.change(try Self.valid())
        #expect(throws: testCase.expected) { try EventEnvelope(decoding: message) }
    }

    @Test("a shape checked once is remembered, but another shape of the same type is still checked")
    func checkedShapes() throws {
        let valid = try Self.valid()
        // The same clean shape many times: decodes every time.
        for _ in 0..<3 { _ = try EventEnvelope(decoding: valid) }
        // After that shape was remembered, an extra field or a null still makes another shape.
        #expect(throws: EventContractError.invalidPayload(PayloadViolation(field: "note", reason: "is not a field of this event type"))) {
            try EventEnvelope(decoding: Self.body(#"{"deregisteredOn":"2026-11-20","reason":"employed","note":"x"}"#, in: valid))
        }
        #expect(throws: EventContractError.self) {
            try EventEnvelope(decoding: Self.body(#"{"deregisteredOn":"2026-11-20","reason":null}"#, in: valid))
        }
        #expect(StrictJSON.shape(of: ["a": ["b": 1], "c": NSNull(), "d": [Any]()]) == ".a,.a.b,.c=null,.d,.d[]=empty")
        let shapes = CheckedShapes(limit: 2)
        shapes.insert("x", of: .afRegistered)
        #expect(shapes.contains("x", of: .afRegistered))
        #expect(!shapes.contains("x", of: .afDeregistered))
        shapes.insert("y", of: .afRegistered)
        shapes.insert("z", of: .afRegistered) // over the limit: starts afresh
        #expect(!shapes.contains("x", of: .afRegistered))
        #expect(shapes.contains("z", of: .afRegistered))
    }

    @Test("payload rules beyond types are checked on decode and on encode")
    func payloadRules() throws {
        let handover = EventEnvelope(
            source: .agency(.af), subject: Self.person,
            event: .caseClosed(CaseClosed(area: .arbeteAktivitet, reason: .handover, closedOn: LocalDate("2026-11-20")!)))
        #expect(
            throws: EventContractError.invalidPayload(PayloadViolation(field: "handoverTo", reason: "is required when reason is handover"))
        ) {
            try handover.encoded()
        }
        let answer = EventEnvelope(
            source: .agency(.fk), subject: Self.person,
            event: .referralAccepted(ReferralAccepted(referralId: "r-1", from: .kommun, to: .af, contact: Contact(name: "Anna"))))
        #expect(throws: EventContractError.sourceNotAllowed("only the receiving agency (af) sets referral.accepted")) {
            try answer.encoded()
        }
        let leak = EventEnvelope(
            source: .agency(.kommun), subject: Self.person,
            event: .referralSent(
                ReferralSent(
                    referralId: "r-1", from: .kommun, to: .af, reason: "Gäller 19121212-1212",
                    requestedMeasure: "Inskrivning", area: .arbeteAktivitet)))
        #expect(
            throws: EventContractError.invalidPayload(
                PayloadViolation(
                    field: "reason",
                    reason: "must not contain a personnummer or samordningsnummer; persons are identified by clientRef only"))
        ) {
            try leak.encoded()
        }
    }

    @Test("routing follows DESIGN.md: status to the coordinator, answers to the sender's inbox")
    func routing() {
        func topics(_ source: EventSource, _ event: TrisamEvent) -> [String] {
            EventEnvelope(source: source, subject: Self.person, event: event).destinationTopics
        }
        #expect(
            topics(.agency(.fk), .fkSgiStatus(SgiStatusChanged(status: .lacking, effectiveDate: LocalDate("2026-01-01")!)))
                == ["trisam.fk.status"])
        #expect(
            topics(
                .agency(.af),
                .caseClosed(
                    CaseClosed(
                        area: .arbeteAktivitet, reason: .handover, handoverTo: .kommun,
                        closedOn: LocalDate("2026-01-01")!)))
                == ["trisam.af.status", "trisam.kommun.inbox"])
        #expect(
            topics(.agency(.af), .referralRejected(ReferralRejected(referralId: "r", from: .kommun, to: .af, reason: "Nej")))
                == ["trisam.kommun.inbox"])
        #expect(
            topics(.agency(.kommun), .consentWithdrawn(ConsentWithdrawn(consentId: "c", withdrawnOn: LocalDate("2026-01-01")!)))
                == ["trisam.consent"])
        #expect(
            topics(.coordinator, .flagResolved(FlagResolved(flagId: "f", rule: "grey-zone", resolution: "Löst", evidence: [])))
                == ["trisam.flags"])
    }

    @Test("free text is scanned for identity numbers in every form, without flagging phone numbers")
    func identityNumberScan() {
        #expect(Check.containsIdentityNumber("pnr 19121212-1212"))
        #expect(Check.containsIdentityNumber("1212121212"))
        #expect(Check.containsIdentityNumber("121212+1212 är gammal"))
        #expect(Check.containsIdentityNumber("samordningsnummer 701063-2391"))
        #expect(!Check.containsIdentityNumber("ring 070-123 45 67"))
        #expect(!Check.containsIdentityNumber("19121212-1213"))
        #expect(!Check.containsIdentityNumber("möte 2026-11-24 kl 10"))
    }

    @Test(
        "identity numbers are found however they are written, after Unicode normalisation",
        arguments: [
            "19121212 1212", "121212 1212", "121212–1212", "121212—1212", "121212\u{2212}1212", "１９１２１２１２－１２１２",
            "19 12 12 12 12 12", "1 2 1 2 1 2 1 2 1 2", "121212 - 1212", "12121\u{00AD}21212", "12\u{200B}1212-1212",
            "Hon har 121212 1212 som nummer", "sf-19121212-1212", "191212121212",
        ])
    func identityNumberForms(_ text: String) {
        #expect(Check.containsIdentityNumber(text))
    }

    @Test(
        "Swedish phone numbers, dates and identifiers with digits are not identity numbers",
        arguments: [
            "070-123 45 67", "+46 70 123 45 67", "0701234567", "08-123 456 78", "+46701234567", "0046 70 123 45 67",
            "2026-11-24", "sip-2026-11-24-0001", "från 2026-01-01 till 2026-02-02", "ärende 4711", "12121212121212",
        ])
    func notIdentityNumbers(_ text: String) {
        #expect(!Check.containsIdentityNumber(text))
    }

    @Test("identifiers and phone numbers are refused with their field when they hold an identity number")
    func identifiersAndPhones() {
        #expect(throws: PayloadViolation.self) { try Check.identifier("19121212-1212", "measureId") }
        #expect((try? Check.identifier("atgard-2026-11-24-0001", "measureId")) != nil)
        let contact = Contact(name: "Anna Berg", phone: "19121212-1212")
        do {
            try contact.validate("contact")
            Issue.record("a personnummer as phone number was accepted")
        } catch {
            #expect(error.field == "contact.phone")
        }
        for phone in ["070-123 45 67", "+46 70 123 45 67", "0701234567"] {
            #expect((try? Contact(name: "Anna Berg", phone: phone).validate("contact")) != nil, "\(phone)")
        }
    }
}
