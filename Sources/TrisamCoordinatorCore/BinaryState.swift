import Foundation
import TrisamContracts

// A compact binary form of PersonState, for services that store one state per person and need it
// faster than JSON: varints, strings with a length prefix, dates as day numbers, codes as their
// raw value. Round-trips exactly (`PersonState(binary: state.binaryEncoded()) == state`).

/// A binary state that cannot be read.
public struct BinaryStateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "binary person state: \(reason)" }
}

extension PersonState {
    /// Format version written first. Version 3 added plan revisions and not-possible actions.
    /// Version 4 made the fold independent of the order topics are read in: the areas, cases and
    /// handovers written are the base the kept ownership facts replay on, and it added the facts,
    /// closed referrals and plans, next steps, rejection times and schedule sequences. A reader
    /// also accepts versions 2 and 3 (read with the new fields empty: the stored views become
    /// the base) and refuses others. Version 5 added who registered each consent and its
    /// withdrawal, and the ends of samordning consent (``ConsentEnd``); version 4 is read with
    /// them empty (the next fold records any end that has passed). Version 6 added what the
    /// person page shows of plans and SIPs: goals, delmål and the person's own goal, the phone of
    /// an action's contact, a meeting's place and named participants; version 5 is read with them
    /// empty (they fill in as the agencies publish again).
    public static let binaryFormatVersion: UInt8 = 6

    /// The state in the compact binary form.
    public func binaryEncoded() -> [UInt8] { binaryEncoded(formatVersion: Self.binaryFormatVersion) }

    /// The state in the binary form of a format version: the current one, or an earlier one
    /// (3, 4 or 5) for the tests of reading what older stores hold. Version 3 has the views instead
    /// of base and facts and none of the later additions.
    func binaryEncoded(formatVersion version: UInt8) -> [UInt8] {
        precondition((3...Self.binaryFormatVersion).contains(version), "cannot write format version \(version)")
        let base = version >= 4 ? ownershipBase : OwnershipViews(areas: areas, cases: cases, handovers: handovers)
        var w = BinaryWriter()
        w.bytes.reserveCapacity(512)
        w.byte(version)
        w.string(clientRef.rawValue)
        w.array(base.areas) { w, v in v.write(&w) }
        w.array(base.cases) { w, v in v.write(&w) }
        kommun.write(&w)
        af.write(&w)
        fk.write(&w)
        region.write(&w)
        w.array(referrals) { w, v in v.write(&w, version: version) }
        w.array(sips) { w, v in v.write(&w, version: version) }
        w.array(plans) { w, v in v.write(&w, version: version) }
        w.array(consents) { w, v in v.write(&w, version: version) }
        w.array(base.handovers) { w, v in v.write(&w) }
        w.optional(lastEventTime) { w, v in w.time(v) }
        guard version >= 4 else { return w.bytes }
        w.array(ownershipFacts) { w, v in v.write(&w) }
        for list in [closedReferrals, closedPlans] {
            w.array(list) { w, v in
                w.string(v.id)
                if version >= 5 { w.codes(v.agencies) }
            }
        }
        w.array(nextSteps) { w, v in
            w.code(v.agency)
            w.time(v.time)
        }
        guard version >= 5 else { return w.bytes }
        w.array(consentEnds) { w, v in
            w.code(v.agency)
            w.date(v.endedOn)
            w.code(v.reason)
            w.string(v.consentId)
            w.optionalCode(v.registeredBy)
        }
        return w.bytes
    }

