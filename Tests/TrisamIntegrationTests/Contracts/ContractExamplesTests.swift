import Foundation
import Testing
import TrisamProcess
import TrisamTestSupport

@testable import TrisamContracts

/// `contracts/` is the source of truth: every example decodes, and what the Swift types encode
/// validates against the JSON Schemas with a real validator (Python jsonschema, Draft 2020-12,
/// run by `scripts/validate-contracts.py`).
@Suite("Contracts: schemas, examples and Swift types agree")
struct ContractExamplesTests {
    static let repository = repositoryRoot()
    static let contracts = ContractExamples.contracts

    static func example(_ type: EventType) throws -> [String: Any] { try ContractExamples.example(type) }

    /// The wire form of an example file.
    static func encodedExample(_ type: EventType) throws -> EncodedEvent { try ContractExamples.encoded(type) }

    /// An encoded event as a JSON line for `validate-contracts.py --stdin`.
    static func validatorLine(_ event: EncodedEvent) throws -> String {
        var headers: [String: String] = [:]
        for header in event.headers { headers[header.name] = String(decoding: header.value, as: UTF8.self) }
        let line: [String: Any] = [
            "key": String(decoding: event.key, as: UTF8.self),
            "headers": headers,
            "value": try JSONSerialization.jsonObject(with: Data(event.value)),
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Runs the validator over the lines; returns one verdict per line.
    static func validate(_ lines: [String]) throws -> [String] {
        let python = ProcessInfo.processInfo.environment["TRISAM_PYTHON"] ?? "python3"
        let run = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [python, repository.appendingPathComponent("scripts/validate-contracts.py").path, "--stdin"],
            input: Data((lines.joined(separator: "\n") + "\n").utf8))
        let verdicts = String(decoding: run.output, as: UTF8.self)
        let problems = String(decoding: run.errors, as: UTF8.self)
        #expect(problems.isEmpty, "validator stderr (install jsonschema, pyyaml or set TRISAM_PYTHON): \(problems)")
        return verdicts.split(separator: "\n").map(String.init)
    }

    @Test("every event type has a schema and an example, and there are no others")
    func catalogueIsComplete() throws {
        let files = { (folder: String) in
            try Set(
                FileManager.default.contentsOfDirectory(atPath: Self.contracts.appendingPathComponent(folder).path)
                    .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) })
        }
        let types = Set(EventType.allCases.map(\.rawValue))
        #expect(try files("schemas").subtracting(["common", "cloudevents-headers"]) == types)
        #expect(try files("examples") == types)
        let asyncapi = try String(contentsOf: Self.contracts.appendingPathComponent("asyncapi.yaml"), encoding: .utf8)
        for type in EventType.allCases {
            #expect(asyncapi.contains("name: \(type.cloudEventsType)\n"), "asyncapi.yaml lacks \(type.cloudEventsType)")
        }
    }

    @Test("every example decodes into the Swift types and encodes back to the same JSON", arguments: EventType.allCases)
    func exampleRoundTrip(_ type: EventType) throws {
        let message = try Self.encodedExample(type)
        let envelope = try EventEnvelope(decoding: message)
        #expect(envelope.type == type)
        let original = try JSONSerialization.jsonObject(with: Data(message.value)) as? NSDictionary
        let reencoded = try JSONSerialization.jsonObject(with: Data(try envelope.encoded().value)) as? NSDictionary
        #expect(original == reencoded)
        #expect(!envelope.destinationTopics.isEmpty)
        #expect(envelope.destinationTopics.allSatisfy(Topic.all.contains))
    }

    @Test("what the Swift types encode validates against the schemas")
    func swiftOutputValidates() throws {
        var events = try EventType.allCases.map { try EventEnvelope(decoding: Self.encodedExample($0)) }
        // Variants that leave optional fields out or take the other branch of a conditional.
        let person = ClientRef(rawValue: "00000000000000000000000000000001")!
        let day = LocalDate("2026-11-24")!
        let variants: [(EventSource, TrisamEvent)] = [
            (.agency(.af), .afRegistered(AfRegistered(registeredOn: day))),
            (.agency(.fk), .fkSjukpenningDecided(SjukpenningDecided(decision: .noSgi, effectiveDate: day))),
            (.agency(.kommun), .caseClosed(CaseClosed(area: .forsorjning, reason: .completed, closedOn: day))),
            (.agency(.kommun), .kommunArbetshinderAssessed(ArbetshinderAssessed(barriers: [], assessedOn: day))),
            (
                .agency(.af),
                .sipInvitationAnswered(
                    SipInvitationAnswered(
                        sipId: "s", caller: .region, invitee: .af, answer: .declined,
                        reason: "Ingen aktuell kontakt"))
            ),
            (.agency(.kommun), .planCreated(PlanCreated(planId: "p", leadAgency: .fk, participants: [.fk, .kommun], goals: ["Mål"]))),
            (.coordinator, .flagResolved(FlagResolved(flagId: "f", rule: "r", resolution: "Löst", evidence: []))),
        ]
        events += variants.map { EventEnvelope(source: $0.0, subject: person, event: $0.1) }
        let verdicts = try Self.validate(events.map { try Self.validatorLine($0.encoded()) })
        #expect(verdicts.count == events.count)
        for (event, verdict) in zip(events, verdicts) {
            #expect(verdict == "ok", "\(event.type.rawValue): \(verdict)")
        }
    }

    @Test("identities sealed as the agencies seal them validate against the schemas of all four events that carry one")
    func sealedIdentitiesValidate() throws {
        let identity = PersonIdentity(try PersonalIdentityNumber("19121212-1212"), name: "Tolvan Tolvansson")
        let person = identity.clientRef(.development)
        let day = LocalDate("2026-11-24")!
        func sealed(_ eventId: String, _ type: EventType, from: Agency, to: Agency) throws -> SealedIdentity {
            let ring = AgencyKeyring.development(for: from)
            let key = try #require(ring.sealingKey(for: to))
            return try IdentitySeal.seal(
                identity, consentId: "consent-1", to: key, from: ring.authenticatingKey,
                binding: IdentityBinding(eventId: eventId, type: type, clientRef: person, from: from, to: to))
        }
        let events = [
            EventEnvelope(
                id: "e-1", source: .agency(.kommun), subject: person,
                event: .referralSent(
                    ReferralSent(
                        referralId: "r", from: .kommun, to: .af, reason: "Stöd", requestedMeasure: "Kartläggning", area: .arbeteAktivitet,
                        sealedIdentity: try sealed("e-1", .referralSent, from: .kommun, to: .af)))),
            EventEnvelope(
                id: "e-2", source: .agency(.af), subject: person,
                event: .handoverRequested(
                    HandoverRequested(
                        handoverId: "h", area: .arbeteAktivitet, to: .fk, reason: "Sjukskriven",
                        sealedIdentity: try sealed("e-2", .handoverRequested, from: .af, to: .fk)))),
            EventEnvelope(
                id: "e-3", source: .agency(.region), subject: person,
                event: .sipInvitationSent(
                    SipInvitationSent(
                        sipId: "s", caller: .region, invitee: .kommun, answerBy: day,
                        sealedIdentity: try sealed("e-3", .sipInvitationSent, from: .region, to: .kommun)))),
            EventEnvelope(
                id: "e-4", source: .agency(.kommun), subject: person,
                event: .planActionAssigned(
                    PlanActionAssigned(
                        planId: "p", actionId: "a", leadAgency: .kommun, owner: .region, description: "Bedöma", dueDate: day,
                        sealedIdentity: try sealed("e-4", .planActionAssigned, from: .kommun, to: .region)))),
        ]
        let lines = try events.map { try Self.validatorLine($0.encoded()) }
        for line in lines { #expect(!line.contains("1212121212") && !line.contains("Tolvan") && line.contains("sealedIdentity")) }
        let verdicts = try Self.validate(lines)
        #expect(verdicts == Array(repeating: "ok", count: events.count), "\(verdicts)")
    }

    @Test("the validator is real: it refuses what breaks a schema")
    func validatorRefusesBrokenMessages() throws {
        let good = try Self.encodedExample(.referralSent)
        var unknownField = good
        unknownField.value = Array(
            #"{"referralId":"r","from":"kommun","to":"af","reason":"x","requestedMeasure":"y","area":"halsa-vard","pnr":"1"}"#.utf8)
        var badEnum = good
        badEnum.value = Array(
            #"{"referralId":"r","from":"kommun","to":"skolan","reason":"x","requestedMeasure":"y","area":"halsa-vard"}"#.utf8)
        var badHeader = good
        badHeader.headers = good.headers.map { $0.name == "ce_subject" ? EventHeader(name: $0.name, string: "19121212-1212") : $0 }
        let verdicts = try Self.validate([good, unknownField, badEnum, badHeader].map(Self.validatorLine))
        #expect(verdicts.count == 4)
        #expect(verdicts.first == "ok")
        #expect(verdicts.dropFirst().allSatisfy { $0.hasPrefix("error: ") }, "\(verdicts)")
        #expect(verdicts.dropFirst().first?.contains("pnr") == true)
    }
}
