/// Why a message is not a valid Trisam event. The description names the header or field and the
/// reason, and is what a dead letter carries in its `trisam-dlq-reason` header.
public enum EventContractError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A required CloudEvents header is absent.
    case missingHeader(String)
    /// A header appears more than once.
    case duplicateHeader(String)
    /// A header has a value that is not allowed.
    case invalidHeader(name: String, reason: String)
    /// `ce_type` names no known event type (or an unsupported version).
    case unknownType(String)
    /// The Kafka key is not the event's `ce_subject` (the clientRef).
    case keyMismatch
    /// The body is not a JSON object.
    case malformedJSON(String)
    /// A payload field violates the event type's schema.
    case invalidPayload(PayloadViolation)
    /// The publishing source may not publish this event.
    case sourceNotAllowed(String)
    /// The event arrived on a topic it is not routed to (contracts/README.md, "who publishes
    /// what"): e.g. an AF status on the kommun's status topic, or a flag from an agency.
    case wrongTopic(topic: String, type: EventType, source: String, expected: [String])

    public var description: String {
        switch self {
        case .missingHeader(let name): "missing header \(name)"
        case .duplicateHeader(let name): "header \(name) appears more than once"
        case .invalidHeader(let name, let reason): "header \(name): \(reason)"
        case .unknownType(let type): "unknown event type \"\(type.prefix(100))\"; expected se.trisam.<event>.v1 of contracts/asyncapi.yaml"
        case .keyMismatch: "the Kafka key must equal ce_subject (the clientRef)"
        case .malformedJSON(let reason): "body is not a JSON object: \(reason)"
        case .invalidPayload(let violation): "field \(violation.field): \(violation.reason)"
        case .sourceNotAllowed(let reason): "source not allowed: \(reason)"
        case .wrongTopic(let topic, let type, let source, let expected):
            "\(type.rawValue) from \(source) does not belong on \(topic); it is published only to \(expected.joined(separator: ", "))"
        }
    }
}
