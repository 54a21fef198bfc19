import TrisamContracts

/// A Swedish public holiday (helgdag, lag 1989:253) or a day that is not a helgdag by law but on
/// which agencies are closed by agreement (midsommarafton, julafton, nyårsafton).
public enum SwedishHoliday: String, CaseIterable, Sendable, Hashable {
    case nyarsdagen
    case trettondedagJul
    case langfredagen
    case paskdagen
    case annandagPask
    case forstaMaj
    case kristiHimmelsfardsdag
    case pingstdagen
    case nationaldagen
    case midsommarafton
    case midsommardagen
    case allaHelgonsDag
    case julafton
    case juldagen
    case annandagJul
    case nyarsafton

    /// The name staff read, in Swedish.
    public var swedishName: String {
        switch self {
        case .nyarsdagen: "nyårsdagen"
        case .trettondedagJul: "trettondedag jul"
        case .langfredagen: "långfredagen"
        case .paskdagen: "påskdagen"
        case .annandagPask: "annandag påsk"
        case .forstaMaj: "första maj"
        case .kristiHimmelsfardsdag: "Kristi himmelsfärdsdag"
        case .pingstdagen: "pingstdagen"
        case .nationaldagen: "Sveriges nationaldag"
        case .midsommarafton: "midsommarafton"
        case .midsommardagen: "midsommardagen"
        case .allaHelgonsDag: "alla helgons dag"
        case .julafton: "julafton"
        case .juldagen: "juldagen"
        case .annandagJul: "annandag jul"
        case .nyarsafton: "nyårsafton"
        }
    }

    /// True for the eves that are not helgdagar by law but non-working in practice
    /// (collective agreements, semesterlagen treats them like Sundays).
    public var isDeFacto: Bool {
        switch self {
        case .midsommarafton, .julafton, .nyarsafton: true
        default: false
        }
    }
}

/// One holiday on its date.
public struct HolidayDate: Sendable, Hashable, CustomStringConvertible {
    public let date: LocalDate
    public let holiday: SwedishHoliday

    public init(date: LocalDate, holiday: SwedishHoliday) {
        self.date = date
        self.holiday = holiday
    }

    public var description: String { "\(date) \(holiday.swedishName)" }
}

/// The Swedish public holidays of any year (1900–2200), with the de facto non-working eves
/// included or not as configured.
///
/// Pingstdagen is listed for completeness; it is always a Sunday.
public struct SwedishHolidays: Sendable, Hashable {
    /// The de facto non-working eves that count as holidays (by default all three:
    /// midsommarafton, julafton, nyårsafton). Non-eve members are ignored.
    public let deFactoNonWorking: Set<SwedishHoliday>

    /// - Parameter deFactoNonWorking: which of midsommarafton, julafton and nyårsafton are
    ///   treated as non-working days; defaults to all three.
    public init(deFactoNonWorking: Set<SwedishHoliday> = [.midsommarafton, .julafton, .nyarsafton]) {
        self.deFactoNonWorking = deFactoNonWorking.filter(\.isDeFacto)
    }

    /// Easter Sunday (påskdagen) of a Gregorian year, by the anonymous Gregorian computus
    /// (Meeus/Jones/Butcher). Nil outside the years ``LocalDate`` supports (1900–2200).
    public static func easterSunday(year: Int) -> LocalDate? {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)
    }

    /// The holidays of `year` in date order; empty outside 1900–2200.
    public func holidays(in year: Int) -> [HolidayDate] {
        guard let easter = Self.easterSunday(year: year),
            let jan1 = LocalDate(year: year, month: 1, day: 1)
        else { return [] }
        func date(_ month: Int, _ day: Int) -> LocalDate { LocalDate(year: year, month: month, day: day)! }
        /// The first date on or after `from` that falls on ISO weekday `weekday` (1 = Monday).
        func first(_ weekday: Int, onOrAfter from: LocalDate) -> LocalDate {
            from.adding(days: (weekday - from.isoWeekday + 7) % 7)
        }
        var all: [HolidayDate] = [
            HolidayDate(date: jan1, holiday: .nyarsdagen),
            HolidayDate(date: date(1, 6), holiday: .trettondedagJul),
            HolidayDate(date: easter.adding(days: -2), holiday: .langfredagen),
            HolidayDate(date: easter, holiday: .paskdagen),
            HolidayDate(date: easter.adding(days: 1), holiday: .annandagPask),
            HolidayDate(date: date(5, 1), holiday: .forstaMaj),
            HolidayDate(date: easter.adding(days: 39), holiday: .kristiHimmelsfardsdag),
            HolidayDate(date: easter.adding(days: 49), holiday: .pingstdagen),
            HolidayDate(date: date(6, 6), holiday: .nationaldagen),
            // Midsommardagen: the Saturday 20–26 June; the eve is the Friday before.
            HolidayDate(date: first(5, onOrAfter: date(6, 19)), holiday: .midsommarafton),
            HolidayDate(date: first(6, onOrAfter: date(6, 20)), holiday: .midsommardagen),
            // Alla helgons dag: the Saturday 31 October – 6 November.
            HolidayDate(date: first(6, onOrAfter: date(10, 31)), holiday: .allaHelgonsDag),
            HolidayDate(date: date(12, 24), holiday: .julafton),
            HolidayDate(date: date(12, 25), holiday: .juldagen),
            HolidayDate(date: date(12, 26), holiday: .annandagJul),
            HolidayDate(date: date(12, 31), holiday: .nyarsafton),
        ]
        all.removeAll { $0.holiday.isDeFacto && !deFactoNonWorking.contains($0.holiday) }
        return all.sorted { $0.date < $1.date }
    }

    /// The holiday on `date`, or nil for an ordinary day.
    public func holiday(on date: LocalDate) -> SwedishHoliday? {
        holidays(in: date.year).first { $0.date == date }?.holiday
    }

    /// Whether `date` is a holiday under this configuration.
    public func isHoliday(_ date: LocalDate) -> Bool { holiday(on: date) != nil }
}

extension LocalDate {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let offset = (daysSinceEpoch + 3) % 7
        return (offset < 0 ? offset + 7 : offset) + 1
    }

    /// Saturday or Sunday.
    public var isWeekend: Bool { isoWeekday >= 6 }
}
