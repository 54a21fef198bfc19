import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

@Suite("Configuration") struct ConfigurationTests {
    /// `contracts/rules.json` in this repository.
    static let rulesFile = repositoryRoot().appendingPathComponent("contracts/rules.json")

    func decode(_ json: String) throws(RuleConfigurationError) -> RuleConfiguration {
        try RuleConfiguration.decode(Data(json.utf8))
    }

    @Test("every rule has defaults and a description") func everyRuleHasDefaultsAndADescription() {
        #expect(RuleConfiguration.defaults.rules.count == RuleCatalogue.all.count)
        #expect(Set(RuleCatalogue.all.map(\.id)).count == RuleCatalogue.all.count)
        let descriptions = GapRules().descriptions
        #expect(descriptions.map(\.id) == RuleCatalogue.all.map(\.id))
        for description in descriptions {
            #expect(description.source.wholeMatch(of: /00[0-4]:L[0-9]+/) != nil, "\(description.id): \(description.source)")
            #expect(!description.title.isEmpty && !description.explanation.isEmpty)
            #expect(description.id.wholeMatch(of: /[a-z]+(-[a-z]+)*/) != nil)
        }
    }

    @Test("defaults equal the contract file") func defaultsEqualTheContractFile() throws {
        let loaded = try RuleConfiguration.load(from: Self.rulesFile)
        #expect(loaded == RuleConfiguration.defaults)
        // The file lists every rule and threshold: as JSON it equals what the defaults encode to.
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.rulesFile)) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: RuleConfiguration.defaults.encodedJSON()) as? NSDictionary
        #expect(file != nil && file == encoded)
    }

    @Test("partial file keeps defaults") func partialFileKeepsDefaults() throws {
        let configuration = try decode(
            #"{"rules": {"ping-pong": {"thresholds": {"handovers": 4}}, "grey-zone": {"enabled": false, "severity": "low"}}}"#)
        #expect(configuration.settings(RuleId.pingPong).thresholds["handovers"] == 4)
        #expect(configuration.settings(RuleId.pingPong).thresholds["windowDays"] == 180)
        #expect(configuration.settings(RuleId.greyZone).enabled == false)
        #expect(configuration.settings(RuleId.greyZone).severity == .low)
        #expect(configuration.settings(RuleId.sipNotHeld) == RuleConfiguration.defaults.settings(RuleId.sipNotHeld))
        #expect(try decode("{}") == RuleConfiguration.defaults)
    }

    @Test(
        "bad key is named",
        arguments: [
            (#"{"rules": {"grey-zone": {"thresholds": {"graceDayz": 1}}}}"#, "rules.grey-zone.thresholds.graceDayz"),
            (#"{"rules": {"grey-zon": {}}}"#, "rules.grey-zon"),
            (#"{"rule": {}}"#, "rule"),
            (#"{"rules": {"grey-zone": {"severity": "urgent"}}}"#, "rules.grey-zone.severity"),
            (#"{"rules": {"grey-zone": {"enabled": "yes"}}}"#, "rules.grey-zone.enabled"),
            (#"{"rules": {"grey-zone": {"enabled": 1}}}"#, "rules.grey-zone.enabled"),
            (#"{"rules": {"grey-zone": {"thresholds": {"graceDays": true}}}}"#, "rules.grey-zone.thresholds.graceDays"),
            (#"{"rules": {"grey-zone": {"thresholds": {"graceDays": 1.5}}}}"#, "rules.grey-zone.thresholds.graceDays"),
            (#"{"rules": {"grey-zone": {"thresholds": {"graceDays": -1}}}}"#, "rules.grey-zone.thresholds.graceDays"),
            (#"{"rules": {"ping-pong": {"thresholds": {"handovers": 1}}}}"#, "rules.ping-pong.thresholds.handovers"),
            (#"{"rules": {"grey-zone": {"treshold": {}}}}"#, "rules.grey-zone.treshold"),
            (#"{"rules": []}"#, "rules"),
            (#"[1]"#, "(root)"),
            (#"{"rules": "#, "(file)"),
        ])
    func badKeyIsNamed(json: String, key: String) {
        #expect {
            _ = try decode(json)
        } throws: { error in
            (error as? RuleConfigurationError)?.key == key
        }
    }

    @Test("missing file is reported") func missingFileIsReported() {
        #expect(throws: RuleConfigurationError.self) {
            _ = try RuleConfiguration.load(from: URL(fileURLWithPath: "/nonexistent/rules.json"))
        }
    }

    @Test("disabled rule does not fire and severity overrides") func disabledRuleDoesNotFireAndSeverityOverrides() throws {
        var s = Scenario()
        s.add("af1", .af, "2026-03-01", .afRegistered(AfRegistered(registeredOn: day("2026-03-01"))))
        #expect(s.fires(RuleId.noNamedContact, "2026-03-20"))
        s.rules = GapRules(configuration: try decode(#"{"rules": {"no-named-contact": {"enabled": false}}}"#))
        #expect(!s.fires(RuleId.noNamedContact, "2026-03-20"))
        #expect(s.evaluate("2026-03-05").nextCheck == nil)
        s.rules = GapRules(
            configuration: try decode(#"{"rules": {"no-named-contact": {"severity": "high", "thresholds": {"graceDays": 30}}}}"#))
        #expect(!s.fires(RuleId.noNamedContact, "2026-03-30"))
        #expect(s.finding(RuleId.noNamedContact, "2026-03-31")?.severity == .high)
        #expect(s.rules.descriptions.first { $0.id == RuleId.noNamedContact }?.severity == .high)
    }
}

@Suite("Rule documentation") struct RuleDocumentationTests {
    @Test("the README's rule table lists every rule with its severity and default thresholds")
    func readmeListsEveryRule() throws {
        let readme = try String(
            contentsOf: ConfigurationTests.rulesFile.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("README.md"), encoding: .utf8)
        for spec in RuleCatalogue.all {
            let thresholds = spec.thresholds.map { "`\($0.name)` \($0.defaultValue)" }.joined(separator: ", ")
            let row = "| `\(spec.id)` | \(spec.title) | \(spec.severity.rawValue) | \(thresholds) | \(spec.source) |"
            #expect(readme.contains(row), "README lacks the row \(row)")
        }
    }
}
