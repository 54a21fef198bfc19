import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamSip

@Suite("Working calendar") struct WorkingCalendarTests {
    let calendar = WorkingCalendar()

    @Test("default hours are 0800 to 1630 in Stockholm winter and summer") func defaultHoursAre0800To1630InStockholmWinterAndSummer() {
        #expect(calendar.workingPeriods(on: day("2026-01-14")) == [span("2026-01-14T07:00:00Z", "2026-01-14T15:30:00Z")])
        #expect(calendar.workingPeriods(on: day("2026-06-10")) == [span("2026-06-10T06:00:00Z", "2026-06-10T14:30:00Z")])
    }

    @Test("Across the last Sunday of March: Friday is CET, Monday is CEST")
    func springForward() {
        #expect(calendar.workingPeriods(on: day("2026-03-27")) == [span("2026-03-27T07:00:00Z", "2026-03-27T15:30:00Z")])
        #expect(calendar.workingPeriods(on: day("2026-03-29")).isEmpty)
        #expect(calendar.workingPeriods(on: day("2026-03-30")) == [span("2026-03-30T06:00:00Z", "2026-03-30T14:30:00Z")])
        // 2025: last Sunday of March is the 30th.
        #expect(calendar.workingPeriods(on: day("2025-03-28")).first?.start == utc("2025-03-28T07:00:00Z"))
        #expect(calendar.workingPeriods(on: day("2025-03-31")).first?.start == utc("2025-03-31T06:00:00Z"))
    }

    @Test("Across the last Sunday of October: Friday is CEST, Monday is CET")
    func fallBack() {
        #expect(calendar.workingPeriods(on: day("2026-10-23")) == [span("2026-10-23T06:00:00Z", "2026-10-23T14:30:00Z")])
        #expect(calendar.workingPeriods(on: day("2026-10-26")) == [span("2026-10-26T07:00:00Z", "2026-10-26T15:30:00Z")])
    }

    @Test("local date and time use Stockholm") func localDateAndTimeUseStockholm() {
        #expect(calendar.localDate(of: utc("2026-03-29T22:30:00Z")) == day("2026-03-30"))
        #expect(calendar.localDate(of: utc("2026-01-14T22:30:00Z")) == day("2026-01-14"))
        #expect(calendar.localTime(of: utc("2026-03-30T06:45:00Z")) == ClockTime(hour: 8, minute: 45))
        #expect(
            calendar.instant(day("2026-03-29"), ClockTime(hour: 2, minute: 30)!) == utc("2026-03-29T01:30:00Z"),
            "02:30 does not exist that night and moves forward to 03:30 CEST")
    }

    @Test("weekends and holidays have no working time") func weekendsAndHolidaysHaveNoWorkingTime() {
        #expect(calendar.nonWorkingReason(day("2026-04-03")) == .holiday(.langfredagen))
        #expect(calendar.nonWorkingReason(day("2026-04-04")) == .weekend)
        #expect(calendar.nonWorkingReason(day("2026-04-06")) == .holiday(.annandagPask))
        #expect(calendar.nonWorkingReason(day("2026-04-07")) == nil)
        #expect(calendar.nonWorkingReason(day("2026-06-19")) == .holiday(.midsommarafton))
        let legalOnly = WorkingCalendar(holidays: SwedishHolidays(deFactoNonWorking: []))
        #expect(legalOnly.isWorkingDay(day("2026-06-19")))
        // Thursday before Easter to Tuesday after: only Thursday and Tuesday.
        let periods = calendar.workingPeriods(from: utc("2026-04-02T00:00:00Z"), to: utc("2026-04-08T00:00:00Z"))
        #expect(periods == [span("2026-04-02T06:00:00Z", "2026-04-02T14:30:00Z"), span("2026-04-07T06:00:00Z", "2026-04-07T14:30:00Z")])
    }

    @Test("working periods are clipped to the range") func workingPeriodsAreClippedToTheRange() {
        let periods = calendar.workingPeriods(from: utc("2026-05-04T10:00:00Z"), to: utc("2026-05-05T07:00:00Z"))
        #expect(periods == [span("2026-05-04T10:00:00Z", "2026-05-04T14:30:00Z"), span("2026-05-05T06:00:00Z", "2026-05-05T07:00:00Z")])
    }

    @Test("configurable hours with lunch") func configurableHoursWithLunch() throws {
        let hours = try #require(
            WorkingHours(
                start: ClockTime(hour: 9)!, end: ClockTime(hour: 16)!,
                lunch: ClockPeriod(start: ClockTime(hour: 12)!, end: ClockTime(hour: 13)!)))
        let withLunch = WorkingCalendar(hours: hours)
        #expect(
            withLunch.workingPeriods(on: day("2026-05-04")) == [
                span("2026-05-04T07:00:00Z", "2026-05-04T10:00:00Z"), span("2026-05-04T11:00:00Z", "2026-05-04T14:00:00Z"),
            ])
        #expect(!withLunch.isWithinWorkingTime(span("2026-05-04T09:30:00Z", "2026-05-04T10:30:00Z")))
        #expect(withLunch.isWithinWorkingTime(span("2026-05-04T11:00:00Z", "2026-05-04T12:00:00Z")))
        #expect(WorkingHours(start: ClockTime(hour: 9)!, end: ClockTime(hour: 8)!) == nil)
        #expect(
            WorkingHours(
                start: ClockTime(hour: 9)!, end: ClockTime(hour: 12)!,
                lunch: ClockPeriod(start: ClockTime(hour: 11)!, end: ClockTime(hour: 13)!)) == nil)
        #expect(ClockTime(hour: 24, minute: 1) == nil)
    }

    @Test("align up to quarter hours of local time") func alignUpToQuarterHoursOfLocalTime() {
        #expect(calendar.alignUp(utc("2026-05-04T07:07:00Z"), step: 900) == utc("2026-05-04T07:15:00Z"))
        #expect(calendar.alignUp(utc("2026-05-04T07:15:00Z"), step: 900) == utc("2026-05-04T07:15:00Z"))
        #expect(calendar.alignUp(utc("2026-05-04T07:15:00Z").addingTimeInterval(0.5), step: 900) == utc("2026-05-04T07:30:00Z"))
        // Hour alignment is to local whole hours (CEST = UTC+2).
        #expect(calendar.alignUp(utc("2026-05-04T07:10:00Z"), step: 3600) == utc("2026-05-04T08:00:00Z"))
    }
}
