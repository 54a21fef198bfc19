import Foundation
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore

/// Open flags per day over a window, counted from when each gap began until it was resolved.
public enum FlagTrend {
    /// Flags resolved within this long after being raised are left out: they were passing
    /// states while the coordinator caught up with a burst of events (for instance the events of
    /// one person arriving one after another), not people stuck between agencies.
    public static let transient: TimeInterval = CoordinatorStore.transientFlagSeconds

    /// For each day, the flags open at the end of that day (Stockholm time): the condition had
    /// begun (`since`) and the flag was not yet resolved. Transient flags are not counted.
    public static func daily(_ spans: [FlagSpan], days: [LocalDate], where include: (FlagSpan) -> Bool = { _ in true }) -> [Int] {
        let lasting = spans.filter { span in
            span.resolvedAt.map { $0.timeIntervalSince(span.raisedAt) >= transient } ?? true
        }
        return days.map { day in
            let end = StockholmTime.startOfDay(day.adding(days: 1))
            return lasting.filter { span in
                include(span) && span.since < end && (span.resolvedAt.map { $0 >= end } ?? true)
            }.count
        }
    }

    /// The same from the store's counts by day (``CoordinatorStore/flagTrend(from:)``), which
    /// leave transient flags out already; `highOnly` counts the flags of high severity.
    public static func daily(_ counts: [FlagTrendCount], days: [LocalDate], highOnly: Bool = false) -> [Int] {
        days.map { day in
            counts.reduce(0) { sum, cell in
                (!highOnly || cell.high) && cell.sinceDay <= day && (cell.endDay.map { $0 > day } ?? true) ? sum + cell.count : sum
            }
        }
    }

    /// The `count` days ending today.
    public static func window(endingOn today: LocalDate, count: Int) -> [LocalDate] {
        (0..<count).map { today.adding(days: $0 - count + 1) }
    }
}

/// How long referrals waited for an answer: answered ones by answer time, unanswered by age.
public struct ReferralTimes: Sendable, Equatable {
    public static let buckets = Swedish.referralBuckets

    public struct PerAgency: Sendable, Equatable {
        public var agency: String
        public var answered: Int
        /// Median days to answer; nil without answers.
        public var medianDays: Int?
        public var medianText: String
        public var waiting: Int
        public var oldestWaitingDays: Int?
        public var oldestText: String
    }

    /// Answered referrals per bucket of days to answer.
    public var answered: [Int]
    /// Unanswered referrals per bucket of days waited so far.
    public var waiting: [Int]
    public var perAgency: [PerAgency]

    public static func bucket(_ days: Int) -> Int {
        switch days {
        case ..<4: 0
        case 4...7: 1
        case 8...14: 2
        case 15...30: 3
        default: 4
        }
    }

    public init(states: [PersonState], today: LocalDate) {
        answered = Array(repeating: 0, count: Self.buckets.count)
        waiting = answered
        var answerDays: [Agency: [Int]] = [:]
        var waitingDays: [Agency: [Int]] = [:]
        for referral in states.flatMap(\.referrals) {
            if let answer = referral.answered, referral.status != .sent {
                let days = max(0, Swedish.daysBetween(referral.sent.on, answer.on))
                answered[Self.bucket(days)] += 1
                answerDays[referral.to, default: []].append(days)
            } else {
                let days = max(0, Swedish.daysBetween(referral.sent.on, today))
                waiting[Self.bucket(days)] += 1
                waitingDays[referral.to, default: []].append(days)
            }
        }
        perAgency = Agency.allCases.map { agency in
            let answers = (answerDays[agency] ?? []).sorted()
            let waits = waitingDays[agency] ?? []
            let median = answers.isEmpty ? nil : answers[answers.count / 2]
            let oldest = waits.max()
            return PerAgency(
                agency: agency.displayName, answered: answers.count, medianDays: median,
                medianText: median.map(Swedish.duration) ?? "–", waiting: waits.count,
                oldestWaitingDays: oldest, oldestText: oldest.map(Swedish.duration) ?? "–")
        }
    }
}

extension ReferralTimes {
    /// The same figures from the store's sums (``OverviewSums``) instead of every person.
    public init(sums: OverviewSums, today: LocalDate) {
        answered = Array(repeating: 0, count: Self.buckets.count)
        waiting = answered
        let answerDays = sums.answerDays
        let waitingSince = sums.waitingSince
        for (_, histogram) in answerDays {
            for (days, count) in histogram { answered[Self.bucket(days)] += count }
        }
        for (_, histogram) in waitingSince {
            for (day, count) in histogram { waiting[Self.bucket(max(0, Swedish.daysBetween(day, today)))] += count }
        }
        perAgency = Agency.allCases.map { agency in
            let answers = (answerDays[agency] ?? [:]).sorted { $0.key < $1.key }
            let total = answers.reduce(0) { $0 + $1.value }
            // The answer at index total / 2 of all answers sorted, as for the list of every person.
            var seen = 0
            let median = answers.first { entry in
                seen += entry.value
                return seen > total / 2
            }?.key
            let waits = waitingSince[agency] ?? [:]
            let oldest = waits.keys.min().map { max(0, Swedish.daysBetween($0, today)) }
            return PerAgency(
                agency: agency.displayName, answered: total, medianDays: median,
                medianText: median.map(Swedish.duration) ?? "–", waiting: waits.values.reduce(0, +),
                oldestWaitingDays: oldest, oldestText: oldest.map(Swedish.duration) ?? "–")
        }
    }
}

extension OwnershipCounts {
    /// The same figures from the store's sums (``OverviewSums``) instead of every person.
    public init(sums: OverviewSums) {
        counts = [:]
        unowned = [:]
        for area in Area.allCases {
            for agency in Agency.allCases where sums.owned(area, by: agency) > 0 {
                counts[area, default: [:]][agency] = sums.owned(area, by: agency)
            }
            if sums.unowned(area) > 0 { unowned[area] = sums.unowned(area) }
        }
    }
}

/// How many people each agency owns per area now, and how many areas nobody owns.
public struct OwnershipCounts: Sendable, Equatable {
    /// counts[area][agency]
    public var counts: [Area: [Agency: Int]]
    /// Areas that had an owner and have none now.
    public var unowned: [Area: Int]

    public init(states: [PersonState]) {
        counts = [:]
        unowned = [:]
        for state in states {
            for area in state.areas {
                if let owner = area.owner {
                    counts[area.area, default: [:]][owner, default: 0] += 1
                } else {
                    unowned[area.area, default: 0] += 1
                }
            }
        }
    }

    public func count(_ area: Area, _ agency: Agency) -> Int { counts[area]?[agency] ?? 0 }

    /// The chart: one row per area, a segment per agency and one for nobody.
    public var chart: StackedBars {
        StackedBars(
            rows: Area.allCases.map { area in
                (
                    area.displayName,
                    Agency.allCases.map { ($0.displayName, count(area, $0), AgencyColour.fill($0)) }
                        + [(Swedish.noOwner, unowned[area] ?? 0, "#fdeceb")]
                )
            },
            legend: Agency.allCases.map { ($0.displayName, AgencyColour.fill($0)) } + [(Swedish.noOwner, "#fdeceb")])
    }
}