    /// Reads a state written by ``binaryEncoded()``.
    public init(binary: [UInt8]) throws(BinaryStateError) {
        var r = BinaryReader(bytes: binary)
        let version = try r.byte()
        guard (2...Self.binaryFormatVersion).contains(version) else {
            throw BinaryStateError(reason: "format version \(version) is not \(Self.binaryFormatVersion)")
        }
        guard let ref = ClientRef(rawValue: try r.string()) else { throw BinaryStateError(reason: "clientRef is malformed") }
        self.init(clientRef: ref)
        areas = try r.array { r throws(BinaryStateError) in try AreaState(&r) }
        cases = try r.array { r throws(BinaryStateError) in try CaseState(&r) }
        kommun = try KommunStatus(&r)
        af = try AfStatus(&r)
        fk = try FkStatus(&r)
        region = try RegionStatus(&r)
        referrals = try r.array { r throws(BinaryStateError) in try ReferralState(&r, version: version) }
        sips = try r.array { r throws(BinaryStateError) in try SipState(&r, version: version) }
        plans = try r.array { r throws(BinaryStateError) in try PlanState(&r, version: version) }
        consents = try r.array { r throws(BinaryStateError) in try ConsentState(&r, version: version) }
        handovers = try r.array { r throws(BinaryStateError) in try HandoverMark(&r) }
        lastEventTime = try r.optional { r throws(BinaryStateError) in try r.time() }
        if version >= 4 {
            ownershipFacts = try r.array { r throws(BinaryStateError) in try OwnershipFact(&r) }
            func closed(_ r: inout BinaryReader) throws(BinaryStateError) -> [ClosedEntry] {
                try r.array { r throws(BinaryStateError) in ClosedEntry(id: try r.string(), agencies: version >= 5 ? try r.codes() : []) }
            }
            closedReferrals = try closed(&r)
            closedPlans = try closed(&r)
            nextSteps = try r.array { r throws(BinaryStateError) in NextStep(agency: try r.code(), time: try r.time()) }
        }
        if version >= 5 {
            consentEnds = try r.array { r throws(BinaryStateError) in
                ConsentEnd(
                    agency: try r.code(), endedOn: try r.date(), reason: try r.code(), consentId: try r.string(),
                    registeredBy: try r.optionalCode())
            }
        }
        guard r.isAtEnd else { throw BinaryStateError(reason: "\(r.remaining) bytes left over") }
        ownershipBase = OwnershipViews(areas: areas, cases: cases, handovers: handovers)
        ownershipBase.deriveContacts()
        if ownershipFacts.isEmpty {
            areas = ownershipBase.areas
        } else {
            replayOwnership()
        }
    }
}

// MARK: - Writer and reader

