import Foundation
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore

/// The queue as a CSV file for a Trisam meeting: UTF-8 with a byte order mark and `;` between
/// fields, so Swedish Excel opens it with å, ä and ö intact; one row per open flag, most severe
/// and oldest first (as the queue); column names in Swedish; dates as 2026-11-24 (what Excel
/// reads as a date). Built from the store's rows, not from the queue page.
public struct QueueExport: Sendable {
    /// At most this many flags in one file.
    public static let maxRows = 50_000

    /// One line of the file.
    public struct Row: Sendable, Equatable {
        public var clientRef: String
        public var fields: [String]
    }

    public let rows: [Row]

    public init(flags: [FlagRow], today: LocalDate) {
        let sorted = flags.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.since != b.since { return a.since < b.since }
            return a.seq < b.seq
        }
        rows = sorted.map { flag in
            let since = StockholmTime.date(of: flag.since)
            return Row(
                clientRef: flag.clientRef,
                fields: [
                    Swedish.shortRef(flag.clientRef), Swedish.severity(flag.severity), flag.title, Queue.sentence(flag.explanation),
                    Swedish.agencyList(flag.agencies), String(max(0, Swedish.daysBetween(since, today))), since.description,
                    Swedish.isoDateTime(flag.raisedAt), flag.clientRef,
                ])
        }
    }

    /// The file: BOM, the header, then the rows; lines end with CRLF.
    public func csv() -> [UInt8] {
        var text = Self.line(Swedish.exportColumns)
        for row in rows { text += Self.line(row.fields) }
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// `trisam-att-agera-pa-2026-11-24.csv`.
    public static func fileName(today: LocalDate) -> String { "trisam-att-agera-pa-\(today.description).csv" }

    static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ";") + "\r\n" }

    /// A field quoted when it holds `;`, `"` or a line break (quotes doubled); a field that a
    /// spreadsheet would run as a formula (starting with = + - @ or a tab) gets a leading `'`.
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension QueueFilter {
    /// The filter as the queue's query string (`?regel=…&myndighet=…`), "" without filters, so a
    /// link (the export) carries the queue's current filter.
    public var queryString: String {
        var items: [(String, String)] = []
        if let rule { items.append(("regel", rule)) }
        if let agency { items.append(("myndighet", agency.rawValue)) }
        if let severity { items.append(("allvarlighet", severity.rawValue)) }
        if let minAgeDays { items.append(("minstDagar", String(minAgeDays))) }
        guard !items.isEmpty else { return "" }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_.~"))
        return "?" + items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }
}
