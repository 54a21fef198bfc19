import Foundation
import Testing
import TrisamContracts
import TrisamRandom
import TrisamTestSupport

@testable import TrisamSip

@Suite("Slot finder") struct SlotFinderTests {
    let finder = SlotFinder()
    let hour: TimeInterval = 3600

    func who(_ name: String, _ windows: DateInterval...) -> ParticipantAvailability {
        ParticipantAvailability(participant: name, windows: windows)
    }

    @Test("Friday afternoon is too short, the weekend is skipped, Monday 09:00 CEST after the DST change")
    func acrossWeekendAndDST() throws {
        let now = utc("2026-03-27T14:00:00Z") // Friday 15:00 CET
        let participants = [
            who("kommun", span("2026-03-27T14:00:00Z", "2026-03-27T19:00:00Z"), span("2026-03-30T07:00:00Z", "2026-03-30T10:00:00Z")),
            who("af", span("2026-03-27T15:00:00Z", "2026-03-30T10:00:00Z")),
        ]
        let result = try finder.earliestSlot(for: participants, duration: hour, now: now)
        #expect(result == .found(span("2026-03-30T07:00:00Z", "2026-03-30T08:00:00Z")))
        // A half-hour meeting still fits on Friday 16:00–16:30 CET.
        let short = try finder.earliestSlot(for: participants, duration: hour / 2, now: now)
        #expect(short == .found(span("2026-03-27T15:00:00Z", "2026-03-27T15:30:00Z")))
    }

    @Test("Långfredagen, the Easter weekend and annandag påsk are skipped")
    func acrossEaster() throws {
        let now = utc("2026-04-02T14:00:00Z") // Thursday 16:00 CEST
        let all = span("2026-04-02T13:00:00Z", "2026-04-07T15:00:00Z")
        let result = try finder.earliestSlot(for: [who("kommun", all), who("region", all), who("fk", all)], duration: hour, now: now)
        #expect(result == .found(span("2026-04-07T06:00:00Z", "2026-04-07T07:00:00Z")))
    }

