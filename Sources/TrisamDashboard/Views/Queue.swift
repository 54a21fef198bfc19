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
    /// Which view of the work: the whole queue, "Mina", "Ej tilldelade" or "Bortlagda".
    public var view: View = .all
    /// The page after this person (`efter`), or before (`fore`).
    public var after: PersonCursor?
    public var before: PersonCursor?
    /// People per page (`perSida`, 10–200); nil: the dashboard's default.
    public var pageSize: Int?

    /// The views of the queue by the work on its flags, with their values of `vy`.
    public enum View: String, Sendable, CaseIterable {
        case all = ""
        case mine = "mina"
        case unassigned = "ej-tilldelade"
        case aside = "bortlagda"

        /// The store's view for the one logged in, on `today`.
        public func queueView(user: String, today: LocalDate) -> QueueView {
            switch self {
            case .all: .queue(today: today)
            case .mine: .mine(user, today: today)
            case .unassigned: .unassigned(today: today)
            case .aside: .aside(today: today)
            }
        }
    }

    public init(rule: String? = nil, agency: Agency? = nil, severity: FlagSeverity? = nil, minAgeDays: Int? = nil) {
        self.rule = rule
        self.agency = agency
        self.severity = severity
        self.minAgeDays = minAgeDays
    }

    /// Known parameters; empty values mean "all".
    public static let parameters = ["regel", "myndighet", "allvarlighet", "minstDagar", "vy", "efter", "fore", "perSida"]

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
        if let text = nonEmpty(query["vy"]) {
            guard let view = View(rawValue: text) else { return .failure(FilterError(field: "vy", message: Swedish.badView(text))) }
            filter.view = view
        }
        if let text = nonEmpty(query["perSida"]) {
            guard let size = Int(text), (10...200).contains(size) else {
                return .failure(FilterError(field: "perSida", message: Swedish.badPageSize(text)))
            }
            filter.pageSize = size
        }
        for name in ["efter", "fore"] {
            guard let text = nonEmpty(query[name]) else { continue }
            guard let cursor = PersonCursor(text) else { return .failure(FilterError(field: name, message: Swedish.badPage)) }
            if name == "efter" { filter.after = cursor } else { filter.before = cursor }
        }
        return .success(filter)
    }

    /// The query string of these filters in `view`, without the page (for the view tabs), or
    /// with a page cursor (for the previous and next links). Starts with `?`, or is empty.
    public func queryString(view: View? = nil, after: PersonCursor? = nil, before: PersonCursor? = nil) -> String {
        var pairs: [(String, String)] = []
        if let rule { pairs.append(("regel", rule)) }
        if let agency { pairs.append(("myndighet", agency.rawValue)) }
        if let severity { pairs.append(("allvarlighet", severity.rawValue)) }
        if let minAgeDays { pairs.append(("minstDagar", String(minAgeDays))) }
        let view = view ?? self.view
        if view != .all { pairs.append(("vy", view.rawValue)) }
        if let pageSize { pairs.append(("perSida", String(pageSize))) }
        if let after { pairs.append(("efter", after.description)) }
        if let before { pairs.append(("fore", before.description)) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        let text = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return text.isEmpty ? "" : "?" + text
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

    /// Whether any filter is set (the view and the page are not filters).
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
    /// Who works it, whether it is set aside, the next step ("Tagen av Karin Lind"), or nil.
    public var workText: String?
}

/// One person of the queue: their open flags that match, most severe first.
public struct PersonRow: Sendable, Equatable {
    public var clientRef: String
    public var shortRef: String
    public var personPath: String
    public var flags: [QueueRow]
    /// The flag ids, space separated (the live update marks a row new when one is new).
    public var flagIds: String
    /// "3 öppna flaggor" when more than one.
    public var countText: String?
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
            sinceText: Swedish.date(sinceDay), raisedText: Swedish.dateTime(flag.raisedAt),
            workText: Swedish.workStatus(flag.work, today: today))
    }

    /// One row per person of a page of the person queue.
    public static func personRows(_ persons: [QueuedPerson], today: LocalDate) -> [PersonRow] {
        persons.map { person in
            PersonRow(
                clientRef: person.clientRef, shortRef: Swedish.shortRef(person.clientRef), personPath: "/personer/\(person.clientRef)",
                flags: person.flags.map { row(for: $0, today: today) }, flagIds: person.flags.map(\.flagId).joined(separator: " "),
                countText: person.flags.count > 1 ? Swedish.openFlagCount(person.flags.count) : nil)
        }
    }

    /// The explanation as one sentence, ending with a full stop.
    static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.last else { return trimmed }
        return ".!?".contains(last) ? trimmed : trimmed + "."
    }
}
