import Foundation
import TrisamContracts
import TrisamKafka

/// Kafka headers as they are stored in an outbox row: a JSON array of `[name, value]` string
/// pairs, readable in a SQL shell. Written with the contracts' `JSONByteWriter` (a general JSON
/// encoder per message was a measurable share of the work).
public enum StoredHeaders {
    /// The headers as text.
    public static func encode(_ headers: [KafkaHeader]) -> String {
        var writer = JSONByteWriter(capacity: 64 * headers.count + 2)
        writer.beginArray()
        for header in headers {
            writer.beginArray()
            writer.string(header.name)
            writer.string(header.stringValue ?? "")
            writer.endArray()
        }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The headers from text written by ``encode(_:)``; pairs that do not read are dropped.
    public static func decode(_ text: String) -> [KafkaHeader] {
        let pairs = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String]] ?? []
        return pairs.compactMap { $0.count == 2 ? KafkaHeader(name: $0[0], string: $0[1]) : nil }
    }
}