/// Writes the compact binary form: varints, zigzag integers, length-prefixed UTF-8 strings,
/// times as 8 bytes, optionals with a presence byte, arrays with a count.
public struct BinaryWriter {
    /// What has been written.
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    public mutating func unsigned(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func int(_ value: Int) {
        let v = Int64(value)
        unsigned(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func string(_ value: String) {
        let utf8 = value.utf8
        unsigned(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func date(_ value: LocalDate) { int(value.daysSinceEpoch) }

    mutating func month(_ value: YearMonth) { int(value.year * 12 + value.month - 1) }

    public mutating func time(_ value: Date) {
        var bits = value.timeIntervalSinceReferenceDate.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    mutating func code<T: Vocabulary>(_ value: T) { string(value.rawValue) }

    public mutating func optional<T>(_ value: T?, _ body: (inout BinaryWriter, T) -> Void) {
        if let value {
            bytes.append(1)
            body(&self, value)
        } else {
            bytes.append(0)
        }
    }

    public mutating func array<T>(_ values: [T], _ body: (inout BinaryWriter, T) -> Void) {
        unsigned(UInt64(values.count))
        for value in values { body(&self, value) }
    }

    mutating func codes<T: Vocabulary>(_ values: [T]) { array(values) { w, v in w.code(v) } }
    mutating func mark(_ value: Mark) { value.write(&self) }
    mutating func optionalMark(_ value: Mark?) { optional(value) { w, v in v.write(&w) } }
    mutating func optionalCode<T: Vocabulary>(_ value: T?) { optional(value) { w, v in w.code(v) } }
    mutating func optionalDate(_ value: LocalDate?) { optional(value) { w, v in w.date(v) } }
    public mutating func optionalInt(_ value: Int?) { optional(value) { w, v in w.int(v) } }
    public mutating func optionalString(_ value: String?) { optional(value) { w, v in w.string(v) } }
}

/// Reads what ``BinaryWriter`` wrote; every read checks its bounds and throws on bad data.
public struct BinaryReader {
    let bytes: [UInt8]
    var position = 0

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Whether everything has been read.
    public var isAtEnd: Bool { position == bytes.count }
    var remaining: Int { bytes.count - position }

    public mutating func byte() throws(BinaryStateError) -> UInt8 {
        guard position < bytes.count else { throw BinaryStateError(reason: "truncated at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func unsigned() throws(BinaryStateError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw BinaryStateError(reason: "varint too long at byte \(position)") }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    public mutating func int() throws(BinaryStateError) -> Int {
        let v = try unsigned()
        return Int(Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))))
    }

    public mutating func count() throws(BinaryStateError) -> Int {
        let v = try unsigned()
        guard v <= UInt64(remaining) else { throw BinaryStateError(reason: "length \(v) exceeds the data at byte \(position)") }
        return Int(v)
    }

    public mutating func bool() throws(BinaryStateError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw BinaryStateError(reason: "bad boolean at byte \(position - 1)")
        }
    }

    public mutating func string() throws(BinaryStateError) -> String {
        let length = try count()
        defer { position += length }
        return String(decoding: bytes[position..<position + length], as: UTF8.self)
    }

    mutating func date() throws(BinaryStateError) -> LocalDate {
        let days = try int()
        guard abs(days) < 200_000, case let date = LocalDate(daysSinceEpoch: days), (1900...2200).contains(date.year) else {
            throw BinaryStateError(reason: "date out of range at byte \(position)")
        }
        return date
    }

    mutating func month() throws(BinaryStateError) -> YearMonth {
        let index = try int()
        guard let value = YearMonth(year: index / 12, month: index % 12 + 1) else {
            throw BinaryStateError(reason: "month out of range at byte \(position)")
        }
        return value
    }

    public mutating func time() throws(BinaryStateError) -> Date {
        var bits: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) { bits |= UInt64(try byte()) << UInt64(shift) }
        return Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits))
    }

    mutating func code<T: Vocabulary>(_ type: T.Type = T.self) throws(BinaryStateError) -> T {
        let raw = try string()
        guard let value = T(rawValue: raw) else { throw BinaryStateError(reason: "unknown \(T.self) code \"\(raw.prefix(40))\"") }
        return value
    }

    public mutating func optional<T>(_ body: (inout BinaryReader) throws(BinaryStateError) -> T) throws(BinaryStateError) -> T? {
        try bool() ? try body(&self) : nil
    }

    public mutating func array<T>(_ body: (inout BinaryReader) throws(BinaryStateError) -> T) throws(BinaryStateError) -> [T] {
        let n = try count()
        var result: [T] = []
        result.reserveCapacity(n)
        for _ in 0..<n { result.append(try body(&self)) }
        return result
    }

    mutating func codes<T: Vocabulary>() throws(BinaryStateError) -> [T] { try array { r throws(BinaryStateError) in try r.code() } }
    mutating func mark() throws(BinaryStateError) -> Mark { try Mark(&self) }
    mutating func optionalMark() throws(BinaryStateError) -> Mark? { try optional { r throws(BinaryStateError) in try Mark(&r) } }
    mutating func optionalCode<T: Vocabulary>() throws(BinaryStateError) -> T? {
        try optional { r throws(BinaryStateError) in try r.code() }
    }
    mutating func optionalDate() throws(BinaryStateError) -> LocalDate? { try optional { r throws(BinaryStateError) in try r.date() } }
    public mutating func optionalInt() throws(BinaryStateError) -> Int? { try optional { r throws(BinaryStateError) in try r.int() } }
    public mutating func optionalString() throws(BinaryStateError) -> String? {
        try optional { r throws(BinaryStateError) in try r.string() }
    }
}

// MARK: - Parts

extension Mark {
    func write(_ w: inout BinaryWriter) {
        w.date(on)
        w.string(event)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        self.init(on: try r.date(), event: try r.string())
    }
}

extension Contact {
    func write(_ w: inout BinaryWriter) {
        w.string(name)
        w.optionalString(role)
        w.optionalString(phone)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        self.init(name: try r.string(), role: try r.optionalString(), phone: try r.optionalString())
    }
}

extension AreaState {
    func write(_ w: inout BinaryWriter) {
        w.code(area)
        w.optionalCode(owner)
        w.optionalDate(since)
        w.optional(pendingHandover) { w, v in
            w.string(v.handoverId)
            w.code(v.from)
            w.code(v.to)
            w.mark(v.requested)
        }
        w.optionalString(answeredHandover)
        w.optional(awaitingReceiver) { w, v in
            w.code(v.from)
            w.code(v.to)
            w.mark(v.closed)
        }
        w.array(periods) { w, v in
            w.code(v.agency)
            w.date(v.from)
            w.optionalDate(v.until)
        }
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        self.init(area: try r.code())
        owner = try r.optionalCode()
        since = try r.optionalDate()
        pendingHandover = try r.optional { r throws(BinaryStateError) in
            PendingHandover(handoverId: try r.string(), from: try r.code(), to: try r.code(), requested: try r.mark())
        }
        answeredHandover = try r.optionalString()
        awaitingReceiver = try r.optional { r throws(BinaryStateError) in
            ClosedByHandover(from: try r.code(), to: try r.code(), closed: try r.mark())
        }
        periods = try r.array { r throws(BinaryStateError) in
            OwnershipPeriod(agency: try r.code(), from: try r.date(), until: try r.optionalDate())
        }
    }
}

extension CaseState {
    func write(_ w: inout BinaryWriter) {
        w.code(agency)
        w.code(area)
        w.optional(contact) { w, v in v.write(&w) }
        w.mark(opened)
        w.optionalMark(closed)
        w.optionalCode(closeReason)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        let agency: Agency = try r.code()
        let area: Area = try r.code()
        let contact = try r.optional { r throws(BinaryStateError) in try Contact(&r) }
        self.init(agency: agency, area: area, contact: contact, opened: try r.mark())
        closed = try r.optionalMark()
        closeReason = try r.optionalCode()
    }
}

extension HandoverMark {
    func write(_ w: inout BinaryWriter) {
        w.code(area)
        w.code(from)
        w.code(to)
        w.mark(mark)
        w.optionalString(handoverId)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        self.init(
            area: try r.code(), from: try r.code(), to: try r.code(), mark: try r.mark(),
            handoverId: try r.optionalString())
    }
}

extension ActivityState {
    func write(_ w: inout BinaryWriter) {
        w.string(id)
        w.string(kind)
        w.int(extentPercent)
        w.mark(started)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        self.init(id: try r.string(), kind: try r.string(), extentPercent: try r.int(), started: try r.mark())
    }
}

extension KommunStatus {
    func write(_ w: inout BinaryWriter) {
        w.optionalCode(bistand)
        w.optionalMark(bistandMark)
        w.optional(bistandMonth) { w, v in w.month(v) }
        w.array(bistandMonths) { w, v in w.month(v) }
        w.optionalDate(bistandSince)
        w.optionalCode(forsorjningshinder)
        w.optional(forsorjningshinderMonth) { w, v in w.month(v) }
        w.optionalString(forsorjningshinderEvent)
        w.codes(arbetshinder)
        w.optionalMark(arbetshinderMark)
        w.optionalMark(illHealthSince)
        w.array(measures) { w, v in v.write(&w) }
        w.optionalMark(lastMeasureEnded)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        self.init()
        bistand = try r.optionalCode()
        bistandMark = try r.optionalMark()
        bistandMonth = try r.optional { r throws(BinaryStateError) in try r.month() }
        bistandMonths = try r.array { r throws(BinaryStateError) in try r.month() }
        bistandSince = try r.optionalDate()
        forsorjningshinder = try r.optionalCode()
        forsorjningshinderMonth = try r.optional { r throws(BinaryStateError) in try r.month() }
        forsorjningshinderEvent = try r.optionalString()
        arbetshinder = try r.codes()
        arbetshinderMark = try r.optionalMark()
        illHealthSince = try r.optionalMark()
        measures = try r.array { r throws(BinaryStateError) in try ActivityState(&r) }
        lastMeasureEnded = try r.optionalMark()
    }
}

extension AfStatus {
    func write(_ w: inout BinaryWriter) {
        w.optionalCode(registration)
        w.optionalMark(registrationMark)
        w.optionalInt(workCapacityPercent)
        w.optionalCode(deregistrationReason)
        w.optionalCode(registrationFailure)
        w.optionalMark(workCapacityLacking)
        w.array(programmes) { w, v in v.write(&w) }
        w.optionalMark(lastProgrammeEnded)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        self.init()
        registration = try r.optionalCode()
        registrationMark = try r.optionalMark()
        workCapacityPercent = try r.optionalInt()
        deregistrationReason = try r.optionalCode()
        registrationFailure = try r.optionalCode()
        workCapacityLacking = try r.optionalMark()
        programmes = try r.array { r throws(BinaryStateError) in try ActivityState(&r) }
        lastProgrammeEnded = try r.optionalMark()
    }
}

extension FkStatus {
    func write(_ w: inout BinaryWriter) {
        w.optionalCode(sjukpenning)
        w.optionalMark(sjukpenningMark)
        w.optionalInt(sjukpenningExtent)
        w.optionalDate(sjukpenningUntil)
        w.optionalCode(sgi)
        w.optionalMark(sgiMark)
        w.optionalInt(rehabkedjaDay)
        w.optionalMark(rehabkedjaMark)
        w.optional(aktivitetsersattning) { w, v in
            w.date(v.from)
            w.date(v.until)
            w.int(v.extentPercent)
            w.mark(v.granted)
            w.optionalMark(v.ended)
        }
        w.optionalCode(sjukersattning)
        w.optionalMark(sjukersattningMark)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        self.init()
        sjukpenning = try r.optionalCode()
        sjukpenningMark = try r.optionalMark()
        sjukpenningExtent = try r.optionalInt()
        sjukpenningUntil = try r.optionalDate()
        sgi = try r.optionalCode()
        sgiMark = try r.optionalMark()
        rehabkedjaDay = try r.optionalInt()
        rehabkedjaMark = try r.optionalMark()
        aktivitetsersattning = try r.optional { r throws(BinaryStateError) in
            var period = BenefitPeriod(from: try r.date(), until: try r.date(), extentPercent: try r.int(), granted: try r.mark())
            period.ended = try r.optionalMark()
            return period
        }
        sjukersattning = try r.optionalCode()
        sjukersattningMark = try r.optionalMark()
    }
}

extension RegionStatus {
    func write(_ w: inout BinaryWriter) {
        w.array(sickNotes) { w, v in
            w.string(v.id)
            w.int(v.extentPercent)
            w.date(v.from)
            w.date(v.until)
            w.mark(v.issued)
        }
        w.optionalMark(lastSickNoteEnd)
        w.optionalCode(lastSickNoteEndReason)
        w.array(treatments) { w, v in
            w.code(v.unit)
            w.code(v.status)
            w.mark(v.mark)
        }
        w.optionalMark(medicallyFinished)
    }

