import Foundation

/// A Kafka header as the contracts see it (name and raw bytes).
public struct EventHeader: Sendable, Equatable {
    public let name: String
    public let value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    public init(name: String, string: String) {
        self.init(name: name, value: Array(string.utf8))
    }
}

/// An event in its wire form: CloudEvents 1.0 Kafka binary mode. The attributes travel as
/// `ce_*` headers, the payload is the JSON body, and the key is the clientRef.
public struct EncodedEvent: Sendable, Equatable {
    public var key: [UInt8]
    public var headers: [EventHeader]
    public var value: [UInt8]

    public init(key: [UInt8], headers: [EventHeader], value: [UInt8]) {
        self.key = key
        self.headers = headers
        self.value = value
    }
}

/// One Trisam event with its CloudEvents attributes.
public struct EventEnvelope: Sendable, Equatable {
    /// CloudEvents `id`: unique per event; receivers drop duplicates by it.
    public var id: String
    /// CloudEvents `source`: who published it.
    public var source: EventSource
    /// CloudEvents `time`: when it happened (millisecond precision on the wire).
    public var time: Date
    /// CloudEvents `subject`: the person, as a pseudonym.
    public var subject: ClientRef
    /// The event and its payload.
    public var event: TrisamEvent

    public init(id: String = EventID.random(), source: EventSource, time: Date = Date(), subject: ClientRef, event: TrisamEvent) {
        self.id = id
        self.source = source
        self.time = time
        self.subject = subject
        self.event = event
    }

    /// The event type.
    public var type: EventType { event.type }

    /// The topics this event is published to (DESIGN.md, "Topics and events"): each copy has
    /// the same id.
    public var destinationTopics: [String] { event.payload.topics(from: source) }

    /// Checks the payload and that the source may publish it.
    public func validate() throws(EventContractError) {
        guard Check.isIdentifier(id) else {
            throw .invalidHeader(name: Header.id, reason: "must be 1–128 characters of letters, digits, '.', '_', ':' or '-'")
        }
        if Check.identifierContainsIdentityNumber(id) {
            throw .invalidHeader(name: Header.id, reason: "must not contain a personnummer or samordningsnummer")
        }
        let payload = event.payload
        do {
            try payload.validate()
        } catch {
            throw .invalidPayload(error)
        }
        if let refusal = payload.refusal(of: source) { throw .sourceNotAllowed(refusal) }
    }

    /// The wire form. Refuses an event that violates its contract, so nothing invalid is published.
    /// The body is what ``encoder()`` writes; flag events, which the coordinator publishes in
    /// bulk, are written by hand to the same bytes.
    public func encoded() throws(EventContractError) -> EncodedEvent {
        try validate()
        let body: [UInt8]
        switch event {
        case .flagRaised(let flag): body = flag.jsonBody()
        case .flagResolved(let flag): body = flag.jsonBody()
        default:
            do {
                body = Array(try Self.encoder().encode(AnyPayload(event.payload)))
            } catch {
                throw .invalidPayload(PayloadViolation(field: "(body)", reason: "cannot be encoded: \(error)"))
            }
        }
        let headers = [
            EventHeader(name: Header.specVersion, string: "1.0"),
            EventHeader(name: Header.id, string: id),
            EventHeader(name: Header.source, string: source.uri),
            EventHeader(name: Header.type, string: type.cloudEventsType),
            EventHeader(name: Header.time, string: Timestamp.format(time)),
            EventHeader(name: Header.subject, string: subject.rawValue),
            EventHeader(name: Header.contentType, string: "application/json"),
        ]
        return EncodedEvent(key: Array(subject.rawValue.utf8), headers: headers, value: body)
    }

