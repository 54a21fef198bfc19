import Foundation
import TrisamKafka

/// Kafka headers as they are stored in an outbox row: a JSON array of `[name, value]` string
/// pairs, readable in a SQL shell. Written by hand (the values are short CloudEvents attributes;
/// a general JSON encoder per message was a measurable share of the work).
public enum StoredHeaders {
    /// The headers as text.
    public static func encode(_ headers: [KafkaHeader]) -> String {
        var text = "["
        for (index, header) in headers.enumerated() {
            if index > 0 { text += "," }
            text += "[" + jsonString(header.name) + "," + jsonString(header.stringValue ?? "") + "]"
        }
        return text + "]"
    }

    /// The headers from text written by ``encode(_:)``; pairs that do not read are dropped.
    public static func decode(_ text: String) -> [KafkaHeader] {
        let pairs = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String]] ?? []
        return pairs.compactMap { $0.count == 2 ? KafkaHeader(name: $0[0], string: $0[1]) : nil }
    }

    private static func jsonString(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