    init(_ r: inout BinaryReader) throws(BinaryStateError) {
        self.init()
        sickNotes = try r.array { r throws(BinaryStateError) in
            SickNoteState(id: try r.string(), extentPercent: try r.int(), from: try r.date(), until: try r.date(), issued: try r.mark())
        }
        lastSickNoteEnd = try r.optionalMark()
        lastSickNoteEndReason = try r.optionalCode()
        treatments = try r.array { r throws(BinaryStateError) in
            TreatmentState(unit: try r.code(), status: try r.code(), mark: try r.mark())
        }
        medicallyFinished = try r.optionalMark()
    }
}

extension ReferralState {
    func write(_ w: inout BinaryWriter, version: UInt8) {
        w.string(id)
        w.code(from)
        w.code(to)
        w.optionalCode(area)
        w.code(status)
        w.mark(sent)
        w.optionalDate(answerBy)
        w.optionalMark(answered)
        w.optional(contact) { w, v in v.write(&w) }
        if version >= 4 { w.optional(rejectedAt) { w, v in w.time(v) } }
    }

    init(_ r: inout BinaryReader, version: UInt8) throws(BinaryStateError) {
        self.init(
            id: try r.string(), from: try r.code(), to: try r.code(), area: try r.optionalCode(), status: try r.code(), sent: try r.mark())
        answerBy = try r.optionalDate()
        answered = try r.optionalMark()
        contact = try r.optional { r throws(BinaryStateError) in try Contact(&r) }
        if version >= 4 { rejectedAt = try r.optional { r throws(BinaryStateError) in try r.time() } }
    }
}

extension SipState {
    func write(_ w: inout BinaryWriter, version: UInt8) {
        w.string(id)
        w.code(caller)
        w.codes(invited)
        w.bool(afterDischarge)
        w.mark(requested)
        w.array(invitations) { w, v in
            w.code(v.invitee)
            w.date(v.answerBy)
            w.mark(v.sent)
            w.optionalCode(v.answer)
            w.optionalMark(v.answered)
        }
        w.optional(meeting) { w, v in
            w.time(v.start)
            w.time(v.end)
        }
        w.optionalMark(scheduled)
        w.optionalMark(held)
        w.optionalMark(cancelled)
        if version >= 4 { w.optionalInt(scheduleSequence) }
        if version >= 6 {
            w.optionalString(location)
            for list in [attendees, heldAttendees] {
                w.optional(list) { w, v in
                    w.array(v) { w, a in
                        w.code(a.agency)
                        w.string(a.name)
                    }
                }
            }
        }
    }

