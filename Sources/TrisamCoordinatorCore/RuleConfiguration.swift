import Foundation
import TrisamContracts

/// One rule's settings: on or off, its severity, and its thresholds by name.
public struct RuleSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var severity: FlagSeverity
    /// Thresholds by name (days, months, percent or counts, as the name says).
    public var thresholds: [String: Int]

    public init(enabled: Bool = true, severity: FlagSeverity, thresholds: [String: Int] = [:]) {
        self.enabled = enabled
        self.severity = severity
        self.thresholds = thresholds
    }
}

/// A configuration file that cannot be used, naming the key and the reason.
public struct RuleConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON path of the bad key, e.g. `rules.grey-zone.thresholds.graceDays`.
    public var key: String
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "rule configuration: \(key) \(reason)" }
}

/// Thresholds per rule, loadable from a JSON file; every rule can be disabled and its severity
/// overridden. `defaults` holds the values from DOMAIN.md and the reports; `contracts/rules.json`
/// is the same configuration as a file.
///
/// File format (every part optional; what is left out keeps its default):
/// ```json
/// { "rules": { "grey-zone": { "enabled": true, "severity": "high", "thresholds": { "graceDays": 0 } } } }
/// ```
public struct RuleConfiguration: Codable, Sendable, Equatable {
    /// Settings per rule id; every rule of the catalogue has an entry.
    public var rules: [String: RuleSettings]

    public init(rules: [String: RuleSettings]) {
        self.rules = rules
    }

    /// The defaults from DOMAIN.md and the reports.
    public static let defaults = RuleConfiguration(
        rules: Dictionary(
            uniqueKeysWithValues: RuleCatalogue.all.map { spec in
                (
                    spec.id,
                    RuleSettings(
                        enabled: true, severity: spec.severity,
                        thresholds: Dictionary(uniqueKeysWithValues: spec.thresholds.map { ($0.name, $0.defaultValue) }))
                )
            }))

    /// Loads a configuration file; throws ``RuleConfigurationError`` naming the bad key.
    public static func load(from url: URL) throws -> RuleConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RuleConfigurationError(key: "(file)", reason: "cannot be read: \(url.path)")
        }
        return try decode(data)
    }

    /// Reads a configuration from JSON bytes, starting from the defaults.
    public static func decode(_ data: Data) throws(RuleConfigurationError) -> RuleConfiguration {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw RuleConfigurationError(key: "(file)", reason: "is not valid JSON")
        }
        guard let root = json as? [String: Any] else {
            throw RuleConfigurationError(key: "(root)", reason: "must be a JSON object")
        }
        for key in root.keys.sorted() where key != "rules" {
            throw RuleConfigurationError(key: key, reason: "is not a known key; allowed: rules")
        }
        var configuration = RuleConfiguration.defaults
        guard let rulesValue = root["rules"] else { return configuration }
        guard let rules = rulesValue as? [String: Any] else {
            throw RuleConfigurationError(key: "rules", reason: "must be an object keyed by rule id")
        }
        for ruleId in rules.keys.sorted() {
            let path = "rules.\(ruleId)"
            guard let spec = RuleCatalogue.spec(ruleId) else {
                throw RuleConfigurationError(
                    key: path, reason: "is not a known rule; known: \(RuleCatalogue.all.map(\.id).joined(separator: ", "))")
            }
            guard let object = rules[ruleId] as? [String: Any] else {
                throw RuleConfigurationError(key: path, reason: "must be an object with enabled, severity and thresholds")
            }
            var settings = configuration.rules[ruleId]!
            for key in object.keys.sorted() {
                let value = object[key]!
                switch key {
                case "enabled":
                    guard let number = value as? NSNumber, isBoolean(number) else {
                        throw RuleConfigurationError(key: "\(path).enabled", reason: "must be true or false")
                    }
                    settings.enabled = number.boolValue
                case "severity":
                    guard let text = value as? String, let severity = FlagSeverity(rawValue: text) else {
                        throw RuleConfigurationError(key: "\(path).severity", reason: "must be one of: \(FlagSeverity.allowedCodes)")
                    }
                    settings.severity = severity
                case "thresholds":
                    guard let thresholds = value as? [String: Any] else {
                        throw RuleConfigurationError(key: "\(path).thresholds", reason: "must be an object of named whole numbers")
                    }
                    for name in thresholds.keys.sorted() {
                        let thresholdPath = "\(path).thresholds.\(name)"
                        guard let threshold = spec.thresholds.first(where: { $0.name == name }) else {
                            let known = spec.thresholds.map(\.name).joined(separator: ", ")
                            throw RuleConfigurationError(
                                key: thresholdPath, reason: "is not a threshold of \(ruleId); known: \(known.isEmpty ? "(none)" : known)")
                        }
                        guard let number = thresholds[name] as? NSNumber, !isBoolean(number),
                            number.doubleValue == number.doubleValue.rounded(),
                            let integer = Int(exactly: number.doubleValue)
                        else {
                            throw RuleConfigurationError(key: thresholdPath, reason: "must be a whole number")
                        }
                        guard threshold.range.contains(integer) else {
                            throw RuleConfigurationError(
                                key: thresholdPath,
                                reason: "must be between \(threshold.range.lowerBound) and \(threshold.range.upperBound), got \(integer)")
                        }
                        settings.thresholds[name] = integer
                    }
                default:
                    throw RuleConfigurationError(
                        key: "\(path).\(key)", reason: "is not a known key; allowed: enabled, severity, thresholds")
                }
            }
            configuration.rules[ruleId] = settings
        }
        return configuration
    }

    /// The configuration as a JSON file, keys sorted (the form of `contracts/rules.json`).
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The settings of a rule (the default when the rule is missing).
    public func settings(_ ruleId: String) -> RuleSettings {
        rules[ruleId] ?? RuleConfiguration.defaults.rules[ruleId] ?? RuleSettings(enabled: false, severity: .low)
    }

    /// A threshold of a rule (its default when missing).
    func threshold(_ ruleId: String, _ name: String) -> Int {
        rules[ruleId]?.thresholds[name] ?? RuleConfiguration.defaults.rules[ruleId]?.thresholds[name] ?? 0
    }
}

/// Whether an NSNumber from JSONSerialization is a JSON boolean.
private func isBoolean(_ number: NSNumber) -> Bool {
    // On Linux and Darwin, JSON booleans decode as NSNumber whose objCType is "c" (char) and
    // which compare identical to the boolean singletons.
    number === NSNumber(value: true) || number === NSNumber(value: false)
        || String(cString: number.objCType) == "c" || String(cString: number.objCType) == "B"
}
