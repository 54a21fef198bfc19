import Foundation
import TrisamKafka

/// Kafka headers as they are stored in an outbox row: a JSON array of `[name, value]` string
/// pairs, readable in a SQL shell. Written by hand (the values are short CloudEvents attributes;
/// a general JSON encoder per message was a measurable share of the work).
public enum StoredHeaders {
    /// The headers as text.
    public static func encode(_ headers: [KafkaHeader]) -> String {
        // Written as UTF-8 bytes: this runs for every flag event the coordinator stores.
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(64 * headers.count + 2)
        for (index, header) in headers.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "["))
            appendJSONString(header.name, to: &bytes)
            bytes.append(UInt8(ascii: ","))
            appendJSONString(header.stringValue ?? "", to: &bytes)
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The headers from text written by ``encode(_:)``; pairs that do not read are dropped.
    public static func decode(_ text: String) -> [KafkaHeader] {
        let pairs = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String]] ?? []
        return pairs.compactMap { $0.count == 2 ? KafkaHeader(name: $0[0], string: $0[1]) : nil }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `value` as a JSON string: quotes and backslashes escaped, control characters as
    /// `\u00XX`, everything else as its UTF-8 bytes.
    private static func appendJSONString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0xF)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
