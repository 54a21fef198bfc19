import Foundation
import TrisamContracts

/// One HTTP call the simulator makes to an agency service for a person.
///
/// Paths may hold placeholders that the driver fills in from earlier answers:
/// `{clientRef}` (from registering the person) and `{NAME}` for an id captured by an earlier
/// step with ``capture`` (e.g. a referral id).
public struct SimulationStep: Sendable, Equatable {
    /// The agency whose service is called, with its staff token.
    public var agency: Agency
    public var method: String
    public var path: String
    /// The JSON body, if any.
    public var body: Data?
    /// Fields of the JSON answer kept under names for later paths: (field, name).
    public var captures: [Capture]
    /// The first capture, if any.
    public var capture: Capture? { captures.first }
    /// What the step does, for the log.
    public var label: String

    public struct Capture: Sendable, Equatable {
        /// A top-level field of the answer, or `field.N` for the N-th element of an array field
        /// (e.g. `actionIds.1`).
        public var field: String
        public var name: String

        /// The captured string in a decoded JSON answer, or nil if it is not there.
        public func value(in answer: [String: Any]) -> String? {
            let parts = field.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return answer[field] as? String }
            guard let array = answer[parts[0]] as? [Any], let index = Int(parts[1]), array.indices.contains(index) else { return nil }
            return array[index] as? String
        }
    }

    public init(
        _ agency: Agency, _ method: String, _ path: String, body: Data? = nil,
        capture: Capture? = nil, captures: [Capture] = [], label: String
    ) {
        self.agency = agency
        self.method = method
        self.path = path
        self.body = body
        self.captures = (capture.map { [$0] } ?? []) + captures
        self.label = label
    }

    /// The path with its placeholders replaced, or nil if one is unknown.
    public func resolvedPath(_ values: [String: String]) -> String? {
        var result = ""
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { return nil }
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = values[name] else { return nil }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

/// Builds the request bodies of the agency API from the contract types, so that what the
/// simulator sends is valid by construction.
enum Body {
    /// `{"type": "<event type>", "payload": {…}}` for `POST /persons/{clientRef}/statuses`.
    static func status<P: EventPayload>(_ payload: P) -> Data {
        let payloadData = (try? EventEnvelope.encoder().encode(payload)) ?? Data("{}".utf8)
        var data = Data("{\"type\":\"\(P.eventType.rawValue)\",\"payload\":".utf8)
        data.append(payloadData)
        data.append(Data("}".utf8))
        return data
    }

    /// A JSON object from plain values.
    static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    static func contact(_ name: String, role: String) -> [String: Any] {
        var contact: [String: Any] = ["name": name, "role": role]
        if let phone = phones[name] { contact["phone"] = phone }
        return contact
    }

    /// The demo staff's work numbers (made up; written as Swedish numbers are, area code first).
    static let phones = [
        "Karin Lind": "060-19 10 01", "Johan Ek": "060-19 10 02", "Maria Sjöberg": "060-19 10 03", "Elin Holm": "060-19 10 04",
        "Ali Hassan": "010-486 10 01", "Lena Nord": "010-486 10 02", "Peter Ås": "010-486 10 03",
        "Frida Ek": "010-116 10 01", "Nils Berg": "010-116 10 02",
        "Rolf Berg": "060-14 20 01", "Dr. Sara Wik": "060-14 20 02",
    ]
}