    /// Decodes and validates a message: headers, key, JSON body against the type's contract
    /// (unknown fields refused), payload rules and the source's right to publish it.
    public init(decoding message: EncodedEvent) throws(EventContractError) {
        let attributes = try Attributes(message.headers)
        func required(_ value: String?, _ name: String) throws(EventContractError) -> String {
            guard let value else { throw .missingHeader(name) }
            return value
        }
        guard try required(attributes.specVersion, Header.specVersion) == "1.0" else {
            throw .invalidHeader(name: Header.specVersion, reason: "must be 1.0")
        }
        let id = try required(attributes.id, Header.id)
        let typeName = try required(attributes.type, Header.type)
        guard let type = EventType(cloudEventsType: typeName) else { throw .unknownType(typeName) }
        guard let source = EventSource(uri: try required(attributes.source, Header.source)) else {
            throw .invalidHeader(name: Header.source, reason: "must be /trisam/<kommun|af|fk|region> or /trisam/coordinator")
        }
        guard let time = Timestamp.parse(try required(attributes.time, Header.time)) else {
            throw .invalidHeader(
                name: Header.time, reason: "must be an RFC 3339 date-time of a day and time that exist, such as 2026-11-24T09:30:00.000Z")
        }
        guard let subject = ClientRef(rawValue: try required(attributes.subject, Header.subject)) else {
            throw .invalidHeader(name: Header.subject, reason: "must be a clientRef: 32 lowercase hex characters")
        }
        if let contentType = attributes.contentType, contentType != "application/json",
            !contentType.lowercased().hasPrefix("application/json")
        {
            throw .invalidHeader(name: Header.contentType, reason: "must be application/json")
        }
        guard message.key.elementsEqual(subject.rawValue.utf8) else { throw .keyMismatch }

        // Fast path: a body whose shape, read straight from its bytes, was already found free of
        // unknown fields for this type. The scanner vouches that JSONSerialization would accept
        // the body as an object, so the errors below are the ones the full path gives. The payload
        // is read from the bytes too where that gives what JSONDecoder gives; JSONDecoder decodes
        // (and words the errors of) the rest.
        // One pass of the scanner gives both the shape and the tokens the payload is read from.
        let scanned: (checked: Bool, event: TrisamEvent?) = message.value.withUnsafeBufferPointer { bytes in
            guard let scan = StrictJSON.scan(bytes), CheckedShapes.shared.contains(scan.shape, of: type) else { return (false, nil) }
            return (true, PayloadFastDecoder.decode(type, from: bytes, tokens: scan.tokens))
        }
        if scanned.checked {
            let event: TrisamEvent
            if let fast = scanned.event {
                event = fast
            } else {
                event = try Self.decodePayload(type, from: Data(message.value))
            }
            self.init(id: id, source: source, time: time, subject: subject, event: event)
            try validate()
            return
        }

        let data = Data(message.value)

        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw .malformedJSON("not valid JSON")
        }
        guard json is [String: Any] else { throw .malformedJSON("the body must be a JSON object") }
        // The scanner declines bodies with a key twice in one object; JSONSerialization keeps one.
        if let duplicate = StrictJSON.firstDuplicateKey(in: message.value) {
            throw .invalidPayload(PayloadViolation(field: duplicate, reason: StrictJSON.duplicateKeyReason))
        }

        let event = try Self.decodePayload(type, from: data)
        try Self.refuseUnknownFields(of: event, type: type, input: json)
        self.init(id: id, source: source, time: time, subject: subject, event: event)
        try validate()
    }

    /// Decodes the payload of `type` from a JSON body already known to be well-formed.
    static func decodePayload(_ type: EventType, from data: Data) throws(EventContractError) -> TrisamEvent {
        do {
            return try decoder().decode(PayloadDecoder.self, from: data, configuration: type).event
        } catch let error as DecodingError {
            if NumberRules.isOpaqueNumberRefusal(error), let json = try? JSONSerialization.jsonObject(with: data),
                let violation = NumberRules.firstNonInteger(in: json, of: type)
            {
                throw .invalidPayload(violation)
            }
            throw .invalidPayload(StrictJSON.violation(for: error))
        } catch {
            throw .malformedJSON("\(error)")
        }
    }

    /// Builds an event whose payload sits as the member `key` of a larger JSON document, such as
    /// an HTTP request body `{"type": …, "payload": {…}}`, decoding it in place: one strict
    /// decode of `document`, no re-serialization of the payload. `parsedPayload` is that member
    /// as already parsed (`JSONSerialization`), used to refuse fields the contract does not know.
    /// Violations name fields relative to the payload, as ``init(decoding:)`` does.
    public init(
        id: String, source: EventSource, time: Date, subject: ClientRef, type: EventType,
        payloadAt key: String, in document: Data, parsedPayload: [String: Any]
    ) throws(EventContractError) {
        let event: TrisamEvent
        do {
            event = try Self.decoder().decode(
                EmbeddedPayloadDecoder.self, from: document,
                configuration: EmbeddedPayloadDecoder.Position(type: type, key: key)
            ).event
        } catch let error as DecodingError {
            if NumberRules.isOpaqueNumberRefusal(error), let violation = NumberRules.firstNonInteger(in: parsedPayload, of: type) {
                throw .invalidPayload(violation)
            }
            var violation = StrictJSON.violation(for: error)
            if violation.field == key {
                violation = PayloadViolation(field: "(body)", reason: violation.reason)
            } else if violation.field.hasPrefix(key + ".") {
                violation = PayloadViolation(field: String(violation.field.dropFirst(key.count + 1)), reason: violation.reason)
            }
            throw .invalidPayload(violation)
        } catch {
            throw .malformedJSON("\(error)")
        }
        try Self.refuseUnknownFields(of: event, type: type, input: parsedPayload)
        self.init(id: id, source: source, time: time, subject: subject, event: event)
        try validate()
    }

    /// Refuses input with a field the decoded payload does not carry (the payload types decode
    /// leniently; their canonical encoding is the contract). A shape of input already found clean
    /// for this type is not encoded and compared again.
    private static func refuseUnknownFields(of event: TrisamEvent, type: EventType, input: Any) throws(EventContractError) {
        let shape = StrictJSON.shape(of: input)
        if CheckedShapes.shared.contains(shape, of: type) { return }
        if let canonical = try? JSONSerialization.jsonObject(with: Self.encoder().encode(AnyPayload(event.payload))),
            let unknown = StrictJSON.firstUnknownField(input: input, canonical: canonical)
        {
            throw .invalidPayload(unknown)
        }
        CheckedShapes.shared.insert(shape, of: type)
    }

    /// The CloudEvents Kafka header names (binary mode).
    public enum Header {
        public static let specVersion = "ce_specversion"
        public static let id = "ce_id"
        public static let source = "ce_source"
        public static let type = "ce_type"
        public static let time = "ce_time"
        public static let subject = "ce_subject"
        /// `datacontenttype` maps to the plain `content-type` header in Kafka binary mode.
        public static let contentType = "content-type"
    }

    /// The JSON encoder for payloads: sorted keys, RFC 3339 times with milliseconds.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// The JSON decoder for payloads: RFC 3339 times.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "must be an RFC 3339 date-time of a day and time that exist, such as 2026-11-24T09:30:00Z")
            }
            return date
        }
        return decoder
    }
}

