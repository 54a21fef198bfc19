import TrisamContracts

/// What one person adds to the dashboard's overview: the counts that the overview sums over
/// everyone, so that the coordinator can keep the sums up to date with each batch instead of
/// reading every person (issue 22: the overview as fast with a million people as with 286).
///
/// Each count has a key: `p` (a person), `o|<area>|<agency>` (an area owned by the agency),
/// `u|<area>` (an area with nobody owning it), `a|<agency>|<days>` (a referral to the agency
/// answered after that many days), `w|<agency>|<sent day>` (a referral to the agency waiting
/// since that day: its age is counted on the day the overview is shown).
public struct OverviewTally: Sendable, Equatable {
    /// Count per key; no zero counts.
    public var counts: [String: Int]

    /// No contribution (a person not yet stored).
    public init() { counts = [:] }

    /// The contribution of one stored person.
    public init(_ state: PersonState) {
        var counts: [String: Int] = ["p": 1]
        for area in state.areas {
            let key = area.owner.map { "o|\(area.area.rawValue)|\($0.rawValue)" } ?? "u|\(area.area.rawValue)"
            counts[key, default: 0] += 1
        }
        for referral in state.referrals {
            if let answer = referral.answered, referral.status != .sent {
                let days = max(0, answer.on.daysSinceEpoch - referral.sent.on.daysSinceEpoch)
                counts["a|\(referral.to.rawValue)|\(days)", default: 0] += 1
            } else {
                counts["w|\(referral.to.rawValue)|\(referral.sent.on)", default: 0] += 1
            }
        }
        self.counts = counts
    }

    /// What changes in the sums when a person's contribution goes from `old` to `self`; keys
    /// whose count does not change are left out.
    public func delta(from old: OverviewTally) -> [String: Int] {
        var delta = counts
        for (key, count) in old.counts { delta[key, default: 0] -= count }
        return delta.filter { $0.value != 0 }
    }

    /// Adds a delta to sums (for tests and the store's reference computation).
    public static func add(_ delta: [String: Int], to sums: inout [String: Int]) {
        for (key, count) in delta {
            let sum = sums[key, default: 0] + count
            sums[key] = sum == 0 ? nil : sum
        }
    }
}

/// The overview's figures read back from the summed counts of ``OverviewTally``.
public struct OverviewSums: Sendable, Equatable {
    public var counts: [String: Int]

    public init(counts: [String: Int]) { self.counts = counts }

    /// People stored.
    public var persons: Int { counts["p"] ?? 0 }

    /// Areas owned by `agency`.
    public func owned(_ area: Area, by agency: Agency) -> Int { counts["o|\(area.rawValue)|\(agency.rawValue)"] ?? 0 }

    /// Areas known to nobody's ownership now.
    public func unowned(_ area: Area) -> Int { counts["u|\(area.rawValue)"] ?? 0 }

    /// Answered referrals to each agency: days to answer → how many.
    public var answerDays: [Agency: [Int: Int]] {
        var result: [Agency: [Int: Int]] = [:]
        for (key, count) in counts where key.hasPrefix("a|") {
            let parts = key.split(separator: "|")
            guard parts.count == 3, let agency = Agency(rawValue: String(parts[1])), let days = Int(parts[2]) else { continue }
            result[agency, default: [:]][days, default: 0] += count
        }
        return result
    }

    /// Waiting referrals to each agency: day sent → how many.
    public var waitingSince: [Agency: [LocalDate: Int]] {
        var result: [Agency: [LocalDate: Int]] = [:]
        for (key, count) in counts where key.hasPrefix("w|") {
            let parts = key.split(separator: "|")
            guard parts.count == 3, let agency = Agency(rawValue: String(parts[1])), let day = LocalDate(String(parts[2])) else {
                continue
            }
            result[agency, default: [:]][day, default: 0] += count
        }
        return result
    }
}
