import Foundation
import Testing

@testable import TrisamContracts

/// Headers are read without a dictionary; what is refused, and why, is as before.
@Suite("Header decoding")
struct HeaderDecodingTests {
    /// The attribute checks as `EventEnvelope(decoding:)` made them with a dictionary of headers,
    /// up to the body: the reference the current reading is compared with.
    static func reference(_ message: EncodedEvent) -> EventContractError? {
        var attributes: [String: String] = [:]
        for header in message.headers where header.name.hasPrefix("ce_") || header.name == EventEnvelope.Header.contentType {
            guard attributes[header.name] == nil else { return .duplicateHeader(header.name) }
            guard let text = String(validating: header.value, as: UTF8.self) else {
                return .invalidHeader(name: header.name, reason: "must be UTF-8 text")
            }
            attributes[header.name] = text
        }
        guard let specVersion = attributes["ce_specversion"] else { return .missingHeader("ce_specversion") }
        guard specVersion == "1.0" else { return .invalidHeader(name: "ce_specversion", reason: "must be 1.0") }
        guard attributes["ce_id"] != nil else { return .missingHeader("ce_id") }
        guard let type = attributes["ce_type"] else { return .missingHeader("ce_type") }
        guard EventType(cloudEventsType: type) != nil else { return .unknownType(type) }
        guard let source = attributes["ce_source"] else { return .missingHeader("ce_source") }
        guard EventSource(uri: source) != nil else {
            return .invalidHeader(name: "ce_source", reason: "must be /trisam/<kommun|af|fk|region> or /trisam/coordinator")
        }
        guard let time = attributes["ce_time"] else { return .missingHeader("ce_time") }
        guard Timestamp.parse(time) != nil else {
            return .invalidHeader(
                name: "ce_time", reason: "must be an RFC 3339 date-time of a day and time that exist, such as 2026-11-24T09:30:00.000Z")
        }
        guard let subject = attributes["ce_subject"] else { return .missingHeader("ce_subject") }
        guard let ref = ClientRef(rawValue: subject) else {
            return .invalidHeader(name: "ce_subject", reason: "must be a clientRef: 32 lowercase hex characters")
        }
        if let contentType = attributes["content-type"], !contentType.lowercased().hasPrefix("application/json") {
            return .invalidHeader(name: "content-type", reason: "must be application/json")
        }
        guard message.key == Array(ref.rawValue.utf8) else { return .keyMismatch }
        return nil
    }

    /// Whether `error` is about headers or the key rather than the body or the payload rules.
    static func isAboutHeaders(_ error: EventContractError?) -> Bool {
        switch error {
        case .missingHeader, .duplicateHeader, .invalidHeader, .unknownType, .keyMismatch: true
        default: false
        }
    }

    /// The error `EventEnvelope(decoding:)` gives, or nil.
    static func actual(_ message: EncodedEvent) -> EventContractError? {
        do {
            _ = try EventEnvelope(decoding: message)
            return nil
        } catch {
            return error
        }
    }

    @Test("header lists built from valid, repeated, extension and broken headers are refused as before")
    func generated() throws {
        let valid = try EventDecodingTests.valid()
        let extras = [
            EventHeader(name: "ce_traceparent", string: "00-abc-01"),
            EventHeader(name: "ce_traceparent", value: [0xC3, 0x28]),
            EventHeader(name: "ce_id", string: "e-2"),
            EventHeader(name: "ce_id", value: [0xFF]),
            EventHeader(name: "ce_type", string: "se.trisam.af.registered.v1"),
            EventHeader(name: "content-type", string: "application/json"),
            EventHeader(name: "content-type", value: [0xE2, 0x82]),
            EventHeader(name: "ce_specversion", string: "1.0"),
            EventHeader(name: "x-other", value: [0xFF]),
            EventHeader(name: "x-other", string: "twice is fine"),
            EventHeader(name: "ce_", string: ""),
            EventHeader(name: "CE_ID", string: "not a CloudEvents header"),
            EventHeader(name: "ce_subject", string: "åäö"),
        ]
        var random = JSONShapeScannerTests.Generator(seed: 99)
        var refused = 0
        for _ in 0..<2_000 {
            var message = valid
            for _ in 0..<random.next(3) where !message.headers.isEmpty { message.headers.remove(at: random.next(message.headers.count)) }
            for _ in 0..<random.next(4) {
                message.headers.insert(extras[random.next(extras.count)], at: random.next(message.headers.count + 1))
            }
            let expected = Self.reference(message)
            let error = Self.actual(message)
            if let expected {
                refused += 1
                #expect(error == expected, "\(message.headers.map(\.name))")
            } else {
                #expect(!Self.isAboutHeaders(error), "\(message.headers.map(\.name)): \(String(describing: error))")
            }
        }
        #expect(refused > 200)
    }

    @Test("content-type: application/json in any case and with parameters, nothing else")
    func contentType() throws {
        let valid = try EventDecodingTests.valid()
        for accepted in ["application/json", "Application/JSON", "application/json; charset=utf-8"] {
            #expect(Self.actual(EventDecodingTests.replacing("content-type", with: accepted, in: valid)) == nil)
        }
        for refused in ["text/plain", "", "json", " application/json"] {
            #expect(
                Self.actual(EventDecodingTests.replacing("content-type", with: refused, in: valid))
                    == .invalidHeader(name: "content-type", reason: "must be application/json"))
        }
        #expect(Self.actual(EventDecodingTests.replacing("content-type", with: nil, in: valid)) == nil)
    }

    @Test("every event type is found by its CloudEvents type, and nothing else is")
    func eventTypes() {
        for type in EventType.allCases { #expect(EventType(cloudEventsType: type.cloudEventsType) == type) }
        for name in [
            "", "se.trisam.v1", "se.trisam..v1", "se.trisam.af.registered", "af.registered", "se.trisam.af.registered.v2",
            "SE.TRISAM.AF.REGISTERED.V1", "se.trisam.af.registered.v1 ", "se.trisam.flag.v1",
        ] {
            #expect(EventType(cloudEventsType: name) == nil, "\(name)")
        }
    }
}

/// The lookup tables behind `EventSource(uri:)` and `EventType.owningAgency` give what the
/// string parsing gives.
@Suite("Sources and owners")
struct SourceAndOwnerTests {
    @Test("every source is found by its URI, and nothing else is")
    func sources() {
        for source in Agency.allCases.map(EventSource.agency) + [.coordinator] { #expect(EventSource(uri: source.uri) == source) }
        for uri in [
            "", "/trisam/", "/trisam/skatteverket", "/trisam/Kommun", "trisam/af", "/trisam/af/", "/trisam/coordinator ", "/TRISAM/fk",
        ] {
            #expect(EventSource(uri: uri) == nil, "\(uri)")
        }
    }

    @Test("the owning agency is the one named before the first dot, if any")
    func owners() {
        for type in EventType.allCases {
            #expect(type.owningAgency == Agency(rawValue: String(type.rawValue.prefix(while: { $0 != "." }))), "\(type)")
        }
        #expect(EventType.fkSgiStatus.owningAgency == .fk)
        #expect(EventType.referralSent.owningAgency == nil)
    }
}
