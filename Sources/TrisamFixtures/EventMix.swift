import Foundation
import TrisamContracts
import TrisamRandom

/// A deterministic generator of realistic event histories for people on försörjningsstöd, with
/// the distributions of DOMAIN.md ("Numbers for realistic data"): 42 % registered at AF,
/// sick note full time 28 % / part time 8 %, measure none 52 % / municipal 28 % / AF 22 %,
/// Lekeberg's försörjningshinder mix, about 2.25 arbetshinder per person, 14 % long-term bistånd.
/// Used by the benchmark and by tests that need many people.
public struct EventMix: Sendable {
    public let seed: UInt64
    /// The first day of the simulated history.
    public let start: LocalDate

    public init(seed: UInt64 = 42, start: LocalDate = LocalDate(year: 2026, month: 1, day: 5)!) {
        self.seed = seed
        self.start = start
    }

    /// The pseudonym of simulated person `index` (stable for a seed).
    public func clientRef(_ index: Int) -> ClientRef {
        var random = SeededRandom(seed: seed ^ (UInt64(index) &* 0x2545_F491_4F6C_DD1D))
        return ClientRef(rawValue: String(format: "%016llx%016llx", random.next(), random.next()))!
    }

    /// Person `index`'s history in time order (ids deterministic: `b<seed>-<index>-<n>`).
    public func history(of index: Int) -> [EventEnvelope] {
        var random = SeededRandom(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let ref = clientRef(index)
        var events: [EventEnvelope] = []
        var day = start.adding(days: Int(random.next() % 60))
        func add(_ agency: Agency, _ event: TrisamEvent, after days: Int = 1) {
            day = day.adding(days: days)
            let time = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 8 * 3600 + Double(events.count) * 60)
            events.append(
                EventEnvelope(
                    id: "b\(seed)-\(index)-\(events.count)", source: .agency(agency), time: time,
                    subject: ref, event: event))
        }
        let contact = Contact(name: "Handläggare \(index % 50)", role: "handläggare")
        add(.kommun, .caseOpened(CaseOpened(area: .forsorjning, contact: contact, openedOn: day)), after: 0)
        if random.chance(0.6) {
            add(
                .kommun,
                .consentGiven(
                    ConsentGiven(
                        consentId: "c\(index)", purpose: .samordning, agencies: Agency.allCases,
                        validUntil: day.adding(days: 365), givenOn: day)))
        }
        // Months on bistånd: 14 % long-term (10–12), the rest 1–6.
        let months = random.chance(0.14) ? 10 + Int(random.next() % 3) : 1 + Int(random.next() % 6)
        let firstMonth = YearMonth(year: day.year, month: day.month)!
        add(.kommun, .kommunBistandDecided(BistandDecided(decision: .granted, effectiveDate: day, month: firstMonth)))
        let code = Self.pick(
            &random,
            [
                (.arbetslos, 26), (.arbetshinderSocialaSkal, 24), (.arbetslosEtableringsersattning, 7),
                (.sjukskrivenLakarintyg, 6), (.ensamkommandeUngdom, 3), (.foraldraledig, 1),
                (.deltidOfrivilligt, 1),
            ] as [(Forsorjningshinder, Int)])
        add(.kommun, .kommunForsorjningshinderReported(ForsorjningshinderReported(code: code, month: firstMonth)))
        let barrierCount = Int(random.next() % 4) + (random.chance(0.25) ? 1 : 0)
        if barrierCount > 0 {
            var barriers = Set<Arbetshinder>()
            while barriers.count < barrierCount {
                barriers.insert(
                    Self.pick(
                        &random,
                        [
                            (.psykiskOhalsa, 28), (.fysiskOhalsa, 26), (.sprakhinder, 23),
                            (.bristandeArbetslivserfarenhet, 17), (.funktionsvariation, 15),
                            (.lagUtbildningsniva, 10), (.missbruk, 5), (.annat, 5),
                        ] as [(Arbetshinder, Int)]))
            }
            add(
                .kommun,
                .kommunArbetshinderAssessed(ArbetshinderAssessed(barriers: barriers.sorted { $0.rawValue < $1.rawValue }, assessedOn: day)))
        }
        if random.chance(0.42) {
            add(.af, .afRegistered(AfRegistered(registeredOn: day)))
        }
        let measure = random.next() % 100
        if measure < 28 {
            add(
                .kommun,
                .kommunMeasureStarted(
                    MunicipalMeasureStarted(
                        measureId: "m\(index)", measure: .arbetsmarknadsenhet,
                        startDate: day, extentPercent: 50)))
        } else if measure < 50 {
            add(
                .af,
                .afProgrammeStarted(
                    AfProgrammeStarted(
                        programmeId: "p\(index)", programme: .rustaOchMatcha,
                        startDate: day, extentPercent: 50)))
        }
        let sick = random.next() % 100
        if sick < 36 {
            add(
                .region,
                .regionSickNoteIssued(
                    SickNoteIssued(
                        sickNoteId: "s\(index)", extentPercent: sick < 28 ? 100 : 50,
                        from: day, until: day.adding(days: 30 + Int(random.next() % 60)),
                        renewal: false)))
            let fk = random.next() % 100
            if fk < 40 {
                add(
                    .fk,
                    .fkSjukpenningDecided(SjukpenningDecided(decision: .granted, effectiveDate: day, extentPercent: sick < 28 ? 100 : 50)))
            } else if fk < 75 {
                add(.fk, .fkSgiStatus(SgiStatusChanged(status: .lacking, effectiveDate: day)))
            }
        }
        if random.chance(0.2) {
            let to: Agency = random.chance(0.5) ? .region : .af
            add(
                .kommun,
                .referralSent(
                    ReferralSent(
                        referralId: "r\(index)", from: .kommun, to: to, reason: "Behöver stöd",
                        requestedMeasure: "Bedömning", area: to == .region ? .halsaVard : .arbeteAktivitet)))
            if random.chance(0.6) {
                add(
                    to,
                    .referralAccepted(
                        ReferralAccepted(
                            referralId: "r\(index)", from: .kommun, to: to,
                            contact: Contact(name: "Mottagare \(index % 30)"))), after: Int(random.next() % 20))
            }
        }
        for month in 1..<months {
            var ym = firstMonth
            for _ in 0..<month {
                ym = ym.month == 12 ? YearMonth(year: ym.year + 1, month: 1)! : YearMonth(year: ym.year, month: ym.month + 1)!
            }
            let first = LocalDate(year: ym.year, month: ym.month, day: 1)!
            if first > day { day = first }
            add(.kommun, .kommunBistandDecided(BistandDecided(decision: .granted, effectiveDate: day, month: ym)), after: 0)
        }
        return events
    }

    private static func pick<T>(_ random: inout SeededRandom, _ weighted: [(T, Int)]) -> T {
        let total = weighted.reduce(0) { $0 + $1.1 }
        var roll = Int(random.next() % UInt64(total))
        for (value, weight) in weighted {
            if roll < weight { return value }
            roll -= weight
        }
        return weighted[0].0
    }
}
