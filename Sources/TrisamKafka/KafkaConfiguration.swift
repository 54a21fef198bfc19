import CRdKafka
import Foundation

/// librdkafka properties for one client, passed through unchanged.
///
/// Every librdkafka property can be set (`security.protocol`, `sasl.mechanisms`,
/// `ssl.ca.location`, …), so running against a TLS/SASL cluster needs no code change. See
/// librdkafka's CONFIGURATION.md for the full list.
public struct KafkaConfiguration: Sendable, Equatable {
    /// The properties, by librdkafka name.
    public var properties: [String: String]

    /// A configuration with the given bootstrap servers (`host:port,host:port`).
    public init(bootstrapServers: String, properties: [String: String] = [:]) {
        self.properties = properties
        self.properties["bootstrap.servers"] = bootstrapServers
    }

    /// The `bootstrap.servers` property.
    public var bootstrapServers: String { properties["bootstrap.servers"] ?? "" }

    /// Reads or sets one property.
    public subscript(key: String) -> String? {
        get { properties[key] }
        set { properties[key] = newValue }
    }

    /// Returns a copy with the given properties added, replacing existing values.
    public func merging(_ other: [String: String]) -> KafkaConfiguration {
        var copy = self
        copy.properties.merge(other) { _, new in new }
        return copy
    }

    /// Parses a Java-style properties text: `key=value` lines, `#` or `!` comments, blank lines.
    /// - Throws: ``KafkaError`` of kind ``KafkaError/Kind/configuration`` naming the line.
    public static func parseProperties(_ text: String) throws(KafkaError) -> [String: String] {
        var result: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw KafkaError(.configuration, "line \(index + 1): expected key=value, got \"\(line)\"")
            }
            let key = line[..<separator].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else {
                throw KafkaError(.configuration, "line \(index + 1): empty property name")
            }
            result[key] = value
        }
        return result
    }

    /// Builds a librdkafka `rd_kafka_conf_t`; the caller owns it (until `rd_kafka_new` takes it).
    func makeNativeConf() throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(.configuration, "rd_kafka_conf_new failed")
        }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, key, value, &errorBuffer, errorBuffer.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let reason = String(decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw KafkaError(.configuration, "property \(key): \(reason)")
            }
        }
        return conf
    }
}
