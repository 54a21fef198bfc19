import Foundation
import TrisamContracts

/// Small event histories that must raise a known flag, for the benchmark's latency measurement
/// and for tests. Dates are relative to `today` (the coordinator's clock), times are 09:00 UTC.
public enum FlagScenarios {
    /// The calendar day of `date` in UTC (the scenarios use 09:00 UTC, the same day in Stockholm).
    public static func day(of date: Date) -> LocalDate {
        LocalDate(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    static func time(_ day: LocalDate, minute: Int = 0) -> Date {
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 9 * 3600 + Double(minute) * 60)
    }

    /// Grey zone (rule `grey-zone`, 002:L83): on bistånd, sick-listed full time, FK denies
    /// sjukpenning for lack of SGI, not registered at AF. The LAST event (the FK refusal)
    /// completes the condition; the flag's evidence includes it.
    public static func greyZone(ref: ClientRef, idPrefix: String, today: LocalDate = day(of: Date())) -> [EventEnvelope] {
        let month = YearMonth(year: today.year, month: today.month)!
        let first = LocalDate(year: today.year, month: today.month, day: 1)!
        return [
            EventEnvelope(
                id: "\(idPrefix)-bistand", source: .agency(.kommun), time: time(first), subject: ref,
                event: .kommunBistandDecided(BistandDecided(decision: .granted, effectiveDate: first, month: month))),
            EventEnvelope(
                id: "\(idPrefix)-sicknote", source: .agency(.region), time: time(first, minute: 1), subject: ref,
                event: .regionSickNoteIssued(
                    SickNoteIssued(
                        sickNoteId: "\(idPrefix)-s", extentPercent: 100, from: first,
                        until: today.adding(days: 60), renewal: false))),
            EventEnvelope(
                id: "\(idPrefix)-nosgi", source: .agency(.fk), time: time(first, minute: 2), subject: ref,
                event: .fkSjukpenningDecided(SjukpenningDecided(decision: .noSgi, effectiveDate: first))),
        ]
    }

    /// The event that takes a grey-zone person out of the grey zone: AF registers them.
    public static func greyZoneResolution(ref: ClientRef, idPrefix: String, today: LocalDate = day(of: Date())) -> EventEnvelope {
        EventEnvelope(
            id: "\(idPrefix)-afreg", source: .agency(.af), time: time(today), subject: ref,
            event: .afRegistered(AfRegistered(registeredOn: today)))
    }
}
