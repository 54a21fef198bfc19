import Foundation
import TrisamContracts

/// The example events in `contracts/examples/`, one per event type, as unit and integration
/// tests read them.
public enum ContractExamples {
    /// `contracts/` in this checkout.
    public static let contracts = repositoryRoot().appendingPathComponent("contracts")

    /// The example file of `type` as parsed JSON (`key`, `headers`, `value`).
    public static func example(_ type: EventType) throws -> [String: Any] {
        let url = contracts.appendingPathComponent("examples/\(type.rawValue).json")
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw ProcessTestError("\(url.path) is not a JSON object")
        }
        return object
    }

    /// The wire form of the example of `type`.
    public static func encoded(_ type: EventType) throws -> EncodedEvent {
        let example = try example(type)
        guard let headers = example["headers"] as? [String: String], let key = example["key"] as? String,
            let value = example["value"]
        else { throw ProcessTestError("example \(type.rawValue) lacks key, headers or value") }
        return EncodedEvent(
            key: Array(key.utf8),
            headers: headers.sorted { $0.key < $1.key }.map { EventHeader(name: $0.key, string: $0.value) },
            value: Array(try JSONSerialization.data(withJSONObject: value)))
    }
}