    init(_ r: inout BinaryReader, version: UInt8) throws(BinaryStateError) {
        let id = try r.string()
        let caller: Agency = try r.code()
        let invited: [Agency] = try r.codes()
        let afterDischarge = try r.bool()
        self.init(id: id, caller: caller, requested: try r.mark())
        self.invited = invited
        self.afterDischarge = afterDischarge
        invitations = try r.array { r throws(BinaryStateError) in
            var invitation = SipInvitationState(invitee: try r.code(), answerBy: try r.date(), sent: try r.mark())
            invitation.answer = try r.optionalCode()
            invitation.answered = try r.optionalMark()
            return invitation
        }
        meeting = try r.optional { r throws(BinaryStateError) in TimeSlot(start: try r.time(), end: try r.time()) }
        scheduled = try r.optionalMark()
        held = try r.optionalMark()
        cancelled = try r.optionalMark()
        if version >= 4 { scheduleSequence = try r.optionalInt() }
        if version >= 6 {
            location = try r.optionalString()
            func people(_ r: inout BinaryReader) throws(BinaryStateError) -> [Attendee]? {
                try r.optional { r throws(BinaryStateError) in
                    try r.array { r throws(BinaryStateError) in Attendee(agency: try r.code(), name: try r.string()) }
                }
            }
            attendees = try people(&r)
            heldAttendees = try people(&r)
        }
    }
}

extension PlanState {
    func write(_ w: inout BinaryWriter, version: UInt8) {
        w.string(id)
        w.optionalString(sipId)
        w.code(leadAgency)
        w.codes(participants)
        w.mark(created)
        w.optionalDate(followUpOn)
        w.array(actions) { w, v in
            w.string(v.id)
            w.code(v.owner)
            w.optionalString(v.ownerContact)
            w.string(v.description)
            w.date(v.dueDate)
            w.mark(v.assigned)
            w.optionalMark(v.completed)
            w.optionalString(v.notPossibleReason)
            if version >= 6 { w.optionalString(v.ownerPhone) }
        }
        w.optionalInt(revision)
        w.optional(revisedOn) { w, v in w.array(v) { w, d in w.date(d) } }
        guard version >= 6 else { return }
        for list in [goals, subGoals] { w.optional(list) { w, v in w.array(v) { w, text in w.string(text) } } }
        w.optionalString(personGoal)
    }

