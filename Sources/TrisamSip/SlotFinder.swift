import Foundation
import TrisamContracts

/// An accepting participant and the times they can attend.
public struct ParticipantAvailability: Sendable, Hashable {
    /// How the participant is named in answers, e.g. the agency code `af` or "af (Anna Berg)".
    public let participant: String
    /// When the participant can attend; may overlap or touch, in any order.
    public let windows: [DateInterval]

    public init(participant: String, windows: [DateInterval]) {
        self.participant = participant
        self.windows = windows
    }

    /// From the availability of a `sip.invitation.answered` event. A slot whose end is not
    /// after its start becomes an empty window, which ``SlotFinder`` refuses naming it.
    public init(participant: String, slots: [TimeSlot]) {
        self.init(
            participant: participant,
            windows: slots.map { DateInterval(start: $0.start, end: max($0.start, $0.end)) })
    }
}

/// A request that the scheduler cannot act on: which field and why.
public struct SchedulingRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of refusal, for callers that map them to HTTP answers.
    public enum Kind: String, Sendable, Hashable {
        case inThePast, invalidDuration, invalidAlignment, noParticipants, duplicateParticipant
        case invalidParticipant, invalidWindow, nonWorkingDay, outsideWorkingHours
    }

    /// What kind of refusal this is.
    public let kind: Kind
    /// The field at fault, e.g. `notBefore`, `participants[1].windows[0]`, `start`.
    public let field: String
    /// Why, in English.
    public let reason: String

    public init(_ kind: Kind, field: String, reason: String) {
        self.kind = kind
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

/// Why no common time exists, naming who blocks.
public struct NoCommonTime: Sendable, Hashable, CustomStringConvertible {
    public enum Cause: String, Sendable, Hashable {
        /// Each participant in ``NoCommonTime/blocking`` has, on their own, no window long enough
        /// inside working time within the searched period.
        case noUsableTime
        /// Everyone has usable time, but without any single one of ``NoCommonTime/blocking``
        /// the others would have a common time.
        case conflict
        /// Everyone has usable time, but no common time exists even leaving out any one
        /// participant; ``NoCommonTime/blocking`` lists them all.
        case noOverlap
    }

    /// Which of the three situations this is.
    public let cause: Cause
    /// The participants that block, in request order.
    public let blocking: [String]
    /// The searched period: from the earliest permitted start to the last window's end.
    public let searchedFrom: Date
    public let searchedUntil: Date

    public var description: String {
        let who = blocking.joined(separator: ", ")
        switch cause {
        case .noUsableTime: return "no time long enough within working hours for: \(who)"
        case .conflict: return "no common time; the others could meet without any one of: \(who)"
        case .noOverlap: return "no common time for any group but all of: \(who)"
        }
    }

    /// The explanation staff read, in Swedish.
    public var swedishDescription: String {
        let who = blocking.joined(separator: ", ")
        switch cause {
        case .noUsableTime: return "Ingen tillräckligt lång tid inom arbetstid för: \(who)."
        case .conflict: return "Ingen gemensam tid. Övriga deltagare har gemensam tid utan någon av: \(who)."
        case .noOverlap: return "Ingen gemensam tid för deltagarna: \(who)."
        }
    }
}

/// The answer of a slot search.
public enum SlotSearchResult: Sendable, Hashable {
    /// The earliest meeting time all participants can attend.
    case found(DateInterval)
    case noCommonTime(NoCommonTime)
}

/// Finds the earliest meeting time that every accepting participant can attend, inside the
/// working time of a ``WorkingCalendar`` (weekdays, no public holidays, office hours, not over
/// lunch), never before `now`, starting on a local wall-clock multiple of the alignment.
public struct SlotFinder: Sendable {
    /// Working days and hours the meeting must fall in.
    public let calendar: WorkingCalendar
    /// Start times are multiples of this in local time (default 15 minutes).
    public let alignment: TimeInterval
    /// How far ahead of the earliest permitted start the search looks (default 366 days).
    public let horizon: TimeInterval

    /// A finder over `calendar` (default: 08:00–16:30 Europe/Stockholm, Swedish holidays),
    /// starting meetings on multiples of `alignment` and looking `horizon` ahead.
    public init(
        calendar: WorkingCalendar = WorkingCalendar(), alignment: TimeInterval = 15 * 60,
        horizon: TimeInterval = 366 * 86_400
    ) {
        self.calendar = calendar
        self.alignment = alignment
        self.horizon = horizon
    }

    /// The earliest common slot of `duration` starting at or after `notBefore` (default `now`).
    ///
    /// - Throws: ``SchedulingRefusal`` when `notBefore` is in the past, the duration is not
    ///   between 1 minute and 12 hours, or the participants or windows are malformed.
    public func earliestSlot(
        for participants: [ParticipantAvailability], duration: TimeInterval,
        notBefore: Date? = nil, now: Date
    ) throws(SchedulingRefusal) -> SlotSearchResult {
        try validate(participants, duration: duration)
        let lower = notBefore ?? now
        if lower < now {
            throw SchedulingRefusal(
                .inThePast, field: "notBefore",
                reason: "must not be in the past: \(Self.iso(lower)) is before now (\(Self.iso(now)))")
        }
        let latestEnd = participants.flatMap(\.windows).map(\.end).max() ?? lower
        let upper = max(lower, min(latestEnd, lower.addingTimeInterval(horizon)))
        let working = calendar.workingPeriods(from: lower, to: upper)

        // Each participant's usable time: their windows inside working time, after `lower`.
        let usable = participants.map { Self.intersect(Self.normalize($0.windows), working) }
        let noUsable = participants.indices.filter { earliest(in: usable[$0], from: lower, duration: duration) == nil }
        if !noUsable.isEmpty {
            return .noCommonTime(
                NoCommonTime(
                    cause: .noUsableTime, blocking: noUsable.map { participants[$0].participant },
                    searchedFrom: lower, searchedUntil: upper))
        }
        if let slot = earliest(in: Self.common(usable), from: lower, duration: duration) {
            return .found(slot)
        }
        let conflict = participants.indices.filter { left in
            let others = usable.indices.filter { $0 != left }.map { usable[$0] }
            return earliest(in: Self.common(others), from: lower, duration: duration) != nil
        }
        let cause: NoCommonTime.Cause = conflict.isEmpty ? .noOverlap : .conflict
        let blocking = conflict.isEmpty ? Array(participants.indices) : conflict
        return .noCommonTime(
            NoCommonTime(
                cause: cause, blocking: blocking.map { participants[$0].participant },
                searchedFrom: lower, searchedUntil: upper))
    }

    /// Checks a meeting time that staff choose themselves (override or reschedule): refused
    /// when it starts in the past, ends before it starts, or does not lie within one working
    /// period of a working day. The reason names the holiday or the working hours.
    public func checkMeetingTime(_ meeting: DateInterval, now: Date) throws(SchedulingRefusal) {
        if meeting.start < now {
            throw SchedulingRefusal(
                .inThePast, field: "start",
                reason: "must not be in the past: \(Self.iso(meeting.start)) is before now (\(Self.iso(now)))")
        }
        guard meeting.duration > 0 else {
            throw SchedulingRefusal(.invalidDuration, field: "end", reason: "must be after start")
        }
        let day = calendar.localDate(of: meeting.start)
        if let why = calendar.nonWorkingReason(day) {
            let what: String
            switch why {
            case .weekend: what = "a weekend day"
            case .holiday(let holiday): what = "a public holiday (\(holiday.swedishName))"
            }
            throw SchedulingRefusal(.nonWorkingDay, field: "start", reason: "\(day) is \(what), not a working day")
        }
        guard calendar.isWithinWorkingTime(meeting) else {
            let periods = calendar.hours.periods.map(\.description).joined(separator: ", ")
            throw SchedulingRefusal(
                .outsideWorkingHours, field: "start",
                reason: "the meeting must lie within working hours \(periods) \(calendar.timeZone.identifier)")
        }
    }

    /// The participants who cannot attend `meeting` (none of their windows covers it).
    public func unavailableParticipants(for meeting: DateInterval, among participants: [ParticipantAvailability]) -> [String] {
        participants.filter { participant in
            !Self.normalize(participant.windows).contains { $0.start <= meeting.start && meeting.end <= $0.end }
        }.map(\.participant)
    }

    // MARK: - Interval arithmetic

    private func validate(_ participants: [ParticipantAvailability], duration: TimeInterval) throws(SchedulingRefusal) {
        guard duration >= 60, duration <= 12 * 3600 else {
            throw SchedulingRefusal(
                .invalidDuration, field: "duration", reason: "must be between 1 minute and 12 hours, got \(Int(duration)) seconds")
        }
        guard alignment >= 60, alignment <= 86_400, alignment.truncatingRemainder(dividingBy: 60) == 0 else {
            throw SchedulingRefusal(.invalidAlignment, field: "alignment", reason: "must be whole minutes between 1 minute and 1 day")
        }
        guard !participants.isEmpty else {
            throw SchedulingRefusal(.noParticipants, field: "participants", reason: "must name at least one accepting participant")
        }
        var seen = Set<String>()
        for (index, participant) in participants.enumerated() {
            if participant.participant.allSatisfy(\.isWhitespace) {
                throw SchedulingRefusal(.invalidParticipant, field: "participants[\(index)].participant", reason: "must not be empty")
            }
            if !seen.insert(participant.participant).inserted {
                throw SchedulingRefusal(
                    .duplicateParticipant, field: "participants[\(index)].participant",
                    reason: "\"\(participant.participant)\" is listed more than once")
            }
            for (w, window) in participant.windows.enumerated() where window.duration <= 0 {
                throw SchedulingRefusal(.invalidWindow, field: "participants[\(index)].windows[\(w)]", reason: "end must be after start")
            }
        }
    }

    /// The earliest aligned start in `intervals` (sorted, disjoint) with room for `duration`.
    private func earliest(in intervals: [DateInterval], from lower: Date, duration: TimeInterval) -> DateInterval? {
        for interval in intervals where interval.end > lower {
            let start = calendar.alignUp(max(interval.start, lower), step: alignment)
            if start.addingTimeInterval(duration) <= interval.end {
                return DateInterval(start: start, duration: duration)
            }
        }
        return nil
    }

    /// Sorted, with overlapping or touching intervals merged.
    static func normalize(_ intervals: [DateInterval]) -> [DateInterval] {
        var merged: [DateInterval] = []
        for interval in intervals.sorted(by: { $0.start < $1.start }) where interval.duration > 0 {
            if let last = merged.last, interval.start <= last.end {
                merged[merged.count - 1] = DateInterval(start: last.start, end: max(last.end, interval.end))
            } else {
                merged.append(interval)
            }
        }
        return merged
    }

    /// The intersection of two sorted, disjoint interval lists.
    static func intersect(_ a: [DateInterval], _ b: [DateInterval]) -> [DateInterval] {
        var result: [DateInterval] = []
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            let start = max(a[i].start, b[j].start)
            let end = min(a[i].end, b[j].end)
            if start < end { result.append(DateInterval(start: start, end: end)) }
            if a[i].end < b[j].end { i += 1 } else { j += 1 }
        }
        return result
    }

    /// The time common to all lists.
    static func common(_ lists: [[DateInterval]]) -> [DateInterval] {
        guard var result = lists.first else { return [] }
        for list in lists.dropFirst() { result = intersect(result, list) }
        return result
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
