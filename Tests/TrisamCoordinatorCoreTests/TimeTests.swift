import Foundation
import Testing
import TrisamContracts
import TrisamTestSupport

@testable import TrisamCoordinatorCore

@Suite("Time") struct TimeTests {
    @Test("daylight saving transitions") func daylightSavingTransitions() {
        // Summer time starts 01:00 UTC on the last Sunday of March and ends 01:00 UTC on the last
        // Sunday of October.
        let starts: [(String, TimeInterval)] = [
            ("2025-03-30", 1_743_296_400), ("2026-03-29", 1_774_746_000), ("2027-03-28", 1_806_195_600),
        ]
        for (text, instant) in starts {
            #expect(StockholmTime.date(of: Date(timeIntervalSince1970: instant - 1)) == day(text))
            #expect(StockholmTime.startOfDay(day(text).adding(days: 1)) == Date(timeIntervalSince1970: instant + 22 * 3600 - 3600 * 1))
        }
        // 2026-10-25 01:00 UTC: 22:59:59 UTC the day before is 00:59:59 CEST on the 25th.
        #expect(StockholmTime.date(of: Date(timeIntervalSince1970: 1_792_882_799)) == day("2026-10-25"))
        #expect(StockholmTime.date(of: Date(timeIntervalSince1970: 1_792_882_800 - 3_601)) == day("2026-10-24"))
        #expect(StockholmTime.startOfDay(day("2026-10-26")) == Date(timeIntervalSince1970: 1_792_969_200)) // 25th 23:00 UTC
    }

