import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

let person = ClientRef(rawValue: "0123456789abcdef0123456789abcdef")!

/// A calendar day from `YYYY-MM-DD`.

/// A month from `YYYY-MM`.
func month(_ text: String) -> YearMonth { YearMonth(text)! }

/// 10:00 Stockholm time on a day: the moment events of that day happen and rules are evaluated.
func at(_ text: String, hour: Int = 10) -> Date {
    StockholmTime.startOfDay(day(text)).addingTimeInterval(TimeInterval(hour * 3600))
}

/// Local midnight starting a day.
func midnight(_ text: String) -> Date { StockholmTime.startOfDay(day(text)) }

func contact(_ name: String) -> Contact { Contact(name: name, role: "handläggare") }

/// A person's events, built with fixed ids and times, folded and evaluated on demand.
struct Scenario {
    var events: [EventEnvelope] = []
    var rules = GapRules()

    /// Adds an event published by `agency` (or the coordinator) on `date` with id `id`.
    @discardableResult
    mutating func add(_ id: String, _ agency: Agency, _ date: String, _ event: TrisamEvent) -> Scenario {
        events.append(EventEnvelope(id: id, source: .agency(agency), time: at(date), subject: person, event: event))
        return self
    }

    /// The folded state; every scenario also checks that it survives both storage forms.
    var state: PersonState {
        var state = PersonState(clientRef: person)
        for event in events { state.apply(event) }
        do {
            let binary = try PersonState(binary: state.binaryEncoded())
            let json = try JSONDecoder().decode(PersonState.self, from: JSONEncoder().encode(state))
            #expect(binary == state)
            #expect(binary.binaryEncoded() == state.binaryEncoded())
            #expect(json == state)
        } catch {
            Issue.record("state does not round-trip: \(error)")
        }
        return state
    }

    func evaluate(_ date: String) -> RuleEvaluation { rules.evaluate(state, now: at(date)) }

    func evaluate(at moment: Date) -> RuleEvaluation { rules.evaluate(state, now: moment) }

    /// The finding of a rule on a day, if it fires.
    /// Every finding is checked to make a valid `FlagRaised` with a one-sentence explanation.
    func finding(_ rule: String, _ date: String) -> RuleFinding? {
        let findings = evaluate(date).findings
        for finding in findings { checkPublishable(finding) }
        return findings.first { $0.rule == rule }
    }

    func fires(_ rule: String, _ date: String) -> Bool { finding(rule, date) != nil }

    // MARK: - Building blocks

    /// Bistånd granted for each month (ids b-<month>), decided on the 1st of the month.
    mutating func bistand(_ months: [String]) {
        for m in months {
            add(
                "b-\(m)", .kommun, "\(m)-01",
                .kommunBistandDecided(BistandDecided(decision: .granted, effectiveDate: day("\(m)-01"), month: month(m))))
        }
    }

    /// Bistånd for every month from `first` through `last` (`YYYY-MM`).
    mutating func bistand(from first: String, through last: String) {
        var months: [String] = []
        var current = month(first)
        while current <= month(last) {
            months.append(current.description)
            current = YearMonth(year: current.month == 12 ? current.year + 1 : current.year, month: current.month % 12 + 1)!
        }
        bistand(months)
    }

    mutating func sickNote(_ id: String, _ extent: Int, _ from: String, _ until: String, on date: String? = nil) {
        add(
            id, .region, date ?? from,
            .regionSickNoteIssued(SickNoteIssued(sickNoteId: id, extentPercent: extent, from: day(from), until: day(until), renewal: false))
        )
    }

    mutating func illHealth(_ id: String, _ date: String) {
        add(
            id, .kommun, date,
            .kommunArbetshinderAssessed(ArbetshinderAssessed(barriers: [.psykiskOhalsa, .sprakhinder], assessedOn: day(date))))
    }

    mutating func openCase(_ id: String, _ agency: Agency, _ area: Area, _ date: String, _ name: String = "Anna Andersson") {
        add(id, agency, date, .caseOpened(CaseOpened(area: area, contact: contact(name), openedOn: day(date))))
    }

    mutating func closeCase(_ id: String, _ agency: Agency, _ area: Area, _ date: String, handoverTo: Agency? = nil) {
        add(
            id, agency, date,
            .caseClosed(
                CaseClosed(area: area, reason: handoverTo == nil ? .completed : .handover, handoverTo: handoverTo, closedOn: day(date))))
    }
}

/// A finding must be publishable as a `FlagRaised` (the contract's checks) and its explanation be
/// one Swedish sentence.
func checkPublishable(_ finding: RuleFinding) {
    let flag = FlagRaised(
        flagId: "flag-1", rule: finding.rule, severity: finding.severity, title: finding.title,
        explanation: finding.explanation, agencies: finding.agencies, evidence: finding.evidence)
    #expect(throws: Never.self) { try flag.validate() }
    #expect(finding.explanation.hasSuffix("."), "\(finding.explanation)")
    #expect(finding.explanation.first?.isUppercase == true, "\(finding.explanation)")
    #expect(!finding.explanation.contains("Kommunen") || finding.explanation.hasPrefix("Kommunen"), "\(finding.explanation)")
    #expect(!finding.explanation.dropLast().contains(". "), "\(finding.explanation)")
    #expect(!finding.evidence.isEmpty)
    #expect(!finding.agencies.isEmpty)
}