    init(_ r: inout BinaryReader, version: UInt8) throws(BinaryStateError) {
        self.init(
            id: try r.string(), sipId: try r.optionalString(), leadAgency: try r.code(), participants: try r.codes(), created: try r.mark())
        followUpOn = try r.optionalDate()
        actions = try r.array { r throws(BinaryStateError) in
            var action = PlanActionState(
                id: try r.string(), owner: try r.code(), ownerContact: try r.optionalString(),
                description: try r.string(), dueDate: try r.date(), assigned: try r.mark())
            action.completed = try r.optionalMark()
            if version >= 3 { action.notPossibleReason = try r.optionalString() }
            if version >= 6 { action.ownerPhone = try r.optionalString() }
            return action
        }
        if version >= 3 {
            revision = try r.optionalInt()
            revisedOn = try r.optional { r throws(BinaryStateError) in try r.array { r throws(BinaryStateError) in try r.date() } }
        }
        if version >= 6 {
            func texts(_ r: inout BinaryReader) throws(BinaryStateError) -> [String]? {
                try r.optional { r throws(BinaryStateError) in try r.array { r throws(BinaryStateError) in try r.string() } }
            }
            goals = try texts(&r)
            subGoals = try texts(&r)
            personGoal = try r.optionalString()
        }
    }
}

extension ConsentState {
    func write(_ w: inout BinaryWriter, version: UInt8) {
        w.string(id)
        w.code(purpose)
        w.codes(agencies)
        w.date(givenOn)
        w.date(validUntil)
        w.optionalDate(withdrawnOn)
        if version >= 5 {
            w.optionalCode(registeredBy)
            w.optionalCode(withdrawnBy)
        }
    }

    init(_ r: inout BinaryReader, version: UInt8) throws(BinaryStateError) {
        self.init(id: try r.string(), purpose: try r.code(), agencies: try r.codes(), givenOn: try r.date(), validUntil: try r.date())
        withdrawnOn = try r.optionalDate()
        if version >= 5 {
            registeredBy = try r.optionalCode()
            withdrawnBy = try r.optionalCode()
        }
    }
}
