import Foundation
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore

/// A filter field that could not be used, with a Swedish message naming it.
public struct FilterError: Error, Equatable, Sendable {
    /// The query parameter.
    public var field: String
    /// Swedish: the field's label and what is wrong.
    public var message: String
}

/// The queue's filters, from the GET form's query parameters.
public struct QueueFilter: Sendable, Equatable {
    public var rule: String?
    public var agency: Agency?
    public var severity: FlagSeverity?
    public var minAgeDays: Int?

    public init(rule: String? = nil, agency: Agency? = nil, severity: FlagSeverity? = nil, minAgeDays: Int? = nil) {
        self.rule = rule
        self.agency = agency
        self.severity = severity
        self.minAgeDays = minAgeDays
    }

    /// Known parameters; empty values mean "all".
    public static let parameters = ["regel", "myndighet", "allvarlighet", "minstDagar"]

    /// Parses the query; an unknown parameter or value is refused naming the field.
    public static func parse(_ query: [String: String], ruleIds: [String]) -> Result<QueueFilter, FilterError> {
        var filter = QueueFilter()
        for name in query.keys.sorted() where !parameters.contains(name) {
            return .failure(FilterError(field: name, message: Swedish.unknownFilter(name, known: parameters)))
        }
        if let rule = nonEmpty(query["regel"]) {
            guard ruleIds.contains(rule) else {
                return .failure(FilterError(field: "regel", message: Swedish.badRule(rule)))
            }
            filter.rule = rule
        }
        if let text = nonEmpty(query["myndighet"]) {
            guard let agency = Agency(rawValue: text) else {
                return .failure(FilterError(field: "myndighet", message: Swedish.badAgency(text)))
            }
            filter.agency = agency
        }
        if let text = nonEmpty(query["allvarlighet"]) {
            guard let severity = FlagSeverity(rawValue: text) else {
                return .failure(FilterError(field: "allvarlighet", message: Swedish.badSeverity(text)))
            }
            filter.severity = severity
        }
        if let text = nonEmpty(query["minstDagar"]) {
            guard let days = Int(text), (0...36_500).contains(days) else {
                return .failure(FilterError(field: "minstDagar", message: Swedish.badMinDays(text)))
            }
            filter.minAgeDays = days
        }
        return .success(filter)
    }

    /// The store query for these filters (the age filter relative to `now`).
    public func flagQuery(now: Date, limit: Int) -> FlagQuery {
        var query = FlagQuery()
        query.rule = rule
        query.agency = agency
        query.severity = severity
        if let minAgeDays {
            // Age counts Stockholm calendar days, so compare with the start of the day minAgeDays back.
            let day = StockholmTime.date(of: now).adding(days: -minAgeDays)
            query.sinceAtOrBefore = StockholmTime.startOfDay(day.adding(days: 1)).addingTimeInterval(-0.001)
        }
        query.limit = limit
        return query
    }

    /// Whether any filter is set.
    public var isActive: Bool { rule != nil || agency != nil || severity != nil || minAgeDays != nil }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }
}

/// One row of the queue: who, why (one sentence) and who should act.
public struct QueueRow: Sendable, Equatable {
    public var flagId: String
    public var clientRef: String
    public var shortRef: String
    public var personPath: String
    public var severity: FlagSeverity
    public var severityText: String
    public var severityClass: String
    public var rule: String
    public var title: String
    /// One Swedish sentence: why the person is stuck and which agency should act.
    public var sentence: String
    /// "Försäkringskassan och kommunen".
    public var actors: String
    public var ageDays: Int
    public var ageText: String
    public var sinceText: String
    public var raisedText: String
}

/// The queue "Att agera på": open flags, most severe first, then oldest first.
public enum Queue {
    /// Rows for the flags, sorted by severity (high first), then age (oldest condition first),
    /// then the order they were raised.
    public static func rows(_ flags: [FlagRow], today: LocalDate) -> [QueueRow] {
        flags.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.since != b.since { return a.since < b.since }
            return a.seq < b.seq
        }.map { row(for: $0, today: today) }
    }

    static func row(for flag: FlagRow, today: LocalDate) -> QueueRow {
        let sinceDay = StockholmTime.date(of: flag.since)
        let age = max(0, Swedish.daysBetween(sinceDay, today))
        return QueueRow(
            flagId: flag.flagId, clientRef: flag.clientRef, shortRef: Swedish.shortRef(flag.clientRef),
            personPath: "/personer/\(flag.clientRef)", severity: flag.severity,
            severityText: Swedish.severity(flag.severity), severityClass: "severity-\(flag.severity.rawValue)",
            rule: flag.rule, title: flag.title, sentence: sentence(flag.explanation),
            actors: Swedish.agencyList(flag.agencies), ageDays: age, ageText: Swedish.days(age),
            sinceText: Swedish.date(sinceDay), raisedText: Swedish.dateTime(flag.raisedAt))
    }

    /// The explanation as one sentence, ending with a full stop.
    static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.last else { return trimmed }
        return ".!?".contains(last) ? trimmed : trimmed + "."
    }
}
