import Foundation
import TrisamContracts

/// The Swedish texts every web front shares: login, logout, refused forms, missing pages, the
/// live update, and the one date and time format ("3 dec 2026", "09:05" in Stockholm time).
public enum WebSwedish {
    public static let loginMissing = "Inloggningsnyckel: fyll i din nyckel."
    public static let loginUnknown = "Inloggningsnyckel: okänd nyckel. Kontrollera att du har skrivit av den rätt."
    public static let pageFailed = "Sidan kunde inte visas."
    public static let notFoundTitle = "Sidan finns inte"
    public static let formExpiredTitle = "Formuläret har gått ut"
    public static let formExpired =
        "Formuläret kunde inte tas emot eftersom det inte hörde till din inloggning. Ladda om sidan och försök igen."

    /// "Det finns ingen sida med adressen ”/x”. …", ending with where to go back to.
    public static func notFound(_ path: String, backTo: String) -> String {
        "Det finns ingen sida med adressen ”\(path)”. Kontrollera adressen eller gå tillbaka till \(backTo)."
    }

    static let months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

    /// The Gregorian calendar in Europe/Stockholm.
    public static let stockholm: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm")!
        return calendar
    }()

    /// "3 dec 2026".
    public static func date(_ day: LocalDate) -> String { "\(day.day) \(months[day.month - 1]) \(day.year)" }

    /// The Stockholm date of a moment.
    public static func localDate(of moment: Date) -> LocalDate {
        let parts = stockholm.dateComponents([.year, .month, .day], from: moment)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// "09:05" in Stockholm time.
    public static func time(_ moment: Date) -> String {
        let parts = stockholm.dateComponents([.hour, .minute], from: moment)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// "3 dec 2026 09:05" in Stockholm time.
    public static func dateTime(_ moment: Date) -> String { "\(date(localDate(of: moment))) \(time(moment))" }

    /// The texts of the live update (`trisam.js`), with `{tid}` and `{antal}` to fill in.
    public struct LiveTexts: Sendable {
        public var fetched: String
        public var updated: String
        public var checked = "Uppdateras automatiskt. Senast kontrollerad {tid}."
        public var failed = "Kunde inte uppdatera just nu. Försöker igen om en stund."
        public var loggedOut = "Du är utloggad. Ladda om sidan för att logga in igen."
        public init(fetched: String, updated: String) {
            self.fetched = fetched
            self.updated = updated
        }
    }
}
