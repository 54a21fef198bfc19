import Foundation
import TrisamContracts

/// Events for test scenarios: a fresh person and an envelope from an agency at a given time.
public enum TestEvent {
    /// A random, valid client reference.
    public static func newClientRef() -> ClientRef {
        ClientRef(rawValue: UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())!
    }

    /// `event` as `agency` publishes it about `ref` at `time`.
    public static func envelope(
        _ ref: ClientRef, _ agency: Agency, _ event: TrisamEvent, at time: Date, id: String = EventID.random()
    ) -> EventEnvelope {
        EventEnvelope(id: id, source: .agency(agency), time: time, subject: ref, event: event)
    }
}