/// The CloudEvents attributes among a message's headers (`ce_*` and `content-type`): each may
/// appear once and must be UTF-8 text, checked in header order. Extension attributes (other
/// `ce_*` headers) are checked the same way and not kept.
private struct Attributes {
    typealias Header = EventEnvelope.Header
    var specVersion: String?
    var id: String?
    var type: String?
    var source: String?
    var time: String?
    var subject: String?
    var contentType: String?

    init(_ headers: [EventHeader]) throws(EventContractError) {
        var extensions: [String] = []
        for header in headers {
            switch header.name {
            case Header.specVersion: try Self.keep(header, in: &specVersion)
            case Header.id: try Self.keep(header, in: &id)
            case Header.type: try Self.keep(header, in: &type)
            case Header.source: try Self.keep(header, in: &source)
            case Header.time: try Self.keep(header, in: &time)
            case Header.subject: try Self.keep(header, in: &subject)
            case Header.contentType: try Self.keep(header, in: &contentType)
            case let name where name.hasPrefix("ce_"):
                guard !extensions.contains(name) else { throw .duplicateHeader(name) }
                _ = try Self.text(of: header)
                extensions.append(name)
            default:
                continue
            }
        }
    }

    private static func keep(_ header: EventHeader, in slot: inout String?) throws(EventContractError) {
        guard slot == nil else { throw .duplicateHeader(header.name) }
        slot = try text(of: header)
    }

    private static func text(of header: EventHeader) throws(EventContractError) -> String {
        if header.value.allSatisfy({ $0 < 0x80 }) { return String(decoding: header.value, as: UTF8.self) }
        guard let text = String(validating: header.value, as: UTF8.self) else {
            throw .invalidHeader(name: header.name, reason: "must be UTF-8 text")
        }
        return text
    }
}

/// Encodes any payload through its own `Encodable` conformance.
struct AnyPayload: Encodable {
    let payload: any EventPayload
    init(_ payload: any EventPayload) { self.payload = payload }
    func encode(to encoder: any Encoder) throws { try payload.encode(to: encoder) }
}

/// Decodes the payload type chosen by `ce_type`.
private struct PayloadDecoder: DecodableWithConfiguration {
    let event: TrisamEvent
    init(from decoder: any Decoder, configuration: EventType) throws {
        event = try TrisamEvent.decode(configuration, from: decoder)
    }
}

/// Decodes the payload of type `position.type` found at member `position.key` of a document.
private struct EmbeddedPayloadDecoder: DecodableWithConfiguration {
    struct Position {
        let type: EventType
        let key: String
    }

    private struct Member: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let event: TrisamEvent
    init(from decoder: any Decoder, configuration: Position) throws {
        let container = try decoder.container(keyedBy: Member.self)
        event = try container.decode(
            PayloadDecoder.self, forKey: Member(stringValue: configuration.key),
            configuration: configuration.type
        ).event
    }
}

/// RFC 3339 timestamps: written in UTC with milliseconds, read with or without fractions and
/// with any offset.
public enum Timestamp {
    /// `2026-11-24T09:30:00.000Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Parses an RFC 3339 date-time (``RFC3339``), or nil: also for a day or time of day that
    /// does not exist, such as `2026-02-30T09:00:00Z`, which is refused rather than read as
    /// another day.
    public static func parse(_ text: String) -> Date? {
        RFC3339.parse(text)
    }
}