    /// Compared with the system's time-zone database where it has one.
    @Test("Stockholm dates match the time zone database") func stockholmDatesMatchTheTimeZoneDatabase() throws {
        guard let zone = TimeZone(identifier: "Europe/Stockholm") else {
            Issue.record("no Europe/Stockholm in the time-zone database; daylightSavingTransitions covers the rules")
            return
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        // Every 37 minutes over three years, covering six daylight-saving transitions.
        var moment = Date(timeIntervalSince1970: 1_735_689_600) // 2025-01-01T00:00Z
        let end = moment.addingTimeInterval(3 * 365 * 86_400)
        while moment < end {
            let parts = calendar.dateComponents([.year, .month, .day], from: moment)
            let expected = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
            #expect(StockholmTime.date(of: moment) == expected, "\(moment)")
            moment.addTimeInterval(37 * 60)
        }
    }

    @Test("start of day is local midnight") func startOfDayIsLocalMidnight() throws {
        guard let zone = TimeZone(identifier: "Europe/Stockholm") else {
            Issue.record("no Europe/Stockholm in the time-zone database")
            return
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var date = day("2025-01-01")
        while date < day("2028-01-01") {
            let expected = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
            #expect(StockholmTime.startOfDay(date) == expected, "\(date)")
            date = date.adding(days: 1)
        }
        #expect(StockholmTime.startOfDay(day("2026-03-29")) == Date(timeIntervalSince1970: 1_774_738_800)) // 2026-03-28T23:00Z
        #expect(StockholmTime.startOfDay(day("2026-07-01")) == Date(timeIntervalSince1970: 1_782_856_800)) // 2026-06-30T22:00Z
    }

    @Test("next check is the exact moment the threshold passes") func nextCheckIsTheExactMomentTheThresholdPasses() throws {
        var s = Scenario()
        s.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard)))
        let next = try #require(s.evaluate("2026-03-02").nextCheck)
        #expect(next == midnight("2026-03-15"))
        #expect(s.evaluate(at: next.addingTimeInterval(-1)).findings.isEmpty)
        #expect(s.evaluate(at: next).findings.map(\.rule) == [RuleId.referralUnanswered])
        // Once fired, nothing later changes without an event.
        #expect(s.evaluate(at: next).nextCheck == nil)
    }

    @Test("next check across daylight saving time") func nextCheckAcrossDaylightSavingTime() throws {
        var s = Scenario()
        s.add(
            "r1", .kommun, "2026-03-20",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard,
                    answerBy: day("2026-03-28"))))
        let next = try #require(s.evaluate("2026-03-21").nextCheck)
        #expect(next == Date(timeIntervalSince1970: 1_774_738_800)) // 2026-03-29 00:00 CET
        #expect(!s.rules.evaluate(s.state, now: next.addingTimeInterval(-0.001)).findings.contains { $0.rule == RuleId.referralUnanswered })
        #expect(s.rules.evaluate(s.state, now: next).findings.contains { $0.rule == RuleId.referralUnanswered })
    }

    @Test("next check is the earliest of all rules") func nextCheckIsTheEarliestOfAllRules() throws {
        var s = Scenario()
        s.add("af1", .af, "2026-03-01", .afRegistered(AfRegistered(registeredOn: day("2026-03-01")))) // no-named-contact: 03-15
        s.add(
            "r1", .kommun, "2026-03-01",
            .referralSent(
                ReferralSent(
                    referralId: "ref1", from: .kommun, to: .region, reason: "Ohälsa", requestedMeasure: "Bedömning", area: .halsaVard,
                    answerBy: day("2026-03-09")))) // 03-10
        #expect(s.evaluate("2026-03-02").nextCheck == midnight("2026-03-10"))
        #expect(s.evaluate("2026-03-10").nextCheck == midnight("2026-03-15"))
        #expect(s.evaluate("2026-03-15").nextCheck == nil)
        #expect(s.evaluate("2026-03-15").findings.map(\.rule) == [RuleId.referralUnanswered, RuleId.noNamedContact])
    }

    @Test("dates at the edge of the contract range do not trap") func datesAtTheEdgeOfTheContractRangeDoNotTrap() {
        var s = Scenario()
        s.add(
            "b1", .kommun, "2026-01-01",
            .kommunBistandDecided(BistandDecided(decision: .granted, effectiveDate: day("2200-12-01"), month: month("2200-12"))))
        s.add(
            "b2", .kommun, "2026-01-01",
            .kommunForsorjningshinderReported(ForsorjningshinderReported(code: .sjukskrivenLakarintyg, month: month("2200-12"))))
        s.sickNote("s1", 100, "2200-12-01", "2200-12-31", on: "2026-01-01")
        s.add(
            "ae", .fk, "2026-01-01",
            .fkAktivitetsersattningGranted(
                AktivitetsersattningGranted(from: day("2200-01-01"), until: day("2200-12-31"), extentPercent: 100)))
        s.add("sgi", .fk, "2026-01-01", .fkSgiStatus(SgiStatusChanged(status: .ended, effectiveDate: day("2200-12-31"))))
        let state = s.state
        for moment in [at("2026-01-01"), at("2200-12-31"), Date(timeIntervalSince1970: 7_300_000_000)] {
            let evaluation = s.rules.evaluate(state, now: moment)
            if let next = evaluation.nextCheck { #expect(next > moment) }
        }
        #expect(
            StockholmTime.firstDay(monthIndex: 2201 * 12 + 1)
                == LocalDate(daysSinceEpoch: StockholmTime.daysFromCivil(year: 2201, month: 2, day: 1)))
        #expect(StockholmTime.firstDay(monthIndex: 2026 * 12 + 2) == day("2026-03-01"))
    }

    @Test("evaluation is fast enough for the service") func evaluationIsFastEnoughForTheService() {
        // Not a timing assertion: a smoke check that a rich state evaluates without blowing up.
        var s = Scenario()
        s.bistand(from: "2025-01", through: "2026-03")
        s.illHealth("k1", "2025-02-01")
        s.sickNote("s1", 100, "2026-01-01", "2026-04-30")
        let state = s.state
        var count = 0
        for offset in 0..<200 {
            count += s.rules.evaluate(state, now: at("2026-01-01").addingTimeInterval(Double(offset) * 86_400)).findings.count
        }
        #expect(count > 0)
    }
}
