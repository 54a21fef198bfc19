import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamSip

@Suite("Swedish holidays") struct SwedishHolidaysTests {
    @Test(
        "Easter Sunday by the Gregorian computus matches known dates",
        arguments: [
            (1900, "1900-04-15"), (1913, "1913-03-23"), (1943, "1943-04-25"), (2000, "2000-04-23"),
            (2008, "2008-03-23"), (2011, "2011-04-24"), (2019, "2019-04-21"), (2024, "2024-03-31"),
            (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"), (2038, "2038-04-25"),
            (2100, "2100-03-28"), (2200, "2200-04-06"),
        ])
    func easter(year: Int, expected: String) {
        #expect(SwedishHolidays.easterSunday(year: year) == day(expected))
    }

    @Test("Easter outside supported years is nil") func easterOutsideSupportedYearsIsNil() {
        #expect(SwedishHolidays.easterSunday(year: 1899) == nil)
        #expect(SwedishHolidays().holidays(in: 2201).isEmpty)
    }

    @Test(
        "Every holiday of 2025, 2026 and 2027 on its known date",
        arguments: [
            (
                2025,
                [
                    "2025-01-01 nyårsdagen", "2025-01-06 trettondedag jul", "2025-04-18 långfredagen",
                    "2025-04-20 påskdagen", "2025-04-21 annandag påsk", "2025-05-01 första maj",
                    "2025-05-29 Kristi himmelsfärdsdag", "2025-06-06 Sveriges nationaldag", "2025-06-08 pingstdagen",
                    "2025-06-20 midsommarafton", "2025-06-21 midsommardagen", "2025-11-01 alla helgons dag",
                    "2025-12-24 julafton", "2025-12-25 juldagen", "2025-12-26 annandag jul", "2025-12-31 nyårsafton",
                ]
            ),
            (
                2026,
                [
                    "2026-01-01 nyårsdagen", "2026-01-06 trettondedag jul", "2026-04-03 långfredagen",
                    "2026-04-05 påskdagen", "2026-04-06 annandag påsk", "2026-05-01 första maj",
                    "2026-05-14 Kristi himmelsfärdsdag", "2026-05-24 pingstdagen", "2026-06-06 Sveriges nationaldag",
                    "2026-06-19 midsommarafton", "2026-06-20 midsommardagen", "2026-10-31 alla helgons dag",
                    "2026-12-24 julafton", "2026-12-25 juldagen", "2026-12-26 annandag jul", "2026-12-31 nyårsafton",
                ]
            ),
            (
                2027,
                [
                    "2027-01-01 nyårsdagen", "2027-01-06 trettondedag jul", "2027-03-26 långfredagen",
                    "2027-03-28 påskdagen", "2027-03-29 annandag påsk", "2027-05-01 första maj",
                    "2027-05-06 Kristi himmelsfärdsdag", "2027-05-16 pingstdagen", "2027-06-06 Sveriges nationaldag",
                    "2027-06-25 midsommarafton", "2027-06-26 midsommardagen", "2027-11-06 alla helgons dag",
                    "2027-12-24 julafton", "2027-12-25 juldagen", "2027-12-26 annandag jul", "2027-12-31 nyårsafton",
                ]
            ),
        ])
    func holidaysOfYear(year: Int, expected: [String]) {
        #expect(SwedishHolidays().holidays(in: year).map(\.description) == expected)
    }

    @Test("midsommar and alla helgon fall on the right weekdays") func midsommarAndAllaHelgonFallOnTheRightWeekdays() {
        let holidays = SwedishHolidays()
        for year in 1900...2200 {
            let list = holidays.holidays(in: year)
            func date(_ holiday: SwedishHoliday) -> LocalDate { list.first { $0.holiday == holiday }!.date }
            let eve = date(.midsommarafton)
            let midsummer = date(.midsommardagen)
            let allSaints = date(.allaHelgonsDag)
            #expect(eve.isoWeekday == 5 && eve.month == 6 && (19...25).contains(eve.day), "\(year)")
            #expect(midsummer == eve.adding(days: 1), "\(year)")
            #expect(allSaints.isoWeekday == 6, "\(year)")
            #expect((allSaints.month == 10 && allSaints.day == 31) || (allSaints.month == 11 && allSaints.day <= 6), "\(year)")
            #expect(date(.paskdagen).isoWeekday == 7, "\(year)")
            #expect(date(.langfredagen).isoWeekday == 5 && date(.kristiHimmelsfardsdag).isoWeekday == 4, "\(year)")
        }
    }

    @Test("de facto eves are configurable") func deFactoEvesAreConfigurable() {
        let legalOnly = SwedishHolidays(deFactoNonWorking: [])
        #expect(legalOnly.holiday(on: day("2026-06-19")) == nil)
        #expect(legalOnly.holiday(on: day("2026-12-24")) == nil)
        #expect(legalOnly.holiday(on: day("2026-12-31")) == nil)
        #expect(legalOnly.holiday(on: day("2026-12-25")) == .juldagen)
        #expect(legalOnly.holidays(in: 2026).count == 13)

        let onlyMidsummer = SwedishHolidays(deFactoNonWorking: [.midsommarafton, .juldagen])
        #expect(onlyMidsummer.deFactoNonWorking == [.midsommarafton], "non-eves are not configurable")
        #expect(onlyMidsummer.isHoliday(day("2026-06-19")))
        #expect(!onlyMidsummer.isHoliday(day("2026-12-24")))
        #expect(SwedishHolidays().isHoliday(day("2026-12-24")))
        #expect(!SwedishHolidays().isHoliday(day("2026-04-07")))
    }

    @Test("iso weekday") func isoWeekday() {
        #expect(day("1970-01-01").isoWeekday == 4)
        #expect(day("2026-11-24").isoWeekday == 2)
        #expect(day("1969-12-28").isoWeekday == 7)
        #expect(day("2026-03-29").isWeekend && !day("2026-03-30").isWeekend)
    }
}
