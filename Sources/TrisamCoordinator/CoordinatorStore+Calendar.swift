import Foundation
import GRDB
import TrisamContracts
import TrisamCoordinatorCore

/// The SIP calendar's items (``CalendarEntry``), kept per person with each batch, read by kind
/// and time so that the calendar reads only what it shows.
extension CoordinatorStore {
    static func replaceCalendar(of clientRef: ClientRef, with entries: [CalendarEntry], in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM calendar_entry WHERE clientRef = ?").execute(arguments: [clientRef.rawValue])
        let encoder = JSONEncoder()
        for entry in entries {
            try db.cachedStatement(sql: "INSERT INTO calendar_entry(clientRef, key, kind, moment, entry) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [
                    clientRef.rawValue, entry.key, entry.kind.rawValue, entry.moment.timeIntervalSince1970, try encoder.encode(entry),
                ])
        }
    }

    /// One list of the calendar: at most `limit` items, and how many there are in all.
    public struct CalendarPage: Sendable, Equatable {
        public var items: [(clientRef: ClientRef, entry: CalendarEntry)]
        public var total: Int

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.total == rhs.total && lhs.items.map(\.clientRef) == rhs.items.map(\.clientRef)
                && lhs.items.map(\.entry) == rhs.items.map(\.entry)
        }
    }

    /// The calendar's three lists as of `now`: overdue (meetings that ended without being held,
    /// follow-ups before today), oldest first; upcoming, soonest first; SIPs requested and not
    /// booked, oldest request first.
    public func calendar(now: Date, limit: Int = 500) throws -> (overdue: CalendarPage, upcoming: CalendarPage, unbooked: CalendarPage) {
        let today = StockholmTime.startOfDay(StockholmTime.date(of: now)).timeIntervalSince1970
        let decoder = JSONDecoder()
        return try pool.read { db in
            func page(_ condition: String, _ order: String, _ arguments: StatementArguments) throws -> CalendarPage {
                let rows = try Row.fetchAll(
                    db, sql: "SELECT clientRef, entry FROM calendar_entry WHERE \(condition) ORDER BY \(order), clientRef LIMIT ?",
                    arguments: arguments + [limit])
                let items = try rows.map { row in
                    (ClientRef(rawValue: row["clientRef"])!, try decoder.decode(CalendarEntry.self, from: row["entry"] as Data))
                }
                let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM calendar_entry WHERE \(condition)", arguments: arguments) ?? 0
                return CalendarPage(items: items, total: total)
            }
            // A meeting is overdue once its end passed. Meetings under way (started, not ended)
            // are upcoming; a meeting lasts less than a day, so they are among the last day's.
            let nowSeconds = now.timeIntervalSince1970
            let running = try page("kind = 'meeting' AND moment < ? AND moment >= ?", "moment", [nowSeconds, nowSeconds - 86_400])
                .items.filter { ($0.entry.end ?? $0.entry.moment) >= now }
            let runningKeys = Set(running.map { "\($0.clientRef.rawValue) \($0.entry.key)" })
            let meetingsBefore = try page("kind = 'meeting' AND moment < ?", "moment", [nowSeconds])
            let followUpsBefore = try page("kind = 'followUp' AND moment < ?", "moment", [today])
            let overdueMeetings = meetingsBefore.items.filter { !runningKeys.contains("\($0.clientRef.rawValue) \($0.entry.key)") }
            let overdue = CalendarPage(
                items: Array((overdueMeetings + followUpsBefore.items).sorted { Self.order($0, $1) }.prefix(limit)),
                total: meetingsBefore.total - running.count + followUpsBefore.total)
            let meetingsAfter = try page("kind = 'meeting' AND moment >= ?", "moment", [nowSeconds])
            let followUpsAfter = try page("kind = 'followUp' AND moment >= ?", "moment", [today])
            let upcoming = CalendarPage(
                items: Array((running + meetingsAfter.items + followUpsAfter.items).sorted { Self.order($0, $1) }.prefix(limit)),
                total: running.count + meetingsAfter.total + followUpsAfter.total)
            let unbooked = try page("kind = 'requested'", "moment", [])
            return (overdue, upcoming, unbooked)
        }
    }

    private static func order(_ a: (clientRef: ClientRef, entry: CalendarEntry), _ b: (clientRef: ClientRef, entry: CalendarEntry)) -> Bool
    {
        (a.entry.moment, a.clientRef.rawValue) < (b.entry.moment, b.clientRef.rawValue)
    }
}
