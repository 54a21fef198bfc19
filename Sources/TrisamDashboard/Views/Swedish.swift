import Foundation
import TrisamContracts
import TrisamCoordinatorCore

/// Swedish wording for what coordinators read on screen: dates, ages, severities, agencies.
public enum Swedish {
    static let months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

    /// "24 nov 2026".
    public static func date(_ day: LocalDate) -> String { "\(day.day) \(months[day.month - 1]) \(day.year)" }

    /// "24 nov" (axis labels).
    public static func shortDate(_ day: LocalDate) -> String { "\(day.day) \(months[day.month - 1])" }

    /// The Stockholm date of a moment, "24 nov 2026".
    public static func date(of moment: Date) -> String { date(StockholmTime.date(of: moment)) }

    /// "24 nov 2026 09:05" in Stockholm time.
    public static func dateTime(_ moment: Date) -> String {
        let day = StockholmTime.date(of: moment)
        let seconds = Int(moment.timeIntervalSince(StockholmTime.startOfDay(day)))
        return "\(date(day)) \(pad(seconds / 3600)):\(pad(seconds % 3600 / 60))"
    }

    /// "09:05" in Stockholm time.
    public static func time(_ moment: Date) -> String {
        let day = StockholmTime.date(of: moment)
        let seconds = Int(moment.timeIntervalSince(StockholmTime.startOfDay(day)))
        return "\(pad(seconds / 3600)):\(pad(seconds % 3600 / 60))"
    }

    /// "i dag", "1 dag", "12 dagar"; negative counts read "om 3 dagar".
    public static func days(_ count: Int) -> String {
        switch count {
        case 0: "i dag"
        case 1: "1 dag"
        case let n where n < 0: n == -1 ? "om 1 dag" : "om \(-n) dagar"
        default: "\(count) dagar"
        }
    }

    /// A length of time in days: "0 dagar", "1 dag", "12 dagar".
    public static func duration(_ count: Int) -> String { count == 1 ? "1 dag" : "\(count) dagar" }

    /// Whole Stockholm calendar days from `from` to `to` (negative if `to` is earlier).
    public static func daysBetween(_ from: LocalDate, _ to: LocalDate) -> Int { to.daysSinceEpoch - from.daysSinceEpoch }

    /// "Hög", "Medel", "Låg".
    public static func severity(_ severity: FlagSeverity) -> String {
        switch severity {
        case .high: "Hög"
        case .medium: "Medel"
        case .low: "Låg"
        }
    }

    /// "Kommunen och Försäkringskassan".
    public static func agencyList(_ agencies: [Agency]) -> String {
        var seen: [Agency] = []
        for agency in agencies where !seen.contains(agency) { seen.append(agency) }
        let names = seen.map(\.displayName)
        switch names.count {
        case 0: return "ingen angiven"
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " och " + names.last!
        }
    }

    /// The short code shown for a person: the first 8 characters of the clientRef.
    public static func shortRef(_ clientRef: String) -> String { String(clientRef.prefix(8)) }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

/// Colours per agency for charts: each has at least 4.5:1 contrast against white text.
public enum AgencyColour {
    public static func fill(_ agency: Agency) -> String {
        switch agency {
        case .kommun: "#1f5fa8"
        case .af: "#1b7240"
        case .fk: "#6f3a94"
        case .region: "#9a3f16"
        }
    }
}