    @Test("midsommarafton is skipped unless configured as working day") func midsommaraftonIsSkippedUnlessConfiguredAsWorkingDay() throws {
        let now = utc("2026-06-18T14:00:00Z")
        let all = [who("kommun", span("2026-06-18T13:00:00Z", "2026-06-22T15:00:00Z"))]
        #expect(try finder.earliestSlot(for: all, duration: hour, now: now) == .found(span("2026-06-22T06:00:00Z", "2026-06-22T07:00:00Z")))
        let legalOnly = SlotFinder(calendar: WorkingCalendar(holidays: SwedishHolidays(deFactoNonWorking: [])))
        #expect(
            try legalOnly.earliestSlot(for: all, duration: hour, now: now) == .found(span("2026-06-19T06:00:00Z", "2026-06-19T07:00:00Z")))
    }

    @Test("start is aligned to quarter hours after now") func startIsAlignedToQuarterHoursAfterNow() throws {
        let now = utc("2026-05-04T07:07:00Z") // Monday 09:07 CEST
        let day = span("2026-05-04T00:00:00Z", "2026-05-04T22:00:00Z")
        let result = try finder.earliestSlot(for: [who("kommun", day), who("af", day)], duration: 45 * 60, now: now)
        #expect(result == .found(span("2026-05-04T07:15:00Z", "2026-05-04T08:00:00Z")))
        let hourly = SlotFinder(alignment: hour)
        #expect(
            try hourly.earliestSlot(for: [who("kommun", day)], duration: 45 * 60, now: now)
                == .found(span("2026-05-04T08:00:00Z", "2026-05-04T08:45:00Z")))
    }

    @Test("not before later than now is respected") func notBeforeLaterThanNowIsRespected() throws {
        let now = utc("2026-05-04T07:00:00Z")
        let week = span("2026-05-04T00:00:00Z", "2026-05-08T22:00:00Z")
        let result = try finder.earliestSlot(
            for: [who("kommun", week)], duration: hour,
            notBefore: utc("2026-05-06T13:50:00Z"), now: now)
        #expect(result == .found(span("2026-05-07T06:00:00Z", "2026-05-07T07:00:00Z")), "16:00 + 1 h exceeds 16:30 on Wednesday")
    }

    @Test("meetings do not span lunch") func meetingsDoNotSpanLunch() throws {
        let hours = WorkingHours(
            start: ClockTime(hour: 8)!, end: ClockTime(hour: 16, minute: 30)!,
            lunch: ClockPeriod(start: ClockTime(hour: 12)!, end: ClockTime(hour: 13)!))!
        let lunchFinder = SlotFinder(calendar: WorkingCalendar(hours: hours))
        let now = utc("2026-05-05T00:00:00Z")
        let window = [who("region", span("2026-05-05T09:30:00Z", "2026-05-05T12:30:00Z"))] // 11:30–14:30 CEST
        #expect(
            try lunchFinder.earliestSlot(for: window, duration: 90 * 60, now: now)
                == .found(span("2026-05-05T11:00:00Z", "2026-05-05T12:30:00Z")))
        #expect(
            try finder.earliestSlot(for: window, duration: 90 * 60, now: now)
                == .found(span("2026-05-05T09:30:00Z", "2026-05-05T11:00:00Z")))
    }

    @Test("touching and overlapping windows are one stretch") func touchingAndOverlappingWindowsAreOneStretch() throws {
        let now = utc("2026-05-04T00:00:00Z")
        let pieces = who(
            "fk", span("2026-05-04T08:00:00Z", "2026-05-04T09:00:00Z"), span("2026-05-04T07:00:00Z", "2026-05-04T08:00:00Z"),
            span("2026-05-04T08:30:00Z", "2026-05-04T09:30:00Z"))
        #expect(
            try finder.earliestSlot(for: [pieces], duration: 2.5 * hour, now: now)
                == .found(span("2026-05-04T07:00:00Z", "2026-05-04T09:30:00Z")))
    }

    @Test("scheduling in the past is refused") func schedulingInThePastIsRefused() {
        let now = utc("2026-05-04T07:00:00Z")
        let window = [who("kommun", span("2026-05-04T00:00:00Z", "2026-05-04T22:00:00Z"))]
        #expect {
            try finder.earliestSlot(for: window, duration: hour, notBefore: utc("2026-05-04T06:59:00Z"), now: now)
        } throws: { error in
            let refusal = error as! SchedulingRefusal
            return refusal.kind == .inThePast && refusal.field == "notBefore" && refusal.reason.contains("before now")
        }
        #expect {
            try finder.checkMeetingTime(span("2026-05-04T06:45:00Z", "2026-05-04T07:45:00Z"), now: now)
        } throws: { error in
            (error as! SchedulingRefusal).kind == .inThePast && (error as! SchedulingRefusal).field == "start"
        }
    }

    @Test("windows only in the past block that participant") func windowsOnlyInThePastBlockThatParticipant() throws {
        let now = utc("2026-05-06T07:00:00Z")
        let result = try finder.earliestSlot(
            for: [
                who("kommun", span("2026-05-06T00:00:00Z", "2026-05-08T22:00:00Z")),
                who("af", span("2026-05-05T07:00:00Z", "2026-05-05T10:00:00Z"), span("2026-05-06T06:00:00Z", "2026-05-06T07:30:00Z")),
            ], duration: hour, now: now)
        guard case .noCommonTime(let why) = result else {
            Issue.record("expected no common time, got \(result)")
            return
        }
        #expect(why.cause == .noUsableTime)
        #expect(why.blocking == ["af"])
        #expect(why.searchedFrom == now && why.searchedUntil == utc("2026-05-08T22:00:00Z"))
        #expect(why.swedishDescription == "Ingen tillräckligt lång tid inom arbetstid för: af.")
    }

    @Test("no common time names who blocks") func noCommonTimeNamesWhoBlocks() throws {
        let now = utc("2026-05-01T00:00:00Z")
        let monday = span("2026-05-04T07:00:00Z", "2026-05-04T09:00:00Z")
        let tuesday = span("2026-05-05T07:00:00Z", "2026-05-05T09:00:00Z")
        let wednesday = span("2026-05-06T07:00:00Z", "2026-05-06T09:00:00Z")
        let saturday = span("2026-05-02T07:00:00Z", "2026-05-02T12:00:00Z")

        // C can both days; A only Monday, B only Tuesday: without A or without B it works.
        let conflict = try finder.earliestSlot(
            for: [who("C", monday, tuesday), who("A", monday), who("B", tuesday)], duration: hour, now: now)
        #expect(
            conflict == .noCommonTime(NoCommonTime(cause: .conflict, blocking: ["A", "B"], searchedFrom: now, searchedUntil: tuesday.end)))

        // Three different days: leaving out anyone does not help.
        let noOverlap = try finder.earliestSlot(for: [who("A", monday), who("B", tuesday), who("C", wednesday)], duration: hour, now: now)
        #expect(
            noOverlap
                == .noCommonTime(
                    NoCommonTime(cause: .noOverlap, blocking: ["A", "B", "C"], searchedFrom: now, searchedUntil: wednesday.end)))

        // Only a Saturday, or only half an hour: no usable time on their own.
        let unusable = try finder.earliestSlot(
            for: [
                who("A", monday), who("D", saturday), who("E", span("2026-05-04T07:00:00Z", "2026-05-04T07:30:00Z")),
            ], duration: hour, now: now)
        guard case .noCommonTime(let why) = unusable else {
            Issue.record("expected no common time")
            return
        }
        #expect(why.cause == .noUsableTime && why.blocking == ["D", "E"])
        #expect(why.description == "no time long enough within working hours for: D, E")
    }

    @Test("malformed requests are refused naming the field") func malformedRequestsAreRefusedNamingTheField() {
        let now = utc("2026-05-04T07:00:00Z")
        let ok = who("kommun", span("2026-05-04T07:00:00Z", "2026-05-04T09:00:00Z"))
        func refusal(_ body: () throws(SchedulingRefusal) -> SlotSearchResult) -> SchedulingRefusal? {
            do {
                _ = try body()
                return nil
            } catch { return error }
        }
        #expect(
            refusal { () throws(SchedulingRefusal) in try finder.earliestSlot(for: [], duration: hour, now: now) }?.field == "participants")
        #expect(
            refusal { () throws(SchedulingRefusal) in try finder.earliestSlot(for: [ok], duration: 0, now: now) }?.kind == .invalidDuration)
        #expect(
            refusal { () throws(SchedulingRefusal) in try finder.earliestSlot(for: [ok], duration: 13 * hour, now: now) }?.field
                == "duration")
        #expect(
            refusal { () throws(SchedulingRefusal) in try finder.earliestSlot(for: [ok, ok], duration: hour, now: now) }
                == SchedulingRefusal(
                    .duplicateParticipant, field: "participants[1].participant", reason: "\"kommun\" is listed more than once"))
        let empty = who("af", span("2026-05-04T07:00:00Z", "2026-05-04T07:00:00Z"))
        #expect(
            refusal { () throws(SchedulingRefusal) in try finder.earliestSlot(for: [ok, empty], duration: hour, now: now) }?.field
                == "participants[1].windows[0]")
        #expect(
            refusal { () throws(SchedulingRefusal) in try SlotFinder(alignment: 90).earliestSlot(for: [ok], duration: hour, now: now) }?
                .kind == .invalidAlignment)
    }

    @Test("staff chosen times are checked") func staffChosenTimesAreChecked() throws {
        let now = utc("2026-04-01T07:00:00Z")
        try finder.checkMeetingTime(span("2026-04-07T06:00:00Z", "2026-04-07T07:00:00Z"), now: now)
        func refusal(_ meeting: DateInterval) -> SchedulingRefusal? {
            do {
                try finder.checkMeetingTime(meeting, now: now)
                return nil
            } catch { return error }
        }
        let holiday = refusal(span("2026-04-03T08:00:00Z", "2026-04-03T09:00:00Z"))
        #expect(holiday?.kind == .nonWorkingDay)
        #expect(holiday?.reason == "2026-04-03 is a public holiday (långfredagen), not a working day")
        #expect(refusal(span("2026-04-04T08:00:00Z", "2026-04-04T09:00:00Z"))?.reason == "2026-04-04 is a weekend day, not a working day")
        let late = refusal(span("2026-04-07T14:00:00Z", "2026-04-07T15:00:00Z"))
        #expect(late?.kind == .outsideWorkingHours)
        #expect(late?.reason == "the meeting must lie within working hours 08:00–16:30 Europe/Stockholm")
    }

    @Test("unavailable participants for a chosen time") func unavailableParticipantsForAChosenTime() {
        let meeting = span("2026-05-04T08:00:00Z", "2026-05-04T09:00:00Z")
        let names = finder.unavailableParticipants(
            for: meeting,
            among: [
                who("kommun", span("2026-05-04T07:00:00Z", "2026-05-04T08:30:00Z"), span("2026-05-04T08:30:00Z", "2026-05-04T09:00:00Z")),
                who("af", span("2026-05-04T07:00:00Z", "2026-05-04T08:30:00Z")),
            ])
        #expect(names == ["af"])
    }

    @Test("availability from answered events and the horizon") func availabilityFromAnsweredEventsAndTheHorizon() throws {
        let now = utc("2026-05-04T06:00:00Z")
        let answered = ParticipantAvailability(
            participant: "fk",
            slots: [
                TimeSlot(start: utc("2026-05-05T07:00:00Z"), end: utc("2026-05-05T09:00:00Z")),
                TimeSlot(start: utc("2026-05-04T12:00:00Z"), end: utc("2026-05-04T13:00:00Z")),
            ])
        #expect(
            try finder.earliestSlot(for: [answered], duration: hour, now: now)
                == .found(span("2026-05-04T12:00:00Z", "2026-05-04T13:00:00Z")))
        // A one-day horizon does not reach Tuesday.
        let shortSighted = SlotFinder(horizon: 86_400)
        let tuesdayOnly = ParticipantAvailability(
            participant: "fk", slots: [TimeSlot(start: utc("2026-05-05T07:00:00Z"), end: utc("2026-05-05T09:00:00Z"))])
        let result = try shortSighted.earliestSlot(for: [tuesdayOnly], duration: hour, now: now)
        #expect(
            result
                == .noCommonTime(
                    NoCommonTime(cause: .noUsableTime, blocking: ["fk"], searchedFrom: now, searchedUntil: utc("2026-05-05T06:00:00Z"))))
        #expect(
            try finder.earliestSlot(for: [tuesdayOnly], duration: hour, now: now)
                == .found(span("2026-05-05T07:00:00Z", "2026-05-05T08:00:00Z")))
    }

    /// The finder agrees with a naive minute-by-minute scan on random availability.
    @Test("agrees with naive scan on random input") func agreesWithNaiveScanOnRandomInput() throws {
        var random = SplitMix64(seed: 20_261_124)
        let calendar = WorkingCalendar()
        var found = 0
        var notFound = 0
        for _ in 0..<150 {
            // Days from late March (DST change) into Easter and May.
            let base = utc("2026-03-26T00:00:00Z").addingTimeInterval(TimeInterval(random.next(below: 40)) * 86_400)
            let now = base.addingTimeInterval(TimeInterval(random.next(below: 24 * 60)) * 60)
            let participants = (0..<(1 + random.next(below: 3))).map { index in
                ParticipantAvailability(
                    participant: "p\(index)",
                    windows: (0..<(1 + random.next(below: 6))).map { _ in
                        // Mostly daytime windows over four days, some starting off the quarter hour.
                        let start = base.addingTimeInterval(
                            TimeInterval(random.next(below: 4)) * 86_400 + 4 * 3600
                                + TimeInterval(random.next(below: 13 * 4)) * 900 + TimeInterval(random.next(below: 3)) * 300)
                        return DateInterval(start: start, duration: TimeInterval(1 + random.next(below: 40)) * 900)
                    })
            }
            let duration = TimeInterval(1 + random.next(below: 6)) * 900
            let result = try finder.earliestSlot(for: participants, duration: duration, now: now)
            let expected = naiveEarliest(participants, duration: duration, now: now, calendar: calendar)
            switch result {
            case .found(let slot):
                found += 1
                #expect(slot.start == expected, "now \(now), \(participants)")
            case .noCommonTime:
                notFound += 1
                #expect(expected == nil, "now \(now), \(participants)")
            }
        }
        #expect(found > 30 && notFound > 10, "both outcomes exercised: \(found) found, \(notFound) not")
    }

    /// Every quarter hour from now, every minute of the meeting checked against every window.
    func naiveEarliest(_ participants: [ParticipantAvailability], duration: TimeInterval, now: Date, calendar: WorkingCalendar) -> Date? {
        let last = participants.flatMap(\.windows).map(\.end).max()!
        var candidate = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 900).rounded(.up) * 900)
        while candidate.addingTimeInterval(duration) <= last {
            let meeting = DateInterval(start: candidate, duration: duration)
            if calendar.isWithinWorkingTime(meeting),
                participants.allSatisfy({ participant in
                    stride(from: 0, to: duration, by: 60).allSatisfy { offset in
                        let minute = candidate.addingTimeInterval(offset)
                        return participant.windows.contains { $0.start <= minute && minute.addingTimeInterval(60) <= $0.end }
                    }
                })
            {
                return candidate
            }
            candidate.addTimeInterval(900)
        }
        return nil
    }
}

/// A small deterministic generator, so a failure reproduces: the package's one seeded generator.
struct SplitMix64 {
    var random: SeededRandom
    init(seed: UInt64) { random = SeededRandom(seed: seed) }
    mutating func nextRaw() -> UInt64 { random.next() }
    mutating func next(below bound: Int) -> Int { Int(nextRaw() % UInt64(bound)) }
}
